import assert from "node:assert/strict";
import { randomClass, randomOrg, randomUser } from "@/tests/helpers.ts";
import { newId } from "../db/kv.ts";
import { KvFileStore, type PutOptions } from "../files/store.ts";
import type { User } from "../orgs/users.ts";
import { AppError } from "../web/errors.ts";
import type { Assignment } from "./model.ts";
import { lateDays } from "./grading.ts";
import {
  getLatestSubmission,
  listLatestSubmissions,
  listSubmissionVersions,
  submitWork,
} from "./submissions.ts";

const DUE = "2030-03-10T14:00:00.000Z";
const due = Date.parse(DUE);
const at = (offsetMs: number) => new Date(due + offsetMs);
const HOUR = 3_600_000, DAY = 24 * HOUR;

/** An assignment written straight to KV, as the assignments service stores it. */
async function createAssignment(
  kv: Deno.Kv,
  cls: { id: string; orgId: string },
  teacher: User,
  overrides: Partial<Assignment> = {},
): Promise<Assignment> {
  const now = new Date().toISOString();
  const a: Assignment = {
    id: newId(),
    orgId: cls.orgId,
    classId: cls.id,
    title: "Essay",
    instructions: "Write about your summer.",
    attachments: [],
    points: 100,
    dueAt: DUE,
    timeZone: "Asia/Seoul",
    latePolicy: { kind: "accept", penaltyPerDayPct: 10 },
    status: "published",
    reminderHours: [24],
    createdBy: teacher.id,
    createdAt: now,
    updatedAt: now,
    publishedAt: now,
    ...overrides,
  };
  await kv.atomic()
    .set(["assignments", a.id], a)
    .set(["assignments_by_class", a.classId, a.id], a.id)
    .commit();
  return a;
}

async function setup() {
  const kv = await Deno.openKv(":memory:");
  const store = new KvFileStore(kv);
  const org = await randomOrg(kv);
  const teacher = await randomUser(kv, org.id, "teacher");
  const ann = await randomUser(kv, org.id, "student", { name: "Ann" });
  const ben = await randomUser(kv, org.id, "student", { name: "Ben" });
  const outsider = await randomUser(kv, org.id, "student", { name: "Not in the class" });
  const cls = await randomClass(kv, org.id, { teachers: [teacher], students: [ann, ben] });
  const other = await randomClass(kv, org.id, { teachers: [teacher], students: [ann] });
  const assignment = await createAssignment(kv, cls, teacher);
  const upload = (owner: User, overrides: Partial<PutOptions> = {}) =>
    store.put(new Blob(["%PDF-1.7\n% work"]).stream(), {
      name: "work.pdf",
      orgId: org.id,
      ownerId: owner.id,
      classId: cls.id,
      purpose: "submission",
      maxBytes: 1 << 20,
      allowedTypes: ["application/pdf"],
      ...overrides,
    });
  return {
    kv,
    store,
    org,
    teacher,
    ann,
    ben,
    outsider,
    cls,
    other,
    assignment,
    upload,
    [Symbol.asyncDispose]: () => Promise.resolve(kv.close()),
  };
}

function rejectsWith(code: string, message?: RegExp | string) {
  return (err: unknown) => {
    assert.ok(err instanceof AppError, String(err));
    assert.equal(err.code, code, err.message);
    if (typeof message === "string") assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  };
}

