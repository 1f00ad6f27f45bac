/**
 * A student's accounts through the API (issue 16): teachers reset their students' sign-in
 * (not teachers' or admins'); teachers and admins merge two accounts of one student.
 */
import assert from "node:assert/strict";
import { getUser } from "@/services/orgs/users.ts";
import { bearer, browserSessionFor, randomUser, testApp, tokenFor, twoSchools } from "./helpers.ts";
import { addMemberOps } from "@/services/classes/members.ts";

const JSON_BODY = { "content-type": "application/json" };

Deno.test("[accounts api] a class's teacher resets a student's sign-in; not a teacher's, not another class's student", async () => {
  await using t = await testApp();
  const { one, two } = await twoSchools(t.kv);
  const teacher = bearer(await tokenFor(t.kv, one.teacherA));
  const reset = (id: string, auth = teacher) =>
    t.app.request(`/api/v1/users/${id}/signin-code`, { method: "POST", headers: auth });
  const ok = await reset(one.studentA.id);
  assert.equal(ok.status, 201);
  assert.match(ok.headers.get("content-type")!, /^application\/json/);
  assert.match((await ok.json()).code, /^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  assert.equal((await getUser(t.kv, one.studentA.id))?.passwordHash, undefined);
  assert.equal((await reset(one.studentB.id)).status, 404, "a student of another teacher's class");
  assert.equal((await reset(one.teacherB.id)).status, 403, "teachers are not reset by teachers");
  assert.equal((await reset(one.admin.id)).status, 403);
  assert.equal((await reset(two.studentA.id)).status, 404, "another school");
  const student = bearer(await tokenFor(t.kv, one.studentB));
  assert.equal((await reset(one.studentA.id, student)).status, 403);
  // Admins still reset anyone of their school.
  const admin = bearer(await tokenFor(t.kv, one.admin));
  assert.equal((await reset(one.teacherB.id, admin)).status, 201);
});

Deno.test("[accounts api] merge: the class's teacher merges two students; another school 404; a repeat changes nothing", async () => {
  await using t = await testApp();
  const { one, two } = await twoSchools(t.kv);
  const second = await randomUser(t.kv, one.org.id, "student", { name: "second account" });
  await addMemberOps(t.kv.atomic(), one.classA.id, second, "student").commit();
  const teacher = bearer(await tokenFor(t.kv, one.teacherA), JSON_BODY);
  const merge = (keepId: string, foldId: string, headers = teacher) =>
    t.app.request(`/api/v1/users/${keepId}/merge`, {
      method: "POST",
      headers,
      body: JSON.stringify({ foldId }),
    });
  assert.equal((await merge(one.studentA.id, two.studentA.id)).status, 404);
  assert.equal((await merge(two.studentA.id, second.id)).status, 404);
  assert.equal((await merge(one.studentA.id, one.studentB.id)).status, 404, "not their student");
  const adminTwo = bearer(await tokenFor(t.kv, two.admin), JSON_BODY);
  assert.equal(
    (await merge(one.studentA.id, second.id, adminTwo)).status,
    404,
    "other school's admin",
  );
  const res = await merge(one.studentA.id, second.id);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type")!, /^application\/json/);
  const body = await res.json();
  assert.equal(body.already, false);
  assert.equal(body.keepId, one.studentA.id);
  assert.equal(await getUser(t.kv, second.id), null);
  const again = await merge(one.studentA.id, second.id);
  assert.equal(again.status, 200);
  assert.equal((await again.json()).already, true);
  const bad = await t.app.request(`/api/v1/users/${one.studentA.id}/merge`, {
    method: "POST",
    headers: teacher,
    body: JSON.stringify({ foldId: second.id, extra: 1 }),
  });
  assert.equal(bad.status, 400);
});

Deno.test("[accounts page] a teacher resets a student's sign-in and merges two accounts after a confirmation that states the rules", async () => {
  await using t = await testApp();
  const { one, two } = await twoSchools(t.kv);
  const second = await randomUser(t.kv, one.org.id, "student", { name: "second account" });
  await addMemberOps(t.kv.atomic(), one.classA.id, second, "student").commit();
  const me = await browserSessionFor(t.kv, one.teacherA);
  const path = `/classes/${one.classA.id}/accounts`;
  const post = (fields: Record<string, string>, s = me) =>
    t.app.request(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: s.cookie },
      body: new URLSearchParams({ _csrf: s.csrf, ...fields }).toString(),
    });
  const page = await t.app.request(path, { headers: { cookie: me.cookie } });
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-type")!, /^text\/html/);
  const html = await page.text();
  assert.ok(html.includes("Merge two accounts of one student"));
  assert.ok(html.includes("second account"));

  const reset = await post({ intent: "reset", userId: one.studentA.id });
  assert.equal(reset.status, 200);
  assert.match(await reset.text(), /data-code>[A-Z2-9]{4}-[A-Z2-9]{4}</);

  const preview = await post({ intent: "preview", keepId: one.studentA.id, foldId: second.id });
  assert.equal(preview.status, 200);
  const confirm = await preview.text();
  assert.ok(confirm.includes("every version is kept, and the newer one counts as the latest"));
  assert.ok(confirm.includes("a released grade wins over a draft"));
  assert.ok(await getUser(t.kv, second.id), "a preview changes nothing");

  const merged = await post({ intent: "merge", keepId: one.studentA.id, foldId: second.id });
  assert.equal(merged.status, 200);
  assert.ok((await merged.text()).includes("Merged into"));
  assert.equal(await getUser(t.kv, second.id), null);

  // Students may not open it; another school's teacher gets 404.
  const student = await browserSessionFor(t.kv, one.studentA);
  assert.equal((await t.app.request(path, { headers: { cookie: student.cookie } })).status, 403);
  const stranger = await browserSessionFor(t.kv, two.teacherA);
  assert.equal((await t.app.request(path, { headers: { cookie: stranger.cookie } })).status, 404);
  // In Korean.
  const ko = await t.app.request(path, { headers: { cookie: `${me.cookie}; mirae_lang=ko` } });
  assert.ok((await ko.text()).includes("한 학생의 두 계정 합치기"));
});
