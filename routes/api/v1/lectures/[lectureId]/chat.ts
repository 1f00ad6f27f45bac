import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import { ChatInputSchema, listChat, postChatMessage } from "@/services/lectures/chat.ts";
import { lectureAccess, LectureParamsSchema } from "@/services/lectures/lectures.ts";
import { ChatMessageSchema } from "@/services/lectures/model.ts";
import { defineApi, errorResponses, ErrorResponseSchema, json } from "@/services/web/api.ts";

/** The chat history, oldest first (members of the class; also after the lecture). */
export const GET = defineApi({
  summary: "Read a lecture's chat",
  tags: ["lectures"],
  security: [{ bearer: [] }],
  request: {
    params: LectureParamsSchema,
    query: z.object({
      after: z.string().max(40).optional().describe("Only messages after this message id"),
      limit: z.coerce.number().int().min(1).max(500).optional(),
    }),
  },
  responses: {
    200: json(
      z.object({ items: z.array(ChatMessageSchema), nextAfter: z.string().optional() }),
      "Messages, oldest first; nextAfter when there are more",
    ),
    ...errorResponses,
  },
}, async (c) => {
  const { kv } = c.var.state;
  const actor = requireActor(c.var.state);
  const { lecture } = await lectureAccess(kv, actor, c.req.valid("param").lectureId);
  return c.json(await listChat(kv, lecture.id, c.req.valid("query")), 200);
});

/** Posts a message; everyone in the lecture receives it on the data channel. */
export const POST = defineApi({
  summary: "Post a chat message",
  tags: ["lectures"],
  security: [{ bearer: [] }],
  request: {
    params: LectureParamsSchema,
    body: { content: { "application/json": { schema: ChatInputSchema } }, required: true },
  },
  responses: {
    201: json(ChatMessageSchema, "The message"),
    ...errorResponses,
    409: json(ErrorResponseSchema, "The lecture has ended"),
  },
}, async (c) => {
  const { kv, livekit } = c.var.state;
  const actor = requireActor(c.var.state);
  const { lecture, role } = await lectureAccess(kv, actor, c.req.valid("param").lectureId);
  const msg = await postChatMessage(
    kv,
    livekit.server,
    lecture,
    actor,
    role === "student" ? "student" : "teacher",
    c.req.valid("json"),
  );
  return c.json(msg, 201);
});
