/**
 * One identity per student (issue 16): a student the teacher imported who opens the class's
 * join link claims their roster entry, by its student number and their login slip's code or
 * by the teacher's approval, and never gets a second account; a name alone claims nothing.
 */
import assert from "node:assert/strict";
import { issueSignInCode } from "@/services/auth/codes.ts";
import { getSessionUser } from "@/services/auth/sessions.ts";
import { createJoinLink, linkSecret } from "@/services/classes/join_links.ts";
import { listClassMembers } from "@/services/classes/members.ts";
import { findUserByNumber, setPasswordHash } from "@/services/orgs/users.ts";
import { importRoster } from "@/services/roster/import.ts";
import { bearer, testApp, tokenFor, twoSchools } from "./helpers.ts";

type App = Awaited<ReturnType<typeof testApp>>;
const PASSWORD = "my own passphrase";
const NUMBER = "2026801";

async function world() {
  const t = await testApp();
  const schools = await twoSchools(t.kv);
  const { org, classA, teacherA } = schools.one;
  await importRoster(
    t.kv,
    { orgId: org.id, classId: classA.id, by: "teacher" },
    `name,student_number\nHong Gildong,${NUMBER}\n`,
  );
  const imported = (await findUserByNumber(t.kv, org.id, NUMBER))!;
  const secret = await linkSecret(t.kv, t.config);
  const { token } = await createJoinLink(t.kv, secret, {
    orgId: org.id,
    classId: classA.id,
    createdBy: teacherA.id,
  });
  return { t, ...schools, imported, secret, token, path: `/join/${token}` };
}

function post(t: App, path: string, fields: Record<string, string>, cookie = "") {
  return t.app.request(path, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(fields).toString(),
  });
}

async function count(kv: Deno.Kv, prefix: Deno.KvKey): Promise<number> {
  let n = 0;
  for await (const _ of kv.list({ prefix })) n++;
  return n;
}

/** The ticket of a "choose your password" form on a page. */
function setupTicket(html: string): string {
  const m = html.match(/name="ticket" value="([^"]+)"/);
  assert.ok(m, "a password form");
  return m[1];
}

/** Sets the password with a setup ticket; returns the signed-in user's id and where it went. */
async function choosePassword(t: App, html: string) {
  const action = html.match(/action="(\/signin\/code[^"]*)"/)![1].replaceAll("&amp;", "&");
  const res = await post(t, action, {
    ticket: setupTicket(html),
    password: PASSWORD,
    confirm: PASSWORD,
  });
  assert.equal(res.status, 303);
  const cookie = res.headers.get("set-cookie")!;
  const session = decodeURIComponent(cookie.match(/mirae_session=([^;]+)/)![1]);
  const found = await getSessionUser(t.kv, session);
  return { userId: found?.user.id, location: res.headers.get("location") };
}

Deno.test("[claims] a correct code claims the roster entry: the same user, one account, a password", async () => {
  const w = await world();
  await using _t = w.t;
  const { t, imported, one } = w;
  const { code } = await issueSignInCode(t.kv, w.secret, imported, {
    by: one.teacherA.id,
    purpose: "slip",
  });
  const users = await count(t.kv, ["users"]);
  const page = await (await t.app.request(w.path)).text();
  assert.ok(page.includes("I'm on the class list"));

  const res = await post(t, w.path, {
    intent: "claimCode",
    login: NUMBER,
    code: code.toLowerCase().replace(/(.{4})/, "$1-"),
  });
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.ok(html.includes("Choose a password"), html);
  const { userId, location } = await choosePassword(t, html);
  assert.equal(userId, imported.id, "signed in as the roster entry");
  assert.equal(location, `/classes/${one.classA.id}`);
  assert.equal(await count(t.kv, ["users"]), users, "no account made");
  const roster = await listClassMembers(t.kv, one.classA.id, { role: "student" });
  assert.equal(roster.items.filter((m) => m.name === "Hong Gildong").length, 1);
  // The code is spent: a second claim with it is refused.
  const again = await post(t, w.path, { intent: "claimCode", login: NUMBER, code });
  assert.equal(again.status, 401);
});

Deno.test("[claims] a wrong code is refused (in the reader's language) and creates nothing", async () => {
  const w = await world();
  await using _t = w.t;
  const { t, imported, one } = w;
  await issueSignInCode(t.kv, w.secret, imported, { by: one.teacherA.id, purpose: "slip" });
  const before = {
    users: await count(t.kv, ["users"]),
    sessions: await count(t.kv, ["sessions"]),
    requests: await count(t.kv, ["join_requests"]),
  };
  const res = await post(t, w.path, { intent: "claimCode", login: NUMBER, code: "ABCD-EFGH" });
  assert.equal(res.status, 401);
  assert.ok(!(await res.text()).includes('name="ticket"'));
  const ko = await post(
    t,
    w.path,
    { intent: "claimCode", login: NUMBER, code: "ABCD-EFGH" },
    "mirae_lang=ko",
  );
  assert.ok((await ko.text()).includes("코드가 올바르지 않거나"));
  assert.deepEqual({
    users: await count(t.kv, ["users"]),
    sessions: await count(t.kv, ["sessions"]),
    requests: await count(t.kv, ["join_requests"]),
  }, before);
});

