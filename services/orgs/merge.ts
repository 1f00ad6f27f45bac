/**
 * Merging two accounts of one student (issue 16): the imported "Hong Gildong 2026801" and
 * the "홍길동" a join link made become one. The teacher picks the account to keep and the one
 * to fold in; every record keyed by the folded id moves to the kept id, then the folded
 * account and its sessions go.
 *
 * What moves (the "Data keys" of docs/architecture.md that name a user):
 * - class memberships, every class (`class_members`, `classes_by_user`);
 * - coursework of the classes of either account: submission versions (renumbered after the
 *   kept account's own), their files' owner, the latest pointer, grades, and the grading
 *   queue's counters;
 * - lectures of those classes: joins, attendance intervals, presence, raised hands, stage
 *   seats, removal marks, recording views, and chat authorship (`userId` of the messages);
 * - notifications and their unread counter;
 * - the account's email, student number and password, where the kept account has none.
 * Sign-in codes, the records of having come through the classes' join links and an
 * unconfirmed email claim of the folded account are dropped. Not moved: calendar feed tokens
 * (a new feed is made in a click) and pending join requests for other classes (approving one
 * of a deleted account does nothing).
 *
 * Conflicts, by one rule each (said in the UI's confirmation): both handed in the same
 * assignment: every version is kept and the newer one is the latest; both have a grade: a
 * released grade wins over a draft, else the newer grade; both joined a lecture: the kept
 * account's join record stays, attendance intervals of both are kept.
 *
 * Idempotent and resumable: a marker `["user_merges", foldedId] -> {keepId, ...}` is written
 * first; every step moves what is still under the folded id (set at the kept id and delete
 * in one commit, at most `BATCH` mutations, well within KV's 1,000 mutations and 100 checks),
 * and the account itself goes last, so a merge stopped half-way is run again and finishes;
 * run again after it finished, it reports what was merged and changes nothing.
 * @module
 */
import { z } from "zod";
import type { Actor } from "../web/define.ts";
import { revokeUserSessions } from "../auth/sessions.ts";
import {
  addMemberOps,
  ClassMemberSchema,
  listUserClassRoles,
  removeMemberOps,
  teachesStudent,
} from "../classes/members.ts";
import { dropClaimOps } from "../classes/unconfirmed_emails.ts";
import { commit } from "../db/kv.ts";
import { AppError, forbidden, notFound } from "../web/errors.ts";
import { getOrgUser, getUser, type User, userKeys, UserSchema } from "./users.ts";

/** Mutations per commit (KV allows 1,000; a margin for the few extra of each step). */
const BATCH = 400;

export const MergeMarkerSchema = z.object({
  keepId: z.string(),
  orgId: z.string(),
  by: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
});
export type MergeMarker = z.infer<typeof MergeMarkerSchema>;

/** What a merge moved (counts of records), for the confirmation. */
export interface MergeReport {
  keepId: string;
  foldedId: string;
  /** The merge had finished before (a repeated call). */
  already: boolean;
  moved: {
    classes: number;
    submissions: number;
    grades: number;
    attendance: number;
    lectureRecords: number;
    notifications: number;
  };
}

const markerKey = (foldId: string): Deno.KvKey => ["user_merges", foldId];

/**
 * Who may merge: admins any two students of their school; teachers two students of their
 * classes (each in a class they teach). 404 for another school's person (or a student the
 * teacher does not teach), 403 for students and for non-student accounts, 400 for one
 * account twice.
 */
async function checkMerge(
  kv: Deno.Kv,
  actor: Actor,
  keepId: string,
  foldId: string,
  marker: MergeMarker | null,
): Promise<{ keep: User; fold: User | null }> {
  const me = actor.user;
  if (me.role === "student") throw forbidden();
  if (keepId === foldId) {
    throw new AppError(
      "bad_request",
      "Choose two different accounts: one to keep, one to fold in.",
    );
  }
  const keep = await getOrgUser(kv, me.orgId, keepId);
  const fold = await getUser(kv, foldId);
  if (fold && fold.orgId !== me.orgId) throw notFound("Member not found");
  if (!fold && !(marker && marker.keepId === keepId && marker.orgId === me.orgId)) {
    throw notFound("Member not found");
  }
  if (keep.role !== "student" || (fold && fold.role !== "student")) {
    throw forbidden("Only two student accounts can be merged.");
  }
  if (me.role === "teacher") {
    // Resuming: the folded account may have left its classes already; the marker says whom
    // it is being merged into.
    const resuming = marker?.keepId === keepId;
    const ok = await teachesStudent(kv, me.id, keep.id) &&
      (resuming || (fold !== null && await teachesStudent(kv, me.id, fold.id)));
    if (!ok) throw notFound("Member not found");
  }
  if (marker && marker.keepId !== keepId) {
    throw new AppError(
      "conflict",
      "This account is being merged into another one already. Finish that merge first.",
    );
  }
  return { keep, fold };
}

