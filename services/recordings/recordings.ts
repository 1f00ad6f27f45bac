/**
 * Lecture recordings: whether a lecture is recorded (its own choice, else its class's
 * default), the wanted set the recorder supervisor follows (supervisor.ts), the stored parts,
 * their deletion by teachers and by the school's retention, and what members watched.
 *
 * A recording's video is a file in the FileStore (purpose and holder `recording`), so reading
 * and downloading it follows services/files/access.ts: the class's members and the school's
 * admins.
 * @module
 */
import { commit, getRecord, getRecords, newId } from "../db/kv.ts";
import type { FileStore } from "../files/store.ts";
import { getFileEntries, setHolderOps } from "../files/store.ts";
import { WEBM } from "../files/sniff.ts";
import type { Lecture } from "../lectures/model.ts";
import { AppError, notFound } from "../web/errors.ts";
import {
  DEFAULT_RETENTION_DAYS,
  type Recording,
  RecordingLeaseSchema,
  RecordingPrefSchema,
  RecordingSchema,
  type RecordingView,
  RecordingViewSchema,
  RetentionPrefSchema,
} from "./model.ts";

const DAY_MS = 86_400_000;
/** The largest recording stored (a six-hour lecture at ~2.5 Mbit/s is ~7 GB). */
export const MAX_RECORDING_BYTES = 8 * 1024 ** 3;

/** Whether `lecture` is to be recorded: its own setting, else its class's default, else no. */
export async function recordingWanted(
  kv: Deno.Kv,
  lecture: Pick<Lecture, "id" | "classId">,
): Promise<boolean> {
  const [own, cls] = await kv.getMany([
    ["recording_prefs", "lecture", lecture.id],
    ["recording_prefs", "class", lecture.classId],
  ]);
  const pref = (e: Deno.KvEntryMaybe<unknown>) =>
    e.value === null ? undefined : RecordingPrefSchema.parse(e.value).record;
  return pref(own) ?? pref(cls) ?? false;
}

/** The class's default for its lectures (false when never set). */
export async function classRecordsByDefault(kv: Deno.Kv, classId: string): Promise<boolean> {
  const pref = await getRecord(kv, RecordingPrefSchema, ["recording_prefs", "class", classId]);
  return pref?.record ?? false;
}

/**
 * Changes whether a lecture is recorded (`record`: its own setting) and whether its class's
 * lectures are by default (`classDefault`: for lectures without their own setting). On a live
 * lecture the recorder starts or stops at once (the supervisor follows the wanted set).
 * Returns what now holds for the lecture and the class.
 */
export async function updateRecordingSettings(
  kv: Deno.Kv,
  lecture: Lecture,
  change: { record?: boolean; classDefault?: boolean },
): Promise<{ record: boolean; classDefault: boolean }> {
  if (lecture.status === "ended" && change.record !== undefined) {
    throw new AppError("conflict", "This lecture has ended; there is nothing left to record.");
  }
  const op = kv.atomic();
  if (change.record !== undefined) {
    op.set(["recording_prefs", "lecture", lecture.id], { record: change.record });
  }
  if (change.classDefault !== undefined) {
    op.set(["recording_prefs", "class", lecture.classId], { record: change.classDefault });
  }
  await commit(op);
  const record = await recordingWanted(kv, lecture);
  if (lecture.status === "live") {
    const wanted = (await kv.get(["recording_wanted", lecture.id])).value !== null;
    if (wanted !== record) await commit(wantedOps(kv.atomic(), lecture.id, record));
  }
  return { record, classDefault: await classRecordsByDefault(kv, lecture.classId) };
}

function wantedOps(op: Deno.AtomicOperation, lectureId: string, wanted: boolean) {
  if (wanted) op.set(["recording_wanted", lectureId], { since: new Date().toISOString() });
  else op.delete(["recording_wanted", lectureId]);
  return op.sum(["recording_signal"], 1n);
}

/**
 * Called when a lecture goes live (services/lectures/lectures.ts openLecture): when it is to
 * be recorded, the first process's supervisor starts its recorder.
 */
export async function noteLectureLive(kv: Deno.Kv, lecture: Lecture): Promise<void> {
  if (!(await recordingWanted(kv, lecture))) return;
  await commit(wantedOps(kv.atomic(), lecture.id, true));
}

/** Called when a lecture ends (ended by a teacher, or its room closed): its recorder stops. */
export async function noteLectureEnded(kv: Deno.Kv, lectureId: string): Promise<void> {
  if ((await kv.get(["recording_wanted", lectureId])).value === null) return;
  await commit(wantedOps(kv.atomic(), lectureId, false));
}

/** Lectures whose recorder should be running. */
export async function listWantedLectures(kv: Deno.Kv): Promise<string[]> {
  const ids: string[] = [];
  for await (const e of kv.list({ prefix: ["recording_wanted"] })) ids.push(e.key[1] as string);
  return ids;
}

