/**
 * Accounts (issue 10 §3.4): changing a password, an admin's sign-in reset with a one-time code,
 * signing in with the code (expiry, single use, throttling), and who may reset whom.
 */
import assert from "node:assert/strict";
import { CODE_ALPHABET, CODE_TTL_MS, issueSignInCode } from "@/services/auth/codes.ts";
import { linkSecret } from "@/services/classes/join_links.ts";
import { getUser } from "@/services/orgs/users.ts";
import { bearer, randomUser, TEST_PASSWORD, testApp, tokenFor, twoSchools } from "./helpers.ts";

type App = Awaited<ReturnType<typeof testApp>>;

const JSON_HEADERS = { "content-type": "application/json" };
const NEW_PASSWORD = "a brand new passphrase";

function post(t: App, path: string, body: unknown, headers: Record<string, string> = {}) {
  return t.app.request(`/api/v1${path}`, {
    method: "POST",
    headers: {
      ...(body === undefined ? {} : JSON_HEADERS),
      "x-mirae-client-ip": "10.2.0.1",
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function status(res: Response): Promise<number> {
  await res.body?.cancel();
  return res.status;
}

async function signInStatus(t: App, login: string, password: string, school?: string) {
  return await status(await post(t, "/sessions", { login, password, school }));
}

async function me(t: App, token: string): Promise<number> {
  return await status(await t.app.request("/api/v1/me", { headers: bearer(token) }));
}

Deno.test("[account] change password: current one needed; other sessions end, this one stays", async () => {
  await using t = await testApp();
  const { one } = await twoSchools(t.kv);
  const u = one.teacherA;
  const here = await tokenFor(t.kv, u);
  const elsewhere = await tokenFor(t.kv, u);
  const change = (body: unknown) => post(t, "/me/password", body, bearer(here));

  const missing = await change({ newPassword: NEW_PASSWORD });
  assert.equal(missing.status, 400);
  assert.deepEqual((await missing.json()).error.details[0].path, ["currentPassword"]);
  const wrong = await change({ currentPassword: "not it at all", newPassword: NEW_PASSWORD });
  assert.equal(wrong.status, 400);
  assert.match((await wrong.json()).error.details[0].message, /current password is not right/);
  const short = await change({ currentPassword: TEST_PASSWORD, newPassword: "short" });
  assert.equal(short.status, 400);
  assert.match((await short.json()).error.details[0].message, /at least 8/);

  assert.equal(
    await status(await change({ currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD })),
    204,
  );
  assert.equal(await me(t, here), 200, "the session that changed it stays");
  assert.equal(await me(t, elsewhere), 401, "the other session ended");
  assert.equal(await signInStatus(t, u.email!, TEST_PASSWORD), 401);
  assert.equal(await signInStatus(t, u.email!, NEW_PASSWORD), 201);
  assert.equal(await status(await post(t, "/me/password", { newPassword: NEW_PASSWORD })), 401);
});

Deno.test("[account] change password: wrong current passwords are throttled like sign-in", async () => {
  await using t = await testApp();
  const { one } = await twoSchools(t.kv);
  const here = await tokenFor(t.kv, one.teacherA);
  for (let i = 0; i < 5; i++) {
    const res = await post(t, "/me/password", {
      currentPassword: `guess ${i} wrong`,
      newPassword: NEW_PASSWORD,
    }, bearer(here));
    assert.equal(await status(res), 400);
  }
  const locked = await post(t, "/me/password", {
    currentPassword: TEST_PASSWORD,
    newPassword: NEW_PASSWORD,
  }, bearer(here));
  assert.equal(locked.status, 429);
  assert.ok(Number(locked.headers.get("retry-after")) > 0);
  await locked.body?.cancel();
});

Deno.test("[account] a person without a password sets a first one without a current one", async () => {
  await using t = await testApp();
  const { one } = await twoSchools(t.kv);
  const s = await randomUser(t.kv, one.org.id, "student", { passwordHash: undefined });
  const here = await tokenFor(t.kv, s);
  assert.equal(
    await status(await post(t, "/me/password", { newPassword: NEW_PASSWORD }, bearer(here))),
    204,
  );
  assert.equal(await signInStatus(t, s.email!, NEW_PASSWORD), 201);
});

Deno.test("[account] admin reset: a one-time code; the old password and sessions end", async () => {
  await using t = await testApp();
  const { one } = await twoSchools(t.kv);
  const admin = bearer(await tokenFor(t.kv, one.admin));
  const student = one.studentA;
  const studentToken = await tokenFor(t.kv, student);

  const res = await post(t, `/users/${student.id}/signin-code`, undefined, admin);
  assert.equal(res.status, 201);
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  const { code, expiresAt } = await res.json();
  assert.match(code, new RegExp(`^[${CODE_ALPHABET}]{4}-[${CODE_ALPHABET}]{4}$`));
  const ttl = Date.parse(expiresAt) - Date.now();
  assert.ok(ttl > CODE_TTL_MS - 60_000 && ttl <= CODE_TTL_MS, String(ttl));
  assert.equal(await me(t, studentToken), 401, "their sessions ended");
  assert.equal(await signInStatus(t, student.email!, TEST_PASSWORD), 401, "old password gone");
  for await (const e of t.kv.list({ prefix: [] })) {
    assert.ok(
      !JSON.stringify(e.value ?? "", (_k, v) => typeof v === "bigint" ? String(v) : v).includes(
        code.replace("-", ""),
      ),
      "stored hashed",
    );
  }

  // The code, typed in lower case without its dash, signs in and sets the new password.
  const signIn = await post(t, "/sessions/code", {
    login: student.email,
    code: code.replace("-", "").toLowerCase(),
    newPassword: NEW_PASSWORD,
  });
  assert.equal(signIn.status, 201, await signIn.clone().text());
  const body = await signIn.json();
  assert.equal(body.user.id, student.id);
  assert.equal(body.user.hasPassword, true);
  assert.equal(await me(t, body.token), 200);
  assert.equal(await signInStatus(t, student.email!, NEW_PASSWORD), 201);

  // Single use.
  const again = await post(t, "/sessions/code", {
    login: student.email,
    code,
    newPassword: "yet another passphrase",
  });
  assert.equal(again.status, 401);
  assert.match((await again.json()).error.message, /code has expired or was used/);
  assert.equal(await signInStatus(t, student.email!, NEW_PASSWORD), 201);
});

Deno.test("[account] code sign-in: a student number and school code work too; a bad new password spends nothing", async () => {
  await using t = await testApp();
  const { one } = await twoSchools(t.kv);
  const s = await randomUser(t.kv, one.org.id, "student", {
    email: undefined,
    studentNumber: "R-204",
  });
  const { code } = await issueSignInCode(t.kv, await linkSecret(t.kv, t.config), s, {
    by: one.admin.id,
    purpose: "reset",
  });
  const short = await post(t, "/sessions/code", {
    login: "R-204",
    school: one.org.slug,
    code,
    newPassword: "short",
  });
  assert.equal(await status(short), 400);
  const res = await post(t, "/sessions/code", {
    login: "R-204",
    school: one.org.slug,
    code,
    newPassword: NEW_PASSWORD,
  });
  assert.equal(await status(res), 201);
  assert.equal(await signInStatus(t, "R-204", NEW_PASSWORD, one.org.slug), 201);
});

Deno.test("[account] code sign-in: an expired code is refused", async () => {
  await using t = await testApp();
  const { one } = await twoSchools(t.kv);
  const { code } = await issueSignInCode(t.kv, await linkSecret(t.kv, t.config), one.studentA, {
    by: one.admin.id,
    purpose: "reset",
    now: Date.now() - CODE_TTL_MS - 1000,
  });
  const res = await post(t, "/sessions/code", {
    login: one.studentA.email,
    code,
    newPassword: NEW_PASSWORD,
  });
  assert.equal(res.status, 401);
  assert.equal((await res.json()).error.code, "unauthorized");
});

Deno.test("[account] code sign-in: guesses are throttled per account and per address", async () => {
  await using t = await testApp({ MIRAE_SIGNIN_IP_LIMIT: "8" });
  const { one } = await twoSchools(t.kv);
  const { code } = await issueSignInCode(t.kv, await linkSecret(t.kv, t.config), one.studentA, {
    by: one.admin.id,
    purpose: "reset",
  });
  const attempt = (c: string, ip: string, login = one.studentA.email) =>
    post(t, "/sessions/code", { login, code: c, newPassword: NEW_PASSWORD }, {
      "x-mirae-client-ip": ip,
    });
  for (let i = 0; i < 5; i++) {
    assert.equal(await status(await attempt("AAAA-AAAA", `10.3.0.${i}`)), 401);
  }
  // The right code now waits too, from a fresh address and with a school code added.
  const locked = await post(t, "/sessions/code", {
    login: one.studentA.email,
    school: "elsewhere",
    code,
    newPassword: NEW_PASSWORD,
  }, { "x-mirae-client-ip": "10.3.1.1" });
  assert.equal(locked.status, 429);
  await locked.body?.cancel();
  // One address guessing across accounts is stopped by the address limit.
  let last = 0;
  for (let i = 0; i < 9; i++) {
    last = await status(await attempt("BBBB-BBBB", "10.3.9.9", `x${i}@example.org`));
  }
  assert.equal(last, 429);
});

Deno.test("[account] admin reset: another school's person is 404; other teachers 404, students 403; self 409", async () => {
  await using t = await testApp();
  const { one, two } = await twoSchools(t.kv);
  const admin = bearer(await tokenFor(t.kv, one.admin));
  const cross = await post(t, `/users/${two.studentA.id}/signin-code`, undefined, admin);
  assert.equal(cross.status, 404);
  assert.equal((await cross.json()).error.code, "not_found");
  assert.equal(await status(await post(t, `/users/nobody/signin-code`, undefined, admin)), 404);
  assert.ok((await getUser(t.kv, two.studentA.id))?.passwordHash, "untouched");
  // A teacher resets only students of their own classes (tests/accounts_api_test.ts): for
  // another class's teacher the student is not found.
  const teacher = bearer(await tokenFor(t.kv, one.teacherB));
  assert.equal(
    await status(await post(t, `/users/${one.studentA.id}/signin-code`, undefined, teacher)),
    404,
  );
  const student = bearer(await tokenFor(t.kv, one.studentB));
  assert.equal(
    await status(await post(t, `/users/${one.studentA.id}/signin-code`, undefined, student)),
    403,
  );
  assert.equal(
    await status(await post(t, `/users/${one.admin.id}/signin-code`, undefined, admin)),
    409,
  );
  assert.equal(
    await status(await post(t, `/users/${one.studentA.id}/signin-code`, undefined)),
    401,
  );
});

Deno.test("[account] a new code replaces the old one", async () => {
  await using t = await testApp();
  const { one } = await twoSchools(t.kv);
  const admin = bearer(await tokenFor(t.kv, one.admin));
  const first =
    (await (await post(t, `/users/${one.studentA.id}/signin-code`, undefined, admin)).json()).code;
  const second =
    (await (await post(t, `/users/${one.studentA.id}/signin-code`, undefined, admin)).json()).code;
  const use = (code: string) =>
    post(t, "/sessions/code", { login: one.studentA.email, code, newPassword: NEW_PASSWORD });
  assert.equal(await status(await use(first)), 401);
  assert.equal(await status(await use(second)), 201);
});

Deno.test("[account] login slips: codes for a class's students without a password; they sign in with them", async () => {
  await using t = await testApp();
  const { one, two } = await twoSchools(t.kv);
  const imported = await randomUser(t.kv, one.org.id, "student", {
    email: undefined,
    studentNumber: "S-9",
    passwordHash: undefined,
  });
  const nameOnly = await randomUser(t.kv, one.org.id, "student", {
    email: undefined,
    passwordHash: undefined,
  });
  const { addMemberOps } = await import("@/services/classes/members.ts");
  const op = t.kv.atomic();
  for (const s of [imported, nameOnly]) addMemberOps(op, one.classA.id, s, "student");
  await op.commit();
  const studentSession = await tokenFor(t.kv, one.studentA);

  const path = `/classes/${one.classA.id}/login-slips`;
  const res = await post(t, path, undefined, bearer(await tokenFor(t.kv, one.teacherA)));
  assert.equal(res.status, 201);
  const body = await res.json();
  assert.deepEqual(body.items.map((s: { userId: string }) => s.userId), [imported.id]);
  assert.equal(body.skipped, 1, "no email or number: no slip");
  // Slips are handed out in class, often days after printing: they last a month, not 72 h.
  const days = (Date.parse(body.expiresAt) - Date.now()) / 86_400_000;
  assert.ok(days > 29 && days <= 30, `a slip lasts 30 days (${days.toFixed(2)})`);
  assert.equal(await me(t, studentSession), 200, "slips end nobody's session");

  const signIn = await post(t, "/sessions/code", {
    login: "S-9",
    school: one.org.slug,
    code: body.items[0].code,
    newPassword: NEW_PASSWORD,
  });
  assert.equal(await status(signIn), 201);
  assert.equal(await signInStatus(t, "S-9", NEW_PASSWORD, one.org.slug), 201);

  // The admin may too; a teacher of another class or school, or a student, may not.
  assert.equal(
    await status(await post(t, path, undefined, bearer(await tokenFor(t.kv, one.admin)))),
    201,
  );
  assert.equal(
    await status(await post(t, path, undefined, bearer(await tokenFor(t.kv, one.teacherB)))),
    404,
  );
  assert.equal(
    await status(await post(t, path, undefined, bearer(await tokenFor(t.kv, two.teacherA)))),
    404,
  );
  assert.equal(await status(await post(t, path, undefined, bearer(studentSession))), 403);
});
