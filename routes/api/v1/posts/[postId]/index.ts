import { requireActor } from "@/services/auth/access.ts";
import {
  deletePost,
  postAccess,
  PostParamsSchema,
  PostPatchSchema,
  postView,
  PostViewSchema,
  updatePost,
} from "@/services/stream/posts.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";

/** One announcement (every member of its class). */
export const GET = defineApi({
  summary: "Read an announcement",
  tags: ["stream"],
  security: [{ bearer: [] }],
  request: { params: PostParamsSchema },
  responses: { 200: json(PostViewSchema, "The announcement"), ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  const { post, viewer } = await postAccess(
    kv,
    requireActor(c.var.state),
    c.req.valid("param").postId,
  );
  return c.json(await postView(kv, post, viewer), 200);
});

/** Edits an announcement or switches its comments (its author, school admins). */
export const PATCH = defineApi({
  summary: "Edit an announcement, or switch its comments on or off",
  description: "Only the teacher who posted it and school admins. Files left out of " +
    "`attachmentIds` are private to their uploader again.",
  tags: ["stream"],
  security: [{ bearer: [] }],
  request: {
    params: PostParamsSchema,
    body: { content: { "application/json": { schema: PostPatchSchema } }, required: true },
  },
  responses: { 200: json(PostViewSchema, "Saved"), ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  const actor = requireActor(c.var.state);
  const { post, viewer } = await updatePost(
    kv,
    actor,
    c.req.valid("param").postId,
    c.req.valid("json"),
  );
  return c.json(await postView(kv, post, viewer), 200);
});

/** Deletes an announcement with its comments (its author, school admins). */
export const DELETE = defineApi({
  summary: "Delete an announcement",
  description: "Its comments go with it; its files are private to their uploader again.",
  tags: ["stream"],
  security: [{ bearer: [] }],
  request: { params: PostParamsSchema },
  responses: { 204: { description: "Deleted" }, ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  await deletePost(kv, requireActor(c.var.state), c.req.valid("param").postId);
  return c.body(null, 204);
});
