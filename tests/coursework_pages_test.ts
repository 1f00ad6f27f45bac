/**
 * The coursework pages as a browser uses them: cookie sessions, CSRF form fields,
 * post/redirect/get, who sees what (drafts, other classes, other schools), and language.
 */
import assert from "node:assert/strict";
import { setClassArchived } from "@/services/classes/classes.ts";
import {
  type AssignmentInput,
  createAssignment,
  publishAssignment,
} from "@/services/coursework/assignments.ts";
import { getGrade } from "@/services/coursework/grading.ts";
import { unreadCount } from "@/services/notifications/notifications.ts";
import { submitWork } from "@/services/coursework/submissions.ts";
import type { User } from "@/services/orgs/users.ts";
import { browserSessionFor, testApp, twoSchools } from "./helpers.ts";

type App = Awaited<ReturnType<typeof testApp>>;

/** Signs `user` in and returns `get`/`post` helpers that carry the cookie (and CSRF field). */
async function browserAs(t: App, user: User) {
  const { cookie, csrf } = await browserSessionFor(t.kv, user);
  return {
    get: (path: string, headers: Record<string, string> = {}) =>
      t.app.request(path, { headers: { cookie, ...headers } }),
    post: (path: string, fields: [string, string][]) => {
      const body = new URLSearchParams(fields);
      body.set("_csrf", csrf);
      return t.app.request(path, {
        method: "POST",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        body,
      });
    },
  };
}

async function html(res: Response, status = 200): Promise<string> {
  const body = await res.text();
  assert.equal(res.status, status, body.slice(0, 500));
  assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
  return body;
}

/** A due date a week ahead (the school is on UTC in these tests). */
function nextWeek(): { date: string; time: string } {
  return { date: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10), time: "09:00" };
}

const ESSAY: AssignmentInput = {
  title: "Essay on the water cycle",
  instructions: "Read **chapter 3**. <script>alert(1)</script>",
  points: 10,
  due: nextWeek(),
  latePolicy: { kind: "accept", penaltyPerDayPct: 10 },
};

/** Two schools, and a draft assignment in school one's class A. */
async function world() {
  const t = await testApp();
  const { one, two } = await twoSchools(t.kv);
  const draft = await createAssignment(t.kv, one.classA, ESSAY, one.teacherA.id);
  return { t, one, two, draft };
}

Deno.test("[coursework pages] a teacher gets the new-assignment form with the school's zone", async () => {
  const { t, one } = await world();
  await using _ = t;
  const page = await html(
    await (await browserAs(t, one.teacherA)).get(`/classes/${one.classA.id}/assignments/new`),
  );
  assert.ok(page.includes('data-island="AssignmentEditor"'), "the editor island is on the page");
  assert.ok(page.includes("New assignment"));
  assert.ok(page.includes("Save and publish"));
  assert.ok(page.includes("UTC"), "the time zone is shown");

  const student = await (await browserAs(t, one.studentA))
    .get(`/classes/${one.classA.id}/assignments/new`);
  await html(student, 403);
});

Deno.test("[coursework pages] students never see a draft: not listed, and 404 on its page", async () => {
  const { t, one, draft } = await world();
  await using _ = t;
  const student = await browserAs(t, one.studentA);
  const list = await html(await student.get(`/classes/${one.classA.id}/assignments`));
  assert.ok(!list.includes(draft.title), "the draft is not listed");
  assert.ok(list.includes("No assignments yet."), "the empty state shows");
  await html(await student.get(`/classes/${one.classA.id}/assignments/${draft.id}`), 404);

  const teacher = await browserAs(t, one.teacherA);
  const teacherList = await html(await teacher.get(`/classes/${one.classA.id}/assignments`));
  assert.ok(teacherList.includes(draft.title), "the teacher sees the draft");
  assert.ok(teacherList.includes("Draft"));
});