Deno.test("[claims] by the teacher's approval: a request naming the entry; approving signs the person in as it", async () => {
  const w = await world();
  await using _t = w.t;
  const { t, imported, one } = w;
  const users = await count(t.kv, ["users"]);
  const asked = await post(t, w.path, { intent: "claimApproval", login: NUMBER });
  assert.equal(asked.status, 303);
  const claimCookie = asked.headers.get("set-cookie")!.match(/mirae_claim=[^;]+/)![0];
  assert.match(asked.headers.get("set-cookie")!, /HttpOnly/);

  const waiting = await t.app.request(w.path, { headers: { cookie: claimCookie } });
  assert.equal(waiting.status, 200);
  assert.ok(waiting.headers.get("refresh"));
  assert.ok((await waiting.text()).includes("Your teacher is asked to confirm"));

  // The teacher sees the request under the roster's name, with the number it claims.
  const teacher = bearer(await tokenFor(t.kv, one.teacherA));
  const base = `/api/v1/classes/${one.classA.id}/join-requests`;
  const list = await (await t.app.request(base, { headers: teacher })).json();
  assert.deepEqual(
    list.items.map((i: { userId: string; name: string; claims?: string }) => [
      i.userId,
      i.name,
      i.claims,
    ]),
    [[imported.id, "Hong Gildong", NUMBER]],
  );
  // A second claimant for the same entry waits behind the first: refused.
  const second = await post(t, w.path, { intent: "claimApproval", login: NUMBER });
  assert.equal(second.status, 409);

  const approved = await t.app.request(`${base}/approve`, {
    method: "POST",
    headers: { ...teacher, "content-type": "application/json" },
    body: JSON.stringify({ userIds: [imported.id] }),
  });
  assert.equal(approved.status, 200);
  assert.deepEqual(await approved.json(), { approved: 1 });

  const setup = await t.app.request(w.path, { headers: { cookie: claimCookie } });
  assert.equal(setup.status, 200);
  assert.match(setup.headers.get("set-cookie") ?? "", /mirae_claim=;.*Max-Age=0/);
  const html = await setup.text();
  const { userId, location } = await choosePassword(t, html);
  assert.equal(userId, imported.id);
  assert.equal(location, `/classes/${one.classA.id}`);
  assert.equal(await count(t.kv, ["users"]), users, "no account made");
  assert.equal((await listClassMembers(t.kv, one.classA.id, { role: "student" })).total, 2);
  // The approval is used up: the same cookie gets the plain form, no second password step.
  const after = await (await t.app.request(w.path, { headers: { cookie: claimCookie } })).text();
  assert.ok(!after.includes('name="ticket"'));
});

Deno.test("[claims] a denied claim tells the browser so; nothing was made", async () => {
  const w = await world();
  await using _t = w.t;
  const { t, imported, one } = w;
  const users = await count(t.kv, ["users"]);
  const asked = await post(t, w.path, { intent: "claimApproval", login: NUMBER });
  const claimCookie = asked.headers.get("set-cookie")!.match(/mirae_claim=[^;]+/)![0];
  const teacher = bearer(await tokenFor(t.kv, one.teacherA));
  const denied = await t.app.request(`/api/v1/classes/${one.classA.id}/join-requests/deny`, {
    method: "POST",
    headers: { ...teacher, "content-type": "application/json" },
    body: JSON.stringify({ userIds: [imported.id] }),
  });
  assert.equal(denied.status, 200);
  const page = await t.app.request(w.path, { headers: { cookie: claimCookie } });
  assert.equal(page.status, 200);
  assert.ok((await page.text()).includes("Your teacher did not accept your request"));
  assert.match(page.headers.get("set-cookie") ?? "", /mirae_claim=;/);
  assert.equal(await count(t.kv, ["users"]), users);
  assert.ok(await findUserByNumber(t.kv, one.org.id, NUMBER), "the roster entry stays");
});

Deno.test("[claims] a name alone claims nothing; numbers not on the list and set-up accounts are refused", async () => {
  const w = await world();
  await using _t = w.t;
  const { t, imported, one, two } = w;
  // The roster's name typed for a new account: asked first, nobody signed in, nothing made.
  const users = await count(t.kv, ["users"]);
  const byName = await post(t, w.path, { name: "hong  GILDONG" });
  assert.equal(byName.status, 409);
  assert.equal(byName.headers.get("set-cookie"), null);
  assert.ok((await byName.text()).includes("is on this class's list"));
  assert.equal(await count(t.kv, ["users"]), users);
  // A claim needs the number (or email): a name is not one.
  const noLogin = await post(t, w.path, { intent: "claimApproval", login: "" });
  assert.equal(noLogin.status, 400);
  const nameAsLogin = await post(t, w.path, { intent: "claimApproval", login: "Hong Gildong" });
  assert.equal(nameAsLogin.status, 404);
  // A number of another class or school is not on this list.
  const otherSchool = await post(t, w.path, {
    intent: "claimApproval",
    login: two.studentA.email!,
  });
  assert.equal(otherSchool.status, 404);
  assert.equal(await count(t.kv, ["join_requests"]), 0);
  // Saying "I am someone else" makes a separate account, never the roster's.
  const other = await post(t, w.path, { name: "Hong Gildong", notListed: "1" });
  assert.equal(other.status, 303);
  const session = decodeURIComponent(
    other.headers.get("set-cookie")!.match(/mirae_session=([^;]+)/)![1],
  );
  assert.notEqual((await getSessionUser(t.kv, session))?.user.id, imported.id);
  // An entry that already has a password is signed into with it, not claimed.
  await setPasswordHash(t.kv, imported.id, "x");
  const set = await post(t, w.path, { intent: "claimApproval", login: NUMBER });
  assert.equal(set.status, 409);
  assert.ok((await set.text()).includes("already has a password"));
  void one;
});
