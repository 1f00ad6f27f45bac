/**
 * Punch decisions on a clock passed in: the same minute twice (and at once), the speed and
 * device flags, the next punch's kind, and the retention sweep (positions dropped after the
 * organization's days, the label kept, the person's last punch reduced too).
 */
import assert from "node:assert/strict";
import { randomUser } from "@/tests/fixtures.ts";
import { randomCompany } from "@/tests/workspace_fixtures.ts";
import { refreshClockinOrg } from "./cache.ts";
import { PunchSchema } from "./model.ts";
import { recordPunch } from "./punches.ts";
import { sweepPunchPositions } from "./retention.ts";
import { saveClockinSettings } from "./settings.ts";
import { createSite } from "./sites.ts";

const SEOUL = { lat: 37.5665, lng: 126.978 };
const BUSAN = { lat: 35.1796, lng: 129.0756 }; // about 325 km away

async function world() {
  const kv = await Deno.openKv(":memory:");
  const org = await randomCompany(kv, { timeZone: "Asia/Seoul" });
  const user = await randomUser(kv, org.id, "employee");
  await saveClockinSettings(kv, org.id, { enabled: true, outsideRemark: false, retentionDays: 30 });
  await createSite(kv, org.id, { name: "Seoul office", ...SEOUL, radiusM: 500 });
  refreshClockinOrg(kv, org.id);
  const ctx = (now: Date, device = "device-a") => ({
    orgId: org.id,
    userId: user.id,
    ip: "198.51.100.1",
    device,
    now,
  });
  return { kv, org, user, ctx };
}

Deno.test("the same minute twice gives the first punch back, also when both arrive at once", async () => {
  const w = await world();
  try {
    const t0 = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 5_000);
    const pos = { ...SEOUL, accuracy: 20 };
    const [a, b] = await Promise.all([
      recordPunch(w.kv, w.ctx(t0), { position: pos }),
      recordPunch(w.kv, w.ctx(new Date(t0.getTime() + 10_000)), { position: pos }),
    ]);
    assert.equal(a.punch.id, b.punch.id);
    assert.deepEqual([a.created, b.created].sort(), [false, true]);
    const later = await recordPunch(w.kv, w.ctx(new Date(t0.getTime() + 50_000)), {
      position: pos,
    });
    assert.equal(later.created, false, "still the same minute");
    assert.equal(later.punch.id, a.punch.id);
    const next = await recordPunch(w.kv, w.ctx(new Date(t0.getTime() + 60_000)), { position: pos });
    assert.equal(next.created, true);
    assert.equal(next.punch.kind, "out", "clocked in: the next punch is a clock-out");
    const stored = [];
    for await (const e of w.kv.list({ prefix: ["punches", w.org.id] })) stored.push(e.value);
    assert.equal(stored.length, 2);
  } finally {
    w.kv.close();
  }
});

Deno.test("flags: travel faster than 300 km/h since the last punch, and a changed device", async () => {
  const w = await world();
  try {
    const t0 = new Date(Date.now() - 3 * 3_600_000);
    const first = await recordPunch(w.kv, w.ctx(t0), { position: { ...SEOUL, accuracy: 20 } });
    assert.deepEqual(first.punch.flags, []);
    // Busan one hour later: ~325 km/h.
    const fast = await recordPunch(w.kv, w.ctx(new Date(t0.getTime() + 3_600_000)), {
      position: { ...BUSAN, accuracy: 20 },
    });
    assert.deepEqual(fast.punch.flags, ["speed"]);
    // Back in Seoul two hours after that (~160 km/h), from another device.
    const other = await recordPunch(
      w.kv,
      w.ctx(new Date(t0.getTime() + 3 * 3_600_000), "device-b"),
      {
        position: { ...SEOUL, accuracy: 20 },
      },
    );
    assert.deepEqual(other.punch.flags, ["device"]);
  } finally {
    w.kv.close();
  }
});

Deno.test("retention: raw positions are dropped after the organization's days, the label stays", async () => {
  const w = await world();
  try {
    const t0 = new Date(Date.now() - 40 * 86_400_000);
    const old = await recordPunch(w.kv, w.ctx(t0), { position: { ...SEOUL, accuracy: 20 } });
    const recent = await recordPunch(w.kv, w.ctx(new Date(t0.getTime() + 20 * 86_400_000)), {
      position: { ...SEOUL, accuracy: 25 },
    });
    const day = 86_400_000;
    assert.equal(await sweepPunchPositions(w.kv, new Date(t0.getTime() + 30 * day - 1)), 0);
    assert.equal(await sweepPunchPositions(w.kv, new Date(t0.getTime() + 30 * day)), 1);
    const read = async (p: typeof old.punch) =>
      PunchSchema.parse(
        (await w.kv.get(["punches", w.org.id, p.day, w.user.id, p.id])).value,
      );
    const reduced = await read(old.punch);
    assert.equal(reduced.lat, undefined);
    assert.equal(reduced.lng, undefined);
    assert.equal(reduced.accuracy, undefined);
    assert.ok(reduced.reducedAt);
    assert.deepEqual(reduced.label, old.punch.label);
    assert.equal((await read(recent.punch)).lat, recent.punch.lat, "not yet due");
    assert.equal(
      await sweepPunchPositions(w.kv, new Date(t0.getTime() + 30 * day)),
      0,
      "done once",
    );
    assert.equal(await sweepPunchPositions(w.kv, new Date(t0.getTime() + 50 * day)), 1);
    const last = PunchSchema.parse((await w.kv.get(["punch_last", w.user.id])).value);
    assert.equal(last.id, recent.punch.id);
    assert.equal(last.lat, undefined, "the last-punch copy is reduced too");
  } finally {
    w.kv.close();
  }
});

Deno.test("a punch's day is the organization's: 01:00 in Seoul is the next day in UTC terms", async () => {
  const w = await world();
  try {
    const midnight = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 2 * 86_400_000;
    const at = new Date(midnight + 16 * 3_600_000); // 16:00 UTC = 01:00 the next day in Seoul
    const { punch } = await recordPunch(w.kv, w.ctx(at), { position: { ...SEOUL, accuracy: 20 } });
    const utcDay = at.toISOString().slice(0, 10);
    const next = new Date(midnight + 86_400_000).toISOString().slice(0, 10);
    assert.notEqual(punch.day, utcDay);
    assert.equal(punch.day, next);
    assert.equal(punch.at, at.toISOString(), "the server's time, as given");
  } finally {
    w.kv.close();
  }
});
