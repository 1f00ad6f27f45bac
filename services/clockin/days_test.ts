import assert from "node:assert/strict";
import { newId } from "@/services/db/kv.ts";
import type { Actor } from "@/services/web/define.ts";
import type { User } from "@/services/orgs/users.ts";
import { AppError } from "@/services/web/errors.ts";
import { listDepartments } from "@/services/workspace/departments.ts";
import { zonedTimeToUtc } from "@/services/coursework/due_time.ts";
import {
  addDays,
  clockinCompany,
  mondayBefore,
  NINE_TO_SIX,
  writePunch,
} from "@/tests/clockin_manager_fixtures.ts";
import { daysOfMonth, departmentDay, personDay } from "./days.ts";
import { readBoard } from "./board.ts";

const actor = (user: User) => ({ user, session: {} }) as unknown as Actor;
const TZ = "Asia/Seoul";

Deno.test("a person's day: undone punches do not count, the shift and holidays decide", async () => {
  using kv = await Deno.openKv(":memory:");
  const now = new Date();
  const w = await clockinCompany(kv);
  const depts = await listDepartments(kv, w.org.id);
  const mon = mondayBefore(now, TZ);
  await writePunch(kv, w.org, w.ann.id, mon, "09:20", { undoneAt: new Date().toISOString() });
  await writePunch(kv, w.org, w.ann.id, mon, "09:03");
  await writePunch(kv, w.org, w.ann.id, mon, "18:02", { kind: "out" });
  const day = await personDay(kv, w.org, depts, w.ann.id, mon, now);
  assert.equal(day.punches.length, 3);
  assert.deepEqual(day.evaluation?.results, ["normal"]);

  // Clocked in at 09:20 and never out: late, then missing the clock-out.
  const tue = addDays(mon, 1);
  await writePunch(kv, w.org, w.bob.id, tue, "09:20");
  const late = await personDay(kv, w.org, depts, w.bob.id, tue, now);
  assert.deepEqual(late.evaluation?.results, ["late", "missing_clock_out"]);
  assert.equal(late.evaluation?.lateMinutes, 20);
  assert.ok(late.evaluation?.results.includes("late"));

  // Nobody punched on Wednesday: absent; Saturday is a rest day.
  const wed = await personDay(kv, w.org, depts, w.cy.id, addDays(mon, 2), now);
  assert.deepEqual(wed.evaluation?.results, ["absent"]);
  const sat = await personDay(kv, w.org, depts, w.cy.id, addDays(mon, 5), now);
  assert.deepEqual(sat.evaluation?.results, ["rest"]);
});

Deno.test("a person's shift: their own, else their department's (walking up), else the org's", async () => {
  using kv = await Deno.openKv(":memory:");
  const now = new Date();
  const w = await clockinCompany(kv);
  const late = {
    ...NINE_TO_SIX,
    name: "Late",
    days: { ...NINE_TO_SIX.days, mon: { start: "11:00", end: "20:00" } },
  };
  const id = newId();
  await kv.atomic()
    .set(["clock_shifts", w.org.id, id], { id, orgId: w.org.id, shift: late })
    .set(["clock_shift_assign", w.org.id, "dept", w.eng.id], id)
    .commit();
  const depts = await listDepartments(kv, w.org.id);
  const mon = mondayBefore(now, TZ);
  await writePunch(kv, w.org, w.ann.id, mon, "10:30"); // Platform under Engineering: 11:00 start
  await writePunch(kv, w.org, w.cy.id, mon, "10:30"); // Sales: the org's 09:00 start
  const ann = await personDay(kv, w.org, depts, w.ann.id, mon, now);
  const cy = await personDay(kv, w.org, depts, w.cy.id, mon, now);
  assert.equal(ann.evaluation?.lateMinutes, 0);
  assert.equal(cy.evaluation?.lateMinutes, 90);
});

