/**
 * "Today": what a signed-in person should see first, gathered from the services that own each
 * part (lectures, coursework, notifications): lectures live now and starting soon, work due
 * soon or overdue, grades released lately and unread notifications for a student; lectures to
 * run and work waiting for a grade for a teacher; the school's classes for an admin.
 *
 * Reads stay bounded by the person's own classes: a class's lectures and assignments through
 * their class indexes, the student's own submission and grade keys for the assignments in the
 * window below, and the grading queue's counters for a teacher (never a scan of the
 * submissions of a class).
 * @module
 */
import { type Class, listClassesByOrg, listUserClasses } from "../classes/classes.ts";
import type { MemberRole } from "../classes/members.ts";
import {
  assignmentSummaries,
  type AssignmentSummary,
  listAssignmentsByClass,
} from "../coursework/assignments.ts";
import { countAwaitingGrade } from "../coursework/grading.ts";
import type { Assignment } from "../coursework/model.ts";
import { listNotifications, type Notification } from "../notifications/notifications.ts";
import { listClassLectures } from "../lectures/lectures.ts";
import type { Lecture } from "../lectures/model.ts";
import { getOrg } from "../orgs/orgs.ts";
import type { User } from "../orgs/users.ts";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** How far ahead "starting soon" looks. */
export const SOON_MS = DAY_MS;
/** A lecture planned this long ago and not opened yet is still "starting soon" / "to run". */
export const LATE_START_MS = 6 * HOUR_MS;
/** How far ahead "due soon" looks. */
export const DUE_SOON_MS = 7 * DAY_MS;
/** How far back missing work is shown as overdue (by its due time). */
export const OVERDUE_MS = 30 * DAY_MS;
/** Grades released this recently are "new". */
export const NEW_GRADE_MS = 7 * DAY_MS;
/** Grades are looked for on assignments due at most this long ago (or due later). */
export const GRADE_LOOKBACK_MS = 60 * DAY_MS;
/** Unread notifications shown (the count covers them all). */
export const LATEST_NOTIFICATIONS = 3;
/** Classes an admin sees at a glance (the admin dashboard has them all). */
export const ADMIN_CLASSES = 12;

/** A lecture with the name of its class. */
export interface TodayLecture {
  lecture: Lecture;
  className: string;
}

/** An assignment as its student sees it (status and released grade) with its class's name. */
export interface TodayWork {
  assignment: AssignmentSummary;
  className: string;
}

/** An assignment with work waiting for a first grade. */
export interface TodayGrading {
  assignment: Assignment;
  className: string;
  waiting: number;
}

/** Everything the Today page shows; sections that do not apply to the person are empty. */
export interface Today {
  /** The school's clock, for every time shown. */
  timeZone: string;
  /** The person's classes (not archived), by name. */
  classes: { cls: Class; role: MemberRole }[];
  /** Students: lectures of their classes that are live now. */
  live: TodayLecture[];
  /** Students: lectures planned within the next 24 hours (or late to open), soonest first. */
  soon: TodayLecture[];
  /** Teachers: their classes' live lectures and those planned within the next 24 hours. */
  toRun: TodayLecture[];
  /** Students: work due within 7 days that is not excused or graded, soonest first. */
  due: TodayWork[];
  /** Students: missing work of the last 30 days, latest due first. */
  overdue: TodayWork[];
  /** Students: grades released within the last 7 days, newest first. */
  grades: TodayWork[];
  /** Teachers: assignments with work waiting for a grade, most waiting first. */
  toGrade: TodayGrading[];
  notifications: { unread: number; latest: Notification[] };
  /** Admins: the school's classes at a glance (by name) and how many there are. */
  school?: { classes: Class[]; total: number };
}

const byName = (a: { name: string }, b: { name: string }) =>
  a.name.localeCompare(b.name, undefined, { numeric: true });

/**
 * Gathers a person's Today at `now`: one listing of their classes, then per class its
 * lectures and assignments (in parallel), the student's standing on the assignments due from
 * 60 days ago on, the grading counters of the teacher's published assignments, and the first
 * page of their notifications.
 */
