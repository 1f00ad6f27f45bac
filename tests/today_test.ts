/**
 * Today: what a student, a teacher and an admin see first, from the real services on an
 * in-memory KV (every time built from "now"), the grading queue's counters, and the page
 * through the app (`app.request`) in English, Korean and Chinese.
 * @module
 */
import assert from "node:assert/strict";
import { addMemberOps } from "@/services/classes/members.ts";
import type { Class } from "@/services/classes/classes.ts";
import { createAssignment, publishAssignment } from "@/services/coursework/assignments.ts";
import { utcToZonedTime } from "@/services/coursework/due_time.ts";
import {
  backfillGradingQueue,
  countAwaitingGrade,
  releaseGrade,
  saveGradeDraft,
} from "@/services/coursework/grading.ts";
import type { Assignment } from "@/services/coursework/model.ts";
import { markRead, unreadCount } from "@/services/notifications/notifications.ts";
import { submitWork } from "@/services/coursework/submissions.ts";
import { commit } from "@/services/db/kv.ts";
import { scheduleLecture } from "@/services/lectures/lectures.ts";
import type { User } from "@/services/orgs/users.ts";
import { gatherToday } from "@/services/today/today.ts";
import { lectureOpenedAt, MIN } from "./attendance.ts";
import {
  browserSessionFor,
  randomClass,
  randomOrg,
  randomUser,
  testApp,
  twoSchools,
} from "./helpers.ts";
import { countingKv } from "./kv_reads.ts";

const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const TZ = "Asia/Seoul";

/** A published assignment due at an instant (ms) on the school's clock; no reminders. */
async function assignmentDue(
  kv: Deno.Kv,
  cls: Class,
  teacher: User,
  title: string,
  dueMs: number,
): Promise<Assignment> {
  const due = utcToZonedTime(new Date(dueMs), TZ);
  const draft = await createAssignment(
    kv,
    cls,
    { title, points: 10, due, reminderHours: [] },
    teacher.id,
  );
  return await publishAssignment(kv, cls.orgId, draft.id, new Date(Date.now() - 10 * DAY));
}

/**
 * A school in Seoul with one class: a live lecture, one in 2 hours, one in 3 days, one that
 * ended; work due in 2 days (not started), in 3 days (handed in), 20 days (too far), missing
 * from 2 days ago, graded and released yesterday; and another school with a live lecture.
 */
async function world(kv: Deno.Kv) {
  const now = Date.now();
  const org = await randomOrg(kv, { timeZone: TZ });
  const teacher = await randomUser(kv, org.id, "teacher");
  const student = await randomUser(kv, org.id, "student");
  const cls = await randomClass(kv, org.id, {
    name: "Biology",
    teachers: [teacher],
    students: [student],
  });
  const live = await lectureOpenedAt(kv, cls, teacher, now - 5 * MIN, { title: "Cells, live" });
  // Scheduled quietly: the unread counts below are the coursework notifications.
  const soon = await scheduleLecture(kv, cls, teacher.id, {
    title: "Mitosis",
    startsAt: new Date(now + 2 * HOUR).toISOString(),
  }, { notify: false });
  const later = await scheduleLecture(kv, cls, teacher.id, {
    title: "Meiosis",
    startsAt: new Date(now + 3 * DAY).toISOString(),
  }, { notify: false });
  await lectureOpenedAt(kv, cls, teacher, now - 2 * DAY, {
    title: "Old lecture",
    status: "ended",
    endedAt: new Date(now - 2 * DAY + HOUR).toISOString(),
  });
  const dueSoon = await assignmentDue(kv, cls, teacher, "Leaf drawing", now + 2 * DAY);
  const handedIn = await assignmentDue(kv, cls, teacher, "Lab report", now + 3 * DAY);
  const far = await assignmentDue(kv, cls, teacher, "Term project", now + 20 * DAY);
  const missing = await assignmentDue(kv, cls, teacher, "Quiz corrections", now - 2 * DAY);
  const graded = await assignmentDue(kv, cls, teacher, "Microscope sketch", now - DAY);
  await submitWork(kv, {
    assignment: handedIn,
    student,
    text: "My report",
    fileIds: [],
  });
  await submitWork(kv, {
    assignment: graded,
    student,
    text: "Sketch",
    fileIds: [],
    now: new Date(now - 2 * DAY),
  });
  await saveGradeDraft(kv, graded, student.id, { points: 9 }, teacher.id);
  await releaseGrade(kv, graded, student.id);

  const elsewhere = await randomOrg(kv, { timeZone: "UTC" });
  const otherTeacher = await randomUser(kv, elsewhere.id, "teacher");
  const otherClass = await randomClass(kv, elsewhere.id, { teachers: [otherTeacher] });
  const foreign = await lectureOpenedAt(kv, otherClass, otherTeacher, now - MIN, {
    title: "Another school's lecture",
  });
  return {
    org,
    teacher,
    student,
    cls,
    live,
    soon,
    later,
    dueSoon,
    handedIn,
    far,
    missing,
    graded,
    elsewhere,
    otherClass,
    foreign,
  };
}

