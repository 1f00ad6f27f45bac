import assert from "node:assert/strict";
import { randomClass, randomOrg, randomUser } from "@/tests/fixtures.ts";

import { addMemberOps } from "../classes/members.ts";

import { createUserOps, newUser } from "../orgs/users.ts";
import { AppError } from "../web/errors.ts";
import { createAssignment, publishAssignment, updateAssignment } from "./assignments.ts";
import {
  finalPointsFor,
  getGrade,
  lateDays,
  latePenaltyPct,
  listGradingRows,
  releaseAllGrades,
  releaseGrade,
  saveGradeDraft,
  studentGradeView,
} from "./grading.ts";
import type { Assignment, Submission } from "./model.ts";
import { listNotifications } from "../notifications/notifications.ts";

async function world(
  latePolicy: Assignment["latePolicy"] = { kind: "accept", penaltyPerDayPct: 10 },
) {
  const kv = await Deno.openKv(":memory:");
  const org = await randomOrg(kv, { timeZone: "UTC" });
  const teacher = await randomUser(kv, org.id, "teacher");
  const student = await randomUser(kv, org.id, "student");
  const cls = await randomClass(kv, org.id, { teachers: [teacher], students: [student] });
  const draft = await createAssignment(kv, cls, {
    title: "Lab",
    points: 50,
    due: { date: "2026-12-01", time: "00:00" },
    latePolicy,
  }, teacher.id);
  const a = await publishAssignment(kv, org.id, draft.id, new Date("2026-11-01T00:00:00Z"));
  return { kv, org, teacher, student, cls, a };
}

function submit(kv: Deno.Kv, a: Assignment, studentId: string, submittedAt: string) {
  const sub: Submission = {
    assignmentId: a.id,
    studentId,
    classId: a.classId,
    orgId: a.orgId,
    version: 1,
    text: "done",
    files: [],
    submittedAt,
    daysLate: lateDays(a.dueAt, submittedAt),
  };
  return kv.atomic()
    .set(["submission_latest", a.id, studentId], 1)
    .set(["submissions", a.id, studentId, 1], sub)
    .commit();
}

Deno.test("[grading] penalty arithmetic", () => {
  assert.equal(lateDays("2026-12-01T00:00:00Z", "2026-11-30T00:00:00Z"), 0);
  assert.equal(lateDays("2026-12-01T00:00:00Z", "2026-12-01T00:00:00Z"), 0);
  assert.equal(lateDays("2026-12-01T00:00:00Z", "2026-12-01T00:00:01Z"), 1);
  assert.equal(lateDays("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z"), 1);
  assert.equal(lateDays("2026-12-01T00:00:00Z", "2026-12-02T00:00:01Z"), 2);
  const accept = { latePolicy: { kind: "accept" as const, penaltyPerDayPct: 10 } };
  assert.equal(latePenaltyPct(accept, 2), 20);
  assert.equal(latePenaltyPct(accept, 15), 100);
  assert.equal(latePenaltyPct({ latePolicy: { kind: "close" } }, 3), 0);
  assert.equal(finalPointsFor(20, 50, 20), 10);
  assert.equal(finalPointsFor(5, 50, 20), 0);
  assert.equal(finalPointsFor(9.99, 10, 0.1), 9.98);
});

Deno.test("[grading] a late submission: 20 of 50 at 10%/day, 2 days late -> 20%, 10 points", async () => {
  const { kv, teacher, student, a } = await world();
  try {
    await submit(kv, a, student.id, "2026-12-02T12:00:00Z");
    const g = await saveGradeDraft(kv, a, student.id, { points: 20, feedback: "Good" }, teacher.id);
    assert.equal(g.status, "draft");
    assert.equal(g.penaltyPct, 20);
    assert.equal(g.finalPoints, 10);
    assert.equal(g.gradedBy, teacher.id);
    assert.equal(studentGradeView(g), null);
  } finally {
    kv.close();
  }
});

Deno.test("[grading] bad grades: too many points, a non-student, a draft assignment", async () => {
  const { kv, org, teacher, student, cls, a } = await world();
  try {
    await assert.rejects(
      saveGradeDraft(kv, a, student.id, { points: 50.01 }, teacher.id),
      (e: AppError) => {
        assert.equal(e.status, 400);
        assert.deepEqual(e.details![0].path, ["points"]);
        return true;
      },
    );
    await assert.rejects(
      saveGradeDraft(kv, a, teacher.id, { points: 1 }, teacher.id),
      (e: AppError) => e.status === 404,
    );
    const outsider = await randomUser(kv, org.id, "student");
    await assert.rejects(
      saveGradeDraft(kv, a, outsider.id, { points: 1 }, teacher.id),
      (e: AppError) => e.status === 404,
    );
    const draft = await createAssignment(kv, cls, {
      title: "Later",
      points: 10,
      due: { date: "2026-12-01", time: "00:00" },
    }, teacher.id);
    await assert.rejects(
      saveGradeDraft(kv, draft, student.id, { points: 1 }, teacher.id),
      (e: AppError) => e.status === 409,
    );
    assert.equal(await getGrade(kv, a.id, student.id), null);
  } finally {
    kv.close();
  }
});

