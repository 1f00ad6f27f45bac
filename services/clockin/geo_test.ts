import assert from "node:assert/strict";
import {
  distanceMeters,
  EARTH_RADIUS_M,
  impliedSpeedKmh,
  ipInRanges,
  IpRangeSchema,
  judgePosition,
  judgeSites,
  normalizeIpRange,
  PositionSchema,
} from "./geo.ts";

/** Metres per degree of latitude on the sphere the module uses. */
const M_PER_DEG = (EARTH_RADIUS_M * Math.PI) / 180;

Deno.test("[clockin geo] a position is validated field by field", () => {
  assert.deepEqual(PositionSchema.parse({ lat: 37.5663, lng: 126.9779, accuracy: 35 }), {
    lat: 37.5663,
    lng: 126.9779,
    accuracy: 35,
  });
  const bad: [unknown, string, RegExp][] = [
    [{ lat: 91, lng: 0, accuracy: 5 }, "lat", /between -90 and 90/],
    [{ lat: 0, lng: -180.5, accuracy: 5 }, "lng", /between -180 and 180/],
    [{ lat: NaN, lng: 0, accuracy: 5 }, "lat", /finite number/],
    [{ lat: 0, lng: Infinity, accuracy: 5 }, "lng", /finite number/],
    [{ lat: 0, lng: 0 }, "accuracy", /Accuracy is required/],
    [{ lat: 0, lng: 0, accuracy: 0 }, "accuracy", /more than 0/],
    [{ lat: 0, lng: 0, accuracy: -Infinity }, "accuracy", /finite number/],
    [{ lat: "37", lng: 0, accuracy: 5 }, "lat", /finite number/],
    [{ lng: 0, accuracy: 5 }, "lat", /Latitude is required/],
  ];
  for (const [input, path, message] of bad) {
    const r = PositionSchema.safeParse(input);
    assert.equal(r.success, false, JSON.stringify(input));
    assert.deepEqual(r.error!.issues.map((i) => i.path.join(".")), [path]);
    assert.match(r.error!.issues[0].message, message);
  }
});

Deno.test("[clockin geo] distances: known pairs, the antimeridian and the poles", () => {
  // Seoul City Hall to Shanghai People's Square: about 870 km.
  const seoulShanghai = distanceMeters({ lat: 37.5663, lng: 126.9779 }, {
    lat: 31.2304,
    lng: 121.4737,
  });
  assert.ok(Math.abs(seoulShanghai - 870_000) < 10_000, String(seoulShanghai));
  // One degree of longitude on the equator across the antimeridian is the short way round.
  const across = distanceMeters({ lat: 0, lng: 179.5 }, { lat: 0, lng: -179.5 });
  assert.ok(Math.abs(across - M_PER_DEG) < 1e-6, String(across));
  // Near a pole, opposite longitudes are close.
  const pole = distanceMeters({ lat: 89.999, lng: 0 }, { lat: 89.999, lng: 180 });
  assert.ok(Math.abs(pole - 0.002 * M_PER_DEG) < 1e-3, String(pole));
  assert.ok(distanceMeters({ lat: 90, lng: 10 }, { lat: 90, lng: -170 }) < 1e-6); // one point
  assert.equal(distanceMeters({ lat: 12.3, lng: 45.6 }, { lat: 12.3, lng: 45.6 }), 0);
});

Deno.test("[clockin geo] the accuracy circle decides at the boundary, to the centimetre", () => {
  const site = { lat: 37.5, lng: 127, radiusM: 300 };
  const north = (m: number) => ({ lat: 37.5 + m / M_PER_DEG, lng: 127 });
  // Same point: the whole circle fits exactly, or misses by 1 cm.
  assert.equal(judgePosition({ ...site, accuracy: 300 }, site).verdict, "inside");
  assert.equal(judgePosition({ ...site, accuracy: 300.01 }, site).verdict, "uncertain");
  // distance + accuracy = radius is inside; 1 cm more is uncertain.
  assert.equal(judgePosition({ ...north(200), accuracy: 100 }, site).verdict, "inside");
  assert.equal(judgePosition({ ...north(200.01), accuracy: 100 }, site).verdict, "uncertain");
  assert.equal(judgePosition({ ...north(199.99), accuracy: 100 }, site).verdict, "inside");
  // distance − accuracy = radius is still uncertain; 1 cm more is outside.
  assert.equal(judgePosition({ ...north(400), accuracy: 100 }, site).verdict, "uncertain");
  assert.equal(judgePosition({ ...north(400.01), accuracy: 100 }, site).verdict, "outside");
  assert.equal(judgePosition({ ...north(399.99), accuracy: 100 }, site).verdict, "uncertain");
  const { distanceM } = judgePosition({ ...north(250), accuracy: 10 }, site);
  assert.ok(Math.abs(distanceM - 250) < 1e-6);
});

