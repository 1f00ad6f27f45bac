import { requireActor } from "@/services/auth/access.ts";
import {
  addComment,
  CommentInputSchema,
  CommentPageSchema,
  CommentViewSchema,
  listComments,
} from "@/services/stream/comments.ts";
import { PostParamsSchema, StreamQuerySchema } from "@/services/stream/posts.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";

/** An announcement's comments, oldest first (every member of its class). */
export const GET = defineApi({
  summary: "List an announcement's comments (oldest first)",
  tags: ["stream"],
  security: [{ bearer: [] }],
  request: { params: PostParamsSchema, query: StreamQuerySchema },
  responses: { 200: json(CommentPageSchema, "One page"), ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  const actor = requireActor(c.var.state);
  return c.json(
    await listComments(kv, actor, c.req.valid("param").postId, c.req.valid("query")),
    200,
  );
});

/** Comments on an announcement (every member of its class, while its comments are on). */
export const POST = defineApi({
  summary: "Comment on an announcement",
  description: "Plain text, at most 1,000 characters. 409 when its comments are off.",
  tags: ["stream"],
  security: [{ bearer: [] }],
  request: {
    params: PostParamsSchema,
    body: { content: { "application/json": { schema: CommentInputSchema } }, required: true },
  },
  responses: { 201: json(CommentViewSchema, "Added"), ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  const actor = requireActor(c.var.state);
  const comment = await addComment(kv, actor, c.req.valid("param").postId, c.req.valid("json"));
  return c.json(comment, 201);
});
