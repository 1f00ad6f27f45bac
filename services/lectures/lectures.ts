/**
 * Lectures: a teacher schedules one for a class, opens it (the LiveKit room is created with
 * the lecture's metadata and timeouts) and ends it (the room is deleted, which disconnects
 * everyone). Reading a lecture goes through the class's access rules.
 * @module
 */
import { z } from "zod";
import { type ClassRole, classRole, requireRoleIn } from "../auth/access.ts";
import { type Class, ClassSchema, requireActiveClass } from "../classes/classes.ts";
import type { MemberRole } from "../classes/members.ts";
import { commit, getManyFast, getRecord, getRecords, newId } from "../db/kv.ts";
import type { LiveKitServer } from "../livekit/link.ts";
import type { Actor } from "../web/define.ts";
import { AppError, notFound, validateInput } from "../web/errors.ts";
import { utcToZonedTime } from "../coursework/due_time.ts";
import { noteLectureEnded, noteLectureLive } from "../recordings/recordings.ts";
import { refreshGate } from "./gate.ts";
import { notifyLecture } from "./notices.ts";
import {
  AttendanceRulesSchema,
  DEFAULT_ATTENDANCE_RULES,
  type Lecture,
  LectureSchema,
  roomNameFor,
} from "./model.ts";

/** What a teacher sets when scheduling a lecture. */
export const LectureInputSchema = z.strictObject({
  title: z.string().trim().min(1, "Title is required").max(200),
  startsAt: z.iso.datetime({
    offset: true,
    message: "Use an ISO date-time, e.g. 2026-12-01T08:00:00Z",
  }),
  attendance: AttendanceRulesSchema.partial().optional(),
  /** Whether students may write in the chat (default: yes). */
  studentChat: z.boolean().optional(),
});
export type LectureInput = z.input<typeof LectureInputSchema>;

/** What an edit may change (scheduled or live lectures). */
export const LecturePatchSchema = LectureInputSchema.partial();
export type LecturePatch = z.input<typeof LecturePatchSchema>;

/** An empty room closes after this long (s): a teacher's reload must not end the lecture. */
export const ROOM_EMPTY_TIMEOUT_S = 10 * 60;
/** After the last participant leaves, the room closes after this long (s). */
export const ROOM_DEPARTURE_TIMEOUT_S = 5 * 60;

/**
 * Schedules a lecture for an active class. Its students are notified of one that starts later
 * (one starting now is opened a moment after: they hear when it goes live), unless `notify`
 * is false.
 */
export async function scheduleLecture(
  kv: Deno.Kv,
  cls: Class,
  createdBy: string,
  input: LectureInput,
  opts: { notify?: boolean } = {},
): Promise<Lecture> {
  const data = validateInput(LectureInputSchema, input);
  await requireActiveClass(kv, cls.id);
  const id = newId();
  const lecture: Lecture = {
    id,
    orgId: cls.orgId,
    classId: cls.id,
    title: data.title,
    startsAt: new Date(data.startsAt).toISOString(),
    status: "scheduled",
    roomName: roomNameFor(id),
    createdBy,
    createdAt: new Date().toISOString(),
    attendance: { ...DEFAULT_ATTENDANCE_RULES, ...data.attendance },
    ...(data.studentChat === false ? { studentChat: false } : {}),
  };
  await commit(
    kv.atomic()
      .check({ key: ["lectures", id], versionstamp: null })
      .set(["lectures", id], lecture)
      .set(["lectures_by_class", cls.id, id], id),
  );
  if (opts.notify !== false && Date.parse(lecture.startsAt) > Date.now()) {
    await notifyLecture(kv, lecture, "scheduled");
  }
  return lecture;
}

/** Longest class name in a started-now lecture's title (the title holds 200). */
const NOW_TITLE_CLASS_CHARS = 180;

/**
 * "Start a lecture now": schedules a lecture of `cls` starting at `now`, titled
 * "<class> — <date on the school's clock>", for the teacher to open (go live) from its page.
 */
export async function startLectureNow(
  kv: Deno.Kv,
  cls: Class,
  createdBy: string,
  timeZone: string,
  now = new Date(),
): Promise<Lecture> {
  const { date } = utcToZonedTime(now, timeZone);
  return await scheduleLecture(kv, cls, createdBy, {
    title: `${cls.name.slice(0, NOW_TITLE_CLASS_CHARS).trim()} — ${date}`,
    startsAt: now.toISOString(),
  }, { notify: false });
}

/** A lecture of one organization; 404 for a missing one or another organization's. */
export async function getLecture(kv: Deno.Kv, orgId: string, id: string): Promise<Lecture> {
  const lecture = await getRecord(kv, LectureSchema, ["lectures", id]);
  if (!lecture || lecture.orgId !== orgId) throw notFound("Lecture not found");
  return lecture;
}

