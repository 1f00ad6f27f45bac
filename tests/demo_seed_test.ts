/**
 * The demo seed shows every part without setup: a lecture within the next hour, work to grade,
 * a released grade and attendance history, all relative to the moment of seeding (so it holds
 * on any day, and on a clock run a year ahead).
 * @module
 */
import assert from "node:assert/strict";
import { lectureAttendance } from "@/services/attendance/report.ts";
import { listUserClasses } from "@/services/classes/classes.ts";
import { DEMO_STUDENT_NUMBER, DEMO_TEACHERS, seedDemo } from "@/services/demo/seed.ts";
import { listClassLectures } from "@/services/lectures/lectures.ts";
import { findOrgBySlug } from "@/services/orgs/orgs.ts";
import { findUserByEmail, findUserByNumber } from "@/services/orgs/users.ts";
import { gatherToday } from "@/services/today/today.ts";

const HOUR = 3_600_000;

Deno.test("[demo] the seeded school has a lecture soon, work to grade, grades and attendance", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const now = Date.now();
    const info = await seedDemo(kv, { iterations: 1000 });
    const org = (await findOrgBySlug(kv, info.school))!;
    const teacher = (await findUserByEmail(kv, DEMO_TEACHERS[0]))!;
    const student = (await findUserByNumber(kv, org.id, DEMO_STUDENT_NUMBER))!;
    const classes = await listUserClasses(kv, teacher);
    const lectures = (await Promise.all(classes.map(({ cls }) => listClassLectures(kv, cls.id))))
      .flat();

    const soon = lectures.filter((l) =>
      l.status === "scheduled" && Date.parse(l.startsAt) > now &&
      Date.parse(l.startsAt) <= now + HOUR
    );
    assert.equal(soon.length, 1, "one lecture within the next hour");

    const ended = lectures.filter((l) => l.status === "ended");
    assert.ok(ended.length >= 2, "past lectures");
    for (const lecture of ended) {
      assert.ok(Date.parse(lecture.endedAt!) < now);
      const report = await lectureAttendance(kv, lecture, { limit: 500 });
      assert.equal(report.total, 30, "every student has a row");
      const { present, late, absent } = report.counts!;
      assert.ok(present > 0 && late > 0 && absent > 0, JSON.stringify(report.counts));
      const own = report.items.find((r) => r.userId === student.id)!;
      assert.equal(own.status, "present");
    }

    const teacherToday = await gatherToday(kv, teacher);
    assert.equal(teacherToday.toRun[0]?.lecture.id, soon[0].id, "the teacher's next lecture");
    assert.ok(teacherToday.toGrade.some((g) => g.waiting > 0), "an assignment with work to grade");

    const studentToday = await gatherToday(kv, student);
    assert.equal(studentToday.soon[0]?.lecture.id, soon[0].id);
    assert.equal(studentToday.grades.length, 1, "a graded, released assignment");
    assert.equal(studentToday.grades[0].assignment.myGrade?.finalPoints, 9);
    assert.ok(studentToday.due.length >= 1, "work due soon");
    assert.ok(studentToday.overdue.length >= 1, "missed work");
    assert.ok(studentToday.notifications.unread > 0);
  } finally {
    kv.close();
  }
});
