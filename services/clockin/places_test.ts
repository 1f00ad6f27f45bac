import assert from "node:assert/strict";
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
