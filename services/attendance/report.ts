/**
 * Attendance reports: one lecture (every student of the class, who never joined included), as
 * JSON pages or a CSV download (a class across its lectures: class_report.ts). Each lecture's connections
 * are read with one prefix scan and the roster comes from the roster cache, so a report costs
 * the same few reads for 30 students or 5,000. Rules: attendance.ts and docs/attendance.md.
 * @module
 */
import { z } from "zod";
import { type ClassMember, listClassMembers } from "../classes/members.ts";
import { CSV_BOM, toCsv } from "../csv/csv.ts";
import { AttendanceRulesSchema, type Lecture, LectureStatusSchema } from "../lectures/model.ts";
import { getUsers } from "../orgs/users.ts";
import {
  AttendanceStatusSchema,
  type AttendanceWindow,
  type Interval,
  IntervalSchema,
  keys,
  type PersonFigures,
  personFigures,
  RoomFinishedSchema,
} from "./attendance.ts";

const iso = (ms: number) => new Date(ms).toISOString();

export const AttendanceRowSchema = z.object({
  userId: z.string(),
  name: z.string(),
  email: z.string().optional(),
  studentNumber: z.string().optional(),
  status: AttendanceStatusSchema,
  /** Minutes present inside the lecture's window, one decimal. */
  minutesPresent: z.number(),
  firstJoinAt: z.string().optional(),
  /** Absent while connected to a live lecture, or when never joined. */
  lastLeaveAt: z.string().optional(),
  /** Connections (a reload or a dropped network makes a new one). */
  joins: z.number(),
  /** Connected now. */
  online: z.boolean(),
  intervals: z.array(z.object({ joinedAt: z.string(), leftAt: z.string().optional() })),
});
export type AttendanceRow = z.infer<typeof AttendanceRowSchema>;

export const AttendanceCountsSchema = z.object({
  students: z.number(),
  present: z.number(),
  late: z.number(),
  absent: z.number(),
});
export type AttendanceCounts = z.infer<typeof AttendanceCountsSchema>;

export const LectureSummarySchema = z.object({
  id: z.string(),
  classId: z.string(),
  title: z.string(),
  status: LectureStatusSchema,
  startsAt: z.string(),
  openedAt: z.string().optional(),
  endedAt: z.string().optional(),
});

export const LectureAttendanceSchema = z.object({
  lecture: LectureSummarySchema,
  rules: AttendanceRulesSchema,
  /** The span attendance counts in; null until the lecture is opened. */
  window: z.object({
    from: z.string(),
    to: z.string(),
    /** Still growing: the figures are as of `asOf`. */
    live: z.boolean(),
    minutes: z.number(),
  }).nullable(),
  asOf: z.string(),
  /** Over all the class's students; null for a student (who sees their own row only). */
  counts: AttendanceCountsSchema.nullable(),
  items: z.array(AttendanceRowSchema),
  /** Rows that match the search. */
  total: z.number(),
  offset: z.number(),
  limit: z.number(),
  /** People who connected but are not students of the class (teachers, admins, former members). */
  others: z.array(z.object({
    userId: z.string(),
    name: z.string(),
    minutesPresent: z.number(),
    joins: z.number(),
  })),
});
export type LectureAttendance = z.infer<typeof LectureAttendanceSchema>;

/** Options of a report page. */
export interface ReportQuery {
  /** Matches name, email or student number, case-insensitively. */
  q?: string;
  offset?: number;
  limit?: number;
  /** Only this student's row (a student asking), without counts. */
  onlyUserId?: string;
  now?: number;
}

/** The class's students sorted by name, from the roster cache. */
export async function classStudents(kv: Deno.Kv, classId: string): Promise<ClassMember[]> {
  const out: ClassMember[] = [];
  for (;;) {
    const page = await listClassMembers(kv, classId, {
      role: "student",
      offset: out.length,
      limit: 500,
    });
    out.push(...page.items);
    if (!page.items.length || out.length >= page.total) return out;
  }
}

/** Every connection of a lecture, by person (one prefix scan). */
export async function loadIntervals(
  kv: Deno.Kv,
  lectureId: string,
): Promise<Map<string, Interval[]>> {
  const byUser = new Map<string, Interval[]>();
  for await (const e of kv.list({ prefix: keys.intervals(lectureId) })) {
    const userId = e.key[2] as string;
    const list = byUser.get(userId) ?? [];
    list.push(IntervalSchema.parse(e.value));
    byUser.set(userId, list);
  }
  return byUser;
}

/**
 * The window a lecture's attendance counts in: from its opening to its end, or to the room's
 * close, or (live) to now. Null before it is opened.
 */
export async function attendanceWindow(
  kv: Deno.Kv,
  lecture: Lecture,
  now = Date.now(),
): Promise<AttendanceWindow | null> {
  if (!lecture.openedAt) return null;
  const from = Date.parse(lecture.openedAt);
  let to: number;
  let live = false;
  if (lecture.endedAt) to = Date.parse(lecture.endedAt);
  else {
    const fin = await kv.get(keys.roomFinished(lecture.id));
    if (fin.value) to = RoomFinishedSchema.parse(fin.value).at;
    else {
      to = now;
      live = lecture.status === "live";
    }
  }
  return { from, to: Math.max(from, to), live };
}