/**
 * Merges the student account `foldId` into `keepId` (see the module doc for what moves and
 * the conflict rules). Idempotent: run again, it finishes an interrupted merge or, after a
 * finished one, returns `already: true`.
 */
export async function mergeStudents(
  kv: Deno.Kv,
  actor: Actor,
  input: { keepId: string; foldId: string },
): Promise<MergeReport> {
  const { keepId, foldId } = input;
  const markerEntry = await kv.get(markerKey(foldId));
  const marker = markerEntry.value === null ? null : MergeMarkerSchema.parse(markerEntry.value);
  const { keep, fold } = await checkMerge(kv, actor, keepId, foldId, marker);
  const report: MergeReport = {
    keepId,
    foldedId: foldId,
    already: !fold,
    moved: {
      classes: 0,
      submissions: 0,
      grades: 0,
      attendance: 0,
      lectureRecords: 0,
      notifications: 0,
    },
  };
  if (!fold) return report;
  if (!marker) {
    const started: MergeMarker = {
      keepId,
      orgId: keep.orgId,
      by: actor.user.id,
      startedAt: new Date().toISOString(),
    };
    await commit(kv.atomic().check(markerEntry).set(markerKey(foldId), started));
  }
  // First, so the folded account writes nothing while its records move.
  await revokeUserSessions(kv, foldId);

  const classIds = [
    ...new Set([
      ...(await listUserClassRoles(kv, foldId)).map((c) => c.classId),
      ...(await listUserClassRoles(kv, keepId)).map((c) => c.classId),
    ]),
  ];
  for (const classId of classIds) {
    for (const assignmentId of await listIds(kv, ["assignments_by_class", classId])) {
      const r = await mergeCoursework(kv, assignmentId, keepId, foldId);
      report.moved.submissions += r.submissions;
      report.moved.grades += r.grades;
    }
    for (const lectureId of await listIds(kv, ["lectures_by_class", classId])) {
      const r = await mergeLecture(kv, lectureId, keepId, foldId);
      report.moved.attendance += r.attendance;
      report.moved.lectureRecords += r.records;
    }
  }
  report.moved.notifications = await mergeNotifications(kv, keepId, foldId);
  report.moved.classes = await mergeMemberships(kv, keep, foldId);
  await finishMerge(kv, keepId, foldId);
  return report;
}

/** The values (ids) under a prefix. */
async function listIds(kv: Deno.Kv, prefix: Deno.KvKey): Promise<string[]> {
  const ids: string[] = [];
  for await (const e of kv.list<string>({ prefix })) ids.push(e.value);
  return ids;
}

async function listEntries(kv: Deno.Kv, prefix: Deno.KvKey) {
  const out: Deno.KvEntry<unknown>[] = [];
  for await (const e of kv.list({ prefix })) out.push(e);
  return out;
}

/** Work that waits for a first grade (the grading queue's in - out): handed in, no grade. */
const waiting = (submitted: boolean, graded: boolean) => submitted && !graded ? 1 : 0;

/**
 * One assignment: the folded account's submission versions become the kept account's next
 * versions (both kept; the newer is the latest), their files change owner, and the grades
 * merge (released over draft, else the newer). Batches of `BATCH`; the pointer and the grade
 * are written with the last batch.
 */
