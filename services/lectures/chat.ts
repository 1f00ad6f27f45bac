/**
 * Lecture chat, stored in KV so a student who joins late sees the whole history and the
 * history stays readable after the lecture. New messages are also pushed to everyone in the
 * room by the server (data topic `mirae.chat`); clients show text as text, never as HTML.
 * @module
 */
import { z } from "zod";
import { hit, type Limit, retryAfter } from "../auth/rate_limit.ts";
import { newId } from "../db/kv.ts";
import type { LiveKitServer } from "../livekit/link.ts";
import type { Actor } from "../web/define.ts";
import { AppError, validateInput } from "../web/errors.ts";
import {
  type ChatMessage,
  ChatMessageSchema,
  type Lecture,
  MAX_CHAT_LENGTH,
  TOPICS,
} from "./model.ts";
import { sendToLecture } from "./room.ts";
import type { LectureRole } from "./tokens.ts";

export const ChatInputSchema = z.strictObject({
  text: z.string()
    // Control characters other than newlines and tabs would only confuse the display.
    // deno-lint-ignore no-control-regex -- stripping control characters is the point
    .transform((s) => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "").trim())
    .pipe(
      z.string().min(1, "Write a message first.").max(
        MAX_CHAT_LENGTH,
        `Messages are at most ${MAX_CHAT_LENGTH} characters.`,
      ),
    ),
});

/** Messages a person may send per 10 seconds in one lecture. */
export const CHAT_LIMIT: Limit = { scope: "lecture_chat", max: 5, windowMs: 10_000 };

/** Posts a message (409 once the lecture has ended, 429 when sent too fast). */
export async function postChatMessage(
  kv: Deno.Kv,
  server: LiveKitServer | null,
  lecture: Lecture,
  actor: Actor,
  role: LectureRole,
  input: unknown,
): Promise<ChatMessage> {
  const { text } = validateInput(ChatInputSchema, input);
  if (lecture.status === "ended") {
    throw new AppError("conflict", "This lecture has ended; its chat is read-only.");
  }
  if (role === "student" && lecture.studentChat === false) {
    throw new AppError("forbidden", "Your teacher has turned off the chat for students.");
  }
  const limiterId = `${lecture.id}:${actor.user.id}`;
  const wait = await retryAfter(kv, CHAT_LIMIT, limiterId);
  if (wait > 0) {
    throw new AppError(
      "rate_limited",
      `You are sending messages too fast. Wait ${wait} s.`,
      undefined,
      { "retry-after": String(wait) },
    );
  }
  await hit(kv, CHAT_LIMIT, limiterId);
  const msg: ChatMessage = {
    id: newId(),
    userId: actor.user.id,
    name: actor.user.name,
    role,
    text,
    at: new Date().toISOString(),
  };
  await kv.set(["lecture_chat", lecture.id, msg.id], msg);
  if (server) await sendToLecture(server, lecture, TOPICS.chat, msg);
  return msg;
}

/** Messages after `after` (a message id), oldest first, up to `limit` (max 500). */
export async function listChat(
  kv: Deno.Kv,
  lectureId: string,
  opts: { after?: string; limit?: number } = {},
): Promise<{ items: ChatMessage[]; nextAfter?: string }> {
  const limit = Math.min(Math.max(opts.limit ?? 200, 1), 500);
  const prefix = ["lecture_chat", lectureId];
  const selector = opts.after ? { prefix, start: [...prefix, `${opts.after}\u0000`] } : { prefix };
  const items: ChatMessage[] = [];
  for await (const e of kv.list(selector, { limit: limit + 1 })) {
    items.push(ChatMessageSchema.parse(e.value));
  }
  const more = items.length > limit;
  if (more) items.length = limit;
  return { items, ...(more ? { nextAfter: items[items.length - 1].id } : {}) };
}

/**
 * Tells everyone in a live lecture whether students may write in the chat now (their pages
 * show or hide the box; the server refuses their messages either way).
 */
export async function announceChatSetting(
  server: LiveKitServer | null,
  lecture: Lecture,
): Promise<void> {
  if (!server) return;
  await sendToLecture(server, lecture, TOPICS.lecture, {
    type: "chat",
    studentChat: lecture.studentChat !== false,
  });
}
