/**
 * What the top of a class's stream keeps in view: the class's next lecture (live now, else
 * the next one planned) and its work, from the services that own them: for a student the
 * next assignments due with their own status, for a teacher how much work waits for a grade
 * (the grading queue's counters, never a scan of the submissions).
 * @module
 */
import type { ClassRole } from "../auth/access.ts";
import type { Class } from "../classes/classes.ts";
import {
  assignmentSummaries,
  type AssignmentSummary,
  listAssignmentsByClass,
} from "../coursework/assignments.ts";
import { countAwaitingGrade } from "../coursework/grading.ts";
import { listClassLectures } from "../lectures/lectures.ts";
import type { Lecture } from "../lectures/model.ts";
import { getOrg } from "../orgs/orgs.ts";
import { LATE_START_MS } from "../today/today.ts";

/** Assignments a student sees pinned. */
export const PINNED_DUE = 3;

/** The pinned strip of a class's stream. */
export interface StreamPins {
  /** The school's clock, for the times shown. */
  timeZone: string;
  /** Live now, else the next planned (or one late to open), else null. */
  lecture: Lecture | null;
  /** Students: the next assignments due (due time still ahead), soonest first. */
  due: AssignmentSummary[];
  /** Teachers and admins: submissions waiting for a first grade (null for students). */
  toGrade: number | null;
}

/** Gathers a class's pinned strip for one member at `now`. */
export async function streamPins(
  kv: Deno.Kv,
  cls: Class,
  viewer: { userId: string; role: ClassRole },
  now = new Date(),
): Promise<StreamPins> {
  const t = now.getTime();
  const [org, lectures, assignments] = await Promise.all([
    getOrg(kv, cls.orgId),
    listClassLectures(kv, cls.id),
    listAssignmentsByClass(kv, cls.id),
  ]);
  // Live ones come first, then planned ones soonest first (listClassLectures' order).
  const lecture = lectures.find((l) => l.status === "live") ??
    lectures.find((l) => l.status === "scheduled" && Date.parse(l.startsAt) >= t - LATE_START_MS) ??
    null;
  if (viewer.role !== "student") {
    const waiting = await countAwaitingGrade(kv, assignments.map((a) => a.id));
    return {
      timeZone: org.timeZone,
      lecture,
      due: [],
      toGrade: waiting.reduce((sum, n) => sum + n, 0),
    };
  }
  const next = assignments.filter((a) => Date.parse(a.dueAt) > t).slice(0, PINNED_DUE);
  return {
    timeZone: org.timeZone,
    lecture,
    due: await assignmentSummaries(kv, next, viewer.userId, now),
    toGrade: null,
  };
}
