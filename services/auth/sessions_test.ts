import assert from "node:assert/strict";
import { createSession, getSession, revokeSession, revokeUserSessions } from "./sessions.ts";

const user = { id: "U1", orgId: "O1" };

Deno.test("[auth] sessions - a token finds its session; KV holds only its hash", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const { token, session } = await createSession(kv, user, { ttlMs: 60_000 });
    assert.equal((await getSession(kv, token))?.userId, "U1");
    assert.notEqual(session.id, token);
    for await (const e of kv.list({ prefix: [] })) {
      assert.ok(!JSON.stringify(e).includes(token), `token stored under ${String(e.key)}`);
    }
  } finally {
    kv.close();
  }
});

Deno.test("[auth] sessions - unknown, malformed, expired and revoked tokens find nothing", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    assert.equal(await getSession(kv, "x".repeat(43)), null);
    assert.equal(await getSession(kv, "not a token"), null);
    const expired = await createSession(kv, user, { ttlMs: 1 });
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(await getSession(kv, expired.token), null);
    const live = await createSession(kv, user, { ttlMs: 60_000 });
    await revokeSession(kv, live.session);
    assert.equal(await getSession(kv, live.token), null);
  } finally {
    kv.close();
  }
});

Deno.test("[auth] sessions - revoking a user's sessions ends all of them", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const a = await createSession(kv, user, { ttlMs: 60_000 });
    const b = await createSession(kv, user, { ttlMs: 60_000 });
    const other = await createSession(kv, { id: "U2", orgId: "O1" }, { ttlMs: 60_000 });
    assert.equal(await revokeUserSessions(kv, "U1"), 2);
    assert.equal(await getSession(kv, a.token), null);
    assert.equal(await getSession(kv, b.token), null);
    assert.equal((await getSession(kv, other.token))?.userId, "U2");
  } finally {
    kv.close();
  }
});

Deno.test("[auth] sessions - a token finds its session and user in one read", async () => {
  const { getSessionUser } = await import("./sessions.ts");
  const { createOrg } = await import("../orgs/orgs.ts");
  const { createUser, newUser } = await import("../orgs/users.ts");
  const kv = await Deno.openKv(":memory:");
  try {
    const org = await createOrg(kv, { name: "S", kind: "school", slug: "s-one-read" });
    const u = await createUser(
      kv,
      newUser({ orgId: org.id, name: "Kim", email: "kim@example.org", role: "teacher" }),
    );
    const { token } = await createSession(kv, u, { ttlMs: 60_000 });
    assert.ok(token.startsWith(`${u.id}.`), "the user id travels in the token");
    assert.equal((await getSessionUser(kv, token))?.user.name, "Kim");
    // A token whose user-id part was swapped for someone else's finds nothing.
    const forged = token.replace(u.id, "01ZZZZZZZZZZZZZZZZZZZZZZZZ");
    assert.equal(await getSessionUser(kv, forged), null);
    // A session whose user is gone is no session.
    await kv.delete(["users", u.id]);
    assert.equal(await getSessionUser(kv, token), null);
  } finally {
    kv.close();
  }
});

Deno.test("[auth] sessions - ending a user's sessions can keep one, and records the ended ones", async () => {
  const { isSessionRevoked, sessionRef } = await import("./revocations.ts");
  const kv = await Deno.openKv(":memory:");
  try {
    const keep = await createSession(kv, user, { ttlMs: 60_000 });
    const end = await createSession(kv, user, { ttlMs: 60_000 });
    assert.equal(await revokeUserSessions(kv, "U1", { keep: keep.session.id }), 1);
    assert.equal((await getSession(kv, keep.token))?.userId, "U1");
    assert.equal(await getSession(kv, end.token), null);
    assert.equal(await isSessionRevoked(kv, sessionRef(end.session.id)), true);
    assert.equal(await isSessionRevoked(kv, sessionRef(keep.session.id)), false);
    const keys = await Array.fromAsync(kv.list({ prefix: ["revoked_sessions"] }));
    assert.deepEqual(keys.map((e) => e.key[2]), [sessionRef(end.session.id)]);
  } finally {
    kv.close();
  }
});
