/**
 * Reminders before a shift starts (`reminderMinutes` in the settings) to the people of that
 * shift who have not clocked in yet, on the job queue (services/jobs).
 *
 * Per organization, one "day" message a day (`clockin_reminder_day`) plans that day: for each
 * distinct shift start of its people it enqueues a `clockin_reminder` message due
 * `reminderMinutes` before, then enqueues the next day's "day" message for that day's midnight.
 * A marker `["clockin_reminder_days", orgId, day]` written with the plan makes a second chain
 * (two starts, a redelivery) plan nothing. `startClockinReminders` starts the chain (when
 * clock-in is switched on, and at start-up for every organization that has it on).
 *
 * As with homework reminders, messages are never cancelled: a reminder whose settings changed
 * (clock-in off, another lead time) or whose start has passed is stale and ignored; delivery is
 * at least once, so each person's marker `["clockin_reminders_sent", orgId, day, userId]` is
 * checked absent in the same commit as their notification.
 * @module
 */
import { z } from "zod";
import { enqueue, enqueueOps } from "../jobs/schedule.ts";
import { notifyOps } from "../notifications/notifications.ts";
import { listDepartments } from "../workspace/departments.ts";
import {
  addDays,
  counts,
  dayOf,
  getClockinSettings,
  listOrgDayPunches,
  loadShiftBook,
  membersOf,
  shiftFor,
} from "./days.ts";
import { clockInWindow } from "./shifts.ts";
import { zonedTimeToUtc } from "../coursework/due_time.ts";

const DAY_MS = 86_400_000;
/** Markers outlive any redelivery by far, then go. */
const MARKER_TTL_MS = 3 * DAY_MS;
/** People per atomic: one check and three mutations each. */
const BATCH = 90;

export const ClockinDayMessageSchema = z.object({
  type: z.literal("clockin_reminder_day"),
  orgId: z.string(),
  day: z.string(),
});
export const ClockinReminderMessageSchema = z.object({
  type: z.literal("clockin_reminder"),
  orgId: z.string(),
  day: z.string(),
  /** The shift start reminded of, ISO. */
  startsAt: z.string(),
});
export type ClockinReminderMessage = z.infer<typeof ClockinReminderMessageSchema>;

/** The staff of an organization who may have a shift, with their departments. */
async function staffOf(kv: Deno.Kv, orgId: string) {
  const departments = await listDepartments(kv, orgId);
  const members = await membersOf(kv, departments.map((d) => d.id));
  const ids: string[] = [];
  for (const role of ["admin", "teacher", "employee"] as const) {
    for await (const e of kv.list<string>({ prefix: ["users_by_org_role", orgId, role] })) {
      ids.push(e.value);
    }
  }
  const book = await loadShiftBook(kv, orgId);
  return ids.map((id) => ({
    id,
    shift: shiftFor(book, departments, id, members.get(id)?.deptIds ?? []),
  }));
}

/** Each person's shift start on `day` (none on rest days, holidays, or without a shift). */
async function startsOn(kv: Deno.Kv, org: { id: string; timeZone: string }, day: string) {
  const settings = await getClockinSettings(kv, org.id);
  if (!settings.enabled || settings.reminderMinutes === 0 || settings.holidays.includes(day)) {
    return { settings, starts: new Map<string, string>() };
  }
  const starts = new Map<string, string>();
  for (const p of await staffOf(kv, org.id)) {
    const w = p.shift && clockInWindow(p.shift, day, org.timeZone);
    if (w) starts.set(p.id, w.start.toISOString());
  }
  return { settings, starts };
}

/**
 * Plans `day`'s reminders for an organization and the next day's plan (see the module doc).
 * Returns how many reminder messages were enqueued (0 when the day was planned already).
 */
export async function planClockinDay(
  kv: Deno.Kv,
  org: { id: string; timeZone: string },
  day: string,
  now = new Date(),
): Promise<number> {
  const marker = ["clockin_reminder_days", org.id, day];
  if ((await kv.get(marker)).versionstamp !== null) return 0;
  const { settings, starts } = await startsOn(kv, org, day);
  const op = kv.atomic().check({ key: marker, versionstamp: null })
    .set(marker, now.toISOString(), { expireIn: MARKER_TTL_MS });
  let n = 0;
  for (const startsAt of new Set(starts.values())) {
    const fireAt = Date.parse(startsAt) - settings.reminderMinutes * 60_000;
    if (Date.parse(startsAt) <= now.getTime()) continue;
    const msg: ClockinReminderMessage = { type: "clockin_reminder", orgId: org.id, day, startsAt };
    enqueueOps(kv, op, msg, fireAt - now.getTime());
    n++;
  }
  const next = addDays(day, 1);
  const midnight = zonedTimeToUtc(next, "00:00", org.timeZone).getTime();
  enqueueOps(
    kv,
    op,
    { type: "clockin_reminder_day", orgId: org.id, day: next },
    midnight - now.getTime(),
  );
  if (!(await op.commit()).ok) return 0; // another chain planned it
  return n;
}

