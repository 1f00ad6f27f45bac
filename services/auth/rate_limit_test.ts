import assert from "node:assert/strict";
import { hit, type Limit, retryAfter } from "./rate_limit.ts";

const LIMIT: Limit = { scope: "test", max: 3, windowMs: 60_000 };

Deno.test("[auth] rate limit - the max-th event closes the window; others are not affected", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const t0 = 10 * 60_000 + 1_000;
    for (let i = 0; i < 3; i++) {
      assert.equal(await retryAfter(kv, LIMIT, "a", t0), 0);
      await hit(kv, LIMIT, "a", t0);
    }
    assert.equal(await retryAfter(kv, LIMIT, "a", t0), 59);
    assert.equal(await retryAfter(kv, LIMIT, "b", t0), 0);
  } finally {
    kv.close();
  }
});

Deno.test("[auth] rate limit - a burst across a window boundary gets no second allowance", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const boundary = 20 * 60_000;
    for (const ms of [3_000, 2_000, 1_000]) await hit(kv, LIMIT, "a", boundary - ms);
    // Just after the boundary the previous window still weighs ~3 events: one more at most,
    // where fixed windows would allow three.
    assert.equal(await retryAfter(kv, LIMIT, "a", boundary + 1_000), 0);
    await hit(kv, LIMIT, "a", boundary + 1_000);
    assert.ok(await retryAfter(kv, LIMIT, "a", boundary + 2_000) > 0);
    // Later in the window the old events have faded out.
    assert.equal(await retryAfter(kv, LIMIT, "a", boundary + 50_000), 0);
  } finally {
    kv.close();
  }
});
