/**
 * "Class starts now": students hear when a lecture is scheduled, moved or goes live (going
 * live against the REAL livekit-server, through the API), once each; teachers and other
 * classes hear nothing. The header's badge counts them, the notifications page says them in
 * the reader's language and links to the lecture; "Start a lecture now" opens a new lecture's
 * page in one click.
 */
import assert from "node:assert/strict";
import { scheduleLecture, updateLecture } from "@/services/lectures/lectures.ts";
import {
  listNotifications,
  type Notification,
  unreadCount,
} from "@/services/notifications/notifications.ts";
import type { User } from "@/services/orgs/users.ts";
import {
  bearer,
  browserSessionFor,
  randomClass,
  randomOrg,
  randomUser,
  testApp,
  tokenFor,
} from "./helpers.ts";
import { startTestLiveKit } from "./livekit.ts";
import type { LiveKitLink } from "@/services/livekit/link.ts";

type App = Awaited<ReturnType<typeof testApp>>;
const HOUR = 3_600_000;

async function school(t: App) {
  const org = await randomOrg(t.kv, { timeZone: "Asia/Seoul" });
  const teacher = await randomUser(t.kv, org.id, "teacher");
  const students = [
    await randomUser(t.kv, org.id, "student"),
    await randomUser(t.kv, org.id, "student"),
  ];
  const outsider = await randomUser(t.kv, org.id, "student");
  const cls = await randomClass(t.kv, org.id, { teachers: [teacher], students, name: "3-1 Math" });
  await randomClass(t.kv, org.id, { students: [outsider] });
  return { org, teacher, students, outsider, cls };
}

const notes = async (t: App, user: User): Promise<Notification[]> =>
  (await listNotifications(t.kv, user.id)).items;

async function page(t: App, user: User, path: string, lang = "en") {
  const { cookie } = await browserSessionFor(t.kv, user);
  const res = await t.app.request(path, { headers: { cookie, "accept-language": lang } });
  const html = await res.text();
  assert.equal(res.status, 200, html.slice(0, 300));
  return html;
}

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

Deno.test("[lecture notices] going live (real LiveKit, through the API) notifies each student once; the badge and the page show it", async () => {
  await using lk = await startTestLiveKit();
  await using t = await testApp({}, { livekit: lk.link as LiveKitLink });
  const { teacher, students, outsider, cls } = await school(t);
  const lecture = await scheduleLecture(t.kv, cls, teacher.id, {
    title: "Fractions",
    startsAt: new Date(Date.now() - 60_000).toISOString(),
  });
  const open = async () =>
    await t.app.request(`/api/v1/lectures/${lecture.id}/open`, {
      method: "POST",
      headers: bearer(await tokenFor(t.kv, teacher)),
    });
  const first = await open();
  assert.equal(first.status, 200, await first.clone().text());
  assert.equal((await first.json()).status, "live");
  // The teacher reloads: opening again is harmless and tells nobody twice.
  assert.equal((await open()).status, 200);
  for (const s of students) {
    const all = await notes(t, s);
    assert.deepEqual(all.map((n) => [n.kind, n.link]), [[
      "lecture_live",
      `/lectures/${lecture.id}`,
    ]]);
    assert.equal(await unreadCount(t.kv, s.id), 1);
  }
  assert.equal((await notes(t, teacher)).length, 0);
  assert.equal((await notes(t, outsider)).length, 0);

  // The header's badge on any page; none for the teacher.
  const classes = await page(t, students[0], "/classes");
  assert.match(classes, /href="\/notifications"[^>]*aria-label="Notifications, 1 unread"/);
  assert.match(classes, /<span class="nav-count" aria-hidden="true">1<\/span>/);
  assert.ok(!(await page(t, teacher, "/classes")).includes("nav-count"));

  // The list says it in the reader's language and links (one tap) to the lecture page.
  const en = await page(t, students[0], "/notifications");
  assert.match(
    en,
    new RegExp(`<a href="/lectures/${lecture.id}">Class starts now: Fractions</a>`),
  );
  assert.ok(en.includes("3-1 Math is live. Open it to join."));
  const ko = await page(t, students[0], "/notifications", "ko");
  assert.ok(ko.includes("지금 수업이 시작됩니다: Fractions") && ko.includes("지금 진행 중"));
  const zh = await page(t, students[0], "/notifications", "zh-CN");
  assert.ok(zh.includes("现在上课：Fractions") && zh.includes("1 条未读"));
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