Deno.test("[coursework pages] a published assignment shows to the student as Not started", async () => {
  const { t, one, draft } = await world();
  await using _ = t;
  await publishAssignment(t.kv, one.org.id, draft.id);
  const student = await browserAs(t, one.studentA);
  const list = await html(await student.get(`/classes/${one.classA.id}/assignments`));
  assert.ok(list.includes(draft.title));
  assert.ok(list.includes("Not started"));

  const page = await html(await student.get(`/classes/${one.classA.id}/assignments/${draft.id}`));
  assert.ok(page.includes("<strong>chapter 3</strong>"), "Markdown is rendered");
  assert.ok(!page.includes("<script>alert(1)</script>"), "raw HTML is escaped");
  assert.ok(page.includes("&lt;script&gt;"));
  assert.ok(page.includes('data-island="SubmitWork"'), "the student can turn work in");
});

Deno.test("[coursework pages] turned-in work shows as Submitted with its version", async () => {
  const { t, one, draft } = await world();
  await using _ = t;
  const a = await publishAssignment(t.kv, one.org.id, draft.id);
  await submitWork(t.kv, {
    assignment: a,
    student: one.studentA,
    text: "Evaporation, condensation, precipitation.",
    fileIds: [],
  });
  const student = await browserAs(t, one.studentA);
  const page = await html(
    await student.get(`/classes/${one.classA.id}/assignments/${a.id}?submitted=1`),
  );
  assert.ok(page.includes("Submitted"));
  assert.ok(page.includes("Version 1"));
  assert.ok(page.includes("Evaporation, condensation, precipitation."));
  assert.ok(page.includes("Turn in again"), "a new version can be turned in");

  const teacher = await html(
    await (await browserAs(t, one.teacherA)).get(`/classes/${one.classA.id}/assignments/${a.id}`),
  );
  assert.ok(teacher.includes(one.studentA.name));
  assert.ok(
    teacher.includes(
      `/classes/${one.classA.id}/assignments/${a.id}/submissions/${one.studentA.id}`,
    ),
    "the teacher can open the student's work",
  );
});

Deno.test("[coursework pages] a teacher's gradebook lists the students, with the CSV link", async () => {
  const { t, one, two, draft } = await world();
  await using _ = t;
  await publishAssignment(t.kv, one.org.id, draft.id);
  const page = await html(
    await (await browserAs(t, one.teacherA)).get(`/classes/${one.classA.id}/gradebook`),
  );
  assert.ok(page.includes(one.studentA.name));
  assert.ok(!page.includes(one.studentB.name), "another class's student is not listed");
  assert.ok(page.includes(draft.title), "the assignment is a column");
  assert.ok(page.includes(`href="/api/v1/classes/${one.classA.id}/gradebook.csv"`));

  await html(
    await (await browserAs(t, one.studentA)).get(`/classes/${one.classA.id}/gradebook`),
    403,
  );
  await html(
    await (await browserAs(t, two.teacherA)).get(`/classes/${one.classA.id}/gradebook`),
    404,
  );
});

Deno.test("[coursework pages] another class's student and another school get 404", async () => {
  const { t, one, two, draft } = await world();
  await using _ = t;
  await publishAssignment(t.kv, one.org.id, draft.id);
  const base = `/classes/${one.classA.id}/assignments`;
  for (const user of [one.studentB, one.teacherB, two.studentA, two.admin]) {
    const b = await browserAs(t, user);
    await html(await b.get(base), 404);
    await html(await b.get(`${base}/${draft.id}`), 404);
  }
  // The assignment under another class's path is not found either.
  const teacher = await browserAs(t, one.teacherB);
  await html(await teacher.get(`/classes/${one.classB.id}/assignments/${draft.id}`), 404);
});