const ids = (items: { lecture?: { id: string }; assignment?: { id: string } }[]) =>
  items.map((i) => i.lecture?.id ?? i.assignment!.id);

Deno.test("[today] a student: live now, starting soon, due soon, overdue, new grades, unread", async () => {
  await using t = await testApp();
  const w = await world(t.kv);
  const today = await gatherToday(t.kv, w.student);
  assert.equal(today.timeZone, TZ);
  assert.deepEqual(ids(today.live), [w.live.id]);
  assert.deepEqual(ids(today.soon), [w.soon.id], "in 2 hours yes, in 3 days no");
  assert.deepEqual(ids(today.due), [w.dueSoon.id, w.handedIn.id], "within 7 days, soonest first");
  assert.deepEqual(today.due.map((d) => d.assignment.myStatus), ["not_started", "submitted"]);
  assert.deepEqual(ids(today.overdue), [w.missing.id]);
  assert.equal(today.overdue[0].assignment.myStatus, "missing");
  assert.deepEqual(ids(today.grades), [w.graded.id]);
  assert.equal(today.grades[0].assignment.myGrade?.finalPoints, 9);
  assert.equal(today.grades[0].className, "Biology");
  // Five assignments published and one grade released, all unread.
  assert.equal(today.notifications.unread, 6);
  assert.equal(today.notifications.latest.length, 3);
  assert.equal(today.notifications.latest[0].kind, "grade_released");
  assert.deepEqual(today.toRun, [], "a student runs no lectures");
  assert.deepEqual(today.toGrade, []);
  assert.equal(today.school, undefined);
});

Deno.test("[today] a teacher: lectures to run and work waiting for a grade", async () => {
  await using t = await testApp();
  const w = await world(t.kv);
  const today = await gatherToday(t.kv, w.teacher);
  assert.deepEqual(ids(today.toRun), [w.live.id, w.soon.id], "live first, then the next 24 h");
  assert.deepEqual(
    today.toGrade.map((g) => [g.assignment.id, g.waiting]),
    [[w.handedIn.id, 1]],
    "the graded work is not waiting",
  );
  assert.deepEqual(today.live, [], "the student sections are a student's");
  assert.deepEqual(today.due, []);
});

Deno.test("[today] a lecture past its start that is not open yet is still starting soon", async () => {
  await using t = await testApp();
  const org = await randomOrg(t.kv, { timeZone: TZ });
  const teacher = await randomUser(t.kv, org.id, "teacher");
  const student = await randomUser(t.kv, org.id, "student");
  const cls = await randomClass(t.kv, org.id, { teachers: [teacher], students: [student] });
  const schedule = (title: string, at: number) =>
    scheduleLecture(t.kv, cls, teacher.id, { title, startsAt: new Date(at).toISOString() });
  const late = await schedule("Waiting for the teacher", Date.now() - 20 * MIN);
  await schedule("Long forgotten", Date.now() - 2 * DAY);
  const today = await gatherToday(t.kv, student);
  assert.deepEqual(ids(today.soon), [late.id]);
  assert.deepEqual(ids((await gatherToday(t.kv, teacher)).toRun), [late.id]);
});