export async function gatherToday(
  kv: Deno.Kv,
  user: Pick<User, "id" | "orgId" | "role">,
  now = new Date(),
): Promise<Today> {
  const t = now.getTime();
  const [org, classes, notes] = await Promise.all([
    getOrg(kv, user.orgId),
    listUserClasses(kv, user),
    listNotifications(kv, user.id, { limit: 20 }),
  ]);
  classes.sort((a, b) => byName(a.cls, b.cls));
  const perClass = await Promise.all(classes.map(async ({ cls, role }) => {
    const [lectures, assignments] = await Promise.all([
      listClassLectures(kv, cls.id),
      listAssignmentsByClass(kv, cls.id),
    ]);
    return {
      cls,
      role,
      // Belt and braces: a class's lectures are its school's.
      lectures: lectures.filter((l) => l.orgId === user.orgId),
      assignments: assignments.filter((a) => a.orgId === user.orgId),
    };
  }));

  const today: Today = {
    timeZone: org.timeZone,
    classes,
    live: [],
    soon: [],
    toRun: [],
    due: [],
    overdue: [],
    grades: [],
    toGrade: [],
    notifications: {
      unread: notes.unread,
      latest: notes.items.filter((n) => !n.readAt).slice(0, LATEST_NOTIFICATIONS),
    },
  };

  for (const { cls, role, lectures } of perClass) {
    for (const lecture of lectures) {
      const starts = Date.parse(lecture.startsAt);
      const item = { lecture, className: cls.name };
      if (role === "student") {
        // A lecture past its start that the teacher has not opened yet is still to come.
        if (lecture.status === "live") today.live.push(item);
        else if (
          lecture.status === "scheduled" && starts >= t - LATE_START_MS && starts <= t + SOON_MS
        ) {
          today.soon.push(item);
        }
      } else if (
        lecture.status === "live" ||
        (lecture.status === "scheduled" && starts >= t - LATE_START_MS && starts <= t + SOON_MS)
      ) {
        today.toRun.push(item);
      }
    }
  }
  const byStart = (a: TodayLecture, b: TodayLecture) =>
    a.lecture.startsAt.localeCompare(b.lecture.startsAt);
  today.soon.sort(byStart);
  today.toRun.sort((a, b) =>
    Number(b.lecture.status === "live") - Number(a.lecture.status === "live") || byStart(a, b)
  );
  today.live.sort(byStart);

  await Promise.all([
    studentWork(kv, user.id, perClass.filter((c) => c.role === "student"), t, today),
    gradingQueue(kv, perClass.filter((c) => c.role === "teacher"), today),
    user.role === "admin" ? schoolClasses(kv, user.orgId, today) : null,
  ]);
  return today;
}

async function studentWork(
  kv: Deno.Kv,
  studentId: string,
  classes: { cls: Class; assignments: Assignment[] }[],
  t: number,
  today: Today,
) {
  const candidates = classes.flatMap(({ cls, assignments }) =>
    assignments
      .filter((a) => Date.parse(a.dueAt) >= t - GRADE_LOOKBACK_MS)
      .map((a) => ({ a, className: cls.name }))
  );
  const summaries = await assignmentSummaries(
    kv,
    candidates.map((c) => c.a),
    studentId,
    new Date(t),
  );
  summaries.forEach((assignment, i) => {
    const item = { assignment, className: candidates[i].className };
    const due = Date.parse(assignment.dueAt);
    const status = assignment.myStatus;
    if (due > t && due <= t + DUE_SOON_MS && (status === "not_started" || status === "submitted")) {
      today.due.push(item);
    }
    if (due <= t && due >= t - OVERDUE_MS && status === "missing") today.overdue.push(item);
    const released = assignment.myGrade?.releasedAt;
    if (released && Date.parse(released) >= t - NEW_GRADE_MS) today.grades.push(item);
  });
  today.due.sort((a, b) => a.assignment.dueAt.localeCompare(b.assignment.dueAt));
  today.overdue.sort((a, b) => b.assignment.dueAt.localeCompare(a.assignment.dueAt));
  today.grades.sort((a, b) =>
    (b.assignment.myGrade?.releasedAt ?? "").localeCompare(a.assignment.myGrade?.releasedAt ?? "")
  );
}

async function gradingQueue(
  kv: Deno.Kv,
  classes: { cls: Class; assignments: Assignment[] }[],
  today: Today,
) {
  // Published and closed ones (a class's listing leaves drafts out).
  const items = classes.flatMap(({ cls, assignments }) =>
    assignments.map((a) => ({ a, className: cls.name }))
  );
  const waiting = await countAwaitingGrade(kv, items.map((i) => i.a.id));
  items.forEach(({ a, className }, i) => {
    if (waiting[i] > 0) today.toGrade.push({ assignment: a, className, waiting: waiting[i] });
  });
  today.toGrade.sort((a, b) =>
    b.waiting - a.waiting || a.assignment.dueAt.localeCompare(b.assignment.dueAt)
  );
}

async function schoolClasses(kv: Deno.Kv, orgId: string, today: Today) {
  const all = (await listClassesByOrg(kv, orgId)).sort(byName);
  today.school = { classes: all.slice(0, ADMIN_CLASSES), total: all.length };
}
