import assert from "node:assert/strict";
import { createJoinLink, linkSecret } from "@/services/classes/join_links.ts";
import { getMemberRole, listClassMembers } from "@/services/classes/members.ts";
import { setClassArchived } from "@/services/classes/classes.ts";
import {
  bearer,
  browserSessionFor,
  randomUser,
  TEST_PASSWORD,
  testApp,
  tokenFor,
  twoSchools,
} from "./helpers.ts";

type App = Awaited<ReturnType<typeof testApp>>;

const JSON_BODY = { "content-type": "application/json" };

async function world() {
  const t = await testApp();
  const schools = await twoSchools(t.kv);
  return { ...t, ...schools };
}

/** Makes a join link for `classId` through the service; returns its token. */
async function linkFor(t: App, orgId: string, classId: string, createdBy: string) {
  const secret = await linkSecret(t.kv, t.config);
  return await createJoinLink(t.kv, secret, { orgId, classId, createdBy });
}

function form(fields: Record<string, string>) {
  return new URLSearchParams(fields);
}

Deno.test("[join links] API - a teacher and an admin create, list and revoke links", async () => {
  await using t = await world();
  const { classA, teacherA, admin } = t.one;
  const base = `/api/v1/classes/${classA.id}/join-links`;
  const teacher = bearer(await tokenFor(t.kv, teacherA));
  const adminAuth = bearer(await tokenFor(t.kv, admin));

  const made = await t.app.request(base, { method: "POST", headers: teacher });
  assert.equal(made.status, 201);
  assert.match(made.headers.get("content-type") ?? "", /^application\/json/);
  const first = await made.json();
  assert.equal(first.status, "active");
  assert.ok(first.url.startsWith(`${t.config.publicUrl}/join/${first.id}.`), first.url);
  const week = Date.parse(first.expiresAt) - Date.now();
  assert.ok(week > 167 * 3_600_000 && week <= 168 * 3_600_000, String(week));

  const short = await t.app.request(base, {
    method: "POST",
    headers: { ...adminAuth, ...JSON_BODY },
    body: JSON.stringify({ expiresInHours: 2 }),
  });
  assert.equal(short.status, 201);
  assert.match(short.headers.get("content-type") ?? "", /^application\/json/);
  const second = await short.json();
  assert.ok(Date.parse(second.expiresAt) - Date.now() <= 2 * 3_600_000);

  const list = await t.app.request(base, { headers: teacher });
  assert.equal(list.status, 200);
  assert.match(list.headers.get("content-type") ?? "", /^application\/json/);
  const { items } = await list.json();
  assert.deepEqual(items.map((l: { id: string }) => l.id), [second.id, first.id]);
  assert.deepEqual(items.map((l: { uses: number }) => l.uses), [0, 0]);
  assert.equal(items[1].url, first.url);

  for (let i = 0; i < 2; i++) { // revoking twice is fine
    const del = await t.app.request(`${base}/${first.id}`, {
      method: "DELETE",
      headers: adminAuth,
    });
    assert.equal(del.status, 204);
    assert.equal(await del.text(), "");
  }
  const after = await (await t.app.request(base, { headers: teacher })).json();
  assert.deepEqual(after.items.map((l: { status: string }) => l.status), ["active", "revoked"]);

  const unknown = await t.app.request(`${base}/01ARZ3NDEKTSV4RRFFQ69G5FAV`, {
    method: "DELETE",
    headers: teacher,
  });
  assert.equal(unknown.status, 404);
  assert.match(unknown.headers.get("content-type") ?? "", /^application\/json/);
  assert.equal((await unknown.json()).error.code, "not_found");
});

