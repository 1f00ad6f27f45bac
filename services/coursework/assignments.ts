/**
 * Assignments: a teacher writes one for a class (draft), publishes it (students see it, get
 * notified and later reminded), edits it (submissions stay; grades are re-scored), and closes
 * it. `["assignments", id]` Assignment; `["assignments_by_class", classId, id]` -> id.
 *
 * Due times are given as a wall-clock date and time in the school's time zone and stored as a
 * UTC instant (`dueAt`) with the zone (`timeZone`) for display.
 * @module
 */
import { z } from "zod";
import { requireActiveClass } from "../classes/classes.ts";
import { classAccess, type ClassRole, requireRoleIn, TEACHERS } from "../auth/access.ts";
import type { Class } from "../classes/classes.ts";
import { listMemberIds } from "../classes/members.ts";
import { commit, getRecord, getRecords, newId } from "../db/kv.ts";
import {
  attachableFiles,
  type FileEntry,
  getFileEntries,
  setHolderOps,
  toFileRef,
} from "../files/store.ts";
import { getOrg } from "../orgs/orgs.ts";
import type { Actor } from "../web/define.ts";
import { AppError, type ErrorDetail, notFound, validateInput } from "../web/errors.ts";
import {
  lateDays,
  maxGivenPoints,
  rescoreGrades,
  StudentGradeSchema,
  studentGradeView,
} from "./grading.ts";
import { renderMarkdown } from "./markdown.ts";
import { DueSchema, utcToZonedTime, zonedTimeToUtc } from "./due_time.ts";
import {
  type Assignment,
  AssignmentSchema,
  type Grade,
  GradeSchema,
  LatePolicySchema,
  type StudentStatus,
  StudentStatusSchema,
  type Submission,
  SubmissionSchema,
} from "./model.ts";
import { notify } from "../notifications/notifications.ts";
import { dueLabel, scheduleReminders } from "./reminders.ts";

// ---------------------------------------------------------------------------------------------
// Input

/** Path parameters of `/assignments/{assignmentId}/...`. */
export const AssignmentParamsSchema = z.object({ assignmentId: z.string().min(1).max(40) });

const fields = {
  title: z.string().trim().min(1, "Title is required").max(200),
  /** Markdown; stored as written, rendered with raw HTML escaped. */
  instructions: z.string().max(20_000),
  /** Ids of files uploaded for this class with purpose "attachment". */
  attachmentIds: z.array(z.string().min(1).max(40)).max(10),
  points: z.number().min(0, "Points cannot be negative").max(1000).multipleOf(0.01),
  due: DueSchema,
  latePolicy: LatePolicySchema,
  reminderHours: z.array(z.number().positive().max(24 * 14)).max(5),
};

/** What a teacher sends to create an assignment. */
export const AssignmentInputSchema = z.strictObject({
  ...fields,
  instructions: fields.instructions.default(""),
  attachmentIds: fields.attachmentIds.default([]),
  latePolicy: fields.latePolicy.default({ kind: "accept", penaltyPerDayPct: 0 }),
  reminderHours: fields.reminderHours.default([24, 1]),
});
export type AssignmentInput = z.input<typeof AssignmentInputSchema>;

/** What an edit may change; absent fields stay as they are. */
export const AssignmentPatchSchema = z.strictObject(fields).partial();
export type AssignmentPatch = z.input<typeof AssignmentPatchSchema>;

function invalid(details: ErrorDetail[]): AppError {
  return new AppError("validation_failed", "Some fields are not valid.", details);
}

/** The files assignment `assignmentId` is to take (see `attachableFiles`). */
function attachmentFiles(
  kv: Deno.Kv,
  classId: string,
  assignmentId: string,
  ids: string[],
): Promise<FileEntry[]> {
  return attachableFiles(kv, classId, { kind: "assignment", id: assignmentId }, ids);
}

/**
 * Adds to `op` the taking off of file `fileId` from assignment `assignmentId`'s attachments
 * (checked against the assignment as read), for a file being deleted.
 */
