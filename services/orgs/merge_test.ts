import assert from "node:assert/strict";
import { randomClass, randomOrg, randomUser } from "@/tests/helpers.ts";
import { createSession, getSessionUser } from "../auth/sessions.ts";
import { createAssignment, publishAssignment } from "../coursework/assignments.ts";
import {
  countAwaitingGrade,
  getGrade,
  releaseGrade,
  saveGradeDraft,
} from "../coursework/grading.ts";
import {
  getLatestSubmission,
  listSubmissionVersions,
  submitWork,
} from "../coursework/submissions.ts";
import { getMemberRole, listClassMembers } from "../classes/members.ts";
import { notify, unreadCount } from "../notifications/notifications.ts";
import type { Actor } from "../web/define.ts";
import { AppError } from "../web/errors.ts";
import { mergeStudents } from "./merge.ts";
import { findUserByNumber, getUser, type User } from "./users.ts";

const actorOf = (user: User): Actor => ({ user, session: {} as Actor["session"] });

/**
 * A school where one student has two accounts: "Hong Gildong" imported (number 2026801, no
 * password) and "홍길동" from a join link (a password, an email). Both are in class A; the
 * link account also in class B. Coursework, lectures and notifications under both.
 */
async function world(kv: Deno.Kv) {
  const org = await randomOrg(kv);
  const other = await randomOrg(kv);
  const admin = await randomUser(kv, org.id, "admin");
  const teacher = await randomUser(kv, org.id, "teacher");
  const otherTeacher = await randomUser(kv, org.id, "teacher");
  const keep = await randomUser(kv, org.id, "student", {
    name: "Hong Gildong",
    email: undefined,
    studentNumber: "2026801",
    passwordHash: undefined,
    joinedVia: "import",
  });
  const fold = await randomUser(kv, org.id, "student", { name: "홍길동", joinedVia: "link" });
  const classmate = await randomUser(kv, org.id, "student");
  const outsider = await randomUser(kv, other.id, "student");
  const classA = await randomClass(kv, org.id, {
    teachers: [teacher],
    students: [keep, fold, classmate],
  });
  const classB = await randomClass(kv, org.id, { teachers: [otherTeacher], students: [fold] });
  const due = {
    date: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10),
    time: "09:00",
  };
  const essay = async (title: string) =>
    await publishAssignment(
      kv,
      org.id,
      (await createAssignment(kv, classA, {
        title,
        instructions: "",
        points: 10,
        due,
        latePolicy: { kind: "accept", penaltyPerDayPct: 0 },
      }, teacher.id)).id,
    );
  const both = await essay("Both handed in");
  const onlyFold = await essay("Only the link account");
  const t0 = Date.now();
  await submitWork(kv, {
    assignment: both,
    student: keep,
    text: "keep v1",
    fileIds: [],
    now: new Date(t0),
  });
  await submitWork(kv, {
    assignment: both,
    student: fold,
    text: "fold v1",
    fileIds: [],
    now: new Date(t0 + 1000),
  });
  await submitWork(kv, {
    assignment: both,
    student: fold,
    text: "fold v2",
    fileIds: [],
    now: new Date(t0 + 2000),
  });
  await submitWork(kv, {
    assignment: onlyFold,
    student: fold,
    text: "only",
    fileIds: [],
    now: new Date(t0),
  });
  // Grades: on "both", a draft for the kept account and a released one for the folded one.
  await saveGradeDraft(kv, both, keep.id, { points: 3 }, teacher.id);
  await saveGradeDraft(kv, both, fold.id, { points: 9 }, teacher.id);
  await releaseGrade(kv, both, fold.id);
  // A lecture of class A: joins, attendance, presence and chat under both accounts.
  const lectureId = "01LECTURE0000000000000000A";
  await kv.atomic()
    .set(["lectures_by_class", classA.id, lectureId], lectureId)
    .set(["lecture_joins", lectureId, keep.id], { at: t0, role: "student" })
    .set(["lecture_joins", lectureId, fold.id], { at: t0 + 5, role: "student" })
    .set(["attendance_intervals", lectureId, fold.id, "PA_1"], {
      joinedAt: t0,
      leftAt: t0 + 60_000,
      role: "student",
    })
    .set(["attendance_intervals", lectureId, keep.id, "PA_2"], {
      joinedAt: t0 + 120_000,
      leftAt: t0 + 180_000,
      role: "student",
    })
    .set(["lecture_presence", lectureId, fold.id], { name: fold.name, role: "student", at: t0 })
    .set(["recording_views", lectureId, fold.id], { seconds: 90, at: t0 })
    .set(["lecture_chat", lectureId, "01MSG0000000000000000000001"], {
      id: "01MSG0000000000000000000001",
      userId: fold.id,
      name: fold.name,
      text: "hello",
      at: t0,
    })
    .commit();
  await notify(kv, [fold.id], { kind: "nudge", title: "Hand in", body: "Please", link: "/" });
  await notify(kv, [keep.id], { kind: "nudge", title: "Hand in", body: "Please", link: "/" });
  const foldSession = await createSession(kv, fold, { ttlMs: 3_600_000 });
  return {
    org,
    admin,
    teacher,
    otherTeacher,
    keep,
    fold,
    classmate,
    outsider,
    classA,
    classB,
    both,
    onlyFold,
    lectureId,
    lectureJoinAt: t0,
    foldSession,
  };
}

