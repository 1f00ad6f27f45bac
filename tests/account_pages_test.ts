/**
 * The account pages (issue 10 §3.4): an admin's "reset sign-in" shows the code once, the
 * sign-in page's one-time-code path makes the person choose a password before anything else,
 * and the account page changes a password or offers a first one.
 */
import assert from "node:assert/strict";
import { createSession, DEVICE_SESSION_MS } from "@/services/auth/sessions.ts";
import { getSession } from "@/services/auth/sessions.ts";
import { browserSessionFor, randomUser, TEST_PASSWORD, testApp, twoSchools } from "./helpers.ts";

type App = Awaited<ReturnType<typeof testApp>>;

const NEW_PASSWORD = "a brand new passphrase";

function form(
  t: App,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
) {
  return t.app.request(path, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-mirae-client-ip": "10.4.0.1",
      ...headers,
    },
    body: new URLSearchParams(fields).toString(),
  });
}

const hidden = (html: string, name: string) =>
  html.match(new RegExp(`name="${name}" value="([^"]*)"`))?.[1];

async function resetCode(t: App, admin: { cookie: string; csrf: string }, userId: string) {
  const res = await form(t, `/admin/people/${userId}`, { _csrf: admin.csrf }, {
    cookie: admin.cookie,
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
  const code = (await res.text()).match(/data-code[^>]*>([A-Z0-9]{4}-[A-Z0-9]{4})</)?.[1];
  assert.ok(code, "the page shows the code");
  return code;
}

Deno.test("[account pages] reset sign-in, then the code and a new password sign the person in", async () => {
  await using t = await testApp();
  const { one } = await twoSchools(t.kv);
  const admin = await browserSessionFor(t.kv, one.admin);
  const page = await t.app.request(`/admin/people/${one.studentA.id}`, {
    headers: { cookie: admin.cookie },
  });
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.ok(html.includes(one.studentA.name));
  assert.ok(html.includes("Reset sign-in"));
  assert.ok(!/data-code/.test(html), "no code before a reset");
  const dashboard = await (await t.app.request("/admin", { headers: { cookie: admin.cookie } }))
    .text();
  assert.ok(dashboard.includes(`href="/admin/people/${one.studentA.id}"`), "linked from /admin");

  const code = await resetCode(t, admin, one.studentA.id);
  const again = await (await t.app.request(`/admin/people/${one.studentA.id}`, {
    headers: { cookie: admin.cookie },
  })).text();
  assert.ok(!again.includes(code), "shown once only");

  const signin = await (await t.app.request("/signin")).text();
  assert.ok(signin.includes('href="/signin/code"'), "the sign-in page offers the code path");
  const wrong = await form(t, "/signin/code", { login: one.studentA.email!, code: "AAAA-AAAA" });
  assert.equal(wrong.status, 401);
  assert.match(await wrong.text(), /code has expired or was used/);

  const step1 = await form(t, "/signin/code?next=%2Fclasses", {
    login: one.studentA.email!,
    code: code.toLowerCase(),
  });
  assert.equal(step1.status, 200);
  assert.equal(step1.headers.get("set-cookie"), null, "no session before a password is set");
  const choose = await step1.text();
  assert.ok(choose.includes("Choose your password"));
  const ticket = hidden(choose, "ticket");
  assert.ok(ticket);

  const mismatch = await form(t, "/signin/code", {
    ticket,
    login: one.studentA.email!,
    password: NEW_PASSWORD,
    confirm: "something else entirely",
  });
  assert.equal(mismatch.status, 400);
  assert.match(await mismatch.text(), /two new passwords are not the same/);

  const done = await form(t, "/signin/code?next=%2Fclasses", {
    ticket,
    login: one.studentA.email!,
    password: NEW_PASSWORD,
    confirm: NEW_PASSWORD,
  });
  assert.equal(done.status, 303);
  assert.equal(done.headers.get("location"), "/classes");
  const token = done.headers.get("set-cookie")!.split(";")[0].split("=")[1];
  assert.equal((await getSession(t.kv, token))?.userId, one.studentA.id);

  // The ticket and the code are spent.
  const replay = await form(t, "/signin/code", {
    ticket,
    login: one.studentA.email!,
    password: "another passphrase",
    confirm: "another passphrase",
  });
  assert.equal(replay.status, 401);
  await replay.body?.cancel();
  const reuse = await form(t, "/signin/code", { login: one.studentA.email!, code });
  assert.equal(reuse.status, 401);
  await reuse.body?.cancel();
  const pw = await form(t, "/signin", { login: one.studentA.email!, password: NEW_PASSWORD });
  assert.equal(pw.status, 303);
  await pw.body?.cancel();
});

Deno.test("[account pages] only admins of the person's school see the reset page", async () => {
  await using t = await testApp();
  const { one, two } = await twoSchools(t.kv);
  const admin = await browserSessionFor(t.kv, one.admin);
  const cross = await t.app.request(`/admin/people/${two.studentA.id}`, {
    headers: { cookie: admin.cookie },
  });
  assert.equal(cross.status, 404);
  await cross.body?.cancel();
  const crossPost = await form(t, `/admin/people/${two.studentA.id}`, { _csrf: admin.csrf }, {
    cookie: admin.cookie,
  });
  assert.equal(crossPost.status, 404);
  await crossPost.body?.cancel();
  const teacher = await browserSessionFor(t.kv, one.teacherA);
  const res = await t.app.request(`/admin/people/${one.studentA.id}`, {
    headers: { cookie: teacher.cookie },
  });
  assert.equal(res.status, 403);
  await res.body?.cancel();
});

Deno.test("[account pages] the account page changes the password and ends other sessions", async () => {
  await using t = await testApp();
  const { one } = await twoSchools(t.kv);
  const me = await browserSessionFor(t.kv, one.teacherA);
  const other = await browserSessionFor(t.kv, one.teacherA);
  const page = await t.app.request("/account", { headers: { cookie: me.cookie } });
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.ok(html.includes("Change your password"));
  assert.ok(html.includes(one.teacherA.email!));

  const wrong = await form(t, "/account", {
    _csrf: me.csrf,
    currentPassword: "not the password",
    newPassword: NEW_PASSWORD,
    confirm: NEW_PASSWORD,
  }, { cookie: me.cookie });
  assert.equal(wrong.status, 400);
  assert.match(await wrong.text(), /current password is not right/);

  const ok = await form(t, "/account", {
    _csrf: me.csrf,
    currentPassword: TEST_PASSWORD,
    newPassword: NEW_PASSWORD,
    confirm: NEW_PASSWORD,
  }, { cookie: me.cookie });
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get("location"), "/account?changed=1");
  const after = await t.app.request("/account?changed=1", { headers: { cookie: me.cookie } });
  assert.match(await after.text(), /Your password was changed/);
  const gone = await t.app.request("/account", { headers: { cookie: other.cookie } });
  assert.equal(gone.status, 303, "the other session is signed out");
  await gone.body?.cancel();
});

Deno.test("[account pages] someone on a device session is offered a password, in their language", async () => {
  await using t = await testApp();
  const { one } = await twoSchools(t.kv);
  const s = await randomUser(t.kv, one.org.id, "student", {
    email: undefined,
    passwordHash: undefined,
  });
  const { token, session } = await createSession(t.kv, s, {
    ttlMs: DEVICE_SESSION_MS,
    kind: "device",
  });
  const cookie = `mirae_session=${token}`;
  const en = await (await t.app.request("/account", { headers: { cookie } })).text();
  assert.ok(en.includes("Set a password to keep this account"));
  assert.ok(!en.includes('name="currentPassword"'));
  const ko = await (await t.app.request("/account", {
    headers: { cookie, "accept-language": "ko" },
  })).text();
  assert.ok(ko.includes("이 계정을 유지하려면 비밀번호를 설정하세요"));
  const zh = await (await t.app.request("/account", {
    headers: { cookie, "accept-language": "zh-CN" },
  })).text();
  assert.ok(zh.includes("设置密码以保留此账户"));
  const set = await form(t, "/account", {
    _csrf: session.csrf,
    newPassword: NEW_PASSWORD,
    confirm: NEW_PASSWORD,
  }, { cookie });
  assert.equal(set.status, 303);
  assert.equal(set.headers.get("location"), "/account?set=1");
  const after = await (await t.app.request("/account?set=1", { headers: { cookie } })).text();
  assert.ok(after.includes("Your password is set."));
  assert.ok(after.includes("Change your password"));
});

Deno.test("[account pages] the slips page prints one-time codes for students without a password", async () => {
  await using t = await testApp();
  const { one } = await twoSchools(t.kv);
  const s = await randomUser(t.kv, one.org.id, "student", {
    name: "홍길동",
    email: undefined,
    studentNumber: "K-1",
    passwordHash: undefined,
  });
  const { addMemberOps } = await import("@/services/classes/members.ts");
  await addMemberOps(t.kv.atomic(), one.classA.id, s, "student").commit();
  const teacher = await browserSessionFor(t.kv, one.teacherA);
  const path = `/classes/${one.classA.id}/slips`;
  const classPage = await t.app.request(`/classes/${one.classA.id}`, {
    headers: { cookie: teacher.cookie },
  });
  assert.ok((await classPage.text()).includes(`href="${path}"`), "the class page links to it");
  const page = await t.app.request(path, { headers: { cookie: teacher.cookie } });
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /Students without a password: 1/);
  assert.ok(!/data-code/.test(html));
  const made = await form(t, path, { _csrf: teacher.csrf }, { cookie: teacher.cookie });
  assert.equal(made.status, 200);
  const slips = await made.text();
  assert.ok(slips.includes("홍길동"));
  assert.ok(slips.includes(`K-1 · school code ${one.org.slug}`));
  const code = slips.match(/data-code[^>]*>([A-Z0-9]{4}-[A-Z0-9]{4})</)?.[1];
  assert.ok(code);
  const step1 = await form(t, "/signin/code", { login: "K-1", school: one.org.slug, code });
  assert.equal(step1.status, 200);
  assert.ok(hidden(await step1.text(), "ticket"));
  const student = await browserSessionFor(t.kv, one.studentA);
  const refused = await t.app.request(path, { headers: { cookie: student.cookie } });
  assert.equal(refused.status, 403);
  await refused.body?.cancel();
});