export async function detachAttachmentOps(
  kv: Deno.Kv,
  op: Deno.AtomicOperation,
  assignmentId: string,
  fileId: string,
): Promise<void> {
  const entry = await kv.get(["assignments", assignmentId]);
  const a = AssignmentSchema.safeParse(entry.value);
  if (!a.success) return;
  const attachments = a.data.attachments.filter((f) => f.id !== fileId);
  op.check(entry).set(
    entry.key,
    {
      ...a.data,
      attachments,
      updatedAt: new Date().toISOString(),
    } satisfies Assignment,
  );
}

// ---------------------------------------------------------------------------------------------
// Records

/** Creates a draft assignment in a class; the due time is read in the school's time zone. */
export async function createAssignment(
  kv: Deno.Kv,
  cls: Class,
  input: AssignmentInput,
  createdBy: string,
): Promise<Assignment> {
  const data = validateInput(AssignmentInputSchema, input);
  if (cls.archived) throw new AppError("conflict", "This class is archived.");
  const { timeZone } = await getOrg(kv, cls.orgId);
  const now = new Date().toISOString();
  const id = newId();
  const files = await attachmentFiles(kv, cls.id, id, data.attachmentIds);
  const assignment: Assignment = AssignmentSchema.parse({
    id,
    orgId: cls.orgId,
    classId: cls.id,
    title: data.title,
    instructions: data.instructions,
    attachments: files.map((f) => toFileRef(f.meta)),
    points: data.points,
    dueAt: zonedTimeToUtc(data.due.date, data.due.time, timeZone).toISOString(),
    timeZone,
    latePolicy: data.latePolicy,
    status: "draft",
    reminderHours: [...new Set(data.reminderHours)].sort((a, b) => b - a),
    createdBy,
    createdAt: now,
    updatedAt: now,
  });
  const op = kv.atomic()
    .check({ key: ["assignments", assignment.id], versionstamp: null })
    .set(["assignments", assignment.id], assignment)
    .set(["assignments_by_class", cls.id, assignment.id], assignment.id);
  for (const f of files) setHolderOps(op, f, { kind: "assignment", id });
  await commit(op, "An attachment changed meanwhile. Reload the page and try again.");
  return assignment;
}

/** Reads an assignment of one organization; 404 when missing or another organization's. */
export async function getAssignment(kv: Deno.Kv, orgId: string, id: string): Promise<Assignment> {
  const a = await getRecord(kv, AssignmentSchema, ["assignments", id]);
  if (!a || a.orgId !== orgId) throw notFound("Assignment not found");
  return a;
}

/**
 * Loads an assignment for the actor with their role in its class: 404 for another school,
 * a class they are not in, or (for students) a draft; 403 when `allowed` is given and their
 * role is not in it.
 */
export async function assignmentAccess(
  kv: Deno.Kv,
  actor: Actor,
  id: string,
  allowed?: ClassRole[],
): Promise<{ assignment: Assignment; cls: Class; role: ClassRole }> {
  const assignment = await getAssignment(kv, actor.user.orgId, id);
  const { cls, role } = await classAccess(kv, actor, assignment.classId);
  if (role === "student" && assignment.status === "draft") throw notFound("Assignment not found");
  if (allowed) requireRoleIn(role, allowed);
  return { assignment, cls, role };
}

/** 403 unless the role manages the class's coursework (its teachers, school admins). */
export function requireManager(role: ClassRole): void {
  requireRoleIn(role, TEACHERS);
}

/**
 * Edits an assignment. Submissions are untouched; when the points, late policy or due time
 * change, existing grades are re-scored; when a published assignment's due time or reminder
 * hours change, reminders are scheduled again (the old ones become stale).
 */
