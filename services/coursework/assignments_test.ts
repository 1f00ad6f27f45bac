import assert from "node:assert/strict";
import { randomClass, randomOrg, randomUser } from "@/tests/fixtures.ts";
import { AppError } from "../web/errors.ts";
import {
  AssignmentInputSchema,
  closeAssignment,
  createAssignment,
  getAssignment,
  listAssignmentsByClass,
  publishAssignment,
  studentStatus,
  updateAssignment,
} from "./assignments.ts";
import { DueSchema } from "./due_time.ts";
import { saveGradeDraft } from "./grading.ts";
import type { Assignment, Submission } from "./model.ts";
import { listNotifications } from "../notifications/notifications.ts";

async function world(timeZone = "Asia/Seoul") {
  const kv = await Deno.openKv(":memory:");
  const org = await randomOrg(kv, { timeZone });
  const teacher = await randomUser(kv, org.id, "teacher");
  const students = [
    await randomUser(kv, org.id, "student"),
    await randomUser(kv, org.id, "student"),
  ];
  const cls = await randomClass(kv, org.id, { teachers: [teacher], students });
  return { kv, org, teacher, students, cls };
}

const input = {
  title: "Essay",
  instructions: "Write **500** words.",
  points: 50,
  due: { date: "2026-12-01", time: "09:00" },
};

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
    daysLate: 0,
  };
  return kv.atomic()
    .set(["submission_latest", a.id, studentId], 1)
    .set(["submissions", a.id, studentId, 1], sub)
    .commit();
}

Deno.test("[assignments] create (draft, school time zone), publish, edit, close", async () => {
  const { kv, org, teacher, students, cls } = await world();
  try {
    const a = await createAssignment(kv, cls, input, teacher.id);
    assert.equal(a.status, "draft");
    assert.equal(a.dueAt, "2026-12-01T00:00:00.000Z");
    assert.equal(a.timeZone, "Asia/Seoul");
    assert.deepEqual(a.reminderHours, [24, 1]);
    assert.deepEqual(a.latePolicy, { kind: "accept", penaltyPerDayPct: 0 });
    assert.deepEqual(await getAssignment(kv, org.id, a.id), a);
    await assert.rejects(getAssignment(kv, "other-org", a.id), (e: AppError) => e.status === 404);
    assert.deepEqual(await listAssignmentsByClass(kv, cls.id), []);
    assert.equal((await listAssignmentsByClass(kv, cls.id, { includeDrafts: true })).length, 1);

    const now = new Date("2026-11-01T00:00:00Z");
    const published = await publishAssignment(kv, org.id, a.id, now);
    assert.equal(published.status, "published");
    assert.equal(published.publishedAt, now.toISOString());
    for (const s of students) {
      const n = (await listNotifications(kv, s.id)).items;
      assert.equal(n.length, 1);
      assert.equal(n[0].kind, "assignment_published");
      assert.match(n[0].body, /2026-12-01 09:00 \(Asia\/Seoul\)/);
    }
    await assert.rejects(publishAssignment(kv, org.id, a.id), (e: AppError) => e.status === 409);

    await submit(kv, a, students[0].id, "2026-11-20T00:00:00Z");
    const edited = await updateAssignment(kv, org.id, a.id, {
      title: "Essay (revised)",
      due: { date: "2026-12-02", time: "18:30" },
    });
    assert.equal(edited.title, "Essay (revised)");
    assert.equal(edited.instructions, input.instructions);
    assert.equal(edited.dueAt, "2026-12-02T09:30:00.000Z");
    assert.equal(edited.status, "published");
    // The submission is still there.
    assert.equal((await kv.get(["submission_latest", a.id, students[0].id])).value, 1);

    const closed = await closeAssignment(kv, org.id, a.id);
    assert.equal(closed.status, "closed");
    await assert.rejects(closeAssignment(kv, org.id, a.id), (e: AppError) => e.status === 409);
    // Reopening does not notify again.
    await publishAssignment(kv, org.id, a.id);
    assert.equal((await listNotifications(kv, students[1].id)).items.length, 1);
  } finally {
    kv.close();
  }
});

