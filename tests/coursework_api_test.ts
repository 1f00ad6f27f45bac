/**
 * The coursework API through the app: assignments, grading, gradebook, reminders and
 * notifications, with who may see and do what.
 */
import assert from "node:assert/strict";
import type { Submission } from "@/services/coursework/model.ts";
import {
  bearer,
  dayFromNow,
  randomClass,
  randomUser,
  testApp,
  tokenFor,
  twoSchools,
} from "./helpers.ts";

type Json = Record<string, unknown>;

async function world() {
  const t = await testApp();
  const { one, two } = await twoSchools(t.kv);
  // School one is in Seoul.
  await t.kv.set(["orgs", one.org.id], { ...one.org, timeZone: "Asia/Seoul" });
  const tok = {
    teacherA: bearer(await tokenFor(t.kv, one.teacherA)),
    teacherB: bearer(await tokenFor(t.kv, one.teacherB)),
    studentA: bearer(await tokenFor(t.kv, one.studentA)),
    studentB: bearer(await tokenFor(t.kv, one.studentB)),
    admin: bearer(await tokenFor(t.kv, one.admin)),
    otherAdmin: bearer(await tokenFor(t.kv, two.admin)),
  };
  const call = async (
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: unknown,
  ) => {
    const res = await t.app.request(`/api/v1${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return res;
  };
  return { t, one, two, tok, call };
}

/** School one is in Seoul (UTC+9, no daylight saving): a week from now, 09:00 there. */
const DUE_DATE = dayFromNow(7, "Asia/Seoul");
const DUE_AT = new Date(`${DUE_DATE}T09:00:00+09:00`).toISOString();
/** An instant `hours` after the due time. */
const afterDue = (hours: number) => new Date(Date.parse(DUE_AT) + hours * 3_600_000).toISOString();

const ESSAY = {
  title: "Essay",
  instructions: "Read **chapter 3**. <script>alert(1)</script>",
  points: 50,
  due: { date: DUE_DATE, time: "09:00" },
  latePolicy: { kind: "accept", penaltyPerDayPct: 10 },
};

async function ok(res: Response, status = 200): Promise<Json> {
  const body = await res.clone().text();
  assert.equal(res.status, status, body);
  assert.match(res.headers.get("content-type")!, /^application\/json/);
  return JSON.parse(body);
}

async function fails(res: Response, status: number): Promise<{ code: string; details?: Json[] }> {
  const body = await res.clone().text();
  assert.equal(res.status, status, body);
  assert.match(res.headers.get("content-type")!, /^application\/json/);
  return JSON.parse(body).error;
}

/** A submission written straight to its keys (the submissions API is tested elsewhere). */
async function submit(kv: Deno.Kv, a: Json, studentId: string, submittedAt: string) {
  const sub: Submission = {
    assignmentId: a.id as string,
    studentId,
    classId: a.classId as string,
    orgId: a.orgId as string,
    version: 1,
    text: "My essay",
    files: [],
    submittedAt,
    daysLate: Math.max(
      0,
      Math.ceil((Date.parse(submittedAt) - Date.parse(a.dueAt as string)) / 86_400_000),
    ),
  };
  const res = await kv.atomic()
    .set(["submission_latest", sub.assignmentId, studentId], 1)
    .set(["submissions", sub.assignmentId, studentId, 1], sub)
    .commit();
  assert.ok(res.ok);
}

Deno.test("[coursework api] create, publish, edit, close; students never see a draft", async () => {
  const { t, one, tok, call } = await world();
  try {
    const created = await ok(
      await call("POST", `/classes/${one.classA.id}/assignments`, tok.teacherA, ESSAY),
      201,
    );
    assert.equal(created.status, "draft");
    assert.equal(created.dueAt, DUE_AT);
    assert.equal(created.timeZone, "Asia/Seoul");
    assert.deepEqual(created.due, { date: DUE_DATE, time: "09:00" });
    const id = created.id as string;

    // A draft: 404 to the class's student, missing from their list, listed for the teacher.
    await fails(await call("GET", `/assignments/${id}`, tok.studentA), 404);
    assert.deepEqual(
      (await ok(await call("GET", `/classes/${one.classA.id}/assignments`, tok.studentA))).items,
      [],
    );
    const teacherList = await ok(
      await call("GET", `/classes/${one.classA.id}/assignments`, tok.teacherA),
    );
    assert.equal((teacherList.items as Json[])[0].id, id);
    await fails(await call("POST", `/assignments/${id}/publish`, tok.studentA), 404);

    const published = await ok(await call("POST", `/assignments/${id}/publish`, tok.teacherA));
    assert.equal(published.status, "published");
    await fails(await call("POST", `/assignments/${id}/publish`, tok.teacherA), 409);
    const seen = await ok(await call("GET", `/assignments/${id}`, tok.studentA));
    assert.equal(seen.title, "Essay");
    assert.equal(seen.myStatus, "not_started");
    assert.equal(seen.myGrade, null);
    const list = await ok(await call("GET", `/classes/${one.classA.id}/assignments`, tok.studentA));
    assert.deepEqual((list.items as Json[]).map((a) => [a.id, a.myStatus]), [[id, "not_started"]]);
    // Students may not edit.
    await fails(await call("PATCH", `/assignments/${id}`, tok.studentA, { title: "Mine" }), 403);

    await submit(t.kv, published, one.studentA.id, afterDue(-33));
    const newDate = dayFromNow(9, "Asia/Seoul");
    const edited = await ok(
      await call("PATCH", `/assignments/${id}`, tok.teacherA, {
        title: "Essay v2",
        due: { date: newDate, time: "17:00" },
      }),
    );
    assert.equal(edited.title, "Essay v2");
    assert.equal(edited.dueAt, new Date(`${newDate}T17:00:00+09:00`).toISOString());
    assert.equal(edited.instructions, ESSAY.instructions);
    assert.equal(
      (await ok(await call("GET", `/assignments/${id}`, tok.studentA))).myStatus,
      "submitted",
    );

    const closed = await ok(await call("POST", `/assignments/${id}/close`, tok.teacherA));
    assert.equal(closed.status, "closed");
    assert.equal(
      (await ok(await call("GET", `/assignments/${id}`, tok.studentA))).status,
      "closed",
    );
  } finally {
    t.close();
  }
});

Deno.test("[coursework api] Markdown with a script is stored as written and rendered escaped", async () => {
  const { t, one, tok, call } = await world();
  try {
    const a = await ok(
      await call("POST", `/classes/${one.classA.id}/assignments`, tok.teacherA, ESSAY),
      201,
    );
    const got = await ok(await call("GET", `/assignments/${a.id}`, tok.teacherA));
    assert.equal(got.instructions, ESSAY.instructions);
    const html = got.instructionsHtml as string;
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(html, /<strong>chapter 3<\/strong>/);
    assert.ok(!html.includes("<script"));
  } finally {
    t.close();
  }
});

Deno.test("[coursework api] bad input is 400 with field paths", async () => {
  const { t, one, tok, call } = await world();
  try {
    const path = `/classes/${one.classA.id}/assignments`;
    const cases: [Json, (string | number)[]][] = [
      [{ ...ESSAY, due: { date: "2026-02-30", time: "09:00" } }, ["due", "date"]],
      [{ ...ESSAY, due: { date: "01/12/2026", time: "09:00" } }, ["due", "date"]],
      [{ ...ESSAY, due: { date: DUE_DATE, time: "9am" } }, ["due", "time"]],
      [{ ...ESSAY, points: -1 }, ["points"]],
      [{ ...ESSAY, points: 1000.5 }, ["points"]],
      [{ ...ESSAY, title: "" }, ["title"]],
      [{ ...ESSAY, latePolicy: { kind: "accept", penaltyPerDayPct: 101 } }, [
        "latePolicy",
        "penaltyPerDayPct",
      ]],
      [{ ...ESSAY, attachmentIds: ["no-such-file"] }, ["attachmentIds", 0]],
    ];
    for (const [body, want] of cases) {
      const err = await fails(await call("POST", path, tok.teacherA, body), 400);
      assert.equal(err.code, "validation_failed");
      assert.ok(
        err.details!.some((d) => JSON.stringify(d.path) === JSON.stringify(want)),
        `${JSON.stringify(want)}: ${JSON.stringify(err.details)}`,
      );
    }
    const unknown = await fails(
      await call("POST", path, tok.teacherA, { ...ESSAY, color: "red" }),
      400,
    );
    assert.match(JSON.stringify(unknown.details), /Unknown field: color/);
  } finally {
    t.close();
  }
});

Deno.test("[coursework api] grading: a draft is invisible to the student until released", async () => {
  const { t, one, tok, call } = await world();
  try {
    const a = await ok(
      await call("POST", `/classes/${one.classA.id}/assignments`, tok.teacherA, ESSAY),
      201,
    );
    await ok(await call("POST", `/assignments/${a.id}/publish`, tok.teacherA));
    // 2 days late (30 hours after the due time) at 10 %/day: 20 of 50 -> 20 % off -> 10 points.
    await submit(t.kv, a, one.studentA.id, afterDue(30));
    const gradePath = `/assignments/${a.id}/grades/${one.studentA.id}`;
    const draft = await ok(
      await call("PUT", gradePath, tok.teacherA, { points: 20, feedback: "Solid argument." }),
    );
    assert.equal(draft.status, "draft");
    assert.equal(draft.penaltyPct, 20);
    assert.equal(draft.finalPoints, 10);

    // Nothing of the draft reaches the student, in any API.
    const view = await ok(await call("GET", `/assignments/${a.id}`, tok.studentA));
    assert.equal(view.myGrade, null);
    assert.equal(view.myStatus, "late");
    const mine = await ok(await call("GET", "/me/grades", tok.studentA));
    assert.ok(!JSON.stringify(mine).includes("Solid argument"));
    const list = await ok(await call("GET", `/classes/${one.classA.id}/assignments`, tok.studentA));
    assert.ok(!JSON.stringify(list).includes("Solid argument"));
    await fails(await call("GET", `/assignments/${a.id}/grades`, tok.studentA), 403);
    await fails(await call("GET", `/classes/${one.classA.id}/gradebook`, tok.studentA), 403);
    await fails(await call("GET", `/classes/${one.classA.id}/gradebook.csv`, tok.studentA), 403);
    await fails(await call("POST", gradePath, tok.studentA), 403);

    // The teacher sees the draft on the grading screen.
    const rows = await ok(await call("GET", `/assignments/${a.id}/grades`, tok.teacherA));
    const row = (rows.items as Json[]).find((r) => r.studentId === one.studentA.id)!;
    assert.equal((row.grade as Json).status, "draft");
    assert.equal((row.submission as Json).daysLate, 2);

    const released = await ok(await call("POST", `/assignments/${a.id}/grades`, tok.teacherA));
    assert.deepEqual(released, { released: 1 });
    const after = await ok(await call("GET", `/assignments/${a.id}`, tok.studentA));
    assert.equal(after.myStatus, "graded");
    assert.deepEqual(after.myGrade, {
      points: 20,
      feedback: "Solid argument.",
      penaltyPct: 20,
      finalPoints: 10,
      releasedAt: (after.myGrade as Json).releasedAt,
    });
    const grades = await ok(await call("GET", "/me/grades", tok.studentA));
    const cls = (grades.classes as Json[])[0];
    assert.deepEqual(cls.total, { points: 10, possible: 50 });
    const notes = await ok(await call("GET", "/me/notifications", tok.studentA));
    assert.equal((notes.items as Json[])[0].kind, "grade_released");
  } finally {
    t.close();
  }
});

Deno.test("[coursework api] points above the possible are 400 at [points]; others' grades are 404", async () => {
  const { t, one, tok, call } = await world();
  try {
    const a = await ok(
      await call("POST", `/classes/${one.classA.id}/assignments`, tok.teacherA, ESSAY),
      201,
    );
    await ok(await call("POST", `/assignments/${a.id}/publish`, tok.teacherA));
    const gradePath = `/assignments/${a.id}/grades/${one.studentA.id}`;
    for (const points of [50.5, -1]) {
      const err = await fails(await call("PUT", gradePath, tok.teacherA, { points }), 400);
      assert.deepEqual(err.details![0].path, ["points"]);
    }
    await fails(await call("PUT", gradePath, tok.teacherA, {}), 400);
    // A teacher of another class, another school's admin: the assignment does not exist for them.
    await fails(await call("PUT", gradePath, tok.teacherB, { points: 10 }), 404);
    await fails(await call("PUT", gradePath, tok.otherAdmin, { points: 10 }), 404);
    await fails(await call("GET", `/assignments/${a.id}`, tok.studentB), 404);
    await fails(await call("GET", `/classes/${one.classA.id}/gradebook`, tok.teacherB), 404);
    // A student of another class is not gradable here.
    await fails(
      await call("PUT", `/assignments/${a.id}/grades/${one.studentB.id}`, tok.teacherA, {
        points: 1,
      }),
      404,
    );
    // The school's admin may grade.
    await ok(await call("PUT", gradePath, tok.admin, { points: 50 }));
    await fails(await call("PUT", gradePath, {}, { points: 10 }), 401);
  } finally {
    t.close();
  }
});

Deno.test("[coursework api] a nudged student finds it in their notifications", async () => {
  const { t, one, tok, call } = await world();
  try {
    const a = await ok(
      await call("POST", `/classes/${one.classA.id}/assignments`, tok.teacherA, ESSAY),
      201,
    );
    await fails(await call("POST", `/assignments/${a.id}/nudge`, tok.teacherA), 409);
    await ok(await call("POST", `/assignments/${a.id}/publish`, tok.teacherA));
    await fails(await call("POST", `/assignments/${a.id}/nudge`, tok.studentA), 403);
    assert.deepEqual(await ok(await call("POST", `/assignments/${a.id}/nudge`, tok.teacherA)), {
      notified: 1,
    });
    const page = await ok(await call("GET", "/me/notifications?limit=10", tok.studentA));
    const items = page.items as Json[];
    assert.deepEqual(items.map((n) => n.kind), ["nudge", "assignment_published"]);
    assert.equal(items[0].link, `/classes/${one.classA.id}/assignments/${a.id}`);
    assert.equal(page.unread, 2);
    assert.deepEqual(
      await ok(await call("POST", "/me/notifications", tok.studentA, { ids: [items[0].id] })),
      { unread: 1 },
    );
    assert.deepEqual(
      await ok(await call("POST", "/me/notifications", tok.studentA, { all: true })),
      { unread: 0 },
    );
    await fails(await call("POST", "/me/notifications", tok.studentA, { ids: [] }), 400);
    // After submitting, no more nudges.
    await submit(t.kv, a, one.studentA.id, afterDue(-24 * 30));
    assert.deepEqual(await ok(await call("POST", `/assignments/${a.id}/nudge`, tok.teacherA)), {
      notified: 0,
    });
  } finally {
    t.close();
  }
});

Deno.test("[coursework api] gradebook: paged JSON and a CSV download with totals", async () => {
  const { t, one, tok, call } = await world();
  try {
    const org = one.org;
    const extra = [
      await randomUser(t.kv, org.id, "student", { name: "Ann", studentNumber: "1" }),
      await randomUser(t.kv, org.id, "student", { name: "Ben", studentNumber: "2" }),
    ];
    const cls = await randomClass(t.kv, org.id, {
      teachers: [one.teacherA],
      students: [...extra, one.studentA],
    });
    const mk = async (body: Json) => {
      const a = await ok(
        await call("POST", `/classes/${cls.id}/assignments`, tok.teacherA, { ...ESSAY, ...body }),
        201,
      );
      await ok(await call("POST", `/assignments/${a.id}/publish`, tok.teacherA));
      return a;
    };
    const a1 = await mk({ title: "Essay", points: 50 });
    const a2 = await mk({ title: "Quiz", points: 10 });
    const put = (a: Json, s: string, body: Json) =>
      call("PUT", `/assignments/${a.id}/grades/${s}`, tok.teacherA, body);
    await ok(await put(a1, extra[0].id, { points: 45 }));
    await ok(await put(a2, extra[0].id, { points: 8.5 }));
    await ok(await put(a1, extra[1].id, { mark: "excused" }));
    await ok(await put(a2, extra[1].id, { mark: "missing" }));

    const res = await call("GET", `/classes/${cls.id}/gradebook.csv`, tok.teacherA);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/csv; charset=utf-8");
    assert.match(res.headers.get("content-disposition")!, /^attachment; filename="gradebook-/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).split("\r\n");
    assert.equal(lines.pop(), "");
    assert.equal(lines[0], "name,student_number,email,Essay (50),Quiz (10),Total");
    assert.equal(lines.length, 4);
    assert.equal(lines[1], `Ann,1,${extra[0].email},45,8.5,53.5`);
    assert.equal(lines[2], `Ben,2,${extra[1].email},EX,M,0`);
    assert.match(lines[3], new RegExp(`^${one.studentA.name},,${one.studentA.email},,,0$`));

    const page = await ok(
      await call("GET", `/classes/${cls.id}/gradebook?offset=0&limit=2`, tok.teacherA),
    );
    assert.equal(page.total, 3);
    const items = page.items as Json[];
    assert.deepEqual(items.map((r) => (r.student as Json).name), ["Ann", "Ben"]);
    assert.deepEqual(items[0].total, { points: 53.5, possible: 60 });
    assert.deepEqual(items[1].total, { points: 0, possible: 10 });
    const next = await ok(
      await call("GET", `/classes/${cls.id}/gradebook?offset=2&limit=2`, tok.teacherA),
    );
    assert.equal((next.items as Json[]).length, 1);
    await fails(await call("GET", `/classes/${cls.id}/gradebook?limit=0`, tok.teacherA), 400);
  } finally {
    t.close();
  }
});

Deno.test("[coursework api] the OpenAPI document lists the coursework operations", async () => {
  await using t = await testApp();
  const doc = await ok(await t.app.request("/api/v1/openapi.json"));
  const paths = doc.paths as Record<string, Json>;
  for (
    const [path, method] of [
      ["/api/v1/classes/{classId}/assignments", "post"],
      ["/api/v1/assignments/{assignmentId}", "patch"],
      ["/api/v1/assignments/{assignmentId}/grades/{studentId}", "put"],
      ["/api/v1/classes/{classId}/gradebook.csv", "get"],
      ["/api/v1/me/notifications", "post"],
      ["/api/v1/assignments/{assignmentId}/nudge", "post"],
    ]
  ) {
    assert.ok(paths[path]?.[method], `${method} ${path}`);
  }
});
