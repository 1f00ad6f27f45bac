import assert from "node:assert/strict";
import { getSession } from "@/services/auth/sessions.ts";
import { getUser } from "@/services/orgs/users.ts";
import {
  bearer,
  browserSessionFor,
  randomOrg,
  randomUser,
  TEST_PASSWORD,
  testApp,
  tokenFor,
} from "./helpers.ts";

const form = (fields: Record<string, string>, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
  body: new URLSearchParams(fields).toString(),
});

Deno.test("[auth] sign-in form - right password sets an HttpOnly session cookie and redirects", async () => {
  await using t = await testApp();
  const org = await randomOrg(t.kv);
  const teacher = await randomUser(t.kv, org.id, "teacher");
  const res = await t.app.request(
    "/signin?next=%2Fclasses",
    form({ login: teacher.email!.toUpperCase(), password: TEST_PASSWORD }),
  );
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), "/classes");
  const cookie = res.headers.get("set-cookie")!;
  assert.match(cookie, /^mirae_session=[0-9A-Za-z]+\.[A-Za-z0-9_-]{43}; /);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Lax/);
  assert.doesNotMatch(cookie, /Secure/); // http in tests; https public URLs add it
  const token = cookie.split(";")[0].split("=")[1];
  assert.equal((await getSession(t.kv, token))?.userId, teacher.id);
});

Deno.test("[auth] sign-in form - Secure cookie when the public URL is https", async () => {
  await using t = await testApp({ MIRAE_PUBLIC_URL: "https://school.example" });
  const org = await randomOrg(t.kv);
  const u = await randomUser(t.kv, org.id, "teacher");
  const res = await t.app.request("/signin", form({ login: u.email!, password: TEST_PASSWORD }));
  assert.match(res.headers.get("set-cookie")!, /; Secure/);
});

Deno.test("[auth] sign-in form - an outside `next` is not followed", async () => {
  await using t = await testApp();
  const org = await randomOrg(t.kv);
  const u = await randomUser(t.kv, org.id, "teacher");
  for (const next of ["https://evil.example", "//evil.example", "/\\evil.example"]) {
    const res = await t.app.request(
      `/signin?next=${encodeURIComponent(next)}`,
      form({ login: u.email!, password: TEST_PASSWORD }),
    );
    assert.equal(res.headers.get("location"), "/", next);
  }
});

Deno.test("[auth] sign-in - wrong password and unknown account get the same answer", async () => {
  await using t = await testApp();
  const org = await randomOrg(t.kv);
  const u = await randomUser(t.kv, org.id, "teacher");
  const wrong = await t.app.request("/signin", form({ login: u.email!, password: "nope nope" }));
  const unknown = await t.app.request(
    "/signin",
    form({ login: "nobody@example.org", password: "nope nope" }),
  );
  assert.equal(wrong.status, 401);
  assert.equal(unknown.status, 401);
  assert.equal(wrong.headers.get("set-cookie"), null);
  const msg = "The email, student number or password is not right.";
  assert.ok((await wrong.text()).includes(msg));
  assert.ok((await unknown.text()).includes(msg));
});

Deno.test("[auth] sign-in - a student signs in with student number and school code", async () => {
  await using t = await testApp();
  const org = await randomOrg(t.kv);
  await randomUser(t.kv, org.id, "student", { email: undefined, studentNumber: "S-1001" });
  const res = await t.app.request("/api/v1/sessions", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ login: "S-1001", password: TEST_PASSWORD, school: org.slug }),
  });
  assert.equal(res.status, 201);
  const body = await res.json();
  assert.equal(body.user.studentNumber, "S-1001");
  assert.equal(body.user.passwordHash, undefined);
  const noSchool = await t.app.request("/api/v1/sessions", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ login: "S-1001", password: TEST_PASSWORD }),
  });
  assert.equal(noSchool.status, 401);
});