export async function updateAssignment(
  kv: Deno.Kv,
  orgId: string,
  id: string,
  input: AssignmentPatch,
  now = new Date(),
): Promise<Assignment> {
  const data = validateInput(AssignmentPatchSchema, input);
  const entry = await kv.get<Assignment>(["assignments", id]);
  if (!entry.value || entry.value.orgId !== orgId) throw notFound("Assignment not found");
  const prev = AssignmentSchema.parse(entry.value);
  await requireActiveClass(kv, prev.classId);
  const next: Assignment = { ...prev, updatedAt: now.toISOString() };
  if (data.title !== undefined) next.title = data.title;
  if (data.instructions !== undefined) next.instructions = data.instructions;
  if (data.latePolicy !== undefined) next.latePolicy = data.latePolicy;
  if (data.reminderHours !== undefined) {
    next.reminderHours = [...new Set(data.reminderHours)].sort((a, b) => b - a);
  }
  if (data.due !== undefined) {
    next.dueAt = zonedTimeToUtc(data.due.date, data.due.time, prev.timeZone).toISOString();
  }
  if (data.points !== undefined) {
    const given = await maxGivenPoints(kv, id);
    if (data.points < given) {
      throw invalid([{
        path: ["points"],
        message: `A grade already gives ${given} points; lower it first.`,
      }]);
    }
    next.points = data.points;
  }
  // The files taken and the ones let go move holder in the assignment's own commit.
  const taken = data.attachmentIds === undefined
    ? []
    : await attachmentFiles(kv, prev.classId, id, data.attachmentIds);
  if (data.attachmentIds !== undefined) next.attachments = taken.map((f) => toFileRef(f.meta));
  const op = kv.atomic().check(entry).set(entry.key, AssignmentSchema.parse(next));
  for (const f of taken) setHolderOps(op, f, { kind: "assignment", id });
  const kept = new Set(next.attachments.map((f) => f.id));
  const removed = prev.attachments.filter((f) => !kept.has(f.id)).map((f) => f.id);
  for (const f of await getFileEntries(kv, removed)) {
    const holder = f?.meta.holder;
    if (f && (!holder || (holder.kind === "assignment" && holder.id === id))) {
      setHolderOps(op, f, { kind: "unattached" });
    }
  }
  await commit(op, "The assignment or an attachment changed meanwhile. Reload and try again.");

  if (
    next.points !== prev.points || next.dueAt !== prev.dueAt ||
    JSON.stringify(next.latePolicy) !== JSON.stringify(prev.latePolicy)
  ) {
    await rescoreGrades(kv, next);
  }
  if (
    next.status === "published" &&
    (next.dueAt !== prev.dueAt || next.reminderHours.join() !== prev.reminderHours.join())
  ) {
    await scheduleReminders(kv, next, now);
  }
  return next;
}

async function setStatus(
  kv: Deno.Kv,
  orgId: string,
  id: string,
  from: Assignment["status"][],
  to: Assignment["status"],
  now: Date,
): Promise<{ prev: Assignment; next: Assignment }> {
  const entry = await kv.get<Assignment>(["assignments", id]);
  if (!entry.value || entry.value.orgId !== orgId) throw notFound("Assignment not found");
  const prev = AssignmentSchema.parse(entry.value);
  await requireActiveClass(kv, prev.classId);
  if (!from.includes(prev.status)) {
    throw new AppError("conflict", `This assignment is ${prev.status}; it cannot become ${to}.`);
  }
  const next: Assignment = { ...prev, status: to, updatedAt: now.toISOString() };
  if (to === "published") next.publishedAt ??= now.toISOString();
  await commit(kv.atomic().check(entry).set(entry.key, next));
  return { prev, next };
}

/**
 * Publishes a draft (or reopens a closed assignment): students see it, reminders are
 * scheduled, and on the first publish every student of the class is notified.
 */
export async function publishAssignment(
  kv: Deno.Kv,
  orgId: string,
  id: string,
  now = new Date(),
): Promise<Assignment> {
  const { prev, next } = await setStatus(kv, orgId, id, ["draft", "closed"], "published", now);
  await scheduleReminders(kv, next, now);
  if (!prev.publishedAt) {
    await notify(kv, await listMemberIds(kv, next.classId, "student"), {
      kind: "assignment_published",
      title: `New assignment: ${next.title}`,
      body: `Due ${dueLabel(next)}.`,
      link: `/classes/${next.classId}/assignments/${next.id}`,
    });
  }
  return next;
}

/** Closes a published assignment: no more reminders (and no more work, see submissions). */
export async function closeAssignment(
  kv: Deno.Kv,
  orgId: string,
  id: string,
  now = new Date(),
): Promise<Assignment> {
  return (await setStatus(kv, orgId, id, ["published"], "closed", now)).next;
}

/** A class's assignments by due time; drafts only when asked (never for students). */
export async function listAssignmentsByClass(
  kv: Deno.Kv,
  classId: string,
  opts: { includeDrafts?: boolean } = {},
): Promise<Assignment[]> {
  const ids: string[] = [];
  for await (const e of kv.list<string>({ prefix: ["assignments_by_class", classId] })) {
    ids.push(e.value);
  }
  const all = await getRecords(kv, AssignmentSchema, ids.map((id) => ["assignments", id]));
  return all
    .filter((a): a is Assignment => !!a && (opts.includeDrafts || a.status !== "draft"))
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.id.localeCompare(b.id));
}