Deno.test("[clockin geo] verdicts across the antimeridian and near the poles", () => {
  const fiji = { lat: -16.5, lng: 179.999, radiusM: 500 };
  // 0.002° east of the site is across the line, about 213 m away.
  assert.equal(judgePosition({ lat: -16.5, lng: -179.999, accuracy: 50 }, fiji).verdict, "inside");
  assert.equal(judgePosition({ lat: -16.5, lng: 179.9, accuracy: 50 }, fiji).verdict, "outside");
  const station = { lat: -89.998, lng: 0, radiusM: 1000 };
  // The other side of the South Pole, ~445 m away along the meridians.
  assert.equal(judgePosition({ lat: -89.998, lng: 180, accuracy: 100 }, station).verdict, "inside");
  assert.equal(judgePosition({ lat: -90, lng: 0, accuracy: 10 }, station).verdict, "inside");
  assert.equal(judgePosition({ lat: -89.98, lng: 90, accuracy: 10 }, station).verdict, "outside");
});

Deno.test("[clockin geo] several sites: inside beats uncertain beats outside", () => {
  const a = { id: "a", name: "Main Campus", lat: 37.5, lng: 127, radiusM: 300 };
  const b = { id: "b", name: "Annex", lat: 37.51, lng: 127, radiusM: 2000 };
  // ~600 m north of A (outside it), ~510 m south of B (inside it).
  const pos = { lat: 37.5 + 600 / M_PER_DEG, lng: 127, accuracy: 50 };
  const inB = judgeSites(pos, [a, b]);
  assert.equal(inB.verdict, "inside");
  assert.deepEqual(inB.site, { id: "b", name: "Annex" });
  assert.ok(Math.abs(inB.distanceM! - (0.01 * M_PER_DEG - 600)) < 0.01);
  // Uncertain at A only: uncertain, reported with A even though B is not nearer.
  const c = { ...b, id: "c", name: "Far", lat: 38 };
  const edge = judgeSites({ lat: 37.5 + 310 / M_PER_DEG, lng: 127, accuracy: 50 }, [c, a]);
  assert.equal(edge.verdict, "uncertain");
  assert.equal(edge.site?.id, "a");
  // Outside everywhere: the nearest site.
  const far = judgeSites({ lat: 37.4, lng: 127, accuracy: 10 }, [c, a]);
  assert.equal(far.verdict, "outside");
  assert.equal(far.site?.id, "a");
  // Inside two: the nearer one.
  const both = judgeSites({ lat: 37.5, lng: 127, accuracy: 10 }, [
    { ...b, radiusM: 3000 },
    a,
  ]);
  assert.equal(both.site?.id, "a");
  assert.equal(both.distanceM, 0);
  assert.deepEqual(judgeSites(pos, []), { verdict: "outside" });
});

