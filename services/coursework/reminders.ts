/**
 * Due-date reminders through KV's queue. Publishing (or moving the due time of) an assignment
 * enqueues one message per `reminderHours` offset, delivered that many hours before the due
 * time; the handler reminds the class's students who have not submitted and are not excused.
 *
 * Messages are never cancelled: one whose assignment is no longer published, whose due time
 * changed, or whose offset was removed is stale and ignored. Delivery is at-least-once, so the
 * handler is idempotent: a marker per student (`["reminders_sent", assignmentId, dueAt,
 * offsetHours, studentId]`) is written in the same atomic as that student's notification, and
 * `["reminders_sent", assignmentId, dueAt, offsetHours]` once all are done.
 *
 * Delivered through services/jobs (KV's queue, or a polled table of due jobs).
 * @module
 */
import { z } from "zod";
import { enqueue } from "../jobs/schedule.ts";
import { requireActiveClass } from "../classes/classes.ts";
import { listMemberIds } from "../classes/members.ts";
import { getRecord } from "../db/kv.ts";
import { type Assignment, AssignmentSchema, type Grade } from "./model.ts";
import { listSubmitterIds } from "./grading.ts";
import {
  KvNotifier,
  type NotificationInput,
  type Notifier,
  notifyOps,
} from "../notifications/notifications.ts";

const HOUR_MS = 3_600_000;
/** KV's longest enqueue delay is 30 days; longer waits hop through re-enqueued messages. */
export const MAX_QUEUE_DELAY_MS = 29 * 24 * HOUR_MS;
/** Markers outlive any retry by far, then go. */
const MARKER_TTL_MS = 60 * 24 * HOUR_MS;
/** Students per atomic: one check and three mutations each (KV: 100 checks, 1000 mutations). */
const BATCH = 90;

export const ReminderMessageSchema = z.object({
  type: z.literal("assignment_reminder"),
  assignmentId: z.string(),
  /** The due time the reminder was scheduled for; a different one now makes it stale. */
  dueAt: z.string(),
  offsetHours: z.number().positive(),
});
export type ReminderMessage = z.infer<typeof ReminderMessageSchema>;

/**
 * Enqueues the reminders of a published assignment: one per offset whose time is still ahead.
 * Returns how many were enqueued.
 */
export async function scheduleReminders(
  kv: Deno.Kv,
  assignment: Assignment,
  now = new Date(),
): Promise<number> {
  if (assignment.status !== "published") return 0;
  const due = Date.parse(assignment.dueAt);
  let n = 0;
  for (const offsetHours of new Set(assignment.reminderHours)) {
    const delay = due - offsetHours * HOUR_MS - now.getTime();
    if (delay <= 0) continue;
    const msg: ReminderMessage = {
      type: "assignment_reminder",
      assignmentId: assignment.id,
      dueAt: assignment.dueAt,
      offsetHours,
    };
    await enqueue(kv, msg, Math.min(delay, MAX_QUEUE_DELAY_MS));
    n++;
  }
  return n;
}

/**
 * The students to remind: those of the class with no submission and not excused (by any grade
 * marked excused, released or not: it is the teacher's decision either way).
 */
export async function listNonSubmitters(kv: Deno.Kv, assignment: Assignment): Promise<string[]> {
  const students = await listMemberIds(kv, assignment.classId, "student");
  const submitted = await listSubmitterIds(kv, assignment.id);
  const excused = new Set<string>();
  for await (const e of kv.list<Grade>({ prefix: ["grades", assignment.id] })) {
    if (e.value.mark === "excused") excused.add(e.key[2] as string);
  }
  return students.filter((s) => !submitted.has(s) && !excused.has(s));
}

function link(a: Assignment): string {
  return `/classes/${a.classId}/assignments/${a.id}`;
}