Deno.test("[today] another school's lecture never appears", async () => {
  await using t = await testApp();
  const w = await world(t.kv);
  // Even with a stray membership of the other school's class (a broken import, say).
  await commit(addMemberOps(t.kv.atomic(), w.otherClass.id, w.student, "student"));
  await commit(addMemberOps(t.kv.atomic(), w.otherClass.id, w.teacher, "teacher"));
  const all = [await gatherToday(t.kv, w.student), await gatherToday(t.kv, w.teacher)];
  for (const today of all) {
    const lectures = [...today.live, ...today.soon, ...today.toRun].map((l) => l.lecture.id);
    assert.ok(!lectures.includes(w.foreign.id), "the other school's live lecture is left out");
    assert.ok(today.classes.every((c) => c.cls.orgId === w.org.id));
  }
  const admin = await randomUser(t.kv, w.org.id, "admin");
  const school = (await gatherToday(t.kv, admin)).school!;
  assert.deepEqual(school.classes.map((c) => c.id), [w.cls.id]);
  assert.equal(school.total, 1);
});

Deno.test("[today] empty: a new student and a new teacher see nothing to do", async () => {
  await using t = await testApp();
  const org = await randomOrg(t.kv);
  for (const role of ["student", "teacher"] as const) {
    const user = await randomUser(t.kv, org.id, role);
    const today = await gatherToday(t.kv, user);
    for (
      const list of [
        today.classes,
        today.live,
        today.soon,
        today.toRun,
        today.due,
        today.overdue,
        today.grades,
        today.toGrade,
        today.notifications.latest,
      ]
    ) {
      assert.deepEqual(list, []);
    }
    assert.equal(today.notifications.unread, 0);
  }
});

Deno.test("[today] read notifications leave the unread list; old grades are not new", async () => {
  await using t = await testApp();
  const w = await world(t.kv);
  await markRead(t.kv, w.student.id, "all");
  assert.equal(await unreadCount(t.kv, w.student.id), 0);
  const later = await gatherToday(t.kv, w.student, new Date(Date.now() + 8 * DAY));
  assert.deepEqual(later.notifications.latest, []);
  assert.deepEqual(later.grades, [], "released more than 7 days before");
  assert.deepEqual(later.live.map((l) => l.lecture.id), [w.live.id], "still live");
});

Deno.test("[today] grading queue: first submissions in, first grades out, resubmissions once", async () => {
  await using t = await testApp();
  const org = await randomOrg(t.kv, { timeZone: TZ });
  const teacher = await randomUser(t.kv, org.id, "teacher");
  const students = await Promise.all([1, 2, 3].map(() => randomUser(t.kv, org.id, "student")));
  const cls = await randomClass(t.kv, org.id, { teachers: [teacher], students });
  const a = await assignmentDue(t.kv, cls, teacher, "Essay", Date.now() + DAY);
  const [s1, s2, s3] = students;
  const submit = (s: User) =>
    submitWork(t.kv, { assignment: a, student: s, text: "x", fileIds: [] });
  await submit(s1);
  await submit(s1); // a second version is the same student's work
  await submit(s2);
  assert.deepEqual(await countAwaitingGrade(t.kv, [a.id]), [2]);
  await saveGradeDraft(t.kv, a, s1.id, { points: 5 }, teacher.id);
  await saveGradeDraft(t.kv, a, s1.id, { points: 6 }, teacher.id); // an edit, not a new grade
  assert.deepEqual(await countAwaitingGrade(t.kv, [a.id]), [1]);
  // Marked missing before handing in: graded already, not waiting.
  await saveGradeDraft(t.kv, a, s3.id, { mark: "missing" }, teacher.id);
  await submit(s3);
  assert.deepEqual(await countAwaitingGrade(t.kv, [a.id]), [1]);
  await saveGradeDraft(t.kv, a, s2.id, { points: 7 }, teacher.id);
  assert.deepEqual(await countAwaitingGrade(t.kv, [a.id, "unknown"]), [0, 0]);
});

