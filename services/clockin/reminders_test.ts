import assert from "node:assert/strict";
import { zonedTimeToUtc } from "@/services/coursework/due_time.ts";
import { setQueueMode } from "@/services/jobs/schedule.ts";
import { listNotifications } from "@/services/notifications/notifications.ts";
import {
  addDays,
  clockinCompany,
  mondayBefore,
  writePunch,
} from "@/tests/clockin_manager_fixtures.ts";
import { type ClockinReminderMessage, handleClockinReminder, planClockinDay } from "./reminders.ts";

const TZ = "Asia/Seoul";

async function jobs(kv: Deno.Kv) {
  const out: { runAt: number; msg: Record<string, string> }[] = [];
  for await (const e of kv.list<Record<string, string>>({ prefix: ["jobs"] })) {
    out.push({ runAt: e.key[1] as number, msg: e.value });
  }
  return out;
}

Deno.test("reminders: a day's plan enqueues one reminder per shift start and the next day's plan, once", async () => {
  using kv = await Deno.openKv(":memory:");
  setQueueMode(kv, "table");
  const w = await clockinCompany(kv, { reminderMinutes: 15 });
  const mon = mondayBefore(new Date(), TZ);
  const now = zonedTimeToUtc(mon, "07:00", TZ);
  assert.equal(await planClockinDay(kv, w.org, mon, now), 1);
  const planned = await jobs(kv);
  const reminder = planned.find((j) => j.msg.type === "clockin_reminder")!;
  assert.equal(reminder.msg.startsAt, zonedTimeToUtc(mon, "09:00", TZ).toISOString());
  // Due 15 minutes before 09:00 (the table's key is the enqueue time plus the delay).
  const fireAt = zonedTimeToUtc(mon, "08:45", TZ).getTime();
  assert.ok(Math.abs(reminder.runAt - (Date.now() + fireAt - now.getTime())) < 5_000);
  const next = planned.find((j) => j.msg.type === "clockin_reminder_day")!;
  assert.equal(next.msg.day, addDays(mon, 1));
  // Planned already: a second chain plans nothing.
  assert.equal(await planClockinDay(kv, w.org, mon, now), 0);
  assert.equal((await jobs(kv)).length, 2);
  // Saturday is a rest day: only the next day's plan.
  assert.equal(await planClockinDay(kv, w.org, addDays(mon, 5), now), 0);
});

Deno.test("reminders: who has not clocked in is told once; early, late and switched-off messages do nothing", async () => {
  using kv = await Deno.openKv(":memory:");
  setQueueMode(kv, "table");
  const w = await clockinCompany(kv, { reminderMinutes: 10 });
  const mon = mondayBefore(new Date(), TZ);
  await writePunch(kv, w.org, w.ann.id, mon, "08:30");
  const msg: ClockinReminderMessage = {
    type: "clockin_reminder",
    orgId: w.org.id,
    day: mon,
    startsAt: zonedTimeToUtc(mon, "09:00", TZ).toISOString(),
  };
  const at = (time: string) => zonedTimeToUtc(mon, time, TZ);

  assert.deepEqual(await handleClockinReminder(kv, w.org, msg, at("08:00")), {
    status: "rescheduled",
    notified: 0,
  });
  const sent = await handleClockinReminder(kv, w.org, msg, at("08:50"));
  // Everyone of the company but Ann (admin, Boss, Lead, Bob, Cy, Sal).
  assert.deepEqual(sent, { status: "sent", notified: 6 });
  const bob = await listNotifications(kv, w.bob.id);
  assert.equal(bob.items.length, 1);
  assert.equal(bob.items[0].kind, "clockin");
  assert.match(bob.items[0].title, /10 minutes/);
  assert.equal((await listNotifications(kv, w.ann.id)).items.length, 0);
  // A second delivery of the same message tells nobody again.
  assert.deepEqual(await handleClockinReminder(kv, w.org, msg, at("08:51")), {
    status: "sent",
    notified: 0,
  });
  assert.deepEqual(await handleClockinReminder(kv, w.org, msg, at("09:00")), {
    status: "stale",
    notified: 0,
  });
  // Another start time than anyone's shift, or clock-in switched off: stale.
  const other = { ...msg, startsAt: at("10:00").toISOString() };
  assert.equal((await handleClockinReminder(kv, w.org, other, at("09:50"))).status, "stale");
  const entry = await kv.get<Record<string, unknown>>(["clockin_settings", w.org.id]);
  await kv.set(["clockin_settings", w.org.id], { ...entry.value, enabled: false });
  const tue = {
    ...msg,
    day: addDays(mon, 1),
    startsAt: zonedTimeToUtc(addDays(mon, 1), "09:00", TZ).toISOString(),
  };
  assert.equal(
    (await handleClockinReminder(kv, w.org, tue, zonedTimeToUtc(tue.day, "08:50", TZ))).status,
    "stale",
  );
});