/** The due time as the school reads it, e.g. "2026-12-01 09:00 (Asia/Seoul)". */
export function dueLabel(a: Pick<Assignment, "dueAt" | "timeZone">): string {
  const local = new Intl.DateTimeFormat("sv-SE", {
    timeZone: a.timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(new Date(a.dueAt));
  return `${local} (${a.timeZone})`;
}

/** What happened to one reminder message. */
export type ReminderOutcome =
  | { status: "sent"; notified: number }
  | { status: "stale" | "already_sent" | "rescheduled"; notified: 0 };

/**
 * Handles one reminder message (see the module doc): ignores stale ones, re-enqueues one that
 * arrived early (a hop of a long delay), and otherwise reminds each non-submitter once.
 */
export async function handleReminder(
  kv: Deno.Kv,
  message: ReminderMessage,
  now = new Date(),
): Promise<ReminderOutcome> {
  const msg = ReminderMessageSchema.parse(message);
  const a = await getRecord(kv, AssignmentSchema, ["assignments", msg.assignmentId]);
  const due = Date.parse(msg.dueAt);
  if (
    !a || a.status !== "published" || a.dueAt !== msg.dueAt ||
    !a.reminderHours.includes(msg.offsetHours) || now.getTime() >= due
  ) {
    return { status: "stale", notified: 0 };
  }
  const fireAt = due - msg.offsetHours * HOUR_MS;
  if (now.getTime() < fireAt - 60_000) {
    await enqueue(kv, msg, Math.min(fireAt - now.getTime(), MAX_QUEUE_DELAY_MS));
    return { status: "rescheduled", notified: 0 };
  }
  const doneKey = ["reminders_sent", a.id, msg.dueAt, msg.offsetHours];
  if ((await kv.get(doneKey)).versionstamp !== null) return { status: "already_sent", notified: 0 };

  const hours = msg.offsetHours;
  const notice: NotificationInput = {
    kind: "reminder",
    title: `Due in ${
      hours < 1 ? "less than an hour" : `${hours} hour${hours === 1 ? "" : "s"}`
    }: ${a.title}`,
    body: `You have not turned this in yet. Due ${dueLabel(a)}.`,
    link: link(a),
  };
  const targets = await listNonSubmitters(kv, a);
  let notified = 0;
  for (let i = 0; i < targets.length; i += BATCH) {
    notified += await remindBatch(kv, doneKey, targets.slice(i, i + BATCH), notice, now);
  }
  await kv.set(doneKey, now.toISOString(), { expireIn: MARKER_TTL_MS });
  return { status: "sent", notified };
}

/**
 * Reminds the students of one batch who have no marker yet: marker and notification in one
 * atomic per batch, each marker checked absent. A conflict (another delivery of the same
 * message got there first) re-reads the markers and tries again with who is left.
 */
async function remindBatch(
  kv: Deno.Kv,
  doneKey: Deno.KvKey,
  studentIds: string[],
  notice: NotificationInput,
  now: Date,
): Promise<number> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const keys = studentIds.map((s) => [...doneKey, s]);
    const todo: Deno.KvKey[] = [];
    for (let i = 0; i < keys.length; i += 10) {
      for (const e of await kv.getMany(keys.slice(i, i + 10))) {
        if (e.versionstamp === null) todo.push(e.key);
      }
    }
    if (todo.length === 0) return 0;
    const op = kv.atomic();
    for (const key of todo) {
      op.check({ key, versionstamp: null })
        .set(key, now.toISOString(), { expireIn: MARKER_TTL_MS });
      notifyOps(op, key[key.length - 1] as string, notice, now);
    }
    if ((await op.commit()).ok) return todo.length;
  }
  throw new Error("reminder batch kept conflicting");
}

/**
 * A teacher's nudge: notifies the non-submitters of a published assignment now. Returns how
 * many were notified.
 */
export async function nudgeNonSubmitters(
  kv: Deno.Kv,
  assignment: Assignment,
  notifier: Notifier = new KvNotifier(kv),
): Promise<number> {
  await requireActiveClass(kv, assignment.classId);
  const targets = await listNonSubmitters(kv, assignment);
  return await notifier.notify(targets, {
    kind: "nudge",
    title: `Reminder from your teacher: ${assignment.title}`,
    body: `Please turn this in. It is due ${dueLabel(assignment)}.`,
    link: link(assignment),
  });
}

/**
 * The queue entry point for coursework messages: handles the ones that are ours and returns
 * true, or returns false for any other message (for the next handler to take).
 */
export async function handleCourseworkMessage(kv: Deno.Kv, msg: unknown): Promise<boolean> {
  if ((msg as { type?: unknown } | null)?.type !== "assignment_reminder") return false;
  const parsed = ReminderMessageSchema.safeParse(msg);
  if (!parsed.success) {
    console.error("ignoring a malformed assignment_reminder message", parsed.error.issues);
    return true;
  }
  await handleReminder(kv, parsed.data);
  return true;
}
