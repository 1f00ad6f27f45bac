import assert from "node:assert/strict";
import { handleQueueMessage } from "./queue.ts";

Deno.test("[jobs] queue - an orphaned upload's chunks are cleaned up; unknown messages are dropped", async () => {
  const kv = await Deno.openKv(":memory:");
  const warn = console.warn;
  const warnings: unknown[] = [];
  console.warn = (...a: unknown[]) => warnings.push(a);
  try {
    await kv.set(["file_chunks", "F1", 0], new Uint8Array([1, 2, 3]));
    await handleQueueMessage(kv, { type: "file_cleanup", fileId: "F1" });
    assert.equal((await kv.get(["file_chunks", "F1", 0])).value, null);
    await handleQueueMessage(kv, { type: "something else" });
    assert.equal(warnings.length, 1);
  } finally {
    console.warn = warn;
    kv.close();
  }
});