/**
 * Where lectures belong (organization and class) never changes, so it is cached per process:
 * the access check then reads the lecture, its class and the asker's membership in one
 * round trip, which the 8 a.m. join storm needs.
 */
const lectureHomes = new Map<string, { orgId: string; classId: string }>();

async function lectureHome(kv: Deno.Kv, id: string) {
  let home = lectureHomes.get(id);
  if (!home) {
    const lecture = await getRecord(kv, LectureSchema, ["lectures", id]);
    if (!lecture) return null;
    home = { orgId: lecture.orgId, classId: lecture.classId };
    if (lectureHomes.size > 10_000) lectureHomes.clear();
    lectureHomes.set(id, home);
  }
  return home;
}

/**
 * A lecture and the asker's role in its class (404 if they may not know it exists; 403 when
 * `allowed` is given and their role is not in it). `extra` keys are read in the same round
 * trip and returned in order.
 */
export async function lectureAccess(
  kv: Deno.Kv,
  actor: Actor,
  lectureId: string,
  allowed?: ClassRole[],
  extra: Deno.KvKey[] = [],
): Promise<{ lecture: Lecture; cls: Class; role: ClassRole; extra: Deno.KvEntryMaybe<unknown>[] }> {
  const home = await lectureHome(kv, lectureId);
  if (!home || home.orgId !== actor.user.orgId) throw notFound("Lecture not found");
  const [lectureEntry, classEntry, memberEntry, ...rest] = await getManyFast(
    kv,
    [
      ["lectures", lectureId],
      ["classes", home.classId],
      ["classes_by_user", actor.user.id, home.classId],
      ...extra,
    ],
    // Read again, strongly, before refusing or before acting on a lecture that is not live:
    // it may have just been opened, or the asker just added to the class.
    ([l, c, m]) =>
      l.value === null || c.value === null ||
      (m.value === null && actor.user.role !== "admin") ||
      (l.value as Lecture).status !== "live",
  );
  if (lectureEntry.value === null || classEntry.value === null) {
    throw notFound("Lecture not found");
  }
  const lecture = LectureSchema.parse(lectureEntry.value);
  const cls = ClassSchema.parse(classEntry.value);
  const role = classRole(actor, memberEntry.value as MemberRole | null);
  if (!role) throw notFound("Lecture not found");
  if (allowed) requireRoleIn(role, allowed);
  return { lecture, cls, role, extra: rest };
}

/** A class's lectures: live first, then upcoming (soonest first), then past (latest first). */
export async function listClassLectures(kv: Deno.Kv, classId: string): Promise<Lecture[]> {
  const keys: Deno.KvKey[] = [];
  for await (const e of kv.list<string>({ prefix: ["lectures_by_class", classId] })) {
    keys.push(["lectures", e.value]);
  }
  const lectures = (await getRecords(kv, LectureSchema, keys)).filter((l) => l !== null);
  const rank = { live: 0, scheduled: 1, ended: 2 } as const;
  return lectures.sort((a, b) =>
    rank[a.status] - rank[b.status] ||
    (a.status === "ended"
      ? b.startsAt.localeCompare(a.startsAt)
      : a.startsAt.localeCompare(b.startsAt))
  );
}

async function saveLecture(kv: Deno.Kv, entry: Deno.KvEntryMaybe<unknown>, next: Lecture) {
  await commit(
    kv.atomic().check(entry).set(["lectures", next.id], next),
    "The lecture was changed at the same time. Reload and try again.",
  );
}

async function lectureEntry(kv: Deno.Kv, id: string) {
  const entry = await kv.get(["lectures", id]);
  if (entry.value === null) throw notFound("Lecture not found");
  return { entry, lecture: LectureSchema.parse(entry.value) };
}

/**
 * Edits a lecture's title, start or attendance rules. Once it has ended only the attendance
 * rules may change (a teacher may re-grade attendance afterwards). A new time or title bumps
 * `sequence`; a scheduled lecture that moves notifies its students.
 */