Deno.test("[grading] release one: the student is told and sees it; editing makes it a draft again", async () => {
  const { kv, teacher, student, a } = await world();
  try {
    await saveGradeDraft(kv, a, student.id, { points: 45, mark: "late" }, teacher.id);
    assert.equal((await listNotifications(kv, student.id)).items.length, 1); // the publish one
    const g = await releaseGrade(kv, a, student.id);
    assert.equal(g.status, "released");
    assert.ok(g.releasedAt);
    assert.deepEqual(studentGradeView(g), {
      points: 45,
      feedback: undefined,
      mark: "late",
      penaltyPct: 0,
      finalPoints: 45,
      releasedAt: g.releasedAt,
    });
    const n = (await listNotifications(kv, student.id)).items;
    assert.equal(n.length, 2);
    assert.equal(n[0].kind, "grade_released");
    // Releasing again changes nothing and tells no one again.
    await releaseGrade(kv, a, student.id);
    assert.equal((await listNotifications(kv, student.id)).items.length, 2);

    const edited = await saveGradeDraft(kv, a, student.id, { points: 40 }, teacher.id);
    assert.equal(edited.status, "draft");
    assert.equal(studentGradeView(await getGrade(kv, a.id, student.id)), null);
  } finally {
    kv.close();
  }
});

Deno.test("[grading] excused and missing marks", async () => {
  const { kv, teacher, student, a } = await world();
  try {
    const ex = await saveGradeDraft(kv, a, student.id, { mark: "excused" }, teacher.id);
    assert.equal(ex.finalPoints, undefined);
    assert.equal(ex.penaltyPct, 0);
    const m = await saveGradeDraft(kv, a, student.id, { mark: "missing" }, teacher.id);
    assert.equal(m.mark, "missing");
    assert.equal(m.finalPoints, undefined);
  } finally {
    kv.close();
  }
});

Deno.test("[grading] release all: every draft, in batches, each student notified once", async () => {
  const { kv, teacher, student, cls, a } = await world();
  try {
    const many = Array.from(
      { length: 230 },
      (_, i) =>
        newUser({ orgId: a.orgId, name: `S${String(i).padStart(3, "0")}`, role: "student" }),
    );
    for (let i = 0; i < many.length; i += 100) {
      const op = kv.atomic();
      for (const u of many.slice(i, i + 100)) {
        addMemberOps(createUserOps(op, u, false), cls.id, u, "student");
      }
      assert.ok((await op.commit()).ok);
    }
    for (const u of many) await saveGradeDraft(kv, a, u.id, { points: 30 }, teacher.id);
    await saveGradeDraft(kv, a, student.id, { points: 10 }, teacher.id);
    await releaseGrade(kv, a, student.id);

    assert.equal(await releaseAllGrades(kv, a), 230);
    assert.equal(await releaseAllGrades(kv, a), 0);
    for (const u of [many[0], many[229]]) {
      assert.equal((await getGrade(kv, a.id, u.id))!.status, "released");
      const kinds = (await listNotifications(kv, u.id)).items.map((n) => n.kind);
      assert.deepEqual(kinds, ["grade_released"]);
    }
    const rows = await listGradingRows(kv, a, { offset: 0, limit: 5 });
    assert.equal(rows.total, 231);
    assert.equal(rows.items.length, 5);
    assert.equal(rows.items[0].name, "S000");
  } finally {
    kv.close();
  }
});

Deno.test("[grading] moving the due time re-scores late grades", async () => {
  const { kv, org, teacher, student, a } = await world();
  try {
    await submit(kv, a, student.id, "2026-12-02T12:00:00Z");
    await saveGradeDraft(kv, a, student.id, { points: 20 }, teacher.id);
    await updateAssignment(kv, org.id, a.id, { due: { date: "2026-12-03", time: "00:00" } });
    const g = (await getGrade(kv, a.id, student.id))!;
    assert.equal(g.penaltyPct, 0);
    assert.equal(g.finalPoints, 20);
    await updateAssignment(kv, org.id, a.id, {
      due: { date: "2026-12-02", time: "00:00" },
      latePolicy: { kind: "accept", penaltyPerDayPct: 25 },
    });
    const again = (await getGrade(kv, a.id, student.id))!;
    assert.equal(again.penaltyPct, 25);
    assert.equal(again.finalPoints, 7.5);
    assert.equal(again.status, "draft");
  } finally {
    kv.close();
  }
});
