/**
 * The attendance pages as a browser uses them: the lecture report (teachers, admins, a
 * student's own row), the thresholds form (CSRF, validation, recompute), and the class page's
 * attendance section.
 */
import assert from "node:assert/strict";
import { applyEvent } from "@/services/attendance/webhooks.ts";
import { addMemberOps } from "@/services/classes/members.ts";
import { commit } from "@/services/db/kv.ts";
import { getLecture } from "@/services/lectures/lectures.ts";
import type { User } from "@/services/orgs/users.ts";
import { lectureOpenedAt, MIN, participantEvent } from "./attendance.ts";
import { browserSessionFor, randomClass, randomUser, testApp, twoSchools } from "./helpers.ts";

type App = Awaited<ReturnType<typeof testApp>>;

async function browserAs(t: App, user: User, lang = "en") {
  const { cookie, csrf } = await browserSessionFor(t.kv, user);
  return {
    get: (path: string) => t.app.request(path, { headers: { cookie, "accept-language": lang } }),
    post: (path: string, fields: [string, string][], withCsrf = true) => {
      const body = new URLSearchParams(fields);
      if (withCsrf) body.set("_csrf", csrf);
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

async function world() {
  const t = await testApp();
  const { one, two } = await twoSchools(t.kv);
  const t0 = Math.floor((Date.now() - 60 * MIN) / MIN) * MIN;
  const lecture = await lectureOpenedAt(t.kv, one.classA, one.teacherA, t0);
  // Student A joins 12 minutes in and stays: late by the default 10 minutes.
  await applyEvent(
    t.kv,
    participantEvent("participant_joined", lecture, one.studentA, "PA_A", {
      joinedAt: t0 + 12 * MIN,
      at: t0 + 12 * MIN,
    }),
  );
  return { t, one, two, t0, lecture, [Symbol.asyncDispose]: () => Promise.resolve(t.close()) };
}

Deno.test("[attendance pages] the lecture report", async (t) => {
  await using w = await world();
  const { one, two, lecture } = w;
  const path = `/lectures/${lecture.id}/attendance`;
  const other = await randomUser(w.t.kv, one.org.id, "student", { name: "Zoe Absent" });
  await commit(addMemberOps(w.t.kv.atomic(), one.classA.id, other, "student"));

  await t.step("a teacher sees counts, every student, the CSV link and the form", async () => {
    const page = await html(await (await browserAs(w.t, one.teacherA)).get(path));
    assert.match(page, /Live — figures as of/);
    assert.match(page, new RegExp(`href="/api/v1/lectures/${lecture.id}/attendance.csv"`));
    assert.match(page, /name="lateAfterMinutes"[^>]*value="10"/);
    assert.match(page, /name="_csrf"/);
    assert.ok(page.includes(one.studentA.name));
    assert.ok(page.includes("Zoe Absent"));
    assert.match(page, /<strong>2<\/strong>Students/);
    assert.match(page, /<strong>1<\/strong>Late/);
    assert.match(page, /<strong>1<\/strong>Absent/);
    assert.match(page, /class="badge st-late att-late"/);
    assert.match(page, /Connected now/);
  });

  await t.step("search narrows the table; no match says so", async () => {
    const b = await browserAs(w.t, one.teacherA);
    const page = await html(await b.get(`${path}?q=zoe`));
    assert.ok(page.includes("Zoe Absent"));
    assert.ok(!page.includes(one.studentA.name));
    assert.match(await html(await b.get(`${path}?q=nobody-here`)), /No one matches “nobody-here”/);
  });

  await t.step("a student sees their own row only: no counts, CSV or form", async () => {
    const page = await html(await (await browserAs(w.t, one.studentA)).get(path));
    assert.ok(page.includes(one.studentA.name));
    assert.ok(!page.includes("Zoe Absent"));
    assert.ok(!page.includes("attendance.csv"));
    assert.ok(!page.includes("lateAfterMinutes"));
    assert.ok(!page.includes("<strong>2</strong>"));
  });

  await t.step("another class's teacher and another school get 404", async () => {
    await html(await (await browserAs(w.t, one.teacherB)).get(path), 404);
    await html(await (await browserAs(w.t, two.admin)).get(path), 404);
  });

  await t.step("the page speaks Korean", async () => {
    const page = await html(await (await browserAs(w.t, one.teacherA, "ko")).get(path));
    assert.match(page, /진행 중 — /);
    assert.match(page, /지각/);
  });
});

Deno.test("[attendance pages] thresholds: CSRF, validation, recompute, ended lectures", async (t) => {
  await using w = await world();
  const { one, lecture } = w;
  const path = `/lectures/${lecture.id}/attendance`;
  const teacher = await browserAs(w.t, one.teacherA);

  await t.step("without the CSRF field the form is refused", async () => {
    const res = await teacher.post(path, [["lateAfterMinutes", "15"], [
      "minPresentPercent",
      "50",
    ]], false);
    assert.equal(res.status, 403);
    assert.equal(
      (await getLecture(w.t.kv, one.org.id, lecture.id)).attendance.lateAfterMinutes,
      10,
    );
  });

  await t.step("a student may not change them", async () => {
    const res = await (await browserAs(w.t, one.studentA)).post(path, [
      ["lateAfterMinutes", "15"],
      ["minPresentPercent", "50"],
    ]);
    assert.equal(res.status, 403);
  });

  await t.step("out-of-range values are refused and nothing changes", async () => {
    const page = await html(
      await teacher.post(path, [["lateAfterMinutes", "-1"], ["minPresentPercent", "101"]]),
      400,
    );
    assert.match(page, /Use whole numbers/);
    assert.deepEqual((await getLecture(w.t.kv, one.org.id, lecture.id)).attendance, {
      lateAfterMinutes: 10,
      minPresentPercent: 50,
    });
  });

  await t.step("new thresholds are saved and the report recomputes", async () => {
    const res = await teacher.post(path, [["lateAfterMinutes", "15"], ["minPresentPercent", "40"]]);
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), `${path}?saved=1`);
    assert.deepEqual((await getLecture(w.t.kv, one.org.id, lecture.id)).attendance, {
      lateAfterMinutes: 15,
      minPresentPercent: 40,
    });
    const page = await html(await teacher.get(`${path}?saved=1`));
    assert.match(page, /Thresholds saved/);
    // Joined 12 minutes in: on time with 15 minutes' grace.
    assert.match(page, /<strong>1<\/strong>Present/);
    assert.match(page, /class="badge st-graded att-present"/);
  });

  await t.step("an ended lecture's thresholds can still change (re-grading)", async () => {
    const ended = { ...(await getLecture(w.t.kv, one.org.id, lecture.id)) };
    await w.t.kv.set(["lectures", lecture.id], {
      ...ended,
      status: "ended",
      endedAt: new Date().toISOString(),
    });
    const page = await html(await teacher.get(path));
    assert.ok(page.includes("lateAfterMinutes"));
    assert.ok(!page.includes("Live — figures"));
    assert.match(page, /Ended /);
    const res = await teacher.post(path, [["lateAfterMinutes", "20"], ["minPresentPercent", "40"]]);
    assert.equal(res.status, 303);
    const after = await getLecture(w.t.kv, one.org.id, lecture.id);
    assert.deepEqual(after.attendance, { lateAfterMinutes: 20, minPresentPercent: 40 });
  });
});

Deno.test("[attendance pages] empty states", async (t) => {
  await using w = await world();
  const { one } = w;
  const teacher = await browserAs(w.t, one.teacherA);

  await t.step("a lecture not opened yet", async () => {
    const scheduled = await lectureOpenedAt(w.t.kv, one.classA, one.teacherA, null);
    const page = await html(await teacher.get(`/lectures/${scheduled.id}/attendance`));
    assert.match(page, /has not been opened yet/);
    assert.ok(!page.includes("attendance.csv"));
  });

  await t.step("a class with no students", async () => {
    const empty = await randomClass(w.t.kv, one.org.id, { teachers: [one.teacherA] });
    const lec = await lectureOpenedAt(w.t.kv, empty, one.teacherA, Date.now() - MIN);
    const page = await html(await teacher.get(`/lectures/${lec.id}/attendance`));
    assert.match(page, /No students in this class yet/);
    const classPage = await html(await teacher.get(`/classes/${empty.id}`));
    assert.match(classPage, /id="attendance"/);
    assert.match(classPage, /No students in this class yet/);
  });

  await t.step("a class with no lectures", async () => {
    const page = await html(
      await (await browserAs(w.t, one.teacherB)).get(`/classes/${one.classB.id}`),
    );
    assert.match(page, /No lectures yet/);
  });
});

Deno.test("[attendance pages] the class page shows attendance across lectures", async (t) => {
  await using w = await world();
  const { one, lecture } = w;

  await t.step("teachers see each lecture's counts and each student's rate", async () => {
    const page = await html(
      await (await browserAs(w.t, one.teacherA)).get(`/classes/${one.classA.id}`),
    );
    assert.match(page, /id="attendance"/);
    assert.ok(page.includes(`href="/lectures/${lecture.id}/attendance"`));
    assert.match(page, /Lectures: 1/);
    assert.match(page, /100%/);
  });

  await t.step("search in the section keeps the roster's own search apart", async () => {
    const page = await html(
      await (await browserAs(w.t, one.admin)).get(`/classes/${one.classA.id}?aq=nobody`),
    );
    assert.match(page, /No one matches “nobody”/);
    // The roster still lists the student.
    assert.ok(page.includes(one.studentA.name));
  });

  await t.step("a student sees their own record", async () => {
    const page = await html(
      await (await browserAs(w.t, one.studentA)).get(`/classes/${one.classA.id}`),
    );
    assert.match(page, /You attended 1 of 1 lectures \(100%\)/);
    assert.match(page, /att-late/);
  });
});
