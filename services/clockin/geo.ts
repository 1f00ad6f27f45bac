/**
 * Clock-in geometry, pure: the position a browser reports, the distance to a site, the verdict
 * with the accuracy circle (never a bare point), office networks as IP ranges, and the speed a
 * pair of punches implies (for the "faster than 300 km/h" flag).
 *
 * Distances are great-circle (haversine) on a sphere of the mean Earth radius; the error against
 * the ellipsoid is under 0.5 %, far below what a phone's GPS reports as its accuracy. Verdicts
 * compare in whole millimetres so that the boundary ("exactly equal is inside") does not depend
 * on floating-point noise.
 * @module
 */
import { z } from "zod";

/** Mean Earth radius (IUGG), metres. */
export const EARTH_RADIUS_M = 6_371_008.8;
/** The smallest radius a site may have, metres. */
export const RADIUS_MIN_M = 50;
/** The largest radius a site may have, metres. */
export const RADIUS_MAX_M = 3000;
/** A new site's radius unless the admin picks another, metres (the issue's article). */
export const RADIUS_DEFAULT_M = 1000;
/** A reading less accurate than this is refused unless the organization sets another, metres. */
export const ACCURACY_LIMIT_DEFAULT_M = 1000;
/** A punch implying travel faster than this since the previous one is flagged, km/h. */
export const MAX_SPEED_KMH = 300;

function coordinate(field: string, min: number, max: number) {
  return z.number({
    error: (iss) =>
      iss.input === undefined
        ? `${field} is required.`
        : `${field} must be a finite number of degrees.`,
  }).min(min, `${field} must be between ${min} and ${max}.`)
    .max(max, `${field} must be between ${min} and ${max}.`);
}

/** A position as the browser's Geolocation API reports it: degrees, and accuracy in metres. */
export const PositionSchema = z.strictObject({
  lat: coordinate("Latitude", -90, 90),
  lng: coordinate("Longitude", -180, 180),
  accuracy: z.number({
    error: (iss) =>
      iss.input === undefined
        ? "Accuracy is required (metres, as the browser reports it)."
        : "Accuracy must be a finite number of metres.",
  }).positive("Accuracy must be more than 0 metres."),
});
export type Position = z.infer<typeof PositionSchema>;

/** A point in degrees. */
export interface LatLng {
  lat: number;
  lng: number;
}

const RAD = Math.PI / 180;

/** Great-circle distance between two points in metres (haversine, mean Earth radius). */
export function distanceMeters(a: LatLng, b: LatLng): number {
  const dLat = (b.lat - a.lat) * RAD;
  const dLng = (b.lng - a.lng) * RAD;
  const h = Math.sin(dLat / 2) ** 2 +
    Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Where a reading puts a person relative to a site, given the reading's accuracy circle. */
export type Verdict = "inside" | "outside" | "uncertain";

const mm = (m: number) => Math.round(m * 1000);

/**
 * The issue's rule: inside when distance + accuracy ≤ radius (the whole circle is in the site);
 * outside when distance − accuracy > radius (none of it is); otherwise uncertain.
 * @example judgePosition({ lat: 37.5663, lng: 126.9779, accuracy: 35 }, site) // { verdict, distanceM }
 */
export function judgePosition(
  pos: LatLng & { accuracy: number },
  site: LatLng & { radiusM: number },
): { verdict: Verdict; distanceM: number } {
  const distanceM = distanceMeters(pos, site);
  const d = mm(distanceM), acc = mm(pos.accuracy), r = mm(site.radiusM);
  const verdict: Verdict = d + acc <= r ? "inside" : d - acc > r ? "outside" : "uncertain";
  return { verdict, distanceM };
}

/** A registered site as the judge needs it. */
export interface SiteArea extends LatLng {
  id: string;
  name: string;
  radiusM: number;
}

/**
 * The verdict over all of a person's sites: inside if inside any (the nearest such site is
 * reported), else uncertain if uncertain at any (the nearest of those), else outside (the
 * nearest site). No sites: outside, with no site.
 */
export function judgeSites(
  pos: LatLng & { accuracy: number },
  sites: readonly SiteArea[],
): { verdict: Verdict; site?: { id: string; name: string }; distanceM?: number } {
  const best: Partial<Record<Verdict, { site: SiteArea; distanceM: number }>> = {};
  for (const site of sites) {
    const { verdict, distanceM } = judgePosition(pos, site);
    const prev = best[verdict];
    if (!prev || distanceM < prev.distanceM) best[verdict] = { site, distanceM };
  }
  for (const verdict of ["inside", "uncertain", "outside"] as const) {
    const hit = best[verdict];
    if (hit) {
      return { verdict, site: { id: hit.site.id, name: hit.site.name }, distanceM: hit.distanceM };
    }
  }
  return { verdict: "outside" };
}

/**
 * The speed, in km/h, that travelling from punch `a` to punch `b` implies (order does not
 * matter). The same place is 0 whatever the times; a different place at the same instant is
 * Infinity (flag it). An unreadable time throws a RangeError.
 */
export function impliedSpeedKmh(
  a: LatLng & { at: Date | string },
  b: LatLng & { at: Date | string },
): number {
  const ta = new Date(a.at).getTime(), tb = new Date(b.at).getTime();
  if (!Number.isFinite(ta) || !Number.isFinite(tb)) {
    throw new RangeError("impliedSpeedKmh: a punch time is not a valid date");
  }
  const km = distanceMeters(a, b) / 1000;
  if (km === 0) return 0;
  const hours = Math.abs(tb - ta) / 3_600_000;
  return hours === 0 ? Infinity : km / hours;
}

// --- Office networks -------------------------------------------------------------------------
// Browsers cannot read Wi-Fi names, so an office network is the list of IP ranges its traffic
// comes from. Addresses are parsed here (no dependency): IPv4 dotted quads without leading zeros
// (010 is octal to some parsers), IPv6 per RFC 4291 (with "::" and a trailing dotted quad).

interface Cidr {
  v: 4 | 6;
  net: bigint;
  prefix: number;
}

function parseV4(s: string): bigint | null {
  const parts = s.split(".");
  if (parts.length !== 4) return null;
  let n = 0n;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return null;
    n = (n << 8n) | BigInt(p);
  }
  return n;
}

