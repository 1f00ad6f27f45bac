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