async function mergeCoursework(
  kv: Deno.Kv,
  assignmentId: string,
  keepId: string,
  foldId: string,
): Promise<{ submissions: number; grades: number }> {
  const foldVersions = await listEntries(kv, ["submissions", assignmentId, foldId]);
  const [foldGrade, keepGrade, foldLatest, keepLatest] = await kv.getMany([
    ["grades", assignmentId, foldId],
    ["grades", assignmentId, keepId],
    ["submission_latest", assignmentId, foldId],
    ["submission_latest", assignmentId, keepId],
  ]);
  if (!foldVersions.length && foldGrade.versionstamp === null && foldLatest.versionstamp === null) {
    return { submissions: 0, grades: 0 };
  }
  const keepVersions = await listEntries(kv, ["submissions", assignmentId, keepId]);
  let next = keepVersions.reduce((n, e) => Math.max(n, e.key[3] as number), 0);
  const queueBefore = waiting(foldLatest.versionstamp !== null, foldGrade.versionstamp !== null) +
    waiting(keepLatest.versionstamp !== null, keepGrade.versionstamp !== null);
  let moved = 0;
  // Versions in their own order; each batch: set the new key, delete the old one, files' owner.
  const sorted = foldVersions.sort((a, b) => (a.key[3] as number) - (b.key[3] as number));
  const all = [...keepVersions.map((e) => e.value as { submittedAt: string; version: number })];
  for (let i = 0; i < sorted.length;) {
    const op = kv.atomic();
    let mutations = 0;
    for (; i < sorted.length && mutations < BATCH - 20; i++) {
      const e = sorted[i];
      const sub = e.value as Record<string, unknown> & {
        files: { id: string }[];
        submittedAt: string;
      };
      const version = ++next;
      const copy = { ...sub, studentId: keepId, version };
      op.set(["submissions", assignmentId, keepId, version], copy).delete(e.key);
      all.push(copy);
      mutations += 2;
      for (const f of sub.files ?? []) {
        const meta = await kv.get<{ ownerId: string }>(["files", f.id]);
        if (meta.value && meta.value.ownerId === foldId) {
          op.set(meta.key, { ...meta.value, ownerId: keepId });
          mutations++;
        }
      }
      moved++;
    }
    await commit(op, "The work changed while it was being merged. Run the merge again.");
  }
  // The latest: the newest version handed in, whichever account it came from.
  const op = kv.atomic();
  const newest = all.sort((a, b) => a.submittedAt.localeCompare(b.submittedAt)).at(-1);
  if (newest) op.set(["submission_latest", assignmentId, keepId], newest.version);
  op.delete(["submission_latest", assignmentId, foldId]);
  let grades = 0;
  let graded = keepGrade.versionstamp !== null;
  if (foldGrade.value) {
    const f = foldGrade.value as { status: string; gradedAt: string };
    const k = keepGrade.value as { status: string; gradedAt: string } | null;
    const foldWins = !k ||
      (f.status === "released" && k.status !== "released") ||
      (f.status === k.status && f.gradedAt > k.gradedAt);
    if (foldWins) {
      op.set(["grades", assignmentId, keepId], { ...f, studentId: keepId });
      grades++;
    }
    op.delete(foldGrade.key);
    graded = true;
  }
  // Two students' waiting work became one student's: the queue's "out" takes the difference.
  const queueAfter = waiting(!!newest, graded);
  if (queueBefore > queueAfter) {
    op.sum(["grading_queue", assignmentId, "out"], BigInt(queueBefore - queueAfter));
  }
  await commit(op);
  return { submissions: moved, grades };
}

/**
 * One lecture: joins, attendance, presence, hands, stage, removal marks, recording views,
 * chat authorship.
 */
async function mergeLecture(
  kv: Deno.Kv,
  lectureId: string,
  keepId: string,
  foldId: string,
): Promise<{ attendance: number; records: number }> {
  let attendance = 0;
  let records = 0;
  const moves: { from: Deno.KvKey; to: Deno.KvKey; value: unknown; keepFirst: boolean }[] = [];
  for (const e of await listEntries(kv, ["attendance_intervals", lectureId, foldId])) {
    moves.push({
      from: e.key,
      to: ["attendance_intervals", lectureId, keepId, e.key[3]],
      value: e.value,
      keepFirst: true,
    });
    attendance++;
  }
  const kinds = [
    "lecture_joins",
    "lecture_presence",
    "lecture_hands",
    "lecture_stage",
    "recording_views",
  ];
  for (const kind of kinds) {
    const e = await kv.get([kind, lectureId, foldId]);
    if (e.value === null) continue;
    const value = typeof e.value === "object" && e.value && "userId" in e.value
      ? { ...e.value, userId: keepId }
      : e.value;
    moves.push({ from: e.key, to: [kind, lectureId, keepId], value, keepFirst: true });
    records++;
  }
  const removed = await kv.get(["lecture_removed", lectureId, foldId]);
  if (removed.value !== null) {
    // Removed from the room under either account: removed under the kept one.
    moves.push({
      from: removed.key,
      to: ["lecture_removed", lectureId, keepId],
      value: removed.value,
      keepFirst: true,
    });
    records++;
  }
  const chat: Deno.KvEntry<unknown>[] = [];
  for await (const e of kv.list({ prefix: ["lecture_chat", lectureId] })) {
    if ((e.value as { userId?: string })?.userId === foldId) chat.push(e);
  }
  if (!moves.length && !chat.length) return { attendance, records };
  const targets = await getAll(kv, moves.map((m) => m.to));
  let op = kv.atomic();
  let n = 0;
  const flush = async () => {
    if (!n) return;
    op.set(["attendance_rev", lectureId], true);
    await commit(op);
    op = kv.atomic();
    n = 0;
  };
  for (const [i, m] of moves.entries()) {
    // The kept account's own record of the same thing stays (its join, its presence).
    if (targets[i].versionstamp === null || !m.keepFirst) op.set(m.to, m.value);
    op.delete(m.from);
    n += 2;
    if (n >= BATCH) await flush();
  }
  for (const e of chat) {
    op.set(e.key, { ...(e.value as object), userId: keepId });
    records++;
    if (++n >= BATCH) await flush();
  }
  await flush();
  return { attendance, records };
}

