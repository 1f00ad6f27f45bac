/**
 * Join passes end with their session (issue 10 §3.2): a pass minted before a sign-out is
 * refused by the token route, in the process that signed out at once and in another process
 * within the revocation set's refresh window, against a real LiveKit server.
 */
import assert from "node:assert/strict";
import manifest from "@/fresh.gen.ts";
import { REVOCATIONS_MAX_AGE_MS } from "@/services/auth/revocations.ts";
import { issueJoinPass, PASS_TTL_S, verifyJoinPass } from "@/services/lectures/pass.ts";
import { createApp } from "@/services/web/app.tsx";
import {
  bearer,
  browserSessionFor,
  dayFromNow,
  TEST_PASSWORD,
  testConfig,
  tokenFor,
  twoSchools,
} from "./helpers.ts";
import { startTestLiveKit } from "./livekit.ts";

const START = `${dayFromNow(1, "Asia/Seoul")}T08:00:00+09:00`;

/** Two app processes' views of one KV file (each handle has its own in-memory caches). */
async function twoProcesses() {
  const dir = await Deno.makeTempDir({ prefix: "mirae-revoke-" });
  const lk = await startTestLiveKit();
  const config = testConfig();
  const kvA = await Deno.openKv(`${dir}/kv.sqlite`);
  const kvB = await Deno.openKv(`${dir}/kv.sqlite`);
  const appA = createApp({ kv: kvA, config, manifest, livekit: lk.link });
  const appB = createApp({ kv: kvB, config, manifest, livekit: lk.link });
  const close = async () => {
    kvA.close();
    kvB.close();
    await lk.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  return { kv: kvA, appA, appB, config, close, [Symbol.asyncDispose]: close };
}

Deno.test("join pass: sign-out revokes it, here at once and in another process within a second", async (t) => {
  await using w = await twoProcesses();
  const { one } = await twoSchools(w.kv);
  const teacher = bearer(await tokenFor(w.kv, one.teacherA));
  const json = { "content-type": "application/json" };
  const lec = await (await w.appA.request(`/api/v1/classes/${one.classA.id}/lectures`, {
    method: "POST",
    headers: { ...teacher, ...json },
    body: JSON.stringify({ title: "Revoked passes", startsAt: START }),
  })).json();
  assert.equal(
    (await w.appA.request(`/api/v1/lectures/${lec.id}/open`, { method: "POST", headers: teacher }))
      .status,
    200,
  );
  const passFor = async (cookie: string) => {
    const res = await w.appA.request(`/api/v1/lectures/${lec.id}`, { headers: { cookie } });
    assert.equal(res.status, 200);
    return (await res.json()).joinPass as string;
  };
  const join = (app: typeof w.appA, pass: string) =>
    app.request(`/api/v1/lectures/${lec.id}/token`, {
      method: "POST",
      headers: { "x-mirae-join-pass": pass },
    });
  const signOut = async (s: { cookie: string; csrf: string }) => {
    const res = await w.appA.request("/signout", {
      method: "POST",
      headers: { cookie: s.cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: s.csrf }).toString(),
    });
    assert.equal(res.status, 303);
  };

  await t.step("in the process that signed out: 401 at once", async () => {
    const s = await browserSessionFor(w.kv, one.studentA);
    const pass = await passFor(s.cookie);
    const before = await join(w.appA, pass);
    assert.equal(before.status, 200, await before.clone().text());
    await before.body?.cancel();
    await signOut(s);
    const after = await join(w.appA, pass);
    assert.equal(after.status, 401);
    const err = (await after.json()).error;
    assert.equal(err.code, "unauthorized");
    assert.match(err.message, /signed out/);
  });

  await t.step("in another process: 401 within the refresh window", async () => {
    const s = await browserSessionFor(w.kv, one.studentA);
    const pass = await passFor(s.cookie);
    const before = await join(w.appB, pass); // process B now holds a fresh copy of the set
    assert.equal(before.status, 200, await before.clone().text());
    await before.body?.cancel();
    await signOut(s);
    await new Promise((r) => setTimeout(r, REVOCATIONS_MAX_AGE_MS + 50));
    const after = await join(w.appB, pass);
    assert.equal(after.status, 401, await after.clone().text());
    await after.body?.cancel();
  });

  await t.step(
    "a password change ends the other sessions' passes; its own keeps working",
    async () => {
      const phone = await browserSessionFor(w.kv, one.studentA);
      const laptop = await browserSessionFor(w.kv, one.studentA);
      const phonePass = await passFor(phone.cookie);
      const laptopPass = await passFor(laptop.cookie);
      const res = await w.appA.request("/api/v1/me/password", {
        method: "POST",
        headers: { cookie: laptop.cookie, "x-csrf-token": laptop.csrf, ...json },
        body: JSON.stringify({ currentPassword: TEST_PASSWORD, newPassword: "a new passphrase" }),
      });
      assert.equal(res.status, 204, await res.clone().text());
      assert.equal((await join(w.appA, phonePass)).status, 401);
      const kept = await join(w.appA, laptopPass);
      assert.equal(kept.status, 200);
      await kept.body?.cancel();
    },
  );

  await t.step("an admin's sign-in reset ends every pass of the person", async () => {
    const s = await browserSessionFor(w.kv, one.studentA);
    const pass = await passFor(s.cookie);
    const admin = bearer(await tokenFor(w.kv, one.admin));
    const res = await w.appA.request(`/api/v1/users/${one.studentA.id}/signin-code`, {
      method: "POST",
      headers: admin,
    });
    assert.equal(res.status, 201);
    await res.body?.cancel();
    assert.equal((await join(w.appA, pass)).status, 401);
  });

  await t.step("a pass of a session that was not ended still joins", async () => {
    const s = await browserSessionFor(w.kv, one.studentA);
    const res = await join(w.appB, await passFor(s.cookie));
    assert.equal(res.status, 200);
    await res.body?.cancel();
  });
});

Deno.test("join pass: never outlives its session", () => {
  const secret = "test-secret-that-is-long-enough-0123456789";
  const now = Date.now();
  const pass = {
    lectureId: "L",
    userId: "U",
    name: "Kim",
    orgId: "O",
    role: "student" as const,
    session: "s",
  };
  const short = issueJoinPass(secret, pass, now, now + 60_000);
  assert.ok(verifyJoinPass(secret, short, now + 59_000));
  assert.equal(verifyJoinPass(secret, short, now + 61_000), null);
  const long = issueJoinPass(secret, pass, now, now + 24 * 3_600_000);
  assert.ok(verifyJoinPass(secret, long, now + (PASS_TTL_S - 1) * 1000));
  assert.equal(verifyJoinPass(secret, long, now + (PASS_TTL_S + 1) * 1000), null);
});