// ---------------------------------------------------------------------------------------------
// What students see

/**
 * A student's status on an assignment. Only a released grade counts (a draft is invisible):
 * excused, missing (marked), or graded; otherwise late or submitted by the latest submission;
 * otherwise missing once the due time has passed, else not started.
 */
export function studentStatus(
  assignment: Pick<Assignment, "dueAt">,
  latestSubmission: Pick<Submission, "submittedAt"> | null | undefined,
  grade: Pick<Grade, "status" | "mark"> | null | undefined,
  now = new Date(),
): StudentStatus {
  if (grade?.status === "released") {
    if (grade.mark === "excused") return "excused";
    if (grade.mark === "missing") return "missing";
    return "graded";
  }
  if (latestSubmission) {
    return lateDays(assignment.dueAt, latestSubmission.submittedAt) > 0 ? "late" : "submitted";
  }
  return now.getTime() > Date.parse(assignment.dueAt) ? "missing" : "not_started";
}

/** An assignment as the API shows it: the stored record, the due time on the school's clock. */
export const AssignmentSummarySchema = AssignmentSchema.omit({ instructions: true }).extend({
  due: z.object({ date: z.string(), time: z.string() }),
  /** The asker's status, for students. */
  myStatus: StudentStatusSchema.optional(),
  /** The asker's released grade, for students (null until released). */
  myGrade: StudentGradeSchema.nullable().optional(),
});
export type AssignmentSummary = z.infer<typeof AssignmentSummarySchema>;

/** One assignment with its instructions, raw and rendered. */
export const AssignmentViewSchema = AssignmentSummarySchema.extend({
  instructions: z.string(),
  /** The instructions as safe HTML. */
  instructionsHtml: z.string(),
});
export type AssignmentView = z.infer<typeof AssignmentViewSchema>;

function summary(a: Assignment): AssignmentSummary {
  const { instructions: _, ...rest } = a;
  return { ...rest, due: utcToZonedTime(a.dueAt, a.timeZone) };
}

/** One student's latest submission of each assignment (null where none), batched. */
async function latestSubmissionsOf(
  kv: Deno.Kv,
  assignments: Assignment[],
  student: string,
): Promise<(Submission | null)[]> {
  const versions: (number | null)[] = [];
  for (let i = 0; i < assignments.length; i += 10) {
    const keys = assignments.slice(i, i + 10).map((a) => ["submission_latest", a.id, student]);
    for (const e of await kv.getMany<number[]>(keys)) versions.push(e.value);
  }
  const keys = assignments.map((a, i) =>
    versions[i] === null ? null : ["submissions", a.id, student, versions[i]!]
  );
  const found = await getRecords(kv, SubmissionSchema, keys.filter((k) => k !== null));
  let j = 0;
  return keys.map((k) => (k === null ? null : found[j++]));
}

/**
 * The assignments as one person sees them: students get their status and released grade on
 * each (one getMany per ten assignments for submissions and grades).
 */
export async function assignmentSummaries(
  kv: Deno.Kv,
  assignments: Assignment[],
  student?: string,
  now = new Date(),
): Promise<AssignmentSummary[]> {
  if (!student) return assignments.map(summary);
  const subs = await latestSubmissionsOf(kv, assignments, student);
  const grades = await getRecords(
    kv,
    GradeSchema,
    assignments.map((a) => ["grades", a.id, student]),
  );
  return assignments.map((a, i) => ({
    ...summary(a),
    myStatus: studentStatus(a, subs[i], grades[i], now),
    myGrade: studentGradeView(grades[i]),
  }));
}

/** One assignment for one person: rendered instructions, and for a student their standing. */
export async function assignmentView(
  kv: Deno.Kv,
  a: Assignment,
  student?: string,
  now = new Date(),
): Promise<AssignmentView> {
  const [s] = await assignmentSummaries(kv, [a], student, now);
  return { ...s, instructions: a.instructions, instructionsHtml: renderMarkdown(a.instructions) };
}
