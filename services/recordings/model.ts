/**
 * Lecture recordings: the records and their KV keys. services/recordings/ is their only writer.
 *
 * Keys:
 * - `["recordings", id]` Recording; `["recordings_by_lecture", lectureId, id]` -> id
 * - `["recordings_by_expiry", expiresAtMs, id]` -> id (the retention sweep reads it in order)
 * - `["recording_wanted", lectureId]` RecordingWanted: a live lecture the first process must
 *   record (set when it opens with recording on, deleted when it ends)
 * - `["recording_signal"]` KvU64 bumped on every change of the wanted set (the supervisor
 *   watches it)
 * - `["recording_leases", lectureId]` RecordingLease: which app host records the lecture (app
 *   hosts sharing one KV each run a supervisor; the lease keeps it to one recorder)
 * - `["recording_prefs", "lecture" | "class", id]` RecordingPref: record this lecture / every
 *   lecture of this class by default
 * - `["recording_retention", orgId]` RetentionPref: days a school keeps recordings
 * - `["recording_views", lectureId, userId]` RecordingView: what a member watched
 * @module
 */
import { z } from "zod";

/** How long recordings are kept when the school has not said (days). */
export const DEFAULT_RETENTION_DAYS = 180;

export const RecordingSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  classId: z.string(),
  lectureId: z.string(),
  /** 1, 2, …: a recorder restarted while the lecture was live writes a further part. */
  part: z.number().int().min(1),
  /** `ready`: stored and playable. `failed`: nothing playable was written. */
  status: z.enum(["recording", "ready", "failed"]),
  /** Wall-clock time of the video's 0 s (ISO): the chat is shown against it. */
  startedAt: z.string(),
  endedAt: z.string().optional(),
  durationMs: z.number().int().min(0).optional(),
  /** The WebM in the file store (purpose `recording`, held by the lecture). */
  fileId: z.string().optional(),
  size: z.number().int().min(0).optional(),
  /** The supervisor (app host) whose recorder writes it: only it can store the file. */
  host: z.string().optional(),
  /** How the recorder stopped: `clean` (seekable, exact length) or `interrupted`. */
  ending: z.enum(["clean", "interrupted"]).optional(),
  createdAt: z.string(),
  /** When the retention sweep deletes it (ISO). */
  expiresAt: z.string(),
});
export type Recording = z.infer<typeof RecordingSchema>;

export const RecordingWantedSchema = z.object({ since: z.string() });

export const RecordingLeaseSchema = z.object({
  host: z.string(),
  /** Ms since epoch; the holder renews it every few seconds while its recorder runs. */
  until: z.number(),
});

export const RecordingPrefSchema = z.object({ record: z.boolean() });

export const RetentionPrefSchema = z.object({ days: z.number().int().min(1).max(3650) });

export const RecordingViewSchema = z.object({
  /** Seconds of the recording watched (distinct positions, at most its length). */
  seconds: z.number().int().min(0),
  firstAt: z.string(),
  lastAt: z.string(),
  /** Watched spans `[part, fromS, toS]`, merged (watching a minute twice counts once). */
  spans: z.array(z.tuple([z.number(), z.number(), z.number()])),
});
export type RecordingView = z.infer<typeof RecordingViewSchema>;

/** A recording as the API and the pages show it. */
export const RecordingViewOutSchema = RecordingSchema.omit({ orgId: true }).extend({
  /** Where the video is played from (the file download route; supports Range). */
  url: z.string().optional(),
});
export type RecordingOut = z.infer<typeof RecordingViewOutSchema>;

/** A recording for the API: its file's download URL when it is ready. */
export function recordingOut(r: Recording): RecordingOut {
  const { orgId: _o, ...rest } = r;
  return { ...rest, ...(r.fileId ? { url: `/api/v1/files/${r.fileId}` } : {}) };
}
