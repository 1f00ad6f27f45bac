/**
 * The one KV queue listener's dispatcher (Deno allows one listener per KV handle): homework
 * reminders and clean-up of uploads a crash left unfinished.
 * @module
 */
import { handleCourseworkMessage } from "../coursework/reminders.ts";
import { handleFileCleanup, isFileCleanupMessage } from "../files/store.ts";

/** Handles one queue message; unknown messages are logged and dropped. */
export async function handleQueueMessage(kv: Deno.Kv, msg: unknown): Promise<void> {
  if (isFileCleanupMessage(msg)) {
    await handleFileCleanup(kv, msg.fileId);
    return;
  }
  if (await handleCourseworkMessage(kv, msg)) return;
  console.warn("queue: dropped a message of unknown type");
}