async function withWorld(fn: (kv: Deno.Kv, w: Awaited<ReturnType<typeof world>>) => Promise<void>) {
  const kv = await Deno.openKv(":memory:");
  try {
    await fn(kv, await world(kv));
  } finally {
    kv.close();
  }
}

/** Every key in the store that names `userId` anywhere (for "nothing left behind"). */
async function keysNaming(kv: Deno.Kv, userId: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of kv.list({ prefix: [] })) {
    if (e.key[0] === "user_merges" || e.key[0] === "revoked_sessions") continue;
    const value = JSON.stringify(e.value ?? null, (_k, v) => typeof v === "bigint" ? String(v) : v);
    if (e.key.includes(userId) || value.includes(userId)) {
      out.push(JSON.stringify(e.key));
    }
  }
  return out;
}

async function rejection(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof AppError, String(err));
    return err;
  }
  throw new Error("expected a rejection");
}

Deno.test("[merge] a teacher folds the link account into the imported one: every record moves, the folded account goes", async () => {
  await withWorld(async (kv, w) => {
    const queueBefore = await countAwaitingGrade(kv, [w.both.id, w.onlyFold.id]);
    let foldNotes = 0;
    for await (const _ of kv.list({ prefix: ["notifications", w.fold.id] })) foldNotes++;
    const unread = (await unreadCount(kv, w.keep.id)) + (await unreadCount(kv, w.fold.id));
    const report = await mergeStudents(kv, actorOf(w.teacher), {
      keepId: w.keep.id,
      foldId: w.fold.id,
    });
    assert.equal(report.already, false);
    assert.deepEqual(report.moved, {
      classes: 1, // class B (class A had both)
      submissions: 3,
      grades: 1, // the released one wins over the kept account's draft
      attendance: 1,
      lectureRecords: 4, // the join (the kept one's stays), presence, recording view, chat
      notifications: foldNotes,
    });

    // Submissions: every version kept, the newer one latest; grades: released over draft.
    const versions = await listSubmissionVersions(kv, w.both.id, w.keep.id);
    assert.deepEqual(versions.map((v) => [v.version, v.text]), [
      [1, "keep v1"],
      [2, "fold v1"],
      [3, "fold v2"],
    ]);
    assert.equal((await getLatestSubmission(kv, w.both.id, w.keep.id))?.text, "fold v2");
    assert.equal((await getLatestSubmission(kv, w.onlyFold.id, w.keep.id))?.text, "only");
    const grade = await getGrade(kv, w.both.id, w.keep.id);
    assert.equal(grade?.status, "released");
    assert.equal(grade?.points, 9);
    assert.equal(grade?.studentId, w.keep.id);
    // The grading queue: "only" still waits; "both" is graded.
    assert.deepEqual(await countAwaitingGrade(kv, [w.both.id, w.onlyFold.id]), [0, 1]);
    assert.deepEqual(queueBefore, [0, 1]);

    // Lectures: attendance of both, presence and chat authorship under the kept id.
    const intervals = [];
    for await (const e of kv.list({ prefix: ["attendance_intervals", w.lectureId, w.keep.id] })) {
      intervals.push(e.key[3]);
    }
    assert.deepEqual(intervals.sort(), ["PA_1", "PA_2"]);
    // Both joined the lecture: the kept account's join record stays.
    const join = await kv.get<{ at: number }>(["lecture_joins", w.lectureId, w.keep.id]);
    assert.equal(join.value?.at, w.lectureJoinAt);
    assert.ok((await kv.get(["lecture_presence", w.lectureId, w.keep.id])).value);
    const chat = await kv.get<{ userId: string }>([
      "lecture_chat",
      w.lectureId,
      "01MSG0000000000000000000001",
    ]);
    assert.equal(chat.value?.userId, w.keep.id);

    // Memberships of every class; notifications and the unread count.
    assert.equal(await getMemberRole(kv, w.classA.id, w.keep.id), "student");
    assert.equal(await getMemberRole(kv, w.classB.id, w.keep.id), "student");
    const rosterA = await listClassMembers(kv, w.classA.id, { role: "student" });
    assert.equal(rosterA.total, 2, "one row for the student, one for the classmate");
    assert.ok(foldNotes >= 2, "a nudge and the released grade");
    assert.equal(await unreadCount(kv, w.keep.id), unread);

    // The folded account is gone with its sessions; its email and password now sign in
    // the kept account, which keeps its name and number.
    assert.equal(await getUser(kv, w.fold.id), null);
    assert.equal(await getSessionUser(kv, w.foldSession.token), null);
    const kept = await getUser(kv, w.keep.id);
    assert.equal(kept?.name, "Hong Gildong");
    assert.equal(kept?.email, w.fold.email);
    assert.equal(kept?.passwordHash, w.fold.passwordHash);
    assert.equal((await kv.get(["users_by_email", w.fold.email!])).value, w.keep.id);
    assert.equal((await findUserByNumber(kv, w.org.id, "2026801"))?.id, w.keep.id);
    assert.deepEqual(await keysNaming(kv, w.fold.id), [], "nothing names the folded id");

    // Run again: nothing changes.
    const again = await mergeStudents(kv, actorOf(w.teacher), {
      keepId: w.keep.id,
      foldId: w.fold.id,
    });
    assert.equal(again.already, true);
    assert.equal((await listSubmissionVersions(kv, w.both.id, w.keep.id)).length, 3);
  });
});

