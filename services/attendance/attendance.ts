/**
 * Attendance records and arithmetic. The media server's webhooks (webhooks.ts) are the only
 * writers of these keys; reports (report.ts) read them with one prefix scan per lecture.
 *
 * Keys:
 * - `["attendance_intervals", lectureId, userId, participantSid]` Interval: one connection of
 *   one person (a rejoin gets a new participant sid, so a new interval)
 * - `["lecture_presence", lectureId, userId]` Presence: who is connected now
 * - `["lecture_presence_count", lectureId]` KvU64: how many presence entries there are
 * - `["lecture_room_finished", lectureId]` RoomFinished: the room closed (open intervals end
 *   there)
 * - `["attendance_rev", lectureId]` rewritten with every change: its versionstamp tells a
 *   cached summary of an ended lecture whether it is still current
 * - `["lk_events", eventId]` the ids of handled webhooks (expire after 7 days)
 *
 * Rules (docs/attendance.md): minutes present are the union of a student's intervals clipped
 * to the lecture's window [openedAt, endedAt or now]; "absent" if never joined or present for
 * less than `minPresentPercent` of the window; "late" if the first join came more than
 * `lateAfterMinutes` after the lecture opened; "present" otherwise.
 * @module
 */
import { z } from "zod";
import type { AttendanceRules } from "../lectures/model.ts";

export const ParticipantRoleSchema = z.enum(["teacher", "student"]);
export type ParticipantRole = z.infer<typeof ParticipantRoleSchema>;

/**
 * One connection. Merged field by field (earliest join, latest leave), so the same events in
 * any order, delivered any number of times, give the same record.
 */
export const IntervalSchema = z.object({
  /** Joined at (ms since epoch). */
  joinedAt: z.number(),
  /** Left at (ms); absent while connected (or when the leave was never reported). */
  leftAt: z.number().optional(),
  /** The leave time was inferred when the server reported dropped webhooks, not reported. */
  inferred: z.boolean().optional(),
  role: ParticipantRoleSchema,
});
export type Interval = z.infer<typeof IntervalSchema>;

export const PresenceSchema = z.object({
  /** The participant sid of the connection shown. */
  sid: z.string(),
  name: z.string(),
  role: ParticipantRoleSchema,
  /** ms since epoch */
  joinedAt: z.number(),
});
export type Presence = z.infer<typeof PresenceSchema>;

export const RoomFinishedSchema = z.object({ at: z.number() });

export const keys = {
  intervals: (lectureId: string): Deno.KvKey => ["attendance_intervals", lectureId],
  interval: (lectureId: string, userId: string, sid: string): Deno.KvKey => [
    "attendance_intervals",
    lectureId,
    userId,
    sid,
  ],
  presences: (lectureId: string): Deno.KvKey => ["lecture_presence", lectureId],
  presence: (lectureId: string, userId: string): Deno.KvKey => [
    "lecture_presence",
    lectureId,
    userId,
  ],
  presenceCount: (lectureId: string): Deno.KvKey => ["lecture_presence_count", lectureId],
  roomFinished: (lectureId: string): Deno.KvKey => ["lecture_room_finished", lectureId],
  rev: (lectureId: string): Deno.KvKey => ["attendance_rev", lectureId],
  event: (id: string): Deno.KvKey => ["lk_events", id],
};

/** What an event says about one connection. */
export interface IntervalPatch {
  joinedAt?: number;
  leftAt?: number;
  /** The leave was inferred (reconciliation), not reported by a participant_left event. */
  inferred?: boolean;
  role: ParticipantRole;
}

/**
 * Merges what an event says into a connection's record: the earliest join and the latest
 * leave win, so merging is order-independent and idempotent. A reported leave replaces an
 * inferred one (reconciliation guesses late; the report is the truth).
 */
