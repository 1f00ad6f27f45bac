/**
 * Delayed messages (homework reminders, clean-up of interrupted uploads), delivered to
 * `handleQueueMessage` (queue.ts). Two deliveries behind one interface:
 * - "kv": Deno KV's own queue (`enqueue` with a delay; the embedded store and Deno Deploy).
 * - "table": a table of due jobs, `["jobs", runAtMs, id]`, that every app instance polls and
 *   claims with an atomic check. For stores without queues: a self-hosted KV Connect server
 *   (`denokv`) answers "Enqueue operations are not supported in KV Connect".
 * The delivery is set per KV handle at start-up (`setQueueMode`); "kv" when unset.
 * @module
 */
import { commit, newId } from "../db/kv.ts";

export type QueueMode = "kv" | "table";

const modes = new WeakMap<Deno.Kv, QueueMode>();

/** Chooses how delayed messages of this KV handle are delivered. */
export function setQueueMode(kv: Deno.Kv, mode: QueueMode): void {
  modes.set(kv, mode);
}

/** The delivery of this KV handle. */
export function queueMode(kv: Deno.Kv): QueueMode {
  return modes.get(kv) ?? "kv";
}

/** "table" for a KV Connect URL (no queues there), "kv" for the embedded store. */
export function queueModeFor(kvLocation: string): QueueMode {
  return /^https?:\/\//.test(kvLocation) ? "table" : "kv";
}

/** Adds a message delivered after `delayMs` to `op`, so it commits with the rest of `op`. */
export function enqueueOps(
  kv: Deno.Kv,
  op: Deno.AtomicOperation,
  msg: unknown,
  delayMs: number,
): Deno.AtomicOperation {
  const delay = Math.max(0, Math.round(delayMs));
  if (queueMode(kv) === "kv") return op.enqueue(msg, { delay });
  return op.set(["jobs", Date.now() + delay, newId()], msg);
}

/** Schedules one message, delivered after `delayMs`. */
export async function enqueue(kv: Deno.Kv, msg: unknown, delayMs: number): Promise<void> {
  await commit(enqueueOps(kv, kv.atomic(), msg, delayMs));
}
