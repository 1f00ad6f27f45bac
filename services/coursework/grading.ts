/**
 * Grading: a teacher saves a grade as a draft (points, feedback, a mark), the late penalty is
 * applied from the latest submission, and the grade reaches the student only once released.
 * `["grades", assignmentId, studentId]` holds one Grade; students never see a draft.
 *
 * Submissions are read straight from their keys (written by services/coursework/submissions.ts):
 * `["submission_latest", assignmentId, studentId]` -> version,
 * `["submissions", assignmentId, studentId, version]` -> Submission.
 * @module
 */
import { z } from "zod";
import { requireActiveClass } from "../classes/classes.ts";
import { getMemberRole, listClassMembers } from "../classes/members.ts";
import { commit, getRecord, getRecords } from "../db/kv.ts";
import { AppError, notFound, validateInput } from "../web/errors.ts";
import {
  type Assignment,
  type Grade,
  GradeMarkSchema,
  GradeSchema,
  type Submission,
  SubmissionSchema,
} from "./model.ts";
import { notifyOps } from "../notifications/notifications.ts";

const DAY_MS = 86_400_000;

/** Rounds to 2 decimals (points are given in hundredths). */
export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Whole or started days from the due time to the submission (0 when on time). */
export function lateDays(dueAt: string, submittedAt: string): number {
  const ms = Date.parse(submittedAt) - Date.parse(dueAt);
  return ms > 0 ? Math.ceil(ms / DAY_MS) : 0;
}

/** The late penalty in percent: `min(100, daysLate * penaltyPerDayPct)`; 0 without one. */
export function latePenaltyPct(assignment: Pick<Assignment, "latePolicy">, daysLate: number) {
  const p = assignment.latePolicy;
  if (p.kind !== "accept" || daysLate <= 0) return 0;
  return Math.min(100, round2(daysLate * p.penaltyPerDayPct));
}

/** Points after the penalty: `max(0, points - possible * penaltyPct / 100)`. */
export function finalPointsFor(points: number, possible: number, penaltyPct: number): number {
  return Math.max(0, round2(points - possible * penaltyPct / 100));
}

/** What a teacher sends for one student's grade (replaces the previous draft). */
export const GradeInputSchema = z.strictObject({
  points: z.number().min(0, "Points cannot be negative").max(1000).multipleOf(0.01).optional(),
  feedback: z.string().max(10_000).optional(),
  mark: GradeMarkSchema.optional(),
}).refine((g) => g.points !== undefined || g.feedback !== undefined || g.mark !== undefined, {
  message: "Give points, feedback or a mark.",
});
export type GradeInput = z.infer<typeof GradeInputSchema>;

/** What a student sees of a released grade. */
export const StudentGradeSchema = GradeSchema.pick({
  points: true,
  feedback: true,
  mark: true,
  penaltyPct: true,
  finalPoints: true,
  releasedAt: true,
});
export type StudentGrade = z.infer<typeof StudentGradeSchema>;

/** The student's view of a grade: null unless it is released. */
export function studentGradeView(grade: Grade | null | undefined): StudentGrade | null {
  if (!grade || grade.status !== "released") return null;
  const { points, feedback, mark, penaltyPct, finalPoints, releasedAt } = grade;
  return { points, feedback, mark, penaltyPct, finalPoints, releasedAt };
}

/** A student's latest submission of an assignment, or null. */
export async function readLatestSubmission(
  kv: Deno.Kv,
  assignmentId: string,
  studentId: string,
): Promise<Submission | null> {
  const version = (await kv.get<number>(["submission_latest", assignmentId, studentId])).value;
  if (version === null) return null;
  return await getRecord(kv, SubmissionSchema, [
    "submissions",
    assignmentId,
    studentId,
    version,
  ]);
}

/** Latest submissions of many students (null where none), in order. */
export async function readLatestSubmissions(
  kv: Deno.Kv,
  assignmentId: string,
  studentIds: readonly string[],
): Promise<(Submission | null)[]> {
  const versions: (number | null)[] = [];
  for (let i = 0; i < studentIds.length; i += 10) {
    const keys = studentIds.slice(i, i + 10).map((s) => ["submission_latest", assignmentId, s]);
    for (const e of await kv.getMany<number[]>(keys)) versions.push(e.value);
  }
  const keys = studentIds.map((s, i) =>
    versions[i] === null ? null : ["submissions", assignmentId, s, versions[i]!]
  );
  const found = await getRecords(kv, SubmissionSchema, keys.filter((k) => k !== null));
  let j = 0;
  return keys.map((k) => (k === null ? null : found[j++]));
}