/** Starts an organization's chain with today's plan (a no-op when today is planned). */
export async function startClockinReminders(
  kv: Deno.Kv,
  org: { id: string; timeZone: string },
  now = new Date(),
): Promise<number> {
  return await planClockinDay(kv, org, dayOf(now, org.timeZone), now);
}

/** What happened to one reminder message. */
export type ClockinReminderOutcome =
  | { status: "sent"; notified: number }
  | { status: "stale" | "rescheduled"; notified: 0 };

/**
 * Reminds the people whose shift starts at `startsAt` on `day` and who have no counting punch
 * that day, each once; stale messages are ignored, early ones re-enqueued.
 */
export async function handleClockinReminder(
  kv: Deno.Kv,
  org: { id: string; timeZone: string },
  message: ClockinReminderMessage,
  now = new Date(),
): Promise<ClockinReminderOutcome> {
  const msg = ClockinReminderMessageSchema.parse(message);
  const { settings, starts } = await startsOn(kv, org, msg.day);
  const start = Date.parse(msg.startsAt);
  if (now.getTime() >= start) return { status: "stale", notified: 0 };
  const targets = [...starts].filter(([, s]) => s === msg.startsAt).map(([id]) => id);
  if (!targets.length) return { status: "stale", notified: 0 };
  const fireAt = start - settings.reminderMinutes * 60_000;
  if (now.getTime() < fireAt - 60_000) {
    await enqueue(kv, msg, fireAt - now.getTime());
    return { status: "rescheduled", notified: 0 };
  }
  const punches = await listOrgDayPunches(kv, org.id, msg.day);
  const missing = targets.filter((id) => !(punches.get(id) ?? []).some(counts));
  const minutes = Math.max(1, Math.round((start - now.getTime()) / 60_000));
  const notice = {
    kind: "clockin" as const,
    title: `Your shift starts in ${minutes} minute${minutes === 1 ? "" : "s"}: clock in`,
    body: "You have not clocked in yet today.",
    link: "/workspace/clockin",
  };
  let notified = 0;
  for (let i = 0; i < missing.length; i += BATCH) {
    const keys = missing.slice(i, i + BATCH)
      .map((id) => ["clockin_reminders_sent", org.id, msg.day, id]);
    for (let attempt = 0; attempt < 5; attempt++) {
      const todo: Deno.KvKey[] = [];
      for (let j = 0; j < keys.length; j += 10) {
        for (const e of await kv.getMany(keys.slice(j, j + 10))) {
          if (e.versionstamp === null) todo.push(e.key);
        }
      }
      if (!todo.length) break;
      const op = kv.atomic();
      for (const key of todo) {
        op.check({ key, versionstamp: null }).set(key, now.toISOString(), {
          expireIn: MARKER_TTL_MS,
        });
        notifyOps(op, key[3] as string, notice, now);
      }
      if ((await op.commit()).ok) {
        notified += todo.length;
        break;
      }
    }
  }
  return { status: "sent", notified };
}

/**
 * The queue entry point for clock-in messages: handles ours and returns true, or false for any
 * other message.
 */
export async function handleClockinMessage(kv: Deno.Kv, msg: unknown): Promise<boolean> {
  const type = (msg as { type?: unknown } | null)?.type;
  if (type !== "clockin_reminder" && type !== "clockin_reminder_day") return false;
  const parsed = z.union([ClockinDayMessageSchema, ClockinReminderMessageSchema]).safeParse(msg);
  if (!parsed.success) {
    console.error("ignoring a malformed clock-in message", parsed.error.issues);
    return true;
  }
  const org = (await kv.get<{ id: string; timeZone: string }>(["orgs", parsed.data.orgId])).value;
  if (!org) return true;
  if (parsed.data.type === "clockin_reminder_day") {
    await planClockinDay(kv, org, parsed.data.day);
  } else {
    await handleClockinReminder(kv, org, parsed.data);
  }
  return true;
}

/** Starts the chain of every organization that has clock-in on (at start-up). */
export async function startAllClockinReminders(kv: Deno.Kv, now = new Date()): Promise<void> {
  for await (const e of kv.list<{ enabled?: boolean }>({ prefix: ["clockin_settings"] })) {
    if (!e.value?.enabled) continue;
    const org = (await kv.get<{ id: string; timeZone: string }>(["orgs", e.key[1] as string]))
      .value;
    if (org) await startClockinReminders(kv, org, now);
  }
}
