/**
 * Coursework records: assignments, submissions (every version kept) and grades (notifications
 * live in services/notifications/). The zod schemas here are the one definition of each record;
 * services in this folder are their only writers.
 *
 * Keys:
 * - `["assignments", id]` Assignment; `["assignments_by_class", classId, id]` -> id
 * - `["submissions", assignmentId, studentId, version]` Submission (versions 1, 2, ...)
 * - `["submission_latest", assignmentId, studentId]` -> latest version number
 * - `["grades", assignmentId, studentId]` Grade
 * - `["grading_queue", assignmentId, "in" | "out"]` KvU64 counters: work waiting for a first
 *   grade is in - out (see gradingQueueKeys in grading.ts)
 * - `["files", id]` FileMeta and `["file_chunks", id, i]` bytes (see services/files/)
 * @module
 */
import { z } from "zod";

/** A stored file as records refer to it. */
export const FileRefSchema = z.object({
  id: z.string(),
  /** Display name, already made safe (no path, no control characters). */
  name: z.string().min(1).max(200),
  size: z.number().int().nonnegative(),
  /** MIME type found from the content, not the file name. */
  type: z.string(),
  sha256: z.string(),
});
export type FileRef = z.infer<typeof FileRefSchema>;

export const LatePolicySchema = z.discriminatedUnion("kind", [
  /** Late work accepted; `penaltyPerDayPct` of the points off per started day late. */
  z.strictObject({ kind: z.literal("accept"), penaltyPerDayPct: z.number().min(0).max(100) }),
  /** No work after the due time. */
  z.strictObject({ kind: z.literal("close") }),
]);
export type LatePolicy = z.infer<typeof LatePolicySchema>;

export const AssignmentStatusSchema = z.enum(["draft", "published", "closed"]);

export const AssignmentSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  classId: z.string(),
  title: z.string().min(1).max(200),
  /** Markdown; rendered with raw HTML escaped (services/coursework/markdown.ts). */
  instructions: z.string().max(20_000),
  attachments: z.array(FileRefSchema).max(10),
  /** Points possible, 0..1000, up to 2 decimals. */
  points: z.number().min(0).max(1000),
  /** The due instant, ISO 8601 UTC. */
  dueAt: z.string(),
  /** The school's IANA time zone the due time was given in (for display). */
  timeZone: z.string(),
  latePolicy: LatePolicySchema,
  status: AssignmentStatusSchema,
  /** Hours before the due time at which non-submitters get a reminder. */
  reminderHours: z.array(z.number().positive().max(24 * 14)).max(5),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  publishedAt: z.string().optional(),
});
export type Assignment = z.infer<typeof AssignmentSchema>;

export const SubmissionSchema = z.object({
  assignmentId: z.string(),
  studentId: z.string(),
  classId: z.string(),
  orgId: z.string(),
  version: z.number().int().positive(),
  text: z.string().max(50_000),
  files: z.array(FileRefSchema).max(10),
  submittedAt: z.string(),
  /** Whole or started days after the due time (0 when on time). */
  daysLate: z.number().int().nonnegative(),
});
export type Submission = z.infer<typeof SubmissionSchema>;

/** Marks a teacher can set besides points. */
export const GradeMarkSchema = z.enum(["late", "missing", "excused"]);

export const GradeSchema = z.object({
  assignmentId: z.string(),
  studentId: z.string(),
  classId: z.string(),
  /** Points the teacher gave, before any late penalty. */
  points: z.number().min(0).max(1000).optional(),
  feedback: z.string().max(10_000).optional(),
  mark: GradeMarkSchema.optional(),
  /** Late penalty applied, in percent of the points possible. */
  penaltyPct: z.number().min(0).max(100),
  /** points minus the penalty, never below 0; absent when no points were given. */
  finalPoints: z.number().min(0).optional(),
  status: z.enum(["draft", "released"]),
  gradedBy: z.string(),
  gradedAt: z.string(),
  releasedAt: z.string().optional(),
});
export type Grade = z.infer<typeof GradeSchema>;

/**
 * What a student sees for an assignment: not started, submitted (on time), late (submitted
 * after the due time), graded (a released grade), missing (nothing and the due time passed,
 * or marked missing), excused.
 */
export const StudentStatusSchema = z.enum([
  "not_started",
  "submitted",
  "late",
  "graded",
  "missing",
  "excused",
]);
export type StudentStatus = z.infer<typeof StudentStatusSchema>;
