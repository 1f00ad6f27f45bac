/**
 * Delivery of delayed messages to their handlers (Deno allows one queue listener per KV
 * handle, so one dispatcher serves every type): homework reminders and clean-up of uploads a
 * crash left unfinished. How they are delivered is schedule.ts's choice.
 * @module
 */
import { handleCourseworkMessage } from "../coursework/reminders.ts";
import { handleFileCleanup, isFileCleanupMessage } from "../files/store.ts";
import { handleRetentionMessage, isRetentionMessage } from "../clockin/retention.ts";
import { handleClockinMessage } from "../clockin/reminders.ts";
import type { QueueMode } from "./schedule.ts";

/** How long a claimed table job is hidden from other instances; after that it runs again. */
export const JOB_LEASE_MS = 5 * 60_000;

/** Handles one queue message; unknown messages are logged and dropped. */
export async function handleQueueMessage(kv: Deno.Kv, msg: unknown): Promise<void> {
  if (isFileCleanupMessage(msg)) {
    await handleFileCleanup(kv, msg.fileId);
    return;
  }
  if (isRetentionMessage(msg)) {
    await handleRetentionMessage(kv, msg);
    return;
  }
  if (await handleCourseworkMessage(kv, msg)) return;
  if (await handleClockinMessage(kv, msg)) return;
  console.warn("queue: dropped a message of unknown type");
}

/**
 * Runs the table's due jobs once. Each is claimed by moving it `JOB_LEASE_MS` into the future
 * with a check (so two instances never run it at once), handled, then deleted; a job whose
 * handler failed comes back after the lease (at least once; the handlers are idempotent).
 * Returns how many ran.
 */
export async function runDueJobs(kv: Deno.Kv, now = Date.now()): Promise<number> {
  let ran = 0;
  const due = kv.list({ start: ["jobs"], end: ["jobs", now + 1] }, { limit: 100 });
  for await (const job of due) {
    const lease: Deno.KvKey = ["jobs", now + JOB_LEASE_MS, job.key[2]];
    const claim = await kv.atomic().check(job).delete(job.key).set(lease, job.value).commit();
    if (!claim.ok) continue; // another instance took it
    try {
      await handleQueueMessage(kv, job.value);
      await kv.delete(lease);
      ran++;
    } catch (err) {
      console.error("queue: a job failed and will be retried:", err);
    }
  }
  return ran;
}

/** Starts delivery for this KV handle; returns a function that stops it. */
export function startQueue(kv: Deno.Kv, mode: QueueMode, pollMs = 1000): () => void {
  if (mode === "kv") {
    kv.listenQueue((msg) => handleQueueMessage(kv, msg));
    return () => {};
  }
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      while (await runDueJobs(kv) === 100) { /* a full batch: look again at once */ }
    } catch (err) {
      console.error("queue: polling failed:", err);
    } finally {
      running = false;
    }
  }, pollMs);
  return () => clearInterval(timer);
}
