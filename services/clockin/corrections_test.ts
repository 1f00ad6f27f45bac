import assert from "node:assert/strict";
import type { Actor } from "@/services/web/define.ts";
import type { User } from "@/services/orgs/users.ts";
import { AppError } from "@/services/web/errors.ts";
import { listDepartments } from "@/services/workspace/departments.ts";
import { clockinCompany, mondayBefore, writePunch } from "@/tests/clockin_manager_fixtures.ts";
import { correctDay, listCorrections } from "./corrections.ts";
import { personDay } from "./days.ts";
import { personMonth } from "./sheet.ts";

const actor = (user: User) => ({ user, session: {} }) as unknown as Actor;
const TZ = "Asia/Seoul";

Deno.test("corrections: two managers taking out the same punch at once: one wins, one correction", async () => {
  using kv = await Deno.openKv(":memory:");
  const w = await clockinCompany(kv);
  const mon = mondayBefore(new Date(), TZ);
  const p = await writePunch(kv, w.org, w.ann.id, mon, "09:30");
  const input = {
    action: "remove" as const,
    userId: w.ann.id,
    day: mon,
    punchId: p.id,
    reason: "Wrong person",
  };
  const results = await Promise.allSettled([
    correctDay(kv, actor(w.lead), input),
    correctDay(kv, actor(w.boss), input),
  ]);
  assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
  const failed = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
  assert.ok(failed.reason instanceof AppError && failed.reason.status === 409);
  assert.equal((await listCorrections(kv, w.org.id, w.ann.id, mon.slice(0, 7))).length, 1);
  const depts = await listDepartments(kv, w.org.id);
  const day = await personDay(kv, w.org, depts, w.ann.id, mon, new Date());
  assert.deepEqual(day.evaluation?.results, ["absent"]);
});

Deno.test("corrections change the month's totals: a missed clock-in added on time", async () => {
  using kv = await Deno.openKv(":memory:");
  const w = await clockinCompany(kv);
  const mon = mondayBefore(new Date(), TZ);
  const month = mon.slice(0, 7);
  await writePunch(kv, w.org, w.ann.id, mon, "09:45");
  await writePunch(kv, w.org, w.ann.id, mon, "18:00", { kind: "out" });
  const depts = await listDepartments(kv, w.org.id);
  const before = await personMonth(kv, w.org, depts, w.ann.id, month);
  const lateBefore = before.totals.lateMinutes;
  assert.ok(lateBefore >= 45);
  await correctDay(kv, actor(w.admin), {
    action: "add",
    userId: w.ann.id,
    day: mon,
    kind: "in",
    time: "08:55",
    reason: "Was at the front desk",
  });
  const after = await personMonth(kv, w.org, depts, w.ann.id, month);
  assert.equal(after.totals.lateMinutes, lateBefore - 45);
  assert.deepEqual(after.days.find((d) => d.day === mon)?.evaluation?.results, ["normal"]);
  await assert.rejects(
    correctDay(kv, actor(w.lead), {
      action: "add",
      userId: w.ann.id,
      day: "2999-01-01",
      kind: "in",
      time: "09:00",
      reason: "x",
    }),
    (e) => e instanceof AppError && e.status === 400 && e.details?.[0].path?.[0] === "day",
  );
});