/** Everyone's figures in one lecture, by user id (only people who connected). */
export async function lectureFigures(
  kv: Deno.Kv,
  lecture: Lecture,
  now = Date.now(),
): Promise<{ window: AttendanceWindow | null; byUser: Map<string, PersonFigures> }> {
  const window = await attendanceWindow(kv, lecture, now);
  const byUser = new Map<string, PersonFigures>();
  if (!window) return { window, byUser };
  for (const [userId, list] of await loadIntervals(kv, lecture.id)) {
    byUser.set(userId, personFigures(list, window, lecture.attendance));
  }
  return { window, byUser };
}

const minutes = (ms: number) => Math.round(ms / 6_000) / 10;

function absentFigures(): PersonFigures {
  return { status: "absent", presentMs: 0, joins: 0, online: false, intervals: [] };
}

function toRow(m: ClassMember, f: PersonFigures): AttendanceRow {
  return {
    userId: m.userId,
    name: m.name,
    email: m.email,
    studentNumber: m.studentNumber,
    status: f.status,
    minutesPresent: minutes(f.presentMs),
    firstJoinAt: f.firstJoinAt === undefined ? undefined : iso(f.firstJoinAt),
    lastLeaveAt: f.lastLeaveAt === undefined ? undefined : iso(f.lastLeaveAt),
    joins: f.joins,
    online: f.online,
    intervals: f.intervals.map((i) => ({
      joinedAt: iso(i.joinedAt),
      leftAt: i.leftAt === undefined ? undefined : iso(i.leftAt),
    })),
  };
}

/** True when a student matches a roster search (name, email or student number). */
export function matchesQuery(m: Pick<ClassMember, "name" | "email" | "studentNumber">, q: string) {
  const s = q.trim().toLowerCase();
  return !s || m.name.toLowerCase().includes(s) || !!m.email?.toLowerCase().includes(s) ||
    !!m.studentNumber?.toLowerCase().includes(s);
}

function summary(lecture: Lecture): z.infer<typeof LectureSummarySchema> {
  const { id, classId, title, status, startsAt, openedAt, endedAt } = lecture;
  return { id, classId, title, status, startsAt, openedAt, endedAt };
}

/** Every student's row (sorted by name) and the counts, for reports and the CSV. */
async function allRows(kv: Deno.Kv, lecture: Lecture, now: number) {
  const [{ window, byUser }, students] = await Promise.all([
    lectureFigures(kv, lecture, now),
    classStudents(kv, lecture.classId),
  ]);
  const counts: AttendanceCounts = { students: students.length, present: 0, late: 0, absent: 0 };
  const rows = window
    ? students.map((m) => {
      const row = toRow(m, byUser.get(m.userId) ?? absentFigures());
      counts[row.status]++;
      return row;
    })
    : [];
  return { window, byUser, students, rows, counts };
}

/**
 * One page of a lecture's attendance: every student of the class (sorted by name; those who
 * never joined are absent), the counts over all of them, and the people who connected but
 * are not students. Before the lecture is opened there are no rows and every count is 0.
 */
export async function lectureAttendance(
  kv: Deno.Kv,
  lecture: Lecture,
  query: ReportQuery = {},
): Promise<LectureAttendance> {
  const now = query.now ?? Date.now();
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 500);
  const offset = Math.max(query.offset ?? 0, 0);
  const { window, byUser, students, rows, counts } = await allRows(kv, lecture, now);
  const own = query.onlyUserId;
  const matched = own
    ? rows.filter((r) => r.userId === own)
    : query.q
    ? rows.filter((r) => matchesQuery(r, query.q!))
    : rows;
  let others: LectureAttendance["others"] = [];
  if (!own && window) {
    const studentIds = new Set(students.map((s) => s.userId));
    const ids = [...byUser.keys()].filter((id) => !studentIds.has(id));
    const users = await getUsers(kv, ids);
    others = ids.map((id, i) => {
      const u = users[i];
      const f = byUser.get(id)!;
      return {
        userId: id,
        name: u && u.orgId === lecture.orgId ? u.name : id,
        minutesPresent: minutes(f.presentMs),
        joins: f.joins,
      };
    });
  }
  return {
    lecture: summary(lecture),
    rules: lecture.attendance,
    window: window && {
      from: iso(window.from),
      to: iso(window.to),
      live: window.live,
      minutes: minutes(window.to - window.from),
    },
    asOf: iso(now),
    counts: own ? null : counts,
    items: matched.slice(offset, offset + limit),
    total: matched.length,
    offset,
    limit,
    others,
  };
}

/** "2026-12-01 09:03:27" on a school's clock. */
export function localTime(ms: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    }).formatToParts(new Date(ms)).map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/**
 * A lecture's attendance as CSV (BOM first): student_number, name, email, status,
 * minutes_present, first_join and last_leave on the school's clock, joins. Every student of
 * the class, sorted by name.
 */
export async function lectureAttendanceCsv(
  kv: Deno.Kv,
  lecture: Lecture,
  timeZone: string,
  now = Date.now(),
): Promise<string> {
  const { rows } = await allRows(kv, lecture, now);
  const when = (s?: string) => (s ? localTime(Date.parse(s), timeZone) : "");
  return CSV_BOM + toCsv([
    [
      "student_number",
      "name",
      "email",
      "status",
      "minutes_present",
      `first_join (${timeZone})`,
      `last_leave (${timeZone})`,
      "joins",
    ],
    ...rows.map((r) => [
      r.studentNumber,
      r.name,
      r.email,
      r.status,
      r.minutesPresent,
      when(r.firstJoinAt),
      when(r.lastLeaveAt),
      r.joins,
    ]),
  ]);
}