Deno.test("[join links] API - bad lifetimes and unknown fields are 400", async () => {
  await using t = await world();
  const base = `/api/v1/classes/${t.one.classA.id}/join-links`;
  const auth = bearer(await tokenFor(t.kv, t.one.teacherA));
  for (
    const body of [{ expiresInHours: 0 }, { expiresInHours: 721 }, { expiresInHours: 1.5 }, {
      x: 1,
    }]
  ) {
    const res = await t.app.request(base, {
      method: "POST",
      headers: { ...auth, ...JSON_BODY },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    assert.equal((await res.json()).error.code, "validation_failed");
  }
});

Deno.test("[join links] API - students 403, other classes and schools 404, strangers 401", async () => {
  await using t = await world();
  const { classA, teacherA, studentA, teacherB } = t.one;
  const { link } = await linkFor(t, t.one.org.id, classA.id, teacherA.id);
  const base = `/api/v1/classes/${classA.id}/join-links`;
  const cases: [string, Record<string, string>, number][] = [
    ["student of the class", bearer(await tokenFor(t.kv, studentA)), 403],
    ["teacher of another class", bearer(await tokenFor(t.kv, teacherB)), 404],
    ["admin of another school", bearer(await tokenFor(t.kv, t.two.admin)), 404],
    ["nobody", {}, 401],
  ];
  for (const [who, headers, status] of cases) {
    for (
      const [method, path] of [["GET", base], ["POST", base], ["DELETE", `${base}/${link.id}`]]
    ) {
      const res = await t.app.request(path, { method, headers });
      assert.equal(res.status, status, `${who} ${method}`);
      assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
      assert.ok((await res.json()).error.message);
    }
  }
  // Nothing was revoked or made along the way.
  const items = (await (await t.app.request(base, {
    headers: bearer(await tokenFor(t.kv, teacherA)),
  })).json()).items;
  assert.deepEqual(items.map((l: { status: string }) => l.status), ["active"]);
});

Deno.test("[join links] page - a student opens the link, joins with a name, sees the class", async () => {
  await using t = await world();
  const { org, classA, teacherA } = t.one;
  const { token, link } = await linkFor(t, org.id, classA.id, teacherA.id);

  const page = await t.app.request(`/join/${token}`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
  const html = await page.text();
  assert.ok(html.includes(classA.name), "class name shown");
  assert.ok(html.includes(org.name), "school name shown");
  assert.match(html, /name="name"/);

  const res = await t.app.request(`/join/${token}`, {
    method: "POST",
    body: form({ name: "Minji Kim" }),
  });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), `/classes/${classA.id}`);
  const setCookie = res.headers.get("set-cookie") ?? "";
  assert.match(setCookie, /^mirae_session=[0-9A-Za-z]+\.[A-Za-z0-9_-]{43}; /);
  assert.match(setCookie, /HttpOnly/);
  const maxAge = Number(setCookie.match(/Max-Age=(\d+)/)?.[1]);
  assert.ok(maxAge > 29 * 86_400, `device session cookie lasts ~30 days (${maxAge})`);

  const roster = await listClassMembers(t.kv, classA.id, { role: "student" });
  const joined = roster.items.find((m) => m.name === "Minji Kim");
  assert.ok(joined, "the new student is on the roster");

  const cookie = setCookie.split(";")[0];
  const mine = await t.app.request("/classes", { headers: { cookie } });
  assert.equal(mine.status, 200);
  assert.match(mine.headers.get("content-type") ?? "", /^text\/html/);
  const list = await mine.text();
  assert.ok(list.includes(`href="/classes/${classA.id}"`), "links to the class");
  assert.ok(list.includes(classA.name));
  assert.ok(!list.includes(t.one.classB.name), "only their own class");

  const links = await (await t.app.request(`/api/v1/classes/${classA.id}/join-links`, {
    headers: bearer(await tokenFor(t.kv, teacherA)),
  })).json();
  assert.equal(links.items.find((l: { id: string }) => l.id === link.id).uses, 1);
});

Deno.test("[join links] page - a sign-up's email is unconfirmed: same answer taken or free, no sign-in", async () => {
  await using t = await world();
  const { org, classA, teacherA, studentA } = t.one;
  const { token } = await linkFor(t, org.id, classA.id, teacherA.id);

  const short = await t.app.request(`/join/${token}`, {
    method: "POST",
    body: form({ name: "Wei", email: "wei@example.org", password: "short" }),
  });
  assert.equal(short.status, 400);
  assert.match(short.headers.get("content-type") ?? "", /^text\/html/);
  assert.match(await short.text(), /at least 8/);

  const answers = [];
  for (const email of [studentA.email!, "wei@example.org"]) {
    const res = await t.app.request(`/join/${token}`, {
      method: "POST",
      body: form({ name: "Wei", email, password: "long enough pass" }),
    });
    await res.body?.cancel();
    const maxAge = Number(res.headers.get("set-cookie")?.match(/Max-Age=(\d+)/)?.[1]);
    answers.push([res.status, res.headers.get("location"), Math.round(maxAge / 3600)]);
  }
  // A taken address and a free one get the same answer: nobody learns which emails exist.
  assert.deepEqual(answers[0], answers[1]);
  assert.deepEqual(answers[0], [303, `/classes/${classA.id}`, 30 * 24]);
  // The email signs nobody in until its owner confirms it; the owner still can.
  for (const [login, status] of [["wei@example.org", 401], [studentA.email!, 401]] as const) {
    const signin = await t.app.request("/signin", {
      method: "POST",
      body: form({ login, password: "long enough pass" }),
    });
    assert.equal(signin.status, status, login);
    await signin.body?.cancel();
  }
  const owner = await t.app.request("/signin", {
    method: "POST",
    body: form({ login: studentA.email!, password: TEST_PASSWORD }),
  });
  assert.equal(owner.status, 303);
});

Deno.test("[join links] page - a cross-site POST is refused and creates nobody", async () => {
  await using t = await world();
  const { org, classA, teacherA } = t.one;
  const { token } = await linkFor(t, org.id, classA.id, teacherA.id);
  const res = await t.app.request(`/join/${token}`, {
    method: "POST",
    headers: { origin: "https://evil.example" },
    body: form({ name: "Mallory" }),
  });
  assert.equal(res.status, 403);
  assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
  assert.match(await res.text(), /another site/);
  assert.equal(res.headers.get("set-cookie"), null);
  assert.equal((await listClassMembers(t.kv, classA.id, { role: "student" })).total, 1);
});

Deno.test("[join links] page - revoked, expired, archived and forged links say so", async () => {
  await using t = await world();
  const { org, classA, classB, teacherA, teacherB, admin } = t.one;
  const revoked = await linkFor(t, org.id, classA.id, teacherA.id);
  await t.app.request(`/api/v1/classes/${classA.id}/join-links/${revoked.link.id}`, {
    method: "DELETE",
    headers: bearer(await tokenFor(t.kv, teacherA)),
  });
  const expired = await linkFor(t, org.id, classA.id, teacherA.id);
  await t.kv.set(["join_links", expired.link.id], {
    ...expired.link,
    expiresAt: "2024-03-05T12:00:00.000Z",
  });
  const archived = await linkFor(t, org.id, classB.id, teacherB.id);
  await setClassArchived(t.kv, org.id, classB.id, true);
  const forged = `${revoked.link.id}.${"A".repeat(22)}`;

  const cases: [string, number, RegExp][] = [
    [revoked.token, 410, /turned off by your teacher/],
    [expired.token, 410, /expired on March 5, 2024/],
    [archived.token, 410, /archived/],
    [forged, 404, /not valid/],
    ["nonsense", 404, /not valid/],
  ];
  for (const [token, status, message] of cases) {
    for (const method of ["GET", "POST"]) {
      const res = await t.app.request(`/join/${token}`, {
        method,
        body: method === "POST" ? form({ name: "Late" }) : undefined,
      });
      assert.equal(res.status, status, `${method} ${token}`);
      assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
      const html = await res.text();
      assert.match(html, message);
      assert.doesNotMatch(html, /name="name"/, "no join form");
    }
  }
  // In Korean, too.
  const ko = await t.app.request(`/join/${revoked.token}`, {
    headers: { "accept-language": "ko-KR,ko;q=0.9" },
  });
  assert.equal(ko.status, 410);
  assert.match(ko.headers.get("content-type") ?? "", /^text\/html/);
  assert.match(await ko.text(), /사용 중지/);
  assert.equal((await listClassMembers(t.kv, classA.id, { role: "student" })).total, 1);
  assert.equal(admin.orgId, org.id);
});

Deno.test("[join links] page - a signed-in student of the school joins with one button", async () => {
  await using t = await world();
  const { org, classA, teacherA, studentB } = t.one;
  const { token } = await linkFor(t, org.id, classA.id, teacherA.id);
  const session = await browserSessionFor(t.kv, studentB);

  const page = await t.app.request(`/join/${token}`, { headers: { cookie: session.cookie } });
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
  const html = await page.text();
  assert.ok(html.includes(`You are signed in as ${studentB.name}.`));
  assert.ok(html.includes(`>Join ${classA.name}</button>`));
  assert.doesNotMatch(html, /name="name"/);

  const noCsrf = await t.app.request(`/join/${token}`, {
    method: "POST",
    headers: { cookie: session.cookie },
    body: form({}),
  });
  assert.equal(noCsrf.status, 403);
  assert.equal(await getMemberRole(t.kv, classA.id, studentB.id), null);

  for (let i = 0; i < 2; i++) { // a second click changes nothing
    const res = await t.app.request(`/join/${token}`, {
      method: "POST",
      headers: { cookie: session.cookie },
      body: form({ _csrf: session.csrf }),
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), `/classes/${classA.id}`);
    assert.equal(res.headers.get("set-cookie"), null, "keeps their session");
  }
  assert.equal(await getMemberRole(t.kv, classA.id, studentB.id), "student");
});

Deno.test("[join links] page - a student of another school gets the form, not the button", async () => {
  await using t = await world();
  const { org, classA, teacherA } = t.one;
  const { token } = await linkFor(t, org.id, classA.id, teacherA.id);
  const outsider = t.two.studentA;
  const session = await browserSessionFor(t.kv, outsider);

  const page = await t.app.request(`/join/${token}`, { headers: { cookie: session.cookie } });
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
  assert.match(await page.text(), /name="name"/);

  const res = await t.app.request(`/join/${token}`, {
    method: "POST",
    headers: { cookie: session.cookie },
    body: form({ _csrf: session.csrf, name: "New Me" }),
  });
  assert.equal(res.status, 303);
  assert.match(res.headers.get("set-cookie") ?? "", /^mirae_session=/);
  assert.equal(await getMemberRole(t.kv, classA.id, outsider.id), null, "outsider not added");
  const roster = await listClassMembers(t.kv, classA.id, { role: "student" });
  assert.ok(roster.items.some((m) => m.name === "New Me"));
});

Deno.test("[join links] page - staff see no join button", async () => {
  await using t = await world();
  const { org, classA, teacherA, teacherB, admin } = t.one;
  const { token } = await linkFor(t, org.id, classA.id, teacherA.id);
  const cases = [
    [teacherB, /Join links are for students/, 403],
    [admin, /Open the class/, 303],
  ] as const;
  for (const [user, text, postStatus] of cases) {
    const { cookie, csrf } = await browserSessionFor(t.kv, user);
    const page = await t.app.request(`/join/${token}`, { headers: { cookie } });
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
    const html = await page.text();
    assert.match(html, text);
    assert.doesNotMatch(html, /type="submit" class="primary"/);
    const post = await t.app.request(`/join/${token}`, {
      method: "POST",
      headers: { cookie },
      body: form({ _csrf: csrf }),
    });
    assert.equal(post.status, postStatus);
    assert.equal(await getMemberRole(t.kv, classA.id, user.id), null);
  }
});

Deno.test("[join links] my classes - needs sign-in; lists roles; admins get the dashboard link", async () => {
  await using t = await world();
  const anon = await t.app.request("/classes");
  assert.equal(anon.status, 303);
  assert.match(anon.headers.get("location") ?? "", /^\/signin\?next=%2Fclasses/);

  const { teacherA, classA, classB, admin, org } = t.one;
  await setClassArchived(t.kv, org.id, classB.id, true);
  const teacher = await browserSessionFor(t.kv, teacherA);
  const res = await t.app.request("/classes", { headers: { cookie: teacher.cookie } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
  const html = await res.text();
  assert.ok(html.includes(classA.name));
  assert.match(html, /class="badge">Teacher</);
  assert.doesNotMatch(html, /href="\/admin"/);

  const adminPage = await t.app.request("/classes", {
    headers: { cookie: (await browserSessionFor(t.kv, admin)).cookie },
  });
  assert.equal(adminPage.status, 200);
  assert.match(adminPage.headers.get("content-type") ?? "", /^text\/html/);
  const adminHtml = await adminPage.text();
  assert.match(adminHtml, /href="\/admin"/);
  assert.match(adminHtml, /You do not teach any class yet/);

  const lonely = await randomUser(t.kv, org.id, "student");
  const empty = await t.app.request("/classes", {
    headers: { cookie: (await browserSessionFor(t.kv, lonely)).cookie, "accept-language": "zh-CN" },
  });
  assert.equal(empty.status, 200);
  assert.match(empty.headers.get("content-type") ?? "", /^text\/html/);
  assert.match(await empty.text(), /你还没有加入任何班级/);
  assert.ok(!html.includes(classB.name), "archived classes are left out");
});

/** Signs up through the join page as a new student; returns the response. */
function signUp(t: App, token: string, name: string, ip = "192.0.2.1", extra = {}) {
  return t.app.request(`/join/${token}`, {
    method: "POST",
    headers: { "x-mirae-client-ip": ip },
    body: form({ name, ...extra }),
  });
}

const cookieOf = (res: Response) => (res.headers.get("set-cookie") ?? "").split(";")[0];

Deno.test("[join links] API - a limit of uses and approval at creation; PATCH changes the limit", async () => {
  await using t = await world();
  const { classA, teacherA } = t.one;
  const base = `/api/v1/classes/${classA.id}/join-links`;
  const auth = bearer(await tokenFor(t.kv, teacherA));
  const made = await t.app.request(base, {
    method: "POST",
    headers: { ...auth, ...JSON_BODY },
    body: JSON.stringify({ maxUses: 12, approval: true }),
  });
  assert.equal(made.status, 201);
  assert.match(made.headers.get("content-type") ?? "", /^application\/json/);
  const link = await made.json();
  assert.deepEqual([link.maxUses, link.approval], [12, true]);
  const plain = await (await t.app.request(base, { method: "POST", headers: auth })).json();
  assert.deepEqual([plain.maxUses, plain.approval], [30, false], "the default for a small class");

  const list = await t.app.request(base, { headers: auth });
  assert.equal(list.status, 200);
  assert.match(list.headers.get("content-type") ?? "", /^application\/json/);
  const body = await list.json();
  assert.equal(body.defaultMaxUses, 30);
  assert.deepEqual(
    body.items.map((l: { maxUses: number; uses: number; joined: number }) => [
      l.maxUses,
      l.uses,
      l.joined,
    ]),
    [[30, 0, 0], [12, 0, 0]],
  );

  const patched = await t.app.request(`${base}/${link.id}`, {
    method: "PATCH",
    headers: { ...auth, ...JSON_BODY },
    body: JSON.stringify({ maxUses: 40 }),
  });
  assert.equal(patched.status, 200);
  assert.match(patched.headers.get("content-type") ?? "", /^application\/json/);
  assert.deepEqual(await patched.json(), { id: link.id, maxUses: 40 });
  for (const bad of [{ maxUses: 0 }, { maxUses: 2001 }, { maxUses: 1.5 }, { approval: "yes" }]) {
    const res = await t.app.request(base, {
      method: "POST",
      headers: { ...auth, ...JSON_BODY },
      body: JSON.stringify(bad),
    });
    assert.equal(res.status, 400, JSON.stringify(bad));
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    assert.equal((await res.json()).error.code, "validation_failed");
  }
  const student = bearer(await tokenFor(t.kv, t.one.studentA));
  const forbidden = await t.app.request(`${base}/${link.id}`, {
    method: "PATCH",
    headers: { ...student, ...JSON_BODY },
    body: JSON.stringify({ maxUses: 500 }),
  });
  assert.equal(forbidden.status, 403);
});

Deno.test("[join links] page - 50 sign-ups at once against a limit of 10: exactly 10 get in", async () => {
  await using t = await world();
  const { org, classA, teacherA } = t.one;
  const secret = await linkSecret(t.kv, t.config);
  const { token, link } = await createJoinLink(t.kv, secret, {
    orgId: org.id,
    classId: classA.id,
    createdBy: teacherA.id,
    maxUses: 10,
  });
  const before = (await listClassMembers(t.kv, classA.id, { role: "student" })).total;
  const answers = await Promise.all(
    Array.from({ length: 50 }, (_, i) => signUp(t, token, `Script ${i}`, `10.9.0.${i}`)),
  );
  const statuses = answers.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 303).length, 10, statuses.join(","));
  assert.equal(statuses.filter((s) => s === 409).length, 40, statuses.join(","));
  const refused = answers.find((r) => r.status === 409)!;
  assert.match(refused.headers.get("content-type") ?? "", /^text\/html/);
  assert.match(
    await refused.text(),
    /This link has been used 10 times, its limit\. Ask your teacher for a new one\./,
  );
  for (const r of answers) if (!r.bodyUsed) await r.body?.cancel();
  const after = (await listClassMembers(t.kv, classA.id, { role: "student" })).total;
  assert.equal(after - before, 10);
  assert.equal((await t.kv.get<Deno.KvU64>(["join_link_uses", link.id])).value?.value, 10n);
  // In Korean too.
  const ko = await t.app.request(`/join/${token}`, {
    method: "POST",
    headers: { "accept-language": "ko", "x-mirae-client-ip": "10.9.1.1" },
    body: form({ name: "늦은 학생" }),
  });
  assert.equal(ko.status, 409);
  assert.match(await ko.text(), /한도인 10회/);
});

Deno.test("[join links] page - 60 sign-ups from one address pass, the 61st waits (429)", async () => {
  await using t = await world();
  const { org, classA, teacherA } = t.one;
  const secret = await linkSecret(t.kv, t.config);
  const { token } = await createJoinLink(t.kv, secret, {
    orgId: org.id,
    classId: classA.id,
    createdBy: teacherA.id,
    maxUses: 100,
  });
  // A whole class behind one school NAT.
  for (let i = 0; i < 60; i++) {
    const res = await signUp(t, token, `Pupil ${i}`, "198.51.100.20");
    assert.equal(res.status, 303, `sign-up ${i}`);
  }
  const limited = await signUp(t, token, "Pupil 61", "198.51.100.20");
  assert.equal(limited.status, 429);
  assert.match(limited.headers.get("content-type") ?? "", /^text\/html/);
  assert.ok(Number(limited.headers.get("retry-after")) > 0);
  const html = await limited.text();
  assert.match(html, /Too many sign-ups from your network through this link/);
  assert.match(html, /value="Pupil 61"/, "the form keeps the name");
  assert.equal(limited.headers.get("set-cookie"), null);
  const elsewhere = await signUp(t, token, "Pupil 62", "198.51.100.21");
  assert.equal(elsewhere.status, 303);
});

Deno.test("[join links] approval - a sign-up waits; the teacher approves; the page moves on", async () => {
  await using t = await world();
  const { org, classA, teacherA, teacherB, studentA } = t.one;
  const base = `/api/v1/classes/${classA.id}/join-requests`;
  const teacher = bearer(await tokenFor(t.kv, teacherA));
  const made = await (await t.app.request(`/api/v1/classes/${classA.id}/join-links`, {
    method: "POST",
    headers: { ...teacher, ...JSON_BODY },
    body: JSON.stringify({ approval: true }),
  })).json();
  const token = made.url.split("/join/")[1];

  const form1 = await t.app.request(`/join/${token}`);
  assert.match(await form1.text(), /Your teacher approves each student who joins with this link/);
  const res = await signUp(t, token, "Waiting Wu");
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), `/join/${token}?waiting=1`);
  const cookie = cookieOf(res);
  const waiting = await t.app.request(`/join/${token}?waiting=1`, { headers: { cookie } });
  assert.equal(waiting.status, 200);
  assert.match(waiting.headers.get("content-type") ?? "", /^text\/html/);
  assert.match(waiting.headers.get("refresh") ?? "", /^\d+; url=\/join\/.+\?waiting=1$/);
  assert.match(await waiting.text(), /Waiting for your teacher to approve you/);
  const notYet = await t.app.request(`/classes/${classA.id}`, { headers: { cookie } });
  assert.equal(notYet.status, 404, "not in the class yet");
  await notYet.body?.cancel();

  const list = await t.app.request(base, { headers: teacher });
  assert.equal(list.status, 200);
  assert.match(list.headers.get("content-type") ?? "", /^application\/json/);
  const { items } = await list.json();
  assert.deepEqual(items.map((r: { name: string }) => r.name), ["Waiting Wu"]);

  // Only the class's teachers (and admins) decide.
  for (
    const [who, auth, status] of [
      ["a student of the class", bearer(await tokenFor(t.kv, studentA)), 403],
      ["another class's teacher", bearer(await tokenFor(t.kv, teacherB)), 404],
      ["another school's admin", bearer(await tokenFor(t.kv, t.two.admin)), 404],
    ] as const
  ) {
    const r = await t.app.request(`${base}/approve`, {
      method: "POST",
      headers: { ...auth, ...JSON_BODY },
      body: JSON.stringify({ all: true }),
    });
    assert.equal(r.status, status, who);
    assert.match(r.headers.get("content-type") ?? "", /^application\/json/);
    await r.body?.cancel();
  }

  // The teacher turns the link off before deciding: the student still waits.
  await t.app.request(`/api/v1/classes/${classA.id}/join-links/${made.id}`, {
    method: "DELETE",
    headers: teacher,
  });
  const still = await t.app.request(`/join/${token}?waiting=1`, { headers: { cookie } });
  assert.equal(still.status, 200);
  assert.match(await still.text(), /Waiting for your teacher/);

  const approve = await t.app.request(`${base}/approve`, {
    method: "POST",
    headers: { ...teacher, ...JSON_BODY },
    body: JSON.stringify({ userIds: [items[0].userId] }),
  });
  assert.equal(approve.status, 200);
  assert.match(approve.headers.get("content-type") ?? "", /^application\/json/);
  assert.deepEqual(await approve.json(), { approved: 1 });
  const moved = await t.app.request(`/join/${token}?waiting=1`, { headers: { cookie } });
  assert.equal(moved.status, 303);
  assert.equal(moved.headers.get("location"), `/classes/${classA.id}`);
  const inClass = await t.app.request(`/classes/${classA.id}`, { headers: { cookie } });
  assert.equal(inClass.status, 200);
  assert.match(inClass.headers.get("content-type") ?? "", /^text\/html/);
  assert.match(await inClass.text(), /Waiting Wu/);
  assert.deepEqual((await (await t.app.request(base, { headers: teacher })).json()).items, []);
  assert.equal(org.id, classA.orgId);
});