Deno.test("[coursework pages] grading: a draft stays hidden until released, then My grades shows it", async () => {
  const { t, one, draft } = await world();
  await using _ = t;
  const a = await publishAssignment(t.kv, one.org.id, draft.id);
  const teacher = await browserAs(t, one.teacherA);
  const student = await browserAs(t, one.studentA);
  const work = `/classes/${one.classA.id}/assignments/${a.id}/submissions/${one.studentA.id}`;

  const form = await html(await teacher.get(work));
  assert.ok(form.includes("Save and release"));

  const tooMany = await teacher.post(work, [["points", "11"], ["intent", "save"]]);
  const error = await html(tooMany, 400);
  assert.ok(error.includes("Points must be a number from 0 to 10"), "the error is shown");
  assert.ok(error.includes('value="11"'), "the typed value is kept");

  const saved = await teacher.post(work, [
    ["points", "8"],
    ["feedback", "Clear diagram."],
    ["mark", ""],
    ["intent", "save"],
  ]);
  assert.equal(saved.status, 303);
  assert.equal(saved.headers.get("location"), `${work}?saved=1`);
  assert.equal((await getGrade(t.kv, a.id, one.studentA.id))?.status, "draft");
  const again = await html(await teacher.get(`${work}?saved=1`));
  assert.ok(again.includes("Grade saved as a draft."));
  assert.ok(again.includes(">Clear diagram.</textarea>"), "the form shows the saved feedback");
  const hidden = await html(await student.get("/grades"));
  assert.ok(!hidden.includes("Clear diagram."), "a draft grade is not shown");
  assert.ok(hidden.includes("Not released yet"));

  const released = await teacher.post(work, [
    ["points", "8"],
    ["feedback", "Clear diagram."],
    ["intent", "release"],
  ]);
  assert.equal(released.status, 303);
  const grades = await html(await student.get("/grades"));
  assert.ok(grades.includes("8 / 10"));
  assert.ok(grades.includes("Clear diagram."));
  assert.ok(grades.includes("Graded"));
});

Deno.test("[coursework pages] release all and nudge are form posts that come back with a count", async () => {
  const { t, one, draft } = await world();
  await using _ = t;
  const a = await publishAssignment(t.kv, one.org.id, draft.id);
  const teacher = await browserAs(t, one.teacherA);
  const here = `/classes/${one.classA.id}/assignments/${a.id}`;
  const page = await html(await teacher.get(here));
  assert.ok(page.includes("Nudge non-submitters (1)"));

  const nudged = await teacher.post(here, [["intent", "nudge"]]);
  assert.equal(nudged.status, 303);
  assert.equal(nudged.headers.get("location"), `${here}?nudged=1#submissions`);
  assert.ok((await html(await teacher.get(`${here}?nudged=1`))).includes("Sent a reminder to 1"));

  await teacher.post(`${here}/submissions/${one.studentA.id}`, [["mark", "excused"], [
    "intent",
    "save",
  ]]);
  const released = await teacher.post(here, [["intent", "releaseAll"]]);
  assert.equal(released.headers.get("location"), `${here}?released=1#submissions`);
  assert.equal((await getGrade(t.kv, a.id, one.studentA.id))?.status, "released");

  // A student cannot do teachers' actions.
  const student = await browserAs(t, one.studentA);
  await html(await student.post(here, [["intent", "close"]]), 403);
});

Deno.test("[coursework pages] notifications list what happened and can be marked read", async () => {
  const { t, one, draft } = await world();
  await using _ = t;
  await publishAssignment(t.kv, one.org.id, draft.id);
  const student = await browserAs(t, one.studentA);
  const page = await html(await student.get("/notifications"));
  assert.ok(page.includes(`New assignment: ${draft.title}`));
  assert.ok(page.includes("1 unread"));
  // Its title opens it (marked read) and goes to the assignment.
  const id = /name="intent" value="open"\/?><input type="hidden" name="id" value="(\w+)"/.exec(page)
    ?.[1];
  assert.ok(id, "the title is a button that opens the notification");
  const opened = await student.post("/notifications", [["intent", "open"], ["id", id]]);
  assert.equal(opened.headers.get("location"), `/classes/${one.classA.id}/assignments/${draft.id}`);
  assert.ok((await html(await student.get("/notifications"))).includes("0 unread"));

  const res = await student.post("/notifications", [["intent", "readAll"], [
    "next",
    "/notifications",
  ]]);
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), "/notifications");
  assert.equal(await unreadCount(t.kv, one.studentA.id), 0);
  assert.ok((await html(await student.get("/notifications"))).includes("0 unread"));
});

