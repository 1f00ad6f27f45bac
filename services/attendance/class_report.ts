/**
 * A class's attendance across its lectures: per student how many lectures they were present,
 * late and absent for, and the rate; per lecture the counts. The statuses of an ended lecture
 * are cached per KV handle while its data is unchanged (a class page with a term of lectures
 * reads each ended one once).
 * @module
 */
import { z } from "zod";
import type { ClassRole } from "../auth/access.ts";
import type { Class } from "../classes/classes.ts";
import { getOrg } from "../orgs/orgs.ts";
import type { Actor } from "../web/define.ts";
import { type Lecture, LectureSchema, LectureStatusSchema } from "../lectures/model.ts";
import { type AttendanceStatus, AttendanceStatusSchema, keys } from "./attendance.ts";
import {
  AttendanceCountsSchema,
  classStudents,
  lectureFigures,
  matchesQuery,
  type ReportQuery,
} from "./report.ts";

export const ClassAttendanceSchema = z.object({
  /** Lectures that were opened (live or ended), oldest first. */
  lectures: z.array(z.object({
    id: z.string(),
    title: z.string(),
    status: LectureStatusSchema,
    startsAt: z.string(),
    openedAt: z.string(),
    /** Null for a student. */
    counts: AttendanceCountsSchema.nullable(),
  })),
  items: z.array(z.object({
    userId: z.string(),
    name: z.string(),
    email: z.string().optional(),
    studentNumber: z.string().optional(),
    present: z.number(),
    late: z.number(),
    absent: z.number(),
    /** Share of the lectures attended (present or late), 0-1; null with no lectures. */
    rate: z.number().nullable(),
    /** One per lecture, in the order of `lectures`. */
    statuses: z.array(AttendanceStatusSchema),
  })),
  total: z.number(),
  offset: z.number(),
  limit: z.number(),
});
export type ClassAttendance = z.infer<typeof ClassAttendanceSchema>;

/** Statuses of an ended lecture by user id, kept while the lecture and its data are unchanged. */
interface CachedStatuses {
  stamp: string;
  statuses: Map<string, AttendanceStatus>;
}
const statusCache = new WeakMap<Deno.Kv, Map<string, CachedStatuses>>();
/** Ended lectures kept in the cache (per KV handle) before the oldest are dropped. */
const STATUS_CACHE_LECTURES = 2_000;

/** Opened lectures of a class with the versionstamps that key the cache, oldest first. */
async function openedLectures(kv: Deno.Kv, classId: string) {
  const ids: string[] = [];
  for await (const e of kv.list<string>({ prefix: ["lectures_by_class", classId] })) {
    ids.push(e.value);
  }
  const out: { lecture: Lecture; stamp: string }[] = [];
  for (let i = 0; i < ids.length; i += 5) {
    const chunk = ids.slice(i, i + 5);
    const entries = await kv.getMany(chunk.flatMap((id) => [["lectures", id], keys.rev(id)]));
    chunk.forEach((_, j) => {
      const [l, rev] = [entries[2 * j], entries[2 * j + 1]];
      if (l.value === null) return;
      const lecture = LectureSchema.parse(l.value);
      if (!lecture.openedAt) return;
      out.push({ lecture, stamp: `${l.versionstamp}/${rev.versionstamp}` });
    });
  }
  return out.sort((a, b) => a.lecture.openedAt!.localeCompare(b.lecture.openedAt!));
}

async function lectureStatuses(
  kv: Deno.Kv,
  lecture: Lecture,
  stamp: string,
  now: number,
): Promise<Map<string, AttendanceStatus>> {
  let cache = statusCache.get(kv);
  if (!cache) statusCache.set(kv, cache = new Map());
  const hit = cache.get(lecture.id);
  if (hit && hit.stamp === stamp) return hit.statuses;
  const { byUser } = await lectureFigures(kv, lecture, now);
  const statuses = new Map([...byUser].map(([id, f]) => [id, f.status]));
  // A live lecture's figures change with the clock; an ended one's only with its data.
  if (lecture.status === "ended") {
    cache.delete(lecture.id);
    cache.set(lecture.id, { stamp, statuses });
    for (const id of cache.keys()) {
      if (cache.size <= STATUS_CACHE_LECTURES) break;
      cache.delete(id);
    }
  }
  return statuses;
}

/**
 * A class's attendance across its opened lectures (live and ended): per student the number of
 * lectures present, late and absent and the attendance rate; per lecture the counts. Paged
 * over students by name; `onlyUserId` gives one student their own row (and no counts).
 */
export async function classAttendance(
  kv: Deno.Kv,
  cls: Class,
  query: ReportQuery = {},
): Promise<ClassAttendance> {
  const now = query.now ?? Date.now();
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 500);
  const offset = Math.max(query.offset ?? 0, 0);
  const [lectures, students] = await Promise.all([
    openedLectures(kv, cls.id),
    classStudents(kv, cls.id),
  ]);
  const perLecture: Map<string, AttendanceStatus>[] = [];
  for (const { lecture, stamp } of lectures) {
    perLecture.push(await lectureStatuses(kv, lecture, stamp, now));
  }
  const own = query.onlyUserId;
  const counts = lectures.map(() => ({
    students: students.length,
    present: 0,
    late: 0,
    absent: 0,
  }));
  // A student's own record needs their row only (and no counts).
  const rows = (own ? students.filter((m) => m.userId === own) : students).map((m) => {
    const statuses = perLecture.map((s) => s.get(m.userId) ?? "absent");
    const row = {
      userId: m.userId,
      name: m.name,
      email: m.email,
      studentNumber: m.studentNumber,
      present: 0,
      late: 0,
      absent: 0,
      rate: null as number | null,
      statuses,
    };
    statuses.forEach((s, i) => {
      row[s]++;
      counts[i][s]++;
    });
    if (statuses.length) {
      row.rate = Math.round(((row.present + row.late) / statuses.length) * 1000) / 1000;
    }
    return row;
  });
  const matched = !own && query.q ? rows.filter((r) => matchesQuery(r, query.q!)) : rows;
  return {
    lectures: lectures.map(({ lecture }, i) => ({
      id: lecture.id,
      title: lecture.title,
      status: lecture.status,
      startsAt: lecture.startsAt,
      openedAt: lecture.openedAt!,
      counts: own ? null : counts[i],
    })),
    items: matched.slice(offset, offset + limit),
    total: matched.length,
    offset,
    limit,
  };
}

/** A class's attendance as one person may see it, with the school's clock to show it on. */
export interface ClassAttendanceView {
  report: ClassAttendance;
  timeZone: string;
}

/**
 * The class page's attendance for the asker: teachers and admins search and page every
 * student; a student gets their own record only (the query is ignored).
 */
export async function classAttendanceFor(
  kv: Deno.Kv,
  actor: Actor,
  cls: Class,
  role: ClassRole,
  query: { q: string; offset: number; limit: number },
): Promise<ClassAttendanceView> {
  const student = role === "student";
  const [report, org] = await Promise.all([
    classAttendance(kv, cls, {
      q: student ? undefined : query.q,
      offset: student ? 0 : query.offset,
      limit: query.limit,
      onlyUserId: student ? actor.user.id : undefined,
    }),
    getOrg(kv, cls.orgId),
  ]);
  return { report, timeZone: org.timeZone };
}