Deno.test("[submissions] every version is kept and numbered from 1", async () => {
  await using w = await setup();
  for (const [i, text] of ["first draft", "second draft", "final"].entries()) {
    const s = await submitWork(w.kv, {
      assignment: w.assignment,
      student: w.ann,
      text,
      fileIds: [],
      now: at(-DAY + i * HOUR),
    });
    assert.equal(s.version, i + 1);
    assert.equal(s.daysLate, 0);
  }
  await submitWork(w.kv, {
    assignment: w.assignment,
    student: w.ben,
    text: "Ben's work",
    fileIds: [],
    now: at(-HOUR),
  });

  const versions = await listSubmissionVersions(w.kv, w.assignment.id, w.ann.id);
  assert.deepEqual(versions.map((v) => [v.version, v.text]), [
    [1, "first draft"],
    [2, "second draft"],
    [3, "final"],
  ]);
  assert.equal(versions[0].submittedAt, at(-DAY).toISOString());
  assert.equal((await getLatestSubmission(w.kv, w.assignment.id, w.ann.id))?.text, "final");
  assert.equal(await getLatestSubmission(w.kv, w.assignment.id, w.outsider.id), null);

  const latest = await listLatestSubmissions(w.kv, w.assignment.id);
  assert.deepEqual(
    latest.map((s) => [s.studentId, s.version]).sort(),
    [[w.ann.id, 3], [w.ben.id, 1]].sort(),
  );
});

Deno.test("[submissions] days late count started days after the due time", () => {
  const cases: [number, number][] = [
    [-DAY, 0],
    [0, 0],
    [1, 1],
    [HOUR, 1],
    [DAY, 1],
    [DAY + 1, 2],
    [3 * DAY - 1, 3],
  ];
  for (const [offset, expected] of cases) {
    assert.equal(lateDays(DUE, at(offset).toISOString()), expected, `${offset}`);
  }
});

Deno.test("[submissions] late work: accepted and counted, or refused by a close policy", async () => {
  await using w = await setup();
  const late = await submitWork(w.kv, {
    assignment: w.assignment,
    student: w.ann,
    text: "sorry, late",
    fileIds: [],
    now: at(DAY + HOUR),
  });
  assert.equal(late.daysLate, 2);

  const strict = await createAssignment(w.kv, w.cls, w.teacher, {
    latePolicy: { kind: "close" },
  });
  const onTime = await submitWork(w.kv, {
    assignment: strict,
    student: w.ann,
    text: "on time",
    fileIds: [],
    now: at(-1),
  });
  assert.equal(onTime.daysLate, 0);
  await assert.rejects(
    submitWork(w.kv, {
      assignment: strict,
      student: w.ann,
      text: "one minute late",
      fileIds: [],
      now: at(60_000),
    }),
    rejectsWith(
      "conflict",
      "The due time has passed and this assignment does not take late work.",
    ),
  );
  assert.equal((await listSubmissionVersions(w.kv, strict.id, w.ann.id)).length, 1);
});

Deno.test("[submissions] drafts are not found; closed assignments refuse work", async () => {
  await using w = await setup();
  const draft = await createAssignment(w.kv, w.cls, w.teacher, { status: "draft" });
  const closed = await createAssignment(w.kv, w.cls, w.teacher, { status: "closed" });
  const input = { student: w.ann, text: "hi", fileIds: [], now: at(-DAY) };
  await assert.rejects(
    submitWork(w.kv, { ...input, assignment: draft }),
    rejectsWith("not_found"),
  );
  await assert.rejects(
    submitWork(w.kv, { ...input, assignment: closed }),
    rejectsWith("conflict", "This assignment is closed"),
  );
  assert.equal((await listLatestSubmissions(w.kv, draft.id)).length, 0);
  assert.equal((await listLatestSubmissions(w.kv, closed.id)).length, 0);
});

