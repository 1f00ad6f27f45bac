/**
 * Students' work on assignments. Every submission is a new version, and every version is kept:
 * `["submissions", assignmentId, studentId, version]`, with the latest version number at
 * `["submission_latest", assignmentId, studentId]`. A student may submit again until the due
 * time, or after it while the assignment takes late work.
 * @module
 */
import { z } from "zod";
import { requireActiveClass } from "../classes/classes.ts";
import { getMemberRole } from "../classes/members.ts";
import { getRecord, getRecords } from "../db/kv.ts";
import { type FileEntry, getFileEntries, setHolderOps, toFileRef } from "../files/store.ts";
import type { User } from "../orgs/users.ts";
import { AppError, type ErrorDetail, notFound, validateInput } from "../web/errors.ts";
import { type Assignment, type Submission, SubmissionSchema } from "./model.ts";
import { gradingQueueKeys, lateDays } from "./grading.ts";

export const MAX_SUBMISSION_TEXT = 50_000;
export const MAX_SUBMISSION_FILES = 10;

/** What a student sends: text and/or the ids of files they uploaded for this class. */
export const SubmissionInputSchema = z.strictObject({
  text: z.string().max(MAX_SUBMISSION_TEXT).default(""),
  fileIds: z.array(z.string().max(40)).max(MAX_SUBMISSION_FILES).default([]),
});

/** Input of `submitWork`. */
export interface SubmitWork {
  assignment: Assignment;
  student: Pick<User, "id" | "orgId">;
  text: string;
  fileIds: string[];
  /** The time of the submission (tests pass their own). */
  now?: Date;
}

/**
 * The uploads named by `fileIds`, each checked to be the student's, for this class's work,
 * and held by nothing else than this student's work on this assignment.
 */
async function ownFiles(
  kv: Deno.Kv,
  assignment: Assignment,
  studentId: string,
  fileIds: string[],
): Promise<FileEntry[]> {
  const files = await getFileEntries(kv, fileIds);
  const details: ErrorDetail[] = [];
  files.forEach((file, i) => {
    const path = ["fileIds", i];
    const meta = file?.meta;
    const holder = meta?.holder;
    // Someone else's file is described like a missing one: its name must not leak.
    if (!meta || meta.ownerId !== studentId || meta.orgId !== assignment.orgId) {
      details.push({ path, message: `File ${fileIds[i]} is not one of your uploads.` });
    } else if (meta.purpose !== "submission" || meta.classId !== assignment.classId) {
      details.push({
        path,
        message: `“${meta.name}” was not uploaded for work in this class; upload it again here.`,
      });
    } else if (
      holder && holder.kind !== "unattached" &&
      !(holder.kind === "submission" && holder.id === assignment.id)
    ) {
      details.push({
        path,
        message: `“${meta.name}” is part of your work on another assignment; upload it again ` +
          "for this one.",
      });
    }
  });
  if (details.length) {
    throw new AppError(
      "validation_failed",
      "Some files cannot be part of this submission.",
      details,
    );
  }
  return files as FileEntry[];
}

/**
 * Saves a new version of a student's work on a published assignment. 404 for a draft, 409
 * when it is closed or its due time passed and it takes no late work, 400 for bad input (too
 * long, too many files, nothing at all, files that are not the student's uploads for this
 * class). Versions count from 1; two submissions at once both get their own version, or the
 * second one a clean 409. The files become held by the student's work on the assignment (in
 * the same commit): from then on they are kept as a record (services/files/access.ts).
 */
export async function submitWork(kv: Deno.Kv, input: SubmitWork): Promise<Submission> {
  await requireActiveClass(kv, input.assignment.classId);
  const { assignment, student } = input;
  const now = input.now ?? new Date();
  if (assignment.status === "draft") throw notFound("Assignment not found");
  if (assignment.status === "closed") throw new AppError("conflict", "This assignment is closed");
  const late = lateDays(assignment.dueAt, now.toISOString());
  if (late > 0 && assignment.latePolicy.kind === "close") {
    throw new AppError(
      "conflict",
      "The due time has passed and this assignment does not take late work.",
    );
  }

  const parsed = validateInput(SubmissionInputSchema, { text: input.text, fileIds: input.fileIds });
  const text = parsed.text;
  const fileIds = [...new Set(parsed.fileIds)];
  if (!text.trim() && !fileIds.length) {
    throw new AppError("validation_failed", "Write an answer or attach a file.", [
      { path: ["text"], message: "Write an answer or attach a file." },
    ]);
  }
  if (
    student.orgId !== assignment.orgId ||
    await getMemberRole(kv, assignment.classId, student.id) !== "student"
  ) {
    throw new AppError("forbidden", "Only students of this class can submit work.");
  }
  const latestKey = ["submission_latest", assignment.id, student.id];
  for (let attempt = 0; attempt < 2; attempt++) {
    // Read again on a retry: a file deleted or submitted elsewhere meanwhile fails the check.
    const owned = await ownFiles(kv, assignment, student.id, fileIds);
    const files = owned.map((f) => toFileRef(f.meta));
    const gradeKey = ["grades", assignment.id, student.id];
    const [latest, grade] = await kv.getMany<[number, unknown]>([latestKey, gradeKey]);
    const version = (latest.value ?? 0) + 1;
    const submission: Submission = {
      assignmentId: assignment.id,
      studentId: student.id,
      classId: assignment.classId,
      orgId: assignment.orgId,
      version,
      text,
      files,
      submittedAt: now.toISOString(),
      daysLate: late,
    };
    const op = kv.atomic()
      .check(latest)
      .check({ key: ["submissions", assignment.id, student.id, version], versionstamp: null })
      .set(["submissions", assignment.id, student.id, version], submission)
      .set(latestKey, version);
    for (const f of owned) setHolderOps(op, f, { kind: "submission", id: assignment.id });
    if (latest.versionstamp === null) {
      // A first submission before any grade joins the teacher's grading queue (grading.ts).
      op.check(grade);
      if (grade.versionstamp === null) op.sum(gradingQueueKeys(assignment.id).in, 1n);
    }
    if ((await op.commit()).ok) return submission;
  }
  throw new AppError(
    "conflict",
    "Another submission of yours was saved at the same moment. Reload and try again.",
  );
}

/** A student's latest submission of an assignment, or null when they submitted nothing. */
export async function getLatestSubmission(
  kv: Deno.Kv,
  assignmentId: string,
  studentId: string,
): Promise<Submission | null> {
  const latest = await kv.get<number>(["submission_latest", assignmentId, studentId]);
  if (latest.value === null) return null;
  return await getRecord(kv, SubmissionSchema, [
    "submissions",
    assignmentId,
    studentId,
    latest.value,
  ]);
}

/** Every version of a student's work on an assignment, oldest first. */
export async function listSubmissionVersions(
  kv: Deno.Kv,
  assignmentId: string,
  studentId: string,
): Promise<Submission[]> {
  const out: Submission[] = [];
  for await (const e of kv.list({ prefix: ["submissions", assignmentId, studentId] })) {
    out.push(SubmissionSchema.parse(e.value));
  }
  return out;
}

/** The latest submission of every student who submitted (one prefix scan, then getMany). */
export async function listLatestSubmissions(
  kv: Deno.Kv,
  assignmentId: string,
): Promise<Submission[]> {
  const keys: Deno.KvKey[] = [];
  for await (const e of kv.list<number>({ prefix: ["submission_latest", assignmentId] })) {
    keys.push(["submissions", assignmentId, e.key[2], e.value]);
  }
  return (await getRecords(kv, SubmissionSchema, keys)).filter((s): s is Submission => !!s);
}
