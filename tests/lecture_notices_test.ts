/**
 * "Class starts now": students hear when a lecture is scheduled or moved, once each; teachers
 * and other classes hear nothing; "Start a lecture now" opens a new lecture's page in one
 * click. Going live (with the real LiveKit server), the badge and the notifications page:
 * lecture_notices_livekit_test.ts.
 */
import assert from "node:assert/strict";
import { scheduleLecture, updateLecture } from "@/services/lectures/lectures.ts";
import { unreadCount } from "@/services/notifications/notifications.ts";
import { browserSessionFor, testApp } from "./helpers.ts";
import { notes, page, school } from "./lecture_notices.ts";

const HOUR = 3_600_000;

Deno.test("[lecture notices] scheduled and moved: each student once, the teacher and other classes never", async () => {
  await using t = await testApp();
  const { teacher, students, outsider, cls } = await school(t);
  const start = new Date(Date.now() + 2 * HOUR).toISOString();
  const lecture = await scheduleLecture(t.kv, cls, teacher.id, {
    title: "Fractions",
    startsAt: start,
  });
  for (const s of students) {
    const [n, ...rest] = await notes(t, s);
    assert.equal(rest.length, 0);
    assert.equal(n.kind, "lecture_scheduled");
    assert.equal(n.link, `/lectures/${lecture.id}`);
    assert.deepEqual(n.args, { cls: "3-1 Math", title: "Fractions", startsAt: start });
    assert.equal(await unreadCount(t.kv, s.id), 1);
  }
  assert.equal((await notes(t, teacher)).length, 0);
  assert.equal((await notes(t, outsider)).length, 0);

  // A new title is no move; a new time is, once; the same time again is nothing.
  await updateLecture(t.kv, lecture.id, { title: "Fractions, part 1" });
  assert.equal((await notes(t, students[0])).length, 1);
  const later = new Date(Date.parse(start) + HOUR).toISOString();
  const moved = await updateLecture(t.kv, lecture.id, { startsAt: later });
  assert.equal(moved.sequence, 2, "two revisions: the title, the time");
  await updateLecture(t.kv, lecture.id, { startsAt: later });
  for (const s of students) {
    const kinds = (await notes(t, s)).map((n) => n.kind);
    assert.deepEqual(kinds, ["lecture_moved", "lecture_scheduled"]);
    assert.equal(await unreadCount(t.kv, s.id), 2);
  }
  assert.equal((await notes(t, teacher)).length, 0);

  // A lecture that starts now (or earlier) is not announced: going live is.
  await scheduleLecture(t.kv, cls, teacher.id, {
    title: "Right now",
    startsAt: new Date().toISOString(),
  });
  assert.equal((await notes(t, students[0])).length, 2);
});

Deno.test("[lecture notices] Start a lecture now: one click, a lecture titled by class and date, its page next", async () => {
  await using t = await testApp();
  const { teacher, students, cls } = await school(t);
  const classPage = await page(t, teacher, `/classes/${cls.id}`);
  assert.ok(classPage.includes(`action="/classes/${cls.id}/lectures"`));
  assert.ok(classPage.includes("Start a lecture now"));
  assert.ok(!(await page(t, students[0], `/classes/${cls.id}`)).includes("Start a lecture now"));

  const { cookie, csrf } = await browserSessionFor(t.kv, teacher);
  const res = await t.app.request(`/classes/${cls.id}/lectures`, {
    method: "POST",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ intent: "now", _csrf: csrf }),
  });
  assert.equal(res.status, 303);
  const id = /^\/lectures\/([0-9A-Z]{26})$/.exec(res.headers.get("location") ?? "")?.[1];
  assert.ok(id, res.headers.get("location") ?? "no location");
  const lecturePage = await page(t, teacher, `/lectures/${id}`);
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Seoul" }).format(new Date());
  assert.ok(
    lecturePage.includes(`3-1 Math — ${today}`),
    "titled <class> — <date on the school's clock>",
  );
  // The students hear when it goes live, not now.
  assert.equal(await unreadCount(t.kv, students[0].id), 0);

  // A student cannot.
  const s = await browserSessionFor(t.kv, students[0]);
  const refused = await t.app.request(`/classes/${cls.id}/lectures`, {
    method: "POST",
    headers: { cookie: s.cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ intent: "now", _csrf: s.csrf }),
  });
  assert.equal(refused.status, 403);
});