Deno.test("[today] grading queue: work handed in before the counters existed is counted once", async () => {
  await using t = await testApp();
  const org = await randomOrg(t.kv, { timeZone: TZ });
  const teacher = await randomUser(t.kv, org.id, "teacher");
  const students = await Promise.all([1, 2, 3].map(() => randomUser(t.kv, org.id, "student")));
  const cls = await randomClass(t.kv, org.id, { teachers: [teacher], students });
  const old = await assignmentDue(t.kv, cls, teacher, "Old essay", Date.now() + DAY);
  const fresh = await assignmentDue(t.kv, cls, teacher, "New essay", Date.now() + DAY);
  for (const s of students) {
    await submitWork(t.kv, { assignment: old, student: s, text: "x", fileIds: [] });
  }
  await saveGradeDraft(t.kv, old, students[0].id, { points: 5 }, teacher.id);
  // As an older version left the store: the same work, no counters.
  for (const k of [["grading_queue", old.id, "in"], ["grading_queue", old.id, "out"]]) {
    await t.kv.delete(k);
  }
  await submitWork(t.kv, { assignment: fresh, student: students[0], text: "x", fileIds: [] });
  assert.deepEqual(await countAwaitingGrade(t.kv, [old.id, fresh.id]), [0, 1]);
  assert.equal(await backfillGradingQueue(t.kv), 1);
  assert.deepEqual(await countAwaitingGrade(t.kv, [old.id, fresh.id]), [2, 1]);
  await saveGradeDraft(t.kv, old, students[1].id, { points: 5 }, teacher.id);
  assert.deepEqual(await countAwaitingGrade(t.kv, [old.id]), [1]);
  assert.equal(await backfillGradingQueue(t.kv), 0, "once per store");
  assert.deepEqual(await countAwaitingGrade(t.kv, [old.id]), [1]);
});

Deno.test("[today] reads do not grow with the class's submissions (a teacher of 200 hands-in)", async () => {
  await using t = await testApp();
  const org = await randomOrg(t.kv, { timeZone: TZ });
  const teacher = await randomUser(t.kv, org.id, "teacher");
  const me = await randomUser(t.kv, org.id, "student");
  const cls = await randomClass(t.kv, org.id, { teachers: [teacher], students: [me] });
  const a = await assignmentDue(t.kv, cls, teacher, "Essay", Date.now() + DAY);
  const handIn = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const s = await randomUser(t.kv, org.id, "student");
      await commit(addMemberOps(t.kv.atomic(), cls.id, s, "student"));
      await submitWork(t.kv, { assignment: a, student: s, text: "x", fileIds: [] });
    }
  };
  const readsFor = async (user: User) => {
    const c = countingKv(t.kv);
    await gatherToday(c.kv, user);
    return c.reads;
  };
  await handIn(2);
  const before = { teacher: await readsFor(teacher), student: await readsFor(me) };
  await handIn(200);
  const after = { teacher: await readsFor(teacher), student: await readsFor(me) };
  assert.deepEqual(after, before);
  assert.ok(before.teacher.keys + before.teacher.listed < 40, JSON.stringify(before));
  assert.equal((await gatherToday(t.kv, teacher)).toGrade[0].waiting, 202);
});

// ---------------------------------------------------------------------------------------------
// The page