Deno.test("[assignments] attachments must be this class's attachment files", async () => {
  const { kv, org, teacher, cls } = await world();
  try {
    const other = await randomClass(kv, org.id, { teachers: [teacher] });
    const file = (id: string, classId: string, purpose: string) =>
      kv.set(["files", id], {
        id,
        name: `${id}.pdf`,
        size: 10,
        type: "application/pdf",
        sha256: "ab",
        orgId: org.id,
        ownerId: teacher.id,
        classId,
        purpose,
        createdAt: new Date().toISOString(),
      });
    await file("f1", cls.id, "attachment");
    await file("f2", other.id, "attachment");
    await file("f3", cls.id, "submission");
    const a = await createAssignment(kv, cls, { ...input, attachmentIds: ["f1"] }, teacher.id);
    assert.deepEqual(a.attachments, [{
      id: "f1",
      name: "f1.pdf",
      size: 10,
      type: "application/pdf",
      sha256: "ab",
    }]);
    await assert.rejects(
      createAssignment(
        kv,
        cls,
        { ...input, attachmentIds: ["f1", "f2", "f3", "nope"] },
        teacher.id,
      ),
      (e: AppError) => {
        assert.equal(e.status, 400);
        assert.deepEqual(e.details!.map((d) => d.path), [
          ["attachmentIds", 0],
          ["attachmentIds", 1],
          ["attachmentIds", 2],
          ["attachmentIds", 3],
        ]);
        // One file, one holder: f1 belongs to the first assignment.
        assert.match(e.details![0].message, /“f1\.pdf” is attached to another assignment/);
        return true;
      },
    );
    const edited = await updateAssignment(kv, org.id, a.id, { attachmentIds: [] });
    assert.deepEqual(edited.attachments, []);
  } finally {
    kv.close();
  }
});

Deno.test("[assignments] lowering points below a given grade is a field error", async () => {
  const { kv, org, teacher, students, cls } = await world();
  try {
    const a = await createAssignment(kv, cls, input, teacher.id);
    const p = await publishAssignment(kv, org.id, a.id);
    await saveGradeDraft(kv, p, students[0].id, { points: 40 }, teacher.id);
    await assert.rejects(updateAssignment(kv, org.id, a.id, { points: 30 }), (e: AppError) => {
      assert.equal(e.status, 400);
      assert.deepEqual(e.details![0].path, ["points"]);
      return true;
    });
    assert.equal((await updateAssignment(kv, org.id, a.id, { points: 40 })).points, 40);
  } finally {
    kv.close();
  }
});

Deno.test("[assignments] studentStatus covers every status; drafts of grades do not count", () => {
  const a = { dueAt: "2026-12-01T00:00:00.000Z" };
  const before = new Date("2026-11-30T00:00:00Z");
  const after = new Date("2026-12-02T00:00:00Z");
  const onTime = { submittedAt: "2026-11-30T23:59:59Z" };
  const late = { submittedAt: "2026-12-01T00:00:01Z" };
  const cases: [string, Parameters<typeof studentStatus>, string][] = [
    ["nothing yet", [a, null, null, before], "not_started"],
    ["nothing past due", [a, null, null, after], "missing"],
    ["on time", [a, onTime, null, after], "submitted"],
    ["late", [a, late, null, after], "late"],
    ["graded", [a, onTime, { status: "released" }, after], "graded"],
    ["draft grade hidden", [a, onTime, { status: "draft" }, after], "submitted"],
    [
      "draft excused hidden",
      [a, null, { status: "draft", mark: "excused" }, before],
      "not_started",
    ],
    ["excused", [a, null, { status: "released", mark: "excused" }, after], "excused"],
    ["marked missing", [a, null, { status: "released", mark: "missing" }, before], "missing"],
    ["late, graded", [a, late, { status: "released", mark: "late" }, after], "graded"],
  ];
  for (const [name, args, want] of cases) assert.equal(studentStatus(...args), want, name);
});

Deno.test("[assignments] due dates and times are validated with field paths", () => {
  const bad: [unknown, (string | number)[]][] = [
    [{ date: "2026-02-30", time: "09:00" }, ["date"]],
    [{ date: "2026-13-01", time: "09:00" }, ["date"]],
    [{ date: "2026/12/01", time: "09:00" }, ["date"]],
    [{ date: "2027-02-29", time: "09:00" }, ["date"]],
    [{ date: "2026-12-01", time: "24:00" }, ["time"]],
    [{ date: "2026-12-01", time: "9:00" }, ["time"]],
  ];
  for (const [due, path] of bad) {
    const r = DueSchema.safeParse(due);
    assert.equal(r.success, false, JSON.stringify(due));
    assert.deepEqual(r.error!.issues[0].path, path, JSON.stringify(due));
  }
  assert.ok(DueSchema.safeParse({ date: "2028-02-29", time: "23:59" }).success);
  const r = AssignmentInputSchema.safeParse({ ...input, points: 1001, extra: 1 });
  assert.equal(r.success, false);
  const paths = r.error!.issues.map((i) => i.path.join("."));
  assert.ok(paths.includes("points"));
  assert.ok(r.error!.issues.some((i) => i.code === "unrecognized_keys"));
  assert.equal(AssignmentInputSchema.safeParse({ ...input, points: 10.005 }).success, false);
  assert.ok(AssignmentInputSchema.safeParse({ ...input, points: 10.07 }).success);
});