Deno.test("[submissions] files: only the student's own uploads for this class", async () => {
  await using w = await setup();
  const mine = await w.upload(w.ann);
  const bens = await w.upload(w.ben, { name: "ben-secret-plan.pdf" });
  const elsewhere = await w.upload(w.ann, { name: "history.pdf", classId: w.other.id });
  const input = { assignment: w.assignment, student: w.ann, text: "", now: at(-DAY) };

  const s = await submitWork(w.kv, { ...input, fileIds: [mine.id, mine.id] });
  assert.deepEqual(s.files, [{
    id: mine.id,
    name: "work.pdf",
    size: mine.size,
    type: "application/pdf",
    sha256: mine.sha256,
  }]);

  await assert.rejects(
    submitWork(w.kv, { ...input, fileIds: [mine.id, bens.id] }),
    (err: unknown) => {
      assert.ok(err instanceof AppError);
      assert.equal(err.code, "validation_failed");
      assert.deepEqual(err.details, [{
        path: ["fileIds", 1],
        message: `File ${bens.id} is not one of your uploads.`,
      }]);
      assert.doesNotMatch(JSON.stringify(err.toBody()), /secret-plan/);
      return true;
    },
  );
  await assert.rejects(
    submitWork(w.kv, { ...input, fileIds: [elsewhere.id] }),
    (err: unknown) => {
      assert.ok(err instanceof AppError);
      assert.match(
        err.details![0].message,
        /“history\.pdf” was not uploaded for work in this class/,
      );
      return true;
    },
  );
  await assert.rejects(
    submitWork(w.kv, { ...input, fileIds: ["01NOSUCHFILE"] }),
    rejectsWith("validation_failed"),
  );
  assert.equal((await listSubmissionVersions(w.kv, w.assignment.id, w.ann.id)).length, 1);
});

Deno.test("[submissions] bad input and people outside the class are refused", async () => {
  await using w = await setup();
  const input = { assignment: w.assignment, student: w.ann, fileIds: [], now: at(-DAY) };
  await assert.rejects(
    submitWork(w.kv, { ...input, text: "   " }),
    rejectsWith("validation_failed", "Write an answer or attach a file."),
  );
  await assert.rejects(
    submitWork(w.kv, { ...input, text: "x".repeat(50_001) }),
    (err: unknown) => {
      assert.ok(err instanceof AppError);
      assert.equal(err.code, "validation_failed");
      assert.deepEqual(err.details?.[0].path, ["text"]);
      return true;
    },
  );
  await assert.rejects(
    submitWork(w.kv, {
      ...input,
      text: "x",
      fileIds: Array.from({ length: 11 }, (_, i) => `f${i}`),
    }),
    rejectsWith("validation_failed"),
  );
  await assert.rejects(
    submitWork(w.kv, { ...input, student: w.outsider, text: "let me in" }),
    rejectsWith("forbidden"),
  );
  await assert.rejects(
    submitWork(w.kv, { ...input, student: w.teacher, text: "teacher" }),
    rejectsWith("forbidden"),
  );
  assert.equal(
    await submitWork(w.kv, { ...input, text: "x".repeat(50_000) }).then((s) => s.version),
    1,
  );
});

Deno.test("[submissions] simultaneous submissions get distinct versions or a clean 409", async () => {
  await using w = await setup();
  const results = await Promise.allSettled(
    Array.from({ length: 6 }, (_, i) =>
      submitWork(w.kv, {
        assignment: w.assignment,
        student: w.ann,
        text: `attempt ${i}`,
        fileIds: [],
        now: at(-HOUR),
      })),
  );
  const saved = results.flatMap((r) => r.status === "fulfilled" ? [r.value] : []);
  for (const r of results) {
    if (r.status === "rejected") {
      assert.ok(r.reason instanceof AppError && r.reason.code === "conflict", String(r.reason));
    }
  }
  assert.ok(saved.length >= 1);
  const versions = saved.map((s) => s.version).sort((a, b) => a - b);
  assert.deepEqual(versions, versions.map((_, i) => i + 1), "distinct versions 1..n");
  const stored = await listSubmissionVersions(w.kv, w.assignment.id, w.ann.id);
  assert.deepEqual(
    stored.map((s) => [s.version, s.text]),
    saved.sort((a, b) => a.version - b.version).map((s) => [s.version, s.text]),
  );
  assert.equal((await getLatestSubmission(w.kv, w.assignment.id, w.ann.id))?.version, saved.length);
});