Deno.test("[clockin geo] implied speed between two punches", () => {
  const seoul = { lat: 37.5663, lng: 126.9779 };
  const busan = { lat: 35.1796, lng: 129.0756 };
  const km = distanceMeters(seoul, busan) / 1000;
  const t0 = new Date("2026-03-02T00:00:00Z");
  const oneHour = new Date(t0.getTime() + 3_600_000);
  assert.ok(Math.abs(impliedSpeedKmh({ ...seoul, at: t0 }, { ...busan, at: oneHour }) - km) < 1e-9);
  // Order does not matter, strings work.
  assert.ok(
    Math.abs(
      impliedSpeedKmh({ ...busan, at: oneHour.toISOString() }, { ...seoul, at: t0 }) - km,
    ) < 1e-9,
  );
  assert.equal(impliedSpeedKmh({ ...seoul, at: t0 }, { ...busan, at: t0 }), Infinity);
  assert.equal(impliedSpeedKmh({ ...seoul, at: t0 }, { ...seoul, at: t0 }), 0);
  assert.equal(impliedSpeedKmh({ ...seoul, at: t0 }, { ...seoul, at: oneHour }), 0);
  assert.throws(() => impliedSpeedKmh({ ...seoul, at: "soon" }, { ...busan, at: t0 }), RangeError);
});

Deno.test("[clockin geo] IP ranges are normalised or refused with a message", () => {
  const cases: [string, string][] = [
    ["203.0.113.7", "203.0.113.7/32"],
    [" 192.168.1.77/24 ", "192.168.1.0/24"],
    ["10.0.0.0/8", "10.0.0.0/8"],
    ["0.0.0.0/0", "0.0.0.0/0"],
    ["2001:DB8::1", "2001:db8::1/128"],
    ["2001:db8:0:0:1:0:0:1/128", "2001:db8::1:0:0:1/128"],
    ["2001:db8::/32", "2001:db8::/32"],
    ["2001:db8:abcd:12ff::/56", "2001:db8:abcd:1200::/56"],
    ["::", "::/128"],
    ["::1", "::1/128"],
    ["::ffff:192.0.2.1", "192.0.2.1/32"],
    ["::ffff:10.0.0.0/104", "10.0.0.0/8"],
    ["64:ff9b::192.0.2.33", "64:ff9b::c000:221/128"],
    ["1:0:0:2:0:0:0:3", "1:0:0:2::3/128"],
  ];
  for (const [input, want] of cases) {
    assert.equal(normalizeIpRange(input), want, input);
    assert.equal(IpRangeSchema.parse(input), want, input);
  }
  for (
    const bad of [
      "",
      "1.2.3",
      "1.2.3.4.5",
      "256.1.1.1",
      "01.2.3.4",
      "1.2.3.4/33",
      "1.2.3.4/",
      "1.2.3.4/08",
      "2001:db8::/129",
      "1::2::3",
      "12345::",
      "1:2:3:4:5:6:7:8:9",
      "1:2:3:4:5:6:7",
      "1.2.3.4::",
      "fe80::1%eth0",
      "office",
      "1.2.3.4/24/8",
    ]
  ) {
    assert.equal(normalizeIpRange(bad), null, bad);
    const r = IpRangeSchema.safeParse(bad);
    assert.equal(r.success, false, bad);
    assert.match(r.error!.issues[0].message, /IP address or range/);
  }
  assert.equal(IpRangeSchema.safeParse(42).success, false);
});

Deno.test("[clockin geo] an address is in an office network or not", () => {
  const office = ["203.0.113.0/24", "2001:db8:1::/48", "198.51.100.9"];
  assert.equal(ipInRanges("203.0.113.200", office), true);
  assert.equal(ipInRanges("203.0.114.1", office), false);
  assert.equal(ipInRanges("198.51.100.9", office), true);
  assert.equal(ipInRanges("198.51.100.10", office), false);
  assert.equal(ipInRanges("::ffff:203.0.113.5", office), true);
  assert.equal(ipInRanges("::ffff:cb00:7105", office), true); // the same address in hex
  assert.equal(ipInRanges("2001:db8:1:ffff::1", office), true);
  assert.equal(ipInRanges("2001:db8:2::1", office), false);
  assert.equal(ipInRanges("not an ip", office), false);
  assert.equal(ipInRanges("203.0.113.0/24", office), false); // a range is not a client address
  assert.equal(ipInRanges("203.0.113.5", ["garbage", "203.0.113.0/24"]), true);
  assert.equal(ipInRanges("10.1.2.3", ["0.0.0.0/0"]), true);
  assert.equal(ipInRanges("10.1.2.3", ["::/0"]), false); // IPv6 ranges do not cover IPv4
  assert.equal(ipInRanges("10.1.2.3", []), false);
});