Deno.test("[join links] approval - a denied student's page says so; bad bodies are 400", async () => {
  await using t = await world();
  const { org, classA, teacherA } = t.one;
  const secret = await linkSecret(t.kv, t.config);
  const { token } = await createJoinLink(t.kv, secret, {
    orgId: org.id,
    classId: classA.id,
    createdBy: teacherA.id,
    approval: true,
  });
  const res = await signUp(t, token, "Not Welcome");
  const cookie = cookieOf(res);
  const teacher = bearer(await tokenFor(t.kv, teacherA));
  const base = `/api/v1/classes/${classA.id}/join-requests`;
  const { items } = await (await t.app.request(base, { headers: teacher })).json();
  for (const body of [{}, { userIds: [] }, { all: false }, { userIds: ["x"], x: 1 }]) {
    const bad = await t.app.request(`${base}/approve`, {
      method: "POST",
      headers: { ...teacher, ...JSON_BODY },
      body: JSON.stringify(body),
    });
    assert.equal(bad.status, 400, JSON.stringify(body));
    assert.match(bad.headers.get("content-type") ?? "", /^application\/json/);
    await bad.body?.cancel();
  }
  const deny = await t.app.request(`${base}/deny`, {
    method: "POST",
    headers: { ...teacher, ...JSON_BODY },
    body: JSON.stringify({ userIds: [items[0].userId] }),
  });
  assert.equal(deny.status, 200);
  assert.match(deny.headers.get("content-type") ?? "", /^application\/json/);
  assert.deepEqual(await deny.json(), { denied: 1 });
  const page = await t.app.request(`/join/${token}?waiting=1`, { headers: { cookie } });
  assert.equal(page.status, 200);
  assert.match(await page.text(), /Your teacher did not accept your request to join/);
  assert.equal((await t.kv.get(["users", items[0].userId])).value, null, "the account is gone");
});