async function getAll(kv: Deno.Kv, keys: Deno.KvKey[]) {
  const out: Deno.KvEntryMaybe<unknown>[] = [];
  for (let i = 0; i < keys.length; i += 10) out.push(...await kv.getMany(keys.slice(i, i + 10)));
  return out;
}

/** The folded account's notifications and unread count move to the kept account. */
async function mergeNotifications(kv: Deno.Kv, keepId: string, foldId: string): Promise<number> {
  const entries = await listEntries(kv, ["notifications", foldId]);
  let moved = 0;
  for (let i = 0; i < entries.length; i += BATCH / 2) {
    const op = kv.atomic();
    for (const e of entries.slice(i, i + BATCH / 2)) {
      op.set(["notifications", keepId, e.key[2]], {
        ...(e.value as object),
        ...("userId" in (e.value as object) ? { userId: keepId } : {}),
      }).delete(e.key);
      moved++;
    }
    await commit(op);
  }
  const unread = await kv.get<Deno.KvU64>(["notifications_unread", foldId]);
  if (unread.value) {
    await commit(
      kv.atomic().check(unread).sum(["notifications_unread", keepId], unread.value.value)
        .delete(unread.key),
    );
  }
  return moved;
}

/** The folded account's classes become the kept account's (in the role it had there). */
async function mergeMemberships(kv: Deno.Kv, keep: User, foldId: string): Promise<number> {
  const classes = await listUserClassRoles(kv, foldId);
  let added = 0;
  // 20 classes a commit: each is at most ~8 mutations plus one per join link of the class.
  for (let i = 0; i < classes.length; i += 20) {
    const op = kv.atomic();
    for (const { classId, role } of classes.slice(i, i + 20)) {
      const [kept, folded] = await kv.getMany([
        ["classes_by_user", keep.id, classId],
        ["class_members", classId, foldId],
      ]);
      if (kept.versionstamp === null) {
        const member = folded.value ? ClassMemberSchema.parse(folded.value) : null;
        addMemberOps(op, classId, keep, member?.role ?? role);
        added++;
      }
      removeMemberOps(op, classId, foldId);
      // Records of coming through the class's links name the folded account: they go.
      for (const linkId of await listIds(kv, ["join_links_by_class", classId])) {
        op.delete(["join_link_members", linkId, foldId]);
      }
    }
    await commit(op, "The classes changed while they were being merged. Run the merge again.");
  }
  return added;
}

/**
 * Last: the folded account's email, number and password pass to the kept account where it
 * has none; the folded account, its codes, its unconfirmed email claim and its link records
 * go; the marker says the merge finished.
 */
async function finishMerge(kv: Deno.Kv, keepId: string, foldId: string): Promise<void> {
  const [keepEntry, foldEntry, emailClaim, marker] = await kv.getMany([
    ["users", keepId],
    ["users", foldId],
    ["unconfirmed_emails_by_user", foldId],
    markerKey(foldId),
  ]);
  if (foldEntry.value === null || keepEntry.value === null) return;
  const keep = UserSchema.parse(keepEntry.value);
  const fold = UserSchema.parse(foldEntry.value);
  const op = kv.atomic().check(keepEntry).check(foldEntry);
  for (const key of userKeys(fold)) op.delete(key);
  const merged: User = {
    ...keep,
    email: keep.email ?? fold.email,
    studentNumber: keep.studentNumber ?? fold.studentNumber,
    passwordHash: keep.passwordHash ?? fold.passwordHash,
  };
  for (const [k, v] of Object.entries(merged)) {
    if (v === undefined) delete (merged as Record<string, unknown>)[k];
  }
  op.set(["users", keepId], merged);
  if (!keep.email && fold.email) op.set(["users_by_email", fold.email], keepId);
  if (!keep.studentNumber && fold.studentNumber) {
    op.set(["users_by_number", fold.orgId, fold.studentNumber], keepId);
  }
  op.delete(["signin_codes", foldId]);
  dropClaimOps(op, foldId, emailClaim.value as string | null);
  if (marker.value) {
    op.set(marker.key, {
      ...MergeMarkerSchema.parse(marker.value),
      finishedAt: new Date().toISOString(),
    });
  }
  await commit(op, "The accounts changed while they were being merged. Run the merge again.");
  // Sessions made since the first revocation (none should be: it had no way in) end too.
  await revokeUserSessions(kv, foldId);
}
