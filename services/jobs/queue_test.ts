import assert from "node:assert/strict";
import { handleQueueMessage, JOB_LEASE_MS, runDueJobs } from "./queue.ts";
import { enqueue, queueMode, queueModeFor, setQueueMode } from "./schedule.ts";

const chunk = (fileId: string) => ["file_chunks", fileId, 0];

Deno.test("[jobs] queue - an orphaned upload's chunks are cleaned up; unknown messages are dropped", async () => {
  const kv = await Deno.openKv(":memory:");
  const warn = console.warn;
  const warnings: unknown[] = [];
  console.warn = (...a: unknown[]) => warnings.push(a);
  try {
    await kv.set(chunk("F1"), new Uint8Array([1, 2, 3]));
    await handleQueueMessage(kv, { type: "file_cleanup", fileId: "F1" });
    assert.equal((await kv.get(chunk("F1"))).value, null);
    await handleQueueMessage(kv, { type: "something else" });
    assert.equal(warnings.length, 1);
  } finally {
    console.warn = warn;
    kv.close();
  }
});

Deno.test("[jobs] schedule - KV Connect URLs use the job table; the embedded store KV's queue", () => {
  assert.equal(queueModeFor("http://kv.internal:4512"), "table");
  assert.equal(queueModeFor("./data/mirae.kv"), "kv");
  assert.equal(queueModeFor(":memory:"), "kv");
});

Deno.test("[jobs] table delivery - due jobs run once, later ones wait, a failed one comes back", async () => {
  const kv = await Deno.openKv(":memory:");
  const error = console.error;
  console.error = () => {};
  try {
    setQueueMode(kv, "table");
    assert.equal(queueMode(kv), "table");
    await kv.set(chunk("DUE"), new Uint8Array([1]));
    await kv.set(chunk("LATER"), new Uint8Array([1]));
    await enqueue(kv, { type: "file_cleanup", fileId: "DUE" }, 0);
    await enqueue(kv, { type: "file_cleanup", fileId: "LATER" }, 3_600_000);
    const now = Date.now() + 10;
    // Two instances poll at once: the job runs once.
    const ran = await Promise.all([runDueJobs(kv, now), runDueJobs(kv, now)]);
    assert.equal(ran[0] + ran[1], 1);
    assert.equal((await kv.get(chunk("DUE"))).value, null);
    assert.notEqual((await kv.get(chunk("LATER"))).value, null);
    assert.equal(await runDueJobs(kv, now), 0);
    assert.equal(await runDueJobs(kv, now + 3_600_000), 1);
    assert.equal((await kv.get(chunk("LATER"))).value, null);

    // A job whose handler throws is leased, not lost: it runs again after the lease.
    await kv.set(["jobs", now, "FLAKY"], { type: "file_cleanup", fileId: "X" });
    const list = kv.list.bind(kv);
    let failures = 1;
    kv.list = ((selector: Deno.KvListSelector, options?: Deno.KvListOptions) => {
      if ("prefix" in selector && selector.prefix[0] === "file_chunks" && failures-- > 0) {
        throw new Error("disk full");
      }
      return list(selector, options);
    }) as typeof kv.list;
    await kv.set(chunk("X"), new Uint8Array([1]));
    assert.equal(await runDueJobs(kv, now), 0);
    let pending = 0;
    for await (const _ of kv.list({ prefix: ["jobs"] })) pending++;
    assert.equal(pending, 1, "the failed job is still there, leased");
    assert.equal(await runDueJobs(kv, now + JOB_LEASE_MS), 1);
    assert.equal((await kv.get(chunk("X"))).value, null);
  } finally {
    console.error = error;
    kv.close();
  }
});