/** Ids of the students who have submitted an assignment (one prefix scan). */
export async function listSubmitterIds(kv: Deno.Kv, assignmentId: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const e of kv.list({ prefix: ["submission_latest", assignmentId] })) {
    ids.add(e.key[2] as string);
  }
  return ids;
}

/** Every grade of an assignment by student id (one prefix scan); drafts included. */
export async function listGrades(kv: Deno.Kv, assignmentId: string): Promise<Map<string, Grade>> {
  const out = new Map<string, Grade>();
  for await (const e of kv.list<Grade>({ prefix: ["grades", assignmentId] })) {
    out.set(e.key[2] as string, GradeSchema.parse(e.value));
  }
  return out;
}

/** One student's grade (draft or released), or null. */
export async function getGrade(
  kv: Deno.Kv,
  assignmentId: string,
  studentId: string,
): Promise<Grade | null> {
  return await getRecord(kv, GradeSchema, ["grades", assignmentId, studentId]);
}

/** The penalty and final points of a grade for an assignment and a submission. */
function scoreGrade(
  assignment: Assignment,
  g: Pick<Grade, "points" | "mark">,
  submission: Submission | null,
): Pick<Grade, "penaltyPct" | "finalPoints"> {
  if (g.mark === "excused") return { penaltyPct: 0, finalPoints: undefined };
  // The penalty follows the current due time, so moving the due date re-scores late work.
  const days = submission ? lateDays(assignment.dueAt, submission.submittedAt) : 0;
  const penaltyPct = latePenaltyPct(assignment, days);
  return {
    penaltyPct,
    finalPoints: g.points === undefined
      ? undefined
      : finalPointsFor(g.points, assignment.points, penaltyPct),
  };
}

function tooManyPoints(assignment: Assignment): AppError {
  return new AppError("validation_failed", "Some fields are not valid.", [{
    path: ["points"],
    message: `Points cannot be more than the assignment's ${assignment.points}.`,
  }]);
}

/**
 * Saves a student's grade as a draft (replacing any earlier one: editing a released grade
 * takes it back to draft until it is released again). 404 when the student is not in the
 * class; 400 with path ["points"] above the points possible; 409 for a draft assignment.
 */
export async function saveGradeDraft(
  kv: Deno.Kv,
  assignment: Assignment,
  studentId: string,
  input: GradeInput,
  graderId: string,
): Promise<Grade> {
  await requireActiveClass(kv, assignment.classId);
  const data = validateInput(GradeInputSchema, input);
  if (assignment.status === "draft") {
    throw new AppError("conflict", "Publish the assignment before grading it.");
  }
  if (data.points !== undefined && data.points > assignment.points) {
    throw tooManyPoints(assignment);
  }
  if (await getMemberRole(kv, assignment.classId, studentId) !== "student") {
    throw notFound("Student not found in this class");
  }
  const submission = await readLatestSubmission(kv, assignment.id, studentId);
  const key = ["grades", assignment.id, studentId];
  const prev = await kv.get<Grade>(key);
  const grade: Grade = GradeSchema.parse({
    assignmentId: assignment.id,
    studentId,
    classId: assignment.classId,
    points: data.points,
    feedback: data.feedback,
    mark: data.mark,
    ...scoreGrade(assignment, data, submission),
    status: "draft",
    gradedBy: graderId,
    gradedAt: new Date().toISOString(),
  });
  const op = kv.atomic().check(prev).set(key, grade);
  if (prev.versionstamp === null) {
    // A first grade for work already handed in takes it off the teacher's grading queue.
    const latest = await kv.get(["submission_latest", assignment.id, studentId]);
    op.check(latest);
    if (latest.versionstamp !== null) op.sum(gradingQueueKeys(assignment.id).out, 1n);
  }
  await commit(op);
  return grade;
}

/**
 * The grading queue's two counters of an assignment, which only ever grow (`.sum()`: no hot
 * read-modify-write when a whole class hands in at the due time): `in` counts students whose
 * first submission came while they had no grade (services/coursework/submissions.ts), `out`
 * counts first grades given to students who had submitted (saveGradeDraft). Work waiting for
 * a grade is `in - out`.
 */