Deno.test("[coursework pages] an archived class is read-only", async () => {
  const { t, one, draft } = await world();
  await using _ = t;
  const a = await publishAssignment(t.kv, one.org.id, draft.id);
  await setClassArchived(t.kv, one.org.id, one.classA.id, true);
  const teacher = await browserAs(t, one.teacherA);
  const base = `/classes/${one.classA.id}/assignments`;
  const list = await html(await teacher.get(base));
  assert.ok(!list.includes(`${base}/new`), "no new-assignment button");
  const form = await html(await teacher.get(`${base}/new`));
  assert.ok(!form.includes('data-island="AssignmentEditor"'));
  const work = `${base}/${a.id}/submissions/${one.studentA.id}`;
  await html(await teacher.post(work, [["points", "5"], ["intent", "save"]]), 409);
  assert.equal(await getGrade(t.kv, a.id, one.studentA.id), null);
  const studentPage = await html(await (await browserAs(t, one.studentA)).get(`${base}/${a.id}`));
  assert.ok(!studentPage.includes('data-island="SubmitWork"'), "no way to turn work in");
});

Deno.test("[coursework pages] Korean with Accept-Language: ko", async () => {
  const { t, one, draft } = await world();
  await using _ = t;
  await publishAssignment(t.kv, one.org.id, draft.id);
  const ko = { "accept-language": "ko-KR,ko;q=0.9" };
  const student = await browserAs(t, one.studentA);
  const list = await html(await student.get(`/classes/${one.classA.id}/assignments`, ko));
  assert.ok(list.includes('<html lang="ko"'));
  assert.ok(list.includes("과제"));
  assert.ok(list.includes("시작 전"), "the status badge is in Korean");
  assert.ok(list.includes("내 성적"), "the nav links to My grades");

  const teacher = await browserAs(t, one.teacherA);
  const form = await html(await teacher.get(`/classes/${one.classA.id}/assignments/new`, ko));
  assert.ok(form.includes("저장 후 게시"), "the island's labels are in Korean");
  const book = await html(await teacher.get(`/classes/${one.classA.id}/gradebook`, ko));
  assert.ok(book.includes("성적부"));
  assert.ok(book.includes("CSV 다운로드"));
});

Deno.test("[coursework pages] the teacher edits and closes; a closed assignment takes no work", async () => {
  const { t, one, draft } = await world();
  await using _ = t;
  const teacher = await browserAs(t, one.teacherA);
  const here = `/classes/${one.classA.id}/assignments/${draft.id}`;
  const edit = await html(await teacher.get(`${here}/edit`));
  assert.ok(edit.includes('data-island="AssignmentEditor"'));
  assert.ok(edit.includes(draft.title), "the form starts with the assignment's values");
  await html(await (await browserAs(t, one.studentA)).get(`${here}/edit`), 404);

  const published = await teacher.post(here, [["intent", "publish"]]);
  assert.equal(published.headers.get("location"), `${here}?published=1`);
  const closed = await teacher.post(here, [["intent", "close"]]);
  assert.equal(closed.status, 303);
  const page = await html(await teacher.get(`${here}?closed=1`));
  assert.ok(page.includes("Closed. Students can no longer turn work in."));
  assert.ok(page.includes("Reopen"));

  const student = await html(await (await browserAs(t, one.studentA)).get(here));
  assert.ok(student.includes("This assignment is closed"));
  assert.ok(!student.includes('data-island="SubmitWork"'));

  // Closing twice is a conflict, not a crash.
  await html(await teacher.post(here, [["intent", "close"]]), 409);
});