Deno.test("[merge] an interrupted merge is run again and finishes", async () => {
  await withWorld(async (kv, w) => {
    // Half-way: the marker written and the coursework of one assignment moved by hand, as the
    // first steps would have done before a crash; the folded account still exists.
    await kv.set(["user_merges", w.fold.id], {
      keepId: w.keep.id,
      orgId: w.org.id,
      by: w.teacher.id,
      startedAt: new Date().toISOString(),
    });
    const first = await listSubmissionVersions(kv, w.onlyFold.id, w.fold.id);
    await kv.atomic()
      .set(["submissions", w.onlyFold.id, w.keep.id, 1], { ...first[0], studentId: w.keep.id })
      .delete(["submissions", w.onlyFold.id, w.fold.id, 1])
      .commit();
    // Its memberships already moved too: the teacher no longer sees the folded account in a
    // class, yet the marker lets the same merge finish.
    const { removeMemberOps } = await import("../classes/members.ts");
    await removeMemberOps(kv.atomic(), w.classA.id, w.fold.id).commit();
    const report = await mergeStudents(kv, actorOf(w.teacher), {
      keepId: w.keep.id,
      foldId: w.fold.id,
    });
    assert.equal(report.already, false);
    assert.equal(await getUser(kv, w.fold.id), null);
    assert.equal((await getLatestSubmission(kv, w.onlyFold.id, w.keep.id))?.text, "only");
    assert.equal((await listSubmissionVersions(kv, w.both.id, w.keep.id)).length, 3);
    assert.deepEqual(await keysNaming(kv, w.fold.id), []);
    // A merge of the folded account into someone else is refused while the marker stands.
    const other = await rejection(mergeStudents(kv, actorOf(w.admin), {
      keepId: w.classmate.id,
      foldId: w.fold.id,
    }));
    assert.equal(other.status, 404);
  });
});

Deno.test("[merge] who may merge: teachers their students, admins their school, another school 404", async () => {
  await withWorld(async (kv, w) => {
    const pair = { keepId: w.keep.id, foldId: w.fold.id };
    // A teacher who teaches the folded account (class B) but not the kept one: 404.
    assert.equal((await rejection(mergeStudents(kv, actorOf(w.otherTeacher), pair))).status, 404);
    // Students may not.
    assert.equal((await rejection(mergeStudents(kv, actorOf(w.classmate), pair))).status, 403);
    // A teacher may not fold a teacher in, nor merge one account with itself.
    assert.equal(
      (await rejection(mergeStudents(kv, actorOf(w.admin), {
        keepId: w.keep.id,
        foldId: w.otherTeacher.id,
      }))).status,
      403,
    );
    assert.equal(
      (await rejection(
        mergeStudents(kv, actorOf(w.teacher), { keepId: w.keep.id, foldId: w.keep.id }),
      ))
        .status,
      400,
    );
    // Another school's student: 404, for admins too.
    assert.equal(
      (await rejection(mergeStudents(kv, actorOf(w.admin), {
        keepId: w.keep.id,
        foldId: w.outsider.id,
      }))).status,
      404,
    );
    assert.ok(await getUser(kv, w.fold.id), "nothing happened");
    assert.ok(await getUser(kv, w.outsider.id));
    // An admin of the school may merge any two of its students.
    const done = await mergeStudents(kv, actorOf(w.admin), pair);
    assert.equal(done.already, false);
  });
});