/** Takes a lecture out of the wanted set (it is no longer live). */
export async function dropWanted(kv: Deno.Kv, lectureId: string): Promise<void> {
  await commit(wantedOps(kv.atomic(), lectureId, false));
}

/** How long a supervisor's claim on a lecture lasts unless renewed (ms). */
export const LEASE_MS = 15_000;

/**
 * Claims (or renews) the right to record a lecture for `host` until now + LEASE_MS; false when
 * another host holds an unexpired lease.
 */
export async function claimRecording(
  kv: Deno.Kv,
  lectureId: string,
  host: string,
  now = Date.now(),
): Promise<boolean> {
  const key = ["recording_leases", lectureId];
  const entry = await kv.get(key);
  const lease = entry.value === null ? null : RecordingLeaseSchema.parse(entry.value);
  if (lease && lease.host !== host && lease.until > now) return false;
  return (await kv.atomic().check(entry).set(key, { host, until: now + LEASE_MS }).commit()).ok;
}

/** Gives a lecture's lease back (when `host` holds it). */
export async function releaseRecording(kv: Deno.Kv, lectureId: string, host: string) {
  const key = ["recording_leases", lectureId];
  const entry = await kv.get(key);
  const lease = entry.value === null ? null : RecordingLeaseSchema.parse(entry.value);
  if (lease?.host === host) await kv.atomic().check(entry).delete(key).commit();
}

/** Days the school keeps recordings (DEFAULT_RETENTION_DAYS unless set). */
export async function retentionDays(kv: Deno.Kv, orgId: string): Promise<number> {
  const pref = await getRecord(kv, RetentionPrefSchema, ["recording_retention", orgId]);
  return pref?.days ?? DEFAULT_RETENTION_DAYS;
}

/** Sets how many days a school keeps recordings (recordings made from now on). */
export async function setRetentionDays(kv: Deno.Kv, orgId: string, days: number): Promise<void> {
  await kv.set(["recording_retention", orgId], RetentionPrefSchema.parse({ days }));
}

/** A lecture's recordings, oldest part first. */
export async function listLectureRecordings(
  kv: Deno.Kv,
  lectureId: string,
): Promise<Recording[]> {
  const keys: Deno.KvKey[] = [];
  for await (const e of kv.list<string>({ prefix: ["recordings_by_lecture", lectureId] })) {
    keys.push(["recordings", e.value]);
  }
  const all = await getRecords(kv, RecordingSchema, keys);
  return all.filter((r) => r !== null).sort((a, b) => a.part - b.part);
}

/** A recording of a lecture; 404 when it is not one of the lecture's. */
export async function getLectureRecording(
  kv: Deno.Kv,
  lectureId: string,
  id: string,
): Promise<Recording> {
  const r = await getRecord(kv, RecordingSchema, ["recordings", id]);
  if (!r || r.lectureId !== lectureId) throw notFound("Recording not found");
  return r;
}

function recordingKeys(op: Deno.AtomicOperation, r: Recording, write: boolean) {
  const expiry = ["recordings_by_expiry", Date.parse(r.expiresAt), r.id];
  if (!write) {
    return op.delete(["recordings", r.id]).delete(["recordings_by_lecture", r.lectureId, r.id])
      .delete(expiry);
  }
  return op.set(["recordings", r.id], r).set(["recordings_by_lecture", r.lectureId, r.id], r.id)
    .set(expiry, r.id);
}

/**
 * Starts the record of a lecture's next part (the recorder wrote its first frame at
 * `startedAt`). It expires after the school's retention.
 */
export async function beginRecording(
  kv: Deno.Kv,
  lecture: Lecture,
  startedAt: Date,
  now = new Date(),
  host?: string,
): Promise<Recording> {
  const parts = await listLectureRecordings(kv, lecture.id);
  const days = await retentionDays(kv, lecture.orgId);
  const r: Recording = {
    id: newId(),
    orgId: lecture.orgId,
    classId: lecture.classId,
    lectureId: lecture.id,
    part: parts.reduce((n, p) => Math.max(n, p.part), 0) + 1,
    status: "recording",
    startedAt: startedAt.toISOString(),
    ...(host ? { host } : {}),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + days * DAY_MS).toISOString(),
  };
  await commit(
    recordingKeys(kv.atomic().check({ key: ["recordings", r.id], versionstamp: null }), r, true),
  );
  return r;
}

/**
 * Stores a finished part's WebM (`body`) in the file store and marks the recording ready, the
 * file held by the lecture in the same commit. An empty or unreadable file marks it failed.
 */
