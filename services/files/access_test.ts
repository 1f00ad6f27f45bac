import assert from "node:assert/strict";
import { randomClass, randomOrg, randomUser } from "@/tests/fixtures.ts";
import type { Assignment, Submission } from "../coursework/model.ts";
import { newId } from "../db/kv.ts";
import type { Actor } from "../web/define.ts";
import { downloadType, filePermissions, holderOf } from "./access.ts";
import { DOCM, DOCX, PDF } from "./sniff.ts";
import type { FileMeta } from "./store.ts";

/** A school with a class (teacher, student) and an actor for each. */
async function setup(kv: Deno.Kv) {
  const org = await randomOrg(kv);
  const teacher = await randomUser(kv, org.id, "teacher");
  const student = await randomUser(kv, org.id, "student");
  const cls = await randomClass(kv, org.id, { teachers: [teacher], students: [student] });
  const actor = (user: typeof teacher) => ({ user }) as unknown as Actor;
  return { org, teacher, student, cls, actor };
}

/** A file as stored before holders existed: no `holder` field. */
function legacyFile(w: Awaited<ReturnType<typeof setup>>, over: Partial<FileMeta>): FileMeta {
  return {
    id: newId(),
    name: "old.pdf",
    size: 10,
    type: PDF,
    sha256: "ab",
    orgId: w.org.id,
    ownerId: w.teacher.id,
    classId: w.cls.id,
    purpose: "attachment",
    createdAt: new Date().toISOString(),
    ...over,
  };
}

async function putAssignment(
  kv: Deno.Kv,
  w: Awaited<ReturnType<typeof setup>>,
  status: Assignment["status"],
  attachments: FileMeta[],
): Promise<Assignment> {
  const now = new Date().toISOString();
  const a: Assignment = {
    id: newId(),
    orgId: w.org.id,
    classId: w.cls.id,
    title: "Essay",
    instructions: "",
    attachments: attachments.map(({ id, name, size, type, sha256 }) => ({
      id,
      name,
      size,
      type,
      sha256,
    })),
    points: 10,
    dueAt: new Date(Date.now() + 86_400_000).toISOString(),
    timeZone: "Asia/Seoul",
    latePolicy: { kind: "close" },
    status,
    reminderHours: [],
    createdBy: w.teacher.id,
    createdAt: now,
    updatedAt: now,
  };
  await kv.atomic()
    .set(["assignments", a.id], a)
    .set(["assignments_by_class", a.classId, a.id], a.id)
    .commit();
  return a;
}

Deno.test("[files] a file stored before holders gets its holder from the class's records", async () => {
  await using kv = await Deno.openKv(":memory:");
  const w = await setup(kv);
  const draftFile = legacyFile(w, {});
  const publishedFile = legacyFile(w, {});
  const loose = legacyFile(w, {});
  const work = legacyFile(w, { ownerId: w.student.id, purpose: "submission" });
  const draft = await putAssignment(kv, w, "draft", [draftFile]);
  const published = await putAssignment(kv, w, "published", [publishedFile]);
  const submission: Submission = {
    assignmentId: published.id,
    studentId: w.student.id,
    classId: w.cls.id,
    orgId: w.org.id,
    version: 1,
    text: "",
    files: [{ id: work.id, name: work.name, size: 10, type: PDF, sha256: "ab" }],
    submittedAt: new Date().toISOString(),
    daysLate: 0,
  };
  await kv.set(["submissions", published.id, w.student.id, 1], submission);

  assert.deepEqual(await holderOf(kv, draftFile), { kind: "assignment", id: draft.id });
  assert.deepEqual(await holderOf(kv, publishedFile), { kind: "assignment", id: published.id });
  assert.deepEqual(await holderOf(kv, work), { kind: "submission", id: published.id });
  assert.deepEqual(await holderOf(kv, loose), { kind: "unattached" });

  const student = w.actor(w.student);
  assert.equal((await filePermissions(kv, student, draftFile)).read, false);
  assert.equal((await filePermissions(kv, student, publishedFile)).read, true);
  assert.equal((await filePermissions(kv, student, loose)).read, false);
  assert.equal((await filePermissions(kv, student, work)).read, true);
  assert.equal((await filePermissions(kv, w.actor(w.teacher), draftFile)).delete, true);
});

Deno.test("[files] downloads carry only a known type", () => {
  assert.equal(downloadType(PDF), PDF);
  assert.equal(downloadType(DOCX), DOCX);
  assert.equal(downloadType("text/plain"), "text/plain; charset=utf-8");
  for (const type of [DOCM, "text/html", "image/svg+xml", "application/x-msdownload"]) {
    assert.equal(downloadType(type), "application/octet-stream", type);
  }
});