export async function updateLecture(
  kv: Deno.Kv,
  id: string,
  input: LecturePatch,
): Promise<Lecture> {
  const data = validateInput(LecturePatchSchema, input);
  const { entry, lecture } = await lectureEntry(kv, id);
  if (
    lecture.status === "ended" && (data.title || data.startsAt || data.studentChat !== undefined)
  ) {
    throw new AppError(
      "conflict",
      "This lecture has ended: only its attendance thresholds can still be changed.",
    );
  }
  const startsAt = data.startsAt ? new Date(data.startsAt).toISOString() : lecture.startsAt;
  const title = data.title ?? lecture.title;
  const moved = startsAt !== lecture.startsAt;
  const revised = moved || title !== lecture.title;
  const next: Lecture = {
    ...lecture,
    title,
    startsAt,
    attendance: { ...lecture.attendance, ...data.attendance },
    ...(data.studentChat !== undefined ? { studentChat: data.studentChat } : {}),
    ...(revised ? { sequence: (lecture.sequence ?? 0) + 1 } : {}),
  };
  await saveLecture(kv, entry, next);
  if (moved && next.status === "scheduled") await notifyLecture(kv, next, "moved");
  return next;
}

/**
 * Opens a lecture: creates (or re-creates) its LiveKit room and marks it live, and tells its
 * students. Opening a live lecture again is harmless (a teacher who reloads resumes it) and
 * notifies nobody.
 */
export async function openLecture(
  kv: Deno.Kv,
  server: LiveKitServer,
  id: string,
): Promise<Lecture> {
  const { entry, lecture } = await lectureEntry(kv, id);
  if (lecture.status === "ended") {
    throw new AppError("gone", "This lecture has ended. Schedule a new one to go live again.");
  }
  await requireActiveClass(kv, lecture.classId);
  await server.rooms.createRoom({
    name: lecture.roomName,
    emptyTimeout: ROOM_EMPTY_TIMEOUT_S,
    departureTimeout: ROOM_DEPARTURE_TIMEOUT_S,
    metadata: JSON.stringify({ lectureId: lecture.id, classId: lecture.classId }),
  });
  if (lecture.status === "live") return lecture;
  const next: Lecture = { ...lecture, status: "live", openedAt: new Date().toISOString() };
  await saveLecture(kv, entry, next);
  refreshGate(kv, id);
  await noteLectureLive(kv, next); // its recorder starts when it is to be recorded
  await notifyLecture(kv, next, "live");
  return next;
}

/**
 * Ends a lecture: marks it ended, then deletes its room, which disconnects everyone. The
 * chat and attendance stay readable.
 */
export async function endLecture(
  kv: Deno.Kv,
  server: LiveKitServer,
  id: string,
): Promise<Lecture> {
  const { entry, lecture } = await lectureEntry(kv, id);
  if (lecture.status === "ended") return lecture;
  const next: Lecture = {
    ...lecture,
    status: "ended",
    openedAt: lecture.openedAt ?? new Date().toISOString(),
    endedAt: new Date().toISOString(),
  };
  await saveLecture(kv, entry, next);
  refreshGate(kv, id);
  await noteLectureEnded(kv, id);
  await deleteRoomQuietly(server, lecture.roomName);
  return next;
}

/** Deletes a room; a room that is already gone is fine. */
export async function deleteRoomQuietly(server: LiveKitServer, roomName: string): Promise<void> {
  try {
    await server.rooms.deleteRoom(roomName);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** True for the server API's "not found" (a room or participant that is not there). */
export function isNotFound(err: unknown): boolean {
  const e = err as { status?: number; code?: string; message?: string };
  return e?.status === 404 || e?.code === "not_found" || /not found|does not exist/i.test(
    e?.message ?? "",
  );
}

/**
 * Marks a live lecture ended at `at` because its room closed on the media server (everyone
 * left and the room's timeout passed). A scheduled or ended lecture is left as it is.
 */
export async function markLectureEnded(kv: Deno.Kv, id: string, at: Date): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const entry = await kv.get(["lectures", id]);
    if (entry.value === null) return;
    const lecture = LectureSchema.parse(entry.value);
    if (lecture.status !== "live") return;
    const next: Lecture = { ...lecture, status: "ended", endedAt: at.toISOString() };
    const res = await kv.atomic().check(entry).set(["lectures", id], next).commit();
    if (res.ok) {
      refreshGate(kv, id);
      return await noteLectureEnded(kv, id);
    }
  }
  throw new AppError("conflict", "The lecture kept changing while it was being ended.");
}

/** Path parameters of the lecture routes. */
export const LectureParamsSchema = z.object({ lectureId: z.string().min(1).max(40) });
export const LectureUserParamsSchema = LectureParamsSchema.extend({
  userId: z.string().min(1).max(40),
});

/** A lecture as the API shows it. */
export const LectureViewSchema = LectureSchema.omit({ orgId: true, createdBy: true });
export type LectureView = z.infer<typeof LectureViewSchema>;

export function lectureView(lecture: Lecture): LectureView {
  const { orgId: _o, createdBy: _c, ...rest } = lecture;
  return rest;
}