export function mergeInterval(prev: Interval | null, patch: IntervalPatch): Interval {
  const joins = [prev?.joinedAt, patch.joinedAt, patch.leftAt].filter((x) => x !== undefined);
  let leftAt = prev?.leftAt;
  let inferred = prev?.inferred;
  if (patch.leftAt !== undefined) {
    if (leftAt === undefined || (inferred && !patch.inferred)) {
      leftAt = patch.leftAt;
      inferred = patch.inferred;
    } else if (!patch.inferred === !inferred) {
      leftAt = Math.max(leftAt, patch.leftAt);
    }
  }
  const next: Interval = { joinedAt: Math.min(...joins), role: prev?.role ?? patch.role };
  if (patch.role === "teacher") next.role = "teacher";
  if (leftAt !== undefined) next.leftAt = leftAt;
  if (inferred) next.inferred = true;
  return next;
}

/** A span of time in ms; `end` > `start`. */
export interface Span {
  start: number;
  end: number;
}

/**
 * The union of spans clipped to [from, to], sorted and without overlaps. An interval with no
 * leave yet runs to `to`.
 */
export function clipAndUnion(
  intervals: readonly { joinedAt: number; leftAt?: number }[],
  from: number,
  to: number,
): Span[] {
  const spans = intervals
    .map((i) => ({ start: Math.max(i.joinedAt, from), end: Math.min(i.leftAt ?? to, to) }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

/** Total length of spans (ms). */
export function totalMs(spans: readonly Span[]): number {
  return spans.reduce((sum, s) => sum + s.end - s.start, 0);
}

export const AttendanceStatusSchema = z.enum(["present", "late", "absent"]);
export type AttendanceStatus = z.infer<typeof AttendanceStatusSchema>;

/**
 * A student's status in a lecture window [openedAt, openedAt + durationMs]:
 * - "absent": never joined, or present for less than `minPresentPercent` of the duration;
 * - "late": first joined more than `lateAfterMinutes` after the lecture opened;
 * - "present" otherwise. Exactly at a threshold counts in the student's favour.
 */
export function attendanceStatus(input: {
  rules: AttendanceRules;
  openedAt: number;
  durationMs: number;
  /** ms; undefined when the student never joined. */
  firstJoinAt?: number;
  presentMs: number;
  /** Connected to the live lecture now: the share rule cannot call them absent yet. */
  online?: boolean;
}): AttendanceStatus {
  const { rules, openedAt, durationMs, firstJoinAt, presentMs } = input;
  if (firstJoinAt === undefined) return "absent";
  // Integer arithmetic: presentMs / durationMs < pct / 100, without rounding surprises.
  if (!input.online && presentMs * 100 < rules.minPresentPercent * durationMs) return "absent";
  if (firstJoinAt > openedAt + rules.lateAfterMinutes * 60_000) return "late";
  return "present";
}

/** One person's figures in one lecture. */
export interface PersonFigures {
  status: AttendanceStatus;
  presentMs: number;
  firstJoinAt?: number;
  /** The end of the last connection; undefined while still connected to a live lecture. */
  lastLeaveAt?: number;
  joins: number;
  /** Connected now (the lecture is live and a connection is open). */
  online: boolean;
  intervals: Interval[];
}

/** The window attendance is counted in: [from, to]; `live` while it still grows. */
export interface AttendanceWindow {
  from: number;
  to: number;
  live: boolean;
}

/** Figures for one person from their intervals (any order) in a window. */
export function personFigures(
  intervals: readonly Interval[],
  window: AttendanceWindow,
  rules: AttendanceRules,
): PersonFigures {
  const sorted = [...intervals].sort((a, b) => a.joinedAt - b.joinedAt);
  const presentMs = totalMs(clipAndUnion(sorted, window.from, window.to));
  const firstJoinAt = sorted[0]?.joinedAt;
  const open = sorted.some((i) => i.leftAt === undefined);
  const online = window.live && open;
  let lastLeaveAt: number | undefined;
  if (sorted.length && !online) {
    lastLeaveAt = Math.max(...sorted.map((i) => i.leftAt ?? window.to));
  }
  return {
    status: attendanceStatus({
      rules,
      openedAt: window.from,
      durationMs: Math.max(0, window.to - window.from),
      firstJoinAt,
      presentMs,
      online,
    }),
    presentMs,
    firstJoinAt,
    lastLeaveAt,
    joins: sorted.length,
    online,
    intervals: sorted,
  };
}
