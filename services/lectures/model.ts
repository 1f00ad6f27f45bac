/**
 * Live lecture records. The zod schemas here are the one definition of each record; the
 * services in services/lectures/ (lectures, joins, chat, hands, stage) and
 * services/attendance/ are their only writers.
 *
 * Keys:
 * - `["lectures", id]` Lecture; `["lectures_by_class", classId, id]` -> id
 * - `["lecture_joins", lectureId, userId]` LectureJoin: the last time a member was given a token
 * - `["lecture_chat", lectureId, messageId]` ChatMessage (ULID ids: time order)
 * - `["lecture_hands", lectureId, userId]` RaisedHand (the queue is sorted by `at`)
 * - `["lecture_stage", lectureId, userId]` StageSeat: a student who may publish
 * - `["lecture_removed", lectureId, userId]` RemovedMark: no more tokens for this lecture
 * - attendance keys: see services/attendance/
 * @module
 */
import { z } from "zod";

export const LectureStatusSchema = z.enum(["scheduled", "live", "ended"]);
export type LectureStatus = z.infer<typeof LectureStatusSchema>;

/** Attendance thresholds; see services/attendance/. */
export const AttendanceRulesSchema = z.strictObject({
  /** A first join more than this many minutes after the lecture opened is "late". */
  lateAfterMinutes: z.number().int().min(0).max(240),
  /** Present for less than this share of the lecture (percent) is "absent". */
  minPresentPercent: z.number().int().min(0).max(100),
});
export type AttendanceRules = z.infer<typeof AttendanceRulesSchema>;

export const DEFAULT_ATTENDANCE_RULES: AttendanceRules = {
  lateAfterMinutes: 10,
  minPresentPercent: 50,
};

export const LectureSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  classId: z.string(),
  title: z.string().min(1).max(200),
  /** When the lecture is planned to start (ISO instant). */
  startsAt: z.string(),
  status: LectureStatusSchema,
  /** The LiveKit room (one per lecture). */
  roomName: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  /** When a teacher opened the room (ISO instant); attendance counts from here. */
  openedAt: z.string().optional(),
  endedAt: z.string().optional(),
  attendance: AttendanceRulesSchema,
  /** false: only teachers write in the chat (a lecture of thousands). Absent: everyone. */
  studentChat: z.boolean().optional(),
  /**
   * Revisions of its time or title (absent: 0); calendar feeds give it as SEQUENCE so a
   * subscribed calendar takes the moved event over its old copy.
   */
  sequence: z.number().int().nonnegative().optional(),
});
export type Lecture = z.infer<typeof LectureSchema>;

export const LectureJoinSchema = z.object({
  /** Token issued at (ms since epoch). */
  at: z.number(),
  role: z.enum(["teacher", "student"]),
});
export type LectureJoin = z.infer<typeof LectureJoinSchema>;

/** Longest chat message, in characters. */
export const MAX_CHAT_LENGTH = 500;

export const ChatMessageSchema = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string(),
  role: z.enum(["teacher", "student"]),
  /** Plain text, shown as text (never as HTML). */
  text: z.string().min(1).max(MAX_CHAT_LENGTH),
  at: z.string(),
});
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

export const RaisedHandSchema = z.object({
  userId: z.string(),
  name: z.string(),
  /** Raised at (ms since epoch). */
  at: z.number(),
});
export type RaisedHand = z.infer<typeof RaisedHandSchema>;

export const StageSeatSchema = z.object({
  userId: z.string(),
  name: z.string(),
  at: z.number(),
});
export type StageSeat = z.infer<typeof StageSeatSchema>;

export const RemovedMarkSchema = z.object({ by: z.string(), at: z.number() });

/** The room name of a lecture. */
export function roomNameFor(lectureId: string): string {
  return `lecture-${lectureId}`;
}

/** The lecture id of a room this app created, or null. */
export function lectureIdOfRoom(roomName: string): string | null {
  const m = /^lecture-([0-9A-HJKMNP-TV-Z]{26})$/.exec(roomName);
  return m ? m[1] : null;
}

/** Data-channel topics the server sends on (clients trust only messages from the server). */
export const TOPICS = {
  chat: "mirae.chat",
  hands: "mirae.hands",
  stage: "mirae.stage",
  lecture: "mirae.lecture",
} as const;