export function gradingQueueKeys(assignmentId: string): { in: Deno.KvKey; out: Deno.KvKey } {
  return {
    in: ["grading_queue", assignmentId, "in"],
    out: ["grading_queue", assignmentId, "out"],
  };
}

/**
 * Once per store: the grading queue's counters of assignments handed in before the counters
 * existed (their `in` is the students who submitted and have no grade). Run it before serving
 * (main.ts does, in the first process); an assignment whose counters were written meanwhile is
 * left as it is. Returns how many assignments it counted.
 */
export async function backfillGradingQueue(kv: Deno.Kv): Promise<number> {
  const marker = ["migrations", "grading_queue"];
  if ((await kv.get(marker)).versionstamp !== null) return 0;
  let counted = 0;
  for await (const e of kv.list({ prefix: ["assignments"] })) {
    const id = e.key[1] as string;
    const k = gradingQueueKeys(id);
    const [inEntry, outEntry] = await kv.getMany([k.in, k.out]);
    if (inEntry.versionstamp !== null || outEntry.versionstamp !== null) continue;
    const submitters = await listSubmitterIds(kv, id);
    if (submitters.size === 0) continue;
    const grades = await listGrades(kv, id);
    const waiting = [...submitters].filter((s) => !grades.has(s)).length;
    if (waiting === 0) continue;
    const res = await kv.atomic().check(inEntry, outEntry)
      .set(k.in, new Deno.KvU64(BigInt(waiting)))
      .commit();
    if (res.ok) counted++;
  }
  await kv.set(marker, { at: new Date().toISOString() });
  return counted;
}

/**
 * How many students' work waits for a first grade, per assignment (in order): two counter
 * reads each, batched, never a scan of the submissions.
 */
export async function countAwaitingGrade(
  kv: Deno.Kv,
  assignmentIds: readonly string[],
): Promise<number[]> {
  const keys = assignmentIds.flatMap((id) => {
    const k = gradingQueueKeys(id);
    return [k.in, k.out];
  });
  const values: bigint[] = [];
  for (let i = 0; i < keys.length; i += 10) {
    for (const e of await kv.getMany<Deno.KvU64[]>(keys.slice(i, i + 10))) {
      values.push(e.value?.value ?? 0n);
    }
  }
  return assignmentIds.map((_, i) => {
    const waiting = values[2 * i] - values[2 * i + 1];
    return waiting > 0n ? Number(waiting) : 0;
  });
}

function releasedNotice(assignment: Assignment) {
  return {
    kind: "grade_released" as const,
    title: `Grade released: ${assignment.title}`,
    body: "Your teacher released your grade and feedback.",
    link: `/classes/${assignment.classId}/assignments/${assignment.id}`,
  };
}

/** Releases one student's grade and tells them, in one commit. 404 when there is none. */
export async function releaseGrade(
  kv: Deno.Kv,
  assignment: Assignment,
  studentId: string,
): Promise<Grade> {
  await requireActiveClass(kv, assignment.classId);
  const entry = await kv.get<Grade>(["grades", assignment.id, studentId]);
  if (!entry.value) throw notFound("This student has no grade yet");
  if (entry.value.status === "released") return entry.value;
  const grade: Grade = { ...entry.value, status: "released", releasedAt: new Date().toISOString() };
  await commit(
    notifyOps(
      kv.atomic().check(entry).set(entry.key, grade),
      studentId,
      releasedNotice(assignment),
    ),
  );
  return grade;
}

/**
 * Releases every draft grade of an assignment and notifies each student, in batches of 100
 * (one check per grade, so a grade edited meanwhile is re-read, not overwritten). Returns how
 * many were released.
 */
export async function releaseAllGrades(kv: Deno.Kv, assignment: Assignment): Promise<number> {
  await requireActiveClass(kv, assignment.classId);
  const keys: Deno.KvKey[] = [];
  for await (const e of kv.list<Grade>({ prefix: ["grades", assignment.id] })) {
    if (e.value.status === "draft") keys.push(e.key);
  }
  let released = 0;
  for (let i = 0; i < keys.length; i += 100) {
    released += await updateGradesChecked(
      kv,
      keys.slice(i, i + 100),
      (g) =>
        g.status === "draft"
          ? {
            grade: { ...g, status: "released", releasedAt: new Date().toISOString() },
            notify: true,
          }
          : null,
      assignment,
    );
  }
  return released;
}