Deno.test("[join links] API - turning a link off can remove who came through it", async () => {
  await using t = await world();
  const { org, classA, teacherA } = t.one;
  const secret = await linkSecret(t.kv, t.config);
  const { token, link } = await createJoinLink(t.kv, secret, {
    orgId: org.id,
    classId: classA.id,
    createdBy: teacherA.id,
  });
  for (let i = 0; i < 3; i++) await signUp(t, token, `Spam ${i}`, `10.8.0.${i}`);
  const teacher = bearer(await tokenFor(t.kv, teacherA));
  const base = `/api/v1/classes/${classA.id}/join-links`;
  const listed = await (await t.app.request(base, { headers: teacher })).json();
  assert.equal(listed.items[0].joined, 3, "the confirmation can say how many");
  const before = (await listClassMembers(t.kv, classA.id, { role: "student" })).total;
  const res = await t.app.request(`${base}/${link.id}?removeJoiners=true`, {
    method: "DELETE",
    headers: teacher,
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  assert.deepEqual(await res.json(), { removed: 3, deleted: 3 });
  assert.equal((await listClassMembers(t.kv, classA.id, { role: "student" })).total, before - 3);
  const after = await (await t.app.request(base, { headers: teacher })).json();
  assert.deepEqual([after.items[0].status, after.items[0].joined], ["revoked", 0]);
  const bad = await t.app.request(`${base}/${link.id}?removeJoiners=yes`, {
    method: "DELETE",
    headers: teacher,
  });
  assert.equal(bad.status, 400);
});

Deno.test("[join links] roster import - an address given at a link sign-up is reclaimed, and said so", async () => {
  await using t = await world();
  const { org, classA, classB, teacherA, admin } = t.one;
  const { token } = await linkFor(t, org.id, classA.id, teacherA.id);
  await signUp(t, token, "Impostor", "192.0.2.50", {
    email: "principal@example.org",
    password: "long enough pass",
  });
  const res = await t.app.request(`/api/v1/classes/${classB.id}/roster`, {
    method: "POST",
    headers: { ...bearer(await tokenFor(t.kv, admin)), "content-type": "text/csv" },
    body: "name,email,role\nThe Principal,principal@example.org,student\n",
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  const report = await res.json();
  assert.equal(report.counts.create, 1, "a new account, not the link's");
  assert.deepEqual(report.reclaimed, [{ line: 2, email: "principal@example.org" }]);
  assert.ok(report.warnings.some((w: { line: number }) => w.line === 2));
  const roster = await listClassMembers(t.kv, classB.id, { role: "student" });
  assert.ok(!roster.items.some((m) => m.name === "Impostor"), "the impostor is not added");
  assert.ok(roster.items.some((m) => m.name === "The Principal"));
});

Deno.test("[join links] class page - teachers get the join requests panel beside the links; students do not", async () => {
  await using t = await world();
  const { classA, teacherA, studentA, admin } = t.one;
  for (
    const [user, path, shown] of [
      [teacherA, `/classes/${classA.id}`, true],
      [admin, `/admin/classes/${classA.id}`, true],
      [studentA, `/classes/${classA.id}`, false],
    ] as const
  ) {
    const { cookie } = await browserSessionFor(t.kv, user);
    const res = await t.app.request(path, { headers: { cookie } });
    assert.equal(res.status, 200, path);
    assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
    const html = await res.text();
    assert.equal(html.includes('<mirae-island data-island="JoinRequests"'), shown, path);
    assert.equal(html.includes('<mirae-island data-island="JoinLinks"'), shown, path);
  }
});