Deno.test("[auth] sign-in - a weak stored hash is upgraded to the current strength", async () => {
  await using t = await testApp();
  const org = await randomOrg(t.kv);
  const u = await randomUser(t.kv, org.id, "teacher");
  assert.match(u.passwordHash!, /^pbkdf2-sha256\$1000\$/);
  await t.app.request("/signin", form({ login: u.email!, password: TEST_PASSWORD }));
  assert.match((await getUser(t.kv, u.id))!.passwordHash!, /^pbkdf2-sha256\$600000\$/);
});

Deno.test("[auth] sign-in - 5 failures lock the account for a while, with Retry-After", async () => {
  await using t = await testApp();
  const org = await randomOrg(t.kv);
  const u = await randomUser(t.kv, org.id, "teacher");
  const attempt = (password: string) =>
    t.app.request("/api/v1/sessions", {
      method: "POST",
      headers: { "content-type": "application/json", "x-mirae-client-ip": "10.0.0.1" },
      body: JSON.stringify({ login: u.email, password }),
    });
  for (let i = 0; i < 5; i++) assert.equal((await attempt("wrong pass")).status, 401);
  const locked = await attempt(TEST_PASSWORD); // even the right password waits
  assert.equal(locked.status, 429);
  assert.ok(Number(locked.headers.get("retry-after")) > 0);
  const body = await locked.json();
  assert.equal(body.error.code, "rate_limited");
  assert.match(body.error.message, /Too many sign-in attempts\. Try again in \d+ minute/);
});

Deno.test("[auth] sign-in - one IP trying many accounts is throttled", async () => {
  await using t = await testApp({ MIRAE_SIGNIN_IP_LIMIT: "30" });
  let last = 0;
  for (let i = 0; i < 31; i++) {
    const res = await t.app.request("/api/v1/sessions", {
      method: "POST",
      headers: { "content-type": "application/json", "x-mirae-client-ip": "10.9.9.9" },
      body: JSON.stringify({ login: `guess${i}@example.org`, password: "password1" }),
    });
    last = res.status;
    await res.body?.cancel();
  }
  assert.equal(last, 429);
});

Deno.test("[auth] sign-out - revokes the session", async () => {
  await using t = await testApp();
  const org = await randomOrg(t.kv);
  const u = await randomUser(t.kv, org.id, "teacher");
  const { cookie, csrf } = await browserSessionFor(t.kv, u);
  const out = await t.app.request("/signout", form({ _csrf: csrf }, { cookie }));
  assert.equal(out.status, 303);
  assert.match(out.headers.get("set-cookie")!, /Max-Age=0/);
  const after = await t.app.request("/api/v1/me", { headers: { cookie } });
  assert.equal(after.status, 401);

  const token = await tokenFor(t.kv, u);
  const del = await t.app.request("/api/v1/sessions/current", {
    method: "DELETE",
    headers: bearer(token),
  });
  assert.equal(del.status, 204);
  assert.equal((await t.app.request("/api/v1/me", { headers: bearer(token) })).status, 401);
});

Deno.test("[auth] CSRF - cookie writes need the session's token; bearer calls do not", async () => {
  await using t = await testApp();
  const org = await randomOrg(t.kv);
  const admin = await randomUser(t.kv, org.id, "admin");
  const { cookie, csrf } = await browserSessionFor(t.kv, admin);
  const create = (headers: Record<string, string>) =>
    t.app.request("/api/v1/classes", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ name: "Physics" }),
    });
  const missing = await create({ cookie });
  assert.equal(missing.status, 403);
  assert.equal((await missing.json()).error.code, "forbidden");
  assert.equal((await create({ cookie, "x-csrf-token": "wrong" })).status, 403);
  assert.equal((await create({ cookie, "x-csrf-token": csrf })).status, 201);
  const crossSite = await create({ cookie, "x-csrf-token": csrf, origin: "https://evil.example" });
  assert.equal(crossSite.status, 403);
  assert.equal((await create(bearer(await tokenFor(t.kv, admin)))).status, 201);
  // Sign-in itself refuses cross-site posts (login CSRF).
  const login = await t.app.request(
    "/signin",
    form({ login: admin.email!, password: TEST_PASSWORD }, { "sec-fetch-site": "cross-site" }),
  );
  assert.equal(login.status, 403);
});