Deno.test("a department's day: one scan for the org, grouped by person, only its people", async () => {
  using kv = await Deno.openKv(":memory:");
  const now = new Date();
  const w = await clockinCompany(kv, { holidays: [] });
  const depts = await listDepartments(kv, w.org.id);
  const mon = mondayBefore(now, TZ);
  await writePunch(kv, w.org, w.ann.id, mon, "08:55");
  await writePunch(kv, w.org, w.cy.id, mon, "08:55");
  const rows = await departmentDay(kv, w.org, depts, [w.platform.id], mon, now);
  assert.deepEqual(rows.map((r) => r.name), ["Ann", "Bob", "Lead"]);
  assert.equal(rows[0].punches.length, 1);
  assert.deepEqual(rows[1].evaluation?.results, ["absent"]);
});

Deno.test("holidays from the settings make a work day a holiday", async () => {
  using kv = await Deno.openKv(":memory:");
  const now = new Date();
  const mon = mondayBefore(now, TZ);
  const w = await clockinCompany(kv, { holidays: [mon] });
  const depts = await listDepartments(kv, w.org.id);
  const day = await personDay(kv, w.org, depts, w.ann.id, mon, now);
  assert.deepEqual(day.evaluation?.results, ["holiday"]);
});

Deno.test("the board: statuses, counts, flags; managers see their departments and those below", async () => {
  using kv = await Deno.openKv(":memory:");
  const w = await clockinCompany(kv);
  const mon = mondayBefore(new Date(), TZ);
  // Monday 10:00 Seoul: Ann on time, Bob late and flagged, Cy (Sales) outside; Lead not yet.
  const now = zonedTimeToUtc(mon, "10:00", TZ);
  await writePunch(kv, w.org, w.ann.id, mon, "08:58");
  await writePunch(kv, w.org, w.bob.id, mon, "09:31", { flags: ["speed"] });
  await writePunch(kv, w.org, w.cy.id, mon, "08:40", {
    verdict: "outside",
    label: { kind: "place", name: "Suwon", country: "KR", distanceM: 900, accuracyM: 30 },
  });
  const boss = await readBoard(kv, actor(w.boss), { day: mon }, now);
  assert.deepEqual(boss.items.map((r) => [r.name, r.status]), [
    ["Ann", "in"],
    ["Bob", "late"],
    ["Boss", "not_yet"],
    ["Lead", "not_yet"],
  ]);
  assert.equal(boss.items[1].lateMinutes, 31);
  assert.deepEqual(boss.items[1].flags, ["speed"]);
  assert.deepEqual(
    { ...boss.counts },
    { total: 4, in: 2, late: 1, outside: 0, absent: 0, not_yet: 2, off: 0, flagged: 1 },
  );
  const admin = await readBoard(kv, actor(w.admin), { day: mon, status: "outside" }, now);
  assert.deepEqual(admin.items.map((r) => r.name), ["Cy"]);
  assert.equal(admin.items[0].label?.kind, "place");
  // The lead manages Platform only; Engineering above is 403 for them, an employee is 403.
  const lead = await readBoard(kv, actor(w.lead), { day: mon, departmentId: w.platform.id }, now);
  assert.equal(lead.counts.total, 3);
  await assert.rejects(
    readBoard(kv, actor(w.lead), { day: mon, departmentId: w.eng.id }, now),
    (e) => e instanceof AppError && e.status === 403,
  );
  await assert.rejects(
    readBoard(kv, actor(w.ann), { day: mon }, now),
    (e) => e instanceof AppError && e.status === 403,
  );
  // After the end of the day, Lead and Boss are absent.
  const evening = await readBoard(
    kv,
    actor(w.boss),
    { day: mon },
    zonedTimeToUtc(mon, "19:00", TZ),
  );
  assert.equal(evening.counts.absent, 2);
  // Paging keeps the counts of the whole board.
  const page = await readBoard(kv, actor(w.boss), { day: mon, offset: 1, limit: 2 }, now);
  assert.deepEqual(page.items.map((r) => r.name), ["Bob", "Boss"]);
  assert.equal(page.total, 4);
});

Deno.test("days of a month", () => {
  assert.equal(daysOfMonth("2028-02").length, 29);
  assert.equal(daysOfMonth("2026-12")[30], "2026-12-31");
});