async function page(t: Awaited<ReturnType<typeof testApp>>, user: User, lang = "en") {
  const { cookie } = await browserSessionFor(t.kv, user);
  const res = await t.app.request("/today", { headers: { cookie, "accept-language": lang } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
  return await res.text();
}

Deno.test("[today] / lands signed-in people on Today, others on sign-in", async () => {
  await using t = await testApp();
  const { one } = await twoSchools(t.kv);
  for (const user of [one.studentA, one.teacherA, one.admin]) {
    const { cookie } = await browserSessionFor(t.kv, user);
    const res = await t.app.request("/", { headers: { cookie } });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), "/today");
  }
  const anon = await t.app.request("/");
  assert.equal(anon.headers.get("location"), "/signin");
  const page = await t.app.request("/today");
  assert.equal(page.status, 303);
  assert.match(page.headers.get("location") ?? "", /^\/signin\?next=%2Ftoday/);
});

Deno.test("[today] the student's page: Join goes to the lecture room; times on the school's clock", async () => {
  await using t = await testApp();
  const w = await world(t.kv);
  const html = await page(t, w.student);
  assert.match(
    html,
    new RegExp(`href="/lectures/${w.live.id}"[^>]*aria-label="Join the live lecture Cells, live"`),
  );
  assert.ok(html.includes(`href="/lectures/${w.soon.id}"`));
  assert.ok(!html.includes(w.foreign.id));
  assert.ok(html.includes("Korean Standard Time (Asia/Seoul)"), "the zone, readable");
  assert.ok(html.includes("GMT+9"), "each time says its zone");
  assert.ok(html.includes(`href="/classes/${w.cls.id}/assignments/${w.dueSoon.id}"`));
  assert.ok(html.includes("Quiz corrections") && html.includes("Missing"));
  assert.ok(html.includes("9 / 10"), "the new grade");
  assert.ok(html.includes("6 unread"));
  assert.ok(!html.includes("Lectures to run"));
  const ko = await page(t, w.student, "ko");
  assert.ok(ko.includes("지금 진행 중") && ko.includes("진행 중인 강의 Cells, live에 참여"));
  const zh = await page(t, w.student, "zh-CN");
  assert.ok(zh.includes("正在直播") && zh.includes("6 条未读"));
});

Deno.test("[today] the teacher's page: Go live, Open and work to grade", async () => {
  await using t = await testApp();
  const w = await world(t.kv);
  const html = await page(t, w.teacher);
  assert.ok(html.includes(`aria-label="Open the live lecture Cells, live"`));
  assert.ok(html.includes(`aria-label="Go live: Mitosis"`));
  assert.ok(html.includes("1 waiting"));
  assert.ok(html.includes(`aria-label="Grade Lab report"`));
  assert.ok(!html.includes("Live now"), "no student sections");
});

Deno.test("[today] empty states say what will appear; an admin gets the school", async () => {
  await using t = await testApp();
  const org = await randomOrg(t.kv);
  const student = await randomUser(t.kv, org.id, "student");
  const teacher = await randomUser(t.kv, org.id, "teacher");
  const admin = await randomUser(t.kv, org.id, "admin");
  const s = await page(t, student);
  for (
    const text of [
      "When a lecture of one of your classes goes live, it appears here.",
      "Lectures planned for the next 24 hours appear here.",
      "Work due in the next 7 days appears here.",
      "Grades your teachers release appear here for 7 days.",
      "No unread notifications.",
    ]
  ) assert.ok(s.includes(text), text);
  const tp = await page(t, teacher, "ko");
  assert.ok(tp.includes("학생이 과제를 제출하면 채점을 기다리는 과제가 여기에 표시됩니다."));
  const a = await page(t, admin, "zh");
  assert.ok(a.includes("还没有班级。"));
  await randomClass(t.kv, org.id, { name: "Chemistry 2" });
  const withClass = await page(t, admin);
  assert.ok(withClass.includes("Chemistry 2") && withClass.includes('href="/admin"'));
  assert.match(withClass, /aria-label="Manage Chemistry 2"/);
});
