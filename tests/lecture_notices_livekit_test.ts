/**
 * "Class starts now" against the REAL livekit-server: going live through the API notifies
 * each student of the class once (opening again tells nobody twice), not the teacher or other
 * classes; the header's badge counts it and the notifications page says it in the reader's
 * language, linking to the lecture. (Left out of `test:later`: the server keeps real time.)
 */
import assert from "node:assert/strict";
import { scheduleLecture } from "@/services/lectures/lectures.ts";
import type { LiveKitLink } from "@/services/livekit/link.ts";
import { unreadCount } from "@/services/notifications/notifications.ts";
import { bearer, browserSessionFor, testApp, tokenFor } from "./helpers.ts";
import { notes, page, school } from "./lecture_notices.ts";
import { startTestLiveKit } from "./livekit.ts";

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
  assert.ok(en.includes('<button type="submit" class="link">Class starts now: Fractions</button>'));
  assert.ok(en.includes("3-1 Math is live. Open it to join."));
  const ko = await page(t, students[0], "/notifications", "ko");
  assert.ok(ko.includes("지금 수업이 시작됩니다: Fractions") && ko.includes("지금 진행 중"));
  const zh = await page(t, students[0], "/notifications", "zh-CN");
  assert.ok(zh.includes("现在上课：Fractions") && zh.includes("1 条未读"));

  // One tap: marked read, on to the lecture page. Someone else's id opens nothing of theirs.
  const [mine] = await notes(t, students[0]);
  const [theirs] = await notes(t, students[1]);
  const { cookie, csrf } = await browserSessionFor(t.kv, students[0]);
  const tap = (id: string) =>
    t.app.request("/notifications", {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ intent: "open", id, _csrf: csrf }),
    });
  const other = await tap(theirs.id);
  assert.equal(other.headers.get("location"), "/notifications");
  assert.equal(await unreadCount(t.kv, students[1].id), 1);
  const opened = await tap(mine.id);
  assert.equal(opened.status, 303);
  assert.equal(opened.headers.get("location"), `/lectures/${lecture.id}`);
  assert.equal(await unreadCount(t.kv, students[0].id), 0);
  assert.ok(!(await page(t, students[0], "/classes")).includes("nav-count"), "the badge is gone");
});