export async function finishRecording(
  kv: Deno.Kv,
  store: FileStore,
  recording: Recording,
  body: ReadableStream<Uint8Array>,
  end: { durationMs: number; ending: "clean" | "interrupted"; endedAt?: Date },
): Promise<Recording> {
  const entry = await kv.get(["recordings", recording.id]);
  if (entry.value === null) return recording; // deleted meanwhile
  let next: Recording = {
    ...recording,
    endedAt: (end.endedAt ?? new Date()).toISOString(),
    durationMs: Math.max(0, Math.round(end.durationMs)),
    ending: end.ending,
  };
  try {
    const meta = await store.put(body, {
      name: `recording-${recording.lectureId}-part${recording.part}.webm`,
      orgId: recording.orgId,
      ownerId: recording.lectureId,
      classId: recording.classId,
      purpose: "recording",
      maxBytes: MAX_RECORDING_BYTES,
      allowedTypes: [WEBM],
    });
    const [file] = await getFileEntries(kv, [meta.id]);
    if (!file) throw new Error(`stored recording file ${meta.id} is missing`);
    next = { ...next, status: "ready", fileId: meta.id, size: meta.size };
    const op = setHolderOps(kv.atomic().check(entry), file, {
      kind: "recording",
      id: recording.lectureId,
    });
    await commit(recordingKeys(op, next, true), "The recording was changed meanwhile.");
  } catch (err) {
    console.error(`recording ${recording.id} could not be stored:`, err);
    next = { ...next, status: "failed" };
    await kv.atomic().check(entry).set(["recordings", next.id], next).commit();
  }
  return next;
}

/** Deletes a recording and its video. */
export async function deleteRecording(
  kv: Deno.Kv,
  store: FileStore,
  recording: Recording,
): Promise<void> {
  const entry = await kv.get(["recordings", recording.id]);
  if (entry.value === null) return;
  const r = RecordingSchema.parse(entry.value);
  if (r.status === "recording") {
    throw new AppError(
      "conflict",
      "This part is still being recorded. Stop the recording (or end the lecture) first.",
    );
  }
  await commit(recordingKeys(kv.atomic().check(entry), r, false));
  if (r.fileId) await store.delete(r.fileId);
}

/** Deletes every recording whose retention ended before `now`; returns how many. */
export async function sweepExpiredRecordings(
  kv: Deno.Kv,
  store: FileStore,
  now = new Date(),
): Promise<number> {
  let n = 0;
  const ids: string[] = [];
  for await (
    const e of kv.list<string>({
      start: ["recordings_by_expiry", 0],
      end: ["recordings_by_expiry", now.getTime() + 1],
    })
  ) ids.push(e.value);
  for (const id of ids) {
    const r = await getRecord(kv, RecordingSchema, ["recordings", id]);
    if (!r || r.status === "recording") continue;
    await deleteRecording(kv, store, r);
    n++;
  }
  return n;
}

/** Most separate watched spans kept per member (merged as they touch). */
const MAX_SPANS = 500;

/**
 * Adds what a member watched of a lecture's recordings: `from`..`to` seconds of one part.
 * Spans are merged, so watching a minute twice counts one minute; the total never passes the
 * parts' length. Watching is counted apart from attending live.
 */
export async function recordView(
  kv: Deno.Kv,
  recording: Recording,
  userId: string,
  span: { from: number; to: number },
  now = new Date(),
): Promise<RecordingView> {
  const length = (recording.durationMs ?? 0) / 1000;
  const from = Math.max(0, Math.min(span.from, length));
  const to = Math.max(from, Math.min(span.to, length));
  const key = ["recording_views", recording.lectureId, userId];
  for (let attempt = 0; attempt < 5; attempt++) {
    const entry = await kv.get(key);
    const old = entry.value === null ? null : RecordingViewSchema.parse(entry.value);
    const spans = mergeSpans([...(old?.spans ?? []), [recording.part, from, to]]).slice(
      -MAX_SPANS,
    );
    const seconds = Math.round(spans.reduce((s, [, a, b]) => s + b - a, 0));
    const view: RecordingView = {
      seconds,
      firstAt: old?.firstAt ?? now.toISOString(),
      lastAt: now.toISOString(),
      spans,
    };
    if ((await kv.atomic().check(entry).set(key, view).commit()).ok) {
      return view;
    }
  }
  throw new AppError("conflict", "Your viewing time could not be saved. It is sent again soon.");
}

type Span = [part: number, from: number, to: number];

function mergeSpans(spans: Span[]): Span[] {
  const sorted = [...spans].filter(([, a, b]) => b > a).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && last[0] === s[0] && s[1] <= last[2] + 0.5) last[2] = Math.max(last[2], s[2]);
    else out.push([...s] as Span);
  }
  return out;
}

/** Seconds of recordings each member of a lecture watched (absent: none). */
export async function listRecordingViews(
  kv: Deno.Kv,
  lectureId: string,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for await (const e of kv.list({ prefix: ["recording_views", lectureId] })) {
    const v = RecordingViewSchema.safeParse(e.value);
    if (v.success) out.set(e.key[2] as string, v.data.seconds);
  }
  return out;
}