Deno.test("[auth] pages - anonymous visitors are sent to sign in, and come back after", async () => {
  await using t = await testApp();
  const res = await t.app.request("/");
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), "/signin");
  const api = await t.app.request("/api/v1/me");
  assert.equal(api.status, 401);
  assert.match(api.headers.get("content-type")!, /application\/json/);
  assert.equal((await api.json()).error.code, "unauthorized");
});

Deno.test("[auth] sign-in - the lock holds whatever `school` an email sign-in sends (API)", async () => {
  await using t = await testApp();
  const org = await randomOrg(t.kv);
  const u = await randomUser(t.kv, org.id, "teacher");
  const attempt = (password: string, school?: string) =>
    t.app.request("/api/v1/sessions", {
      method: "POST",
      headers: { "content-type": "application/json", "x-mirae-client-ip": "10.0.0.2" },
      body: JSON.stringify({ login: u.email, password, ...(school ? { school } : {}) }),
    });
  for (let i = 0; i < 5; i++) {
    const res = await attempt("wrong pass", i % 2 ? `other-${i}` : undefined);
    assert.equal(res.status, 401);
    await res.body?.cancel();
  }
  // A school code is ignored for an email, so it must not start a fresh counter.
  for (const school of ["any-school", "ANY-SCHOOL", org.slug]) {
    const locked = await attempt(TEST_PASSWORD, school);
    assert.equal(locked.status, 429, school);
    assert.equal((await locked.json()).error.code, "rate_limited");
  }
  // Nor does the email's spelling.
  const upper = await t.app.request("/api/v1/sessions", {
    method: "POST",
    headers: { "content-type": "application/json", "x-mirae-client-ip": "10.0.0.2" },
    body: JSON.stringify({ login: ` ${u.email!.toUpperCase()} `, password: TEST_PASSWORD }),
  });
  assert.equal(upper.status, 429);
  await upper.body?.cancel();
});

Deno.test("[auth] sign-in - the lock holds whatever `school` an email sign-in sends (form)", async () => {
  await using t = await testApp();
  const org = await randomOrg(t.kv);
  const u = await randomUser(t.kv, org.id, "teacher");
  const ip = { "x-mirae-client-ip": "10.0.0.3" };
  for (let i = 0; i < 5; i++) {
    const res = await t.app.request(
      "/signin",
      form({ login: u.email!, password: "wrong pass", school: `s${i}` }, ip),
    );
    assert.equal(res.status, 401);
    await res.body?.cancel();
  }
  const locked = await t.app.request(
    "/signin",
    form({ login: u.email!, password: TEST_PASSWORD, school: "fresh-counter" }, ip),
  );
  assert.equal(locked.status, 429);
  assert.equal(locked.headers.get("set-cookie"), null);
  assert.match(await locked.text(), /Too many sign-in attempts/);
});

Deno.test("[auth] sign-in - a student number's lock is the account's, however the code is cased", async () => {
  await using t = await testApp();
  const org = await randomOrg(t.kv);
  await randomUser(t.kv, org.id, "student", { email: undefined, studentNumber: "S-77" });
  const attempt = (password: string, school: string) =>
    t.app.request("/api/v1/sessions", {
      method: "POST",
      headers: { "content-type": "application/json", "x-mirae-client-ip": "10.0.0.4" },
      body: JSON.stringify({ login: "S-77", password, school }),
    });
  for (let i = 0; i < 5; i++) {
    const res = await attempt("wrong pass", i % 2 ? org.slug.toUpperCase() : ` ${org.slug}`);
    assert.equal(res.status, 401);
    await res.body?.cancel();
  }
  const locked = await attempt(TEST_PASSWORD, org.slug);
  assert.equal(locked.status, 429);
  await locked.body?.cancel();
});