/**
 * Re-reads up to 100 grades and writes what `change` makes of each, with a check per grade,
 * retrying the batch on a conflict. Returns how many were written.
 */
async function updateGradesChecked(
  kv: Deno.Kv,
  keys: Deno.KvKey[],
  change: (g: Grade) => { grade: Grade; notify?: boolean } | null,
  assignment: Assignment,
): Promise<number> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const entries: Deno.KvEntryMaybe<Grade>[] = [];
    for (let i = 0; i < keys.length; i += 10) {
      entries.push(...await kv.getMany<Grade[]>(keys.slice(i, i + 10)));
    }
    const op = kv.atomic();
    let n = 0;
    for (const e of entries) {
      if (!e.value) continue;
      const next = change(e.value);
      if (!next) continue;
      op.check(e).set(e.key, next.grade);
      if (next.notify) notifyOps(op, next.grade.studentId, releasedNotice(assignment));
      n++;
    }
    if (n === 0) return 0;
    if ((await op.commit()).ok) return n;
  }
  throw new AppError("conflict", "Grades kept changing meanwhile. Try again.");
}

/** The highest points given on any grade of an assignment (0 when none). */
export async function maxGivenPoints(kv: Deno.Kv, assignmentId: string): Promise<number> {
  let max = 0;
  for await (const e of kv.list<Grade>({ prefix: ["grades", assignmentId] })) {
    max = Math.max(max, e.value.points ?? 0);
  }
  return max;
}

/**
 * Re-scores every grade of an assignment after its points, late policy or due time changed
 * (status and release are kept). Returns how many grades changed.
 */
export async function rescoreGrades(kv: Deno.Kv, assignment: Assignment): Promise<number> {
  const keys: Deno.KvKey[] = [];
  for await (const e of kv.list<Grade>({ prefix: ["grades", assignment.id] })) keys.push(e.key);
  let changed = 0;
  for (let i = 0; i < keys.length; i += 100) {
    const batch = keys.slice(i, i + 100);
    const subs = await readLatestSubmissions(kv, assignment.id, batch.map((k) => k[2] as string));
    const byStudent = new Map(batch.map((k, j) => [k[2] as string, subs[j]]));
    changed += await updateGradesChecked(kv, batch, (g) => {
      const score = scoreGrade(assignment, g, byStudent.get(g.studentId) ?? null);
      if (score.penaltyPct === g.penaltyPct && score.finalPoints === g.finalPoints) return null;
      return { grade: { ...g, ...score } };
    }, assignment);
  }
  return changed;
}

/** One row of the grading screen: a student, their latest submission and grade. */
export const GradingRowSchema = z.object({
  studentId: z.string(),
  name: z.string(),
  studentNumber: z.string().optional(),
  submission: SubmissionSchema.pick({ version: true, submittedAt: true, daysLate: true })
    .nullable(),
  grade: GradeSchema.nullable(),
});
export type GradingRow = z.infer<typeof GradingRowSchema>;

/** One page of the grading screen (students by name), drafts included: teachers only. */
export async function listGradingRows(
  kv: Deno.Kv,
  assignment: Assignment,
  opts: { offset?: number; limit?: number } = {},
): Promise<{ items: GradingRow[]; total: number; offset: number; limit: number }> {
  const page = await listClassMembers(kv, assignment.classId, { ...opts, role: "student" });
  const ids = page.items.map((m) => m.userId);
  const subs = await readLatestSubmissions(kv, assignment.id, ids);
  const grades = await getRecords(kv, GradeSchema, ids.map((s) => ["grades", assignment.id, s]));
  return {
    ...page,
    items: page.items.map((m, i) => ({
      studentId: m.userId,
      name: m.name,
      studentNumber: m.studentNumber,
      submission: subs[i]
        ? {
          version: subs[i]!.version,
          submittedAt: subs[i]!.submittedAt,
          daysLate: lateDays(assignment.dueAt, subs[i]!.submittedAt),
        }
        : null,
      grade: grades[i],
    })),
  };
}
