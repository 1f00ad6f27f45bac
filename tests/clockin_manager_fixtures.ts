/**
 * Fixtures for the managers' clock-in tests (board, sheet, corrections, makeup, reminders): a
 * company with nested departments, a fixed 09:00-18:00 weekday shift for everyone, clock-in
 * on, and punches written straight into KV with the model's keys (the punch API is tested on
 * its own).
 * @module
 */
import { createClass } from "@/services/classes/classes.ts";
import { addMemberOps } from "@/services/classes/members.ts";
import { commit, newId } from "@/services/db/kv.ts";
import { zonedTimeToUtc } from "@/services/coursework/due_time.ts";
import type { Punch } from "@/services/clockin/model.ts";
import { ClockinSettingsSchema } from "@/services/clockin/model.ts";
import type { Shift } from "@/services/clockin/shifts.ts";
import { weekdayOf } from "@/services/clockin/shifts.ts";
import { randomOrg, randomUser } from "./fixtures.ts";

export const NINE_TO_SIX: Shift = {
  kind: "fixed",
  name: "Office",
  days: {
    mon: { start: "09:00", end: "18:00" },
    tue: { start: "09:00", end: "18:00" },
    wed: { start: "09:00", end: "18:00" },
    thu: { start: "09:00", end: "18:00" },
    fri: { start: "09:00", end: "18:00" },
    sat: null,
    sun: null,
  },
  lateGraceMin: 5,
  earlyGraceMin: 0,
  remoteDays: ["fri"],
};

/** The latest Monday at least `weeksAgo` weeks before `now` on `timeZone`'s calendar. */
export function mondayBefore(now: Date, timeZone: string, weeksAgo = 1): string {
  for (let i = 7 * weeksAgo; i < 7 * weeksAgo + 7; i++) {
    const d = new Intl.DateTimeFormat("en-CA", { timeZone, dateStyle: "short" })
      .format(new Date(now.getTime() - i * 86_400_000));
    if (weekdayOf(d) === "mon") return d;
  }
  throw new Error("no Monday");
}

export { addDays } from "@/services/clockin/days.ts";

/**
 * A company on Seoul's clock: admin; Boss manages Engineering, Lead manages Platform (under
 * Engineering); Ann and Bob work in Platform, Cy in Sales (managed by Sal). Clock-in is on,
 * everyone has NINE_TO_SIX.
 */
export async function clockinCompany(kv: Deno.Kv, settings: Record<string, unknown> = {}) {
  const org = await randomOrg(kv, { kind: "company", name: "Acme", timeZone: "Asia/Seoul" });
  const [admin, boss, lead, ann, bob, cy, sal] = await Promise.all([
    randomUser(kv, org.id, "admin", { name: "Admin" }),
    randomUser(kv, org.id, "employee", { name: "Boss" }),
    randomUser(kv, org.id, "employee", { name: "Lead" }),
    randomUser(kv, org.id, "employee", { name: "Ann" }),
    randomUser(kv, org.id, "employee", { name: "Bob" }),
    randomUser(kv, org.id, "employee", { name: "Cy" }),
    randomUser(kv, org.id, "employee", { name: "Sal" }),
  ]);
  const eng = await createClass(kv, org.id, {
    name: "Engineering",
    kind: "department",
    teacherIds: [boss.id],
  });
  const platform = await createClass(kv, org.id, {
    name: "Platform",
    kind: "department",
    parentId: eng.id,
    teacherIds: [lead.id],
  });
  const sales = await createClass(kv, org.id, {
    name: "Sales",
    kind: "department",
    teacherIds: [sal.id],
  });
  const op = kv.atomic();
  addMemberOps(op, platform.id, ann, "student");
  addMemberOps(op, platform.id, bob, "student");
  addMemberOps(op, sales.id, cy, "student");
  const shiftId = newId();
  op.set(["clock_shifts", org.id, shiftId], { id: shiftId, orgId: org.id, shift: NINE_TO_SIX });
  op.set(["clock_shift_assign", org.id, "org", org.id], shiftId);
  op.set(
    ["clockin_settings", org.id],
    ClockinSettingsSchema.parse({ enabled: true, ...settings }),
  );
  await commit(op);
  return { org, admin, boss, lead, ann, bob, cy, sal, eng, platform, sales, shiftId };
}

/** Writes one punch at `time` ("HH:MM") of `day` on the org's clock, as the punch API would. */
export async function writePunch(
  kv: Deno.Kv,
  org: { id: string; timeZone: string },
  userId: string,
  day: string,
  time: string,
  overrides: Partial<Punch> = {},
): Promise<Punch> {
  const punch: Punch = {
    id: newId(),
    orgId: org.id,
    userId,
    day,
    at: zonedTimeToUtc(day, time, org.timeZone).toISOString(),
    kind: "in",
    verdict: "inside",
    label: { kind: "site", siteName: "HQ", distanceM: 40, accuracyM: 12 },
    flags: [],
    source: "tap",
    ...overrides,
  };
  await commit(kv.atomic().set(["punches", org.id, day, userId, punch.id], punch));
  return punch;
}