function parseV6(s: string): bigint | null {
  if (!/^[0-9a-f:.]+$/i.test(s)) return null;
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const groups = (h: string): number[] | null => {
    if (h === "") return [];
    const out: number[] = [];
    const parts = h.split(":");
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (i === parts.length - 1 && p.includes(".")) {
        const v4 = parseV4(p);
        if (v4 === null) return null;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else if (/^[0-9a-f]{1,4}$/i.test(p)) out.push(parseInt(p, 16));
      else return null;
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return null;
  if (halves.length === 2 && halves[0].includes(".")) return null; // a dotted quad ends it
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...Array(Math.max(0, missing)).fill(0), ...tail];
  return all.reduce((n, g) => (n << 16n) | BigInt(g), 0n);
}

const MAPPED_PREFIX = 0xffffn << 32n;

/** Parses "addr" or "addr/prefix"; an IPv4-mapped IPv6 address becomes the IPv4 one. */
function parseCidr(input: string): Cidr | null {
  const [addr, len, extra] = input.trim().split("/");
  if (extra !== undefined || addr === "") return null;
  let v: 4 | 6 = addr.includes(":") ? 6 : 4;
  let net = v === 4 ? parseV4(addr) : parseV6(addr);
  if (net === null) return null;
  const bits = v === 4 ? 32 : 128;
  if (len !== undefined && !/^(0|[1-9]\d{0,2})$/.test(len)) return null;
  let prefix = len === undefined ? bits : Number(len);
  if (prefix > bits) return null;
  if (v === 6 && net >> 32n === 0xffffn && prefix >= 96) {
    v = 4;
    net -= MAPPED_PREFIX;
    prefix -= 96;
  }
  const width = BigInt(v === 4 ? 32 : 128);
  const hostBits = width - BigInt(prefix);
  net = (net >> hostBits) << hostBits;
  return { v, net, prefix };
}

function formatV6(n: bigint): string {
  const g = Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

function formatCidr(c: Cidr): string {
  const addr = c.v === 4
    ? [24n, 16n, 8n, 0n].map((s) => String((c.net >> s) & 0xffn)).join(".")
    : formatV6(c.net);
  return `${addr}/${c.prefix}`;
}

/**
 * The canonical form of an IP range: "192.168.1.0/24", "2001:db8::/32"; a single address gets
 * /32 or /128; host bits are cleared ("10.1.2.3/8" is "10.0.0.0/8"); IPv4-mapped IPv6 ranges
 * become IPv4. Null when the text is not a range.
 */
export function normalizeIpRange(input: string): string | null {
  const c = parseCidr(input);
  return c ? formatCidr(c) : null;
}

/** An office network range as an admin types it, stored in canonical form. */
export const IpRangeSchema = z.string({ error: "Enter an IP range." }).transform((s, ctx) => {
  const norm = normalizeIpRange(s);
  if (norm === null) {
    ctx.addIssue({
      code: "custom",
      message: "Enter an IP address or range, such as 203.0.113.0/24 or 2001:db8::/48.",
    });
    return z.NEVER;
  }
  return norm;
});

/**
 * True when `ip` (a single IPv4 or IPv6 address, as the server sees the client) is in one of
 * `ranges`. "::ffff:1.2.3.4" matches IPv4 ranges. Unreadable addresses or ranges never match.
 */
export function ipInRanges(ip: string, ranges: readonly string[]): boolean {
  const a = parseCidr(ip);
  if (!a || a.prefix !== (a.v === 4 ? 32 : 128)) return false;
  for (const r of ranges) {
    const c = parseCidr(r);
    if (!c || c.v !== a.v) continue;
    const hostBits = BigInt((c.v === 4 ? 32 : 128) - c.prefix);
    if (a.net >> hostBits === c.net >> hostBits) return true;
  }
  return false;
}
