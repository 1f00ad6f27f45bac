import assert from "node:assert/strict";
import { randomClass, randomOrg, randomUser } from "@/tests/fixtures.ts";

import { addMemberOps } from "../classes/members.ts";

import { parseCsv } from "../csv/csv.ts";
import { createAssignment, publishAssignment } from "./assignments.ts";
import { gradebookCsv, gradebookPage, listMyGrades } from "./gradebook.ts";
import { releaseGrade, saveGradeDraft } from "./grading.ts";

async function world(kv: Deno.Kv) {
  const org = await randomOrg(kv, { timeZone: "UTC" });
  const teacher = await randomUser(kv, org.id, "teacher");
  // Names out of order on purpose; one has a comma and a formula-looking start.
  const names = ["Chloé Martin", "Ann Lee", "=Bo, Kim", "김민준"];
  const students = [];
  for (const [i, name] of names.entries()) {
    students.push(await randomUser(kv, org.id, "student", { name, studentNumber: `S${i}` }));
  }
  const cls = await randomClass(kv, org.id, { teachers: [teacher], students });
  const make = async (title: string, points: number, publish = true) => {
    const a = await createAssignment(kv, cls, {
      title,
      points,
      due: { date: "2026-12-01", time: "00:00" },
    }, teacher.id);
    return publish ? await publishAssignment(kv, org.id, a.id) : a;
  };
  const essay = await make("Essay", 50);
  const quiz = await make("Quiz, part 1", 10);
  await make("Unpublished", 5, false);
  const [chloe, ann, bo] = students;
  await saveGradeDraft(kv, essay, chloe.id, { points: 40 }, teacher.id);
  await saveGradeDraft(kv, quiz, chloe.id, { points: 7.5 }, teacher.id);
  await saveGradeDraft(kv, essay, ann.id, { mark: "excused" }, teacher.id);
  await saveGradeDraft(kv, quiz, ann.id, { points: 10 }, teacher.id);
  await saveGradeDraft(kv, essay, bo.id, { mark: "missing" }, teacher.id);
  await releaseGrade(kv, quiz, chloe.id);
  return { org, teacher, students, cls, essay, quiz };
}

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return await new Response(stream).text();
}

Deno.test("[gradebook] CSV: BOM, header, one row per student by name, cells and totals", async () => {
  await using kv = await Deno.openKv(":memory:");
  const { cls } = await world(kv);
  const bytes = new Uint8Array(await new Response(gradebookCsv(kv, cls)).arrayBuffer());
  assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf]);
  const csv = new TextDecoder().decode(bytes);
  assert.ok(csv.endsWith("\r\n"));
  const rows = parseCsv(csv).map((r) => r.fields);
  assert.deepEqual(rows[0], [
    "name",
    "student_number",
    "email",
    "Essay (50)",
    "Quiz, part 1 (10)",
    "Total",
  ]);
  assert.equal(rows.length, 5);
  const byName = rows.slice(1).map((r) => [r[0], r[1], r[3], r[4], r[5]]);
  assert.deepEqual(byName, [
    ["'=Bo, Kim", "S2", "M", "", "0"],
    ["Ann Lee", "S1", "EX", "10", "10"],
    ["Chloé Martin", "S0", "40", "7.5", "47.5"],
    ["김민준", "S3", "", "", "0"],
  ]);
  assert.match(rows[2][2], /^student-.*@example\.org$/);
});

Deno.test("[gradebook] CSV streams in chunks", async () => {
  await using kv = await Deno.openKv(":memory:");
  const { cls } = await world(kv);
  const reader = gradebookCsv(kv, cls).getReader();
  const first = await reader.read();
  assert.match(
    new TextDecoder("utf-8", { ignoreBOM: true }).decode(first.value),
    /^\uFEFFname,student_number,email,/,
  );
  assert.ok(!new TextDecoder().decode(first.value).includes("Chloé"));
  const rest = await text(
    new ReadableStream({
      async pull(c) {
        const r = await reader.read();
        if (r.done) c.close();
        else c.enqueue(r.value);
      },
    }),
  );
  assert.equal(rest.split("\r\n").length, 5);
});

Deno.test("[gradebook] JSON page: students by name, drafts visible to teachers, totals", async () => {
  await using kv = await Deno.openKv(":memory:");
  const { cls, essay, quiz } = await world(kv);
  const page = await gradebookPage(kv, cls, { offset: 1, limit: 2 });
  assert.equal(page.total, 4);
  assert.deepEqual(page.assignments.map((a) => a.id), [essay.id, quiz.id]);
  assert.deepEqual(page.items.map((r) => r.student.name), ["Ann Lee", "Chloé Martin"]);
  const [ann, chloe] = page.items;
  assert.deepEqual(ann.total, { points: 10, possible: 10 });
  assert.deepEqual(chloe.total, { points: 47.5, possible: 60 });
  assert.equal(ann.cells[0].grade?.mark, "excused");
  assert.equal(chloe.cells[0].grade?.status, "draft");
  assert.equal(chloe.cells[1].grade?.status, "released");
  assert.equal(chloe.cells[1].submitted, false);
});

Deno.test("[gradebook] a student's own grades: released only", async () => {
  await using kv = await Deno.openKv(":memory:");
  const { students: [chloe, ann], quiz } = await world(kv);
  const mine = await listMyGrades(kv, chloe);
  assert.equal(mine.classes.length, 1);
  const [essayRow, quizRow] = mine.classes[0].assignments;
  assert.equal(essayRow.myGrade, null); // a draft
  assert.equal(quizRow.id, quiz.id);
  assert.equal(quizRow.myGrade?.finalPoints, 7.5);
  assert.equal(quizRow.myStatus, "graded");
  assert.deepEqual(mine.classes[0].total, { points: 7.5, possible: 10 });
  const hers = await listMyGrades(kv, ann);
  assert.ok(hers.classes[0].assignments.every((a) => a.myGrade === null));
  assert.ok(!JSON.stringify(hers).includes("excused"));
});

Deno.test("[gradebook] a small page of a big class reads by key, with the same result", async () => {
  await using kv = await Deno.openKv(":memory:");
  const { cls, org, essay, teacher } = await world(kv);
  const late = await randomUser(kv, org.id, "student", { name: "Zed" });
  await addMemberOps(kv.atomic(), cls.id, late, "student").commit();
  await saveGradeDraft(kv, essay, late.id, { points: 12 }, teacher.id);
  await kv.set(["submission_latest", essay.id, late.id], 1);
  const all = await gradebookPage(kv, cls, { offset: 0, limit: 5 }); // scans
  for (let i = 0; i < 5; i++) {
    const one = await gradebookPage(kv, cls, { offset: i, limit: 1 }); // by key
    assert.deepEqual(one.items, [all.items[i]]);
  }
  const zed = all.items.find((r) => r.student.name === "Zed")!;
  assert.equal(zed.cells[0].submitted, true);
  assert.equal(zed.cells[0].grade?.finalPoints, 12);
});
