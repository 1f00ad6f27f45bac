import { requireActor } from "@/services/auth/access.ts";
import { CommentParamsSchema, deleteComment } from "@/services/stream/comments.ts";
import { defineApi, errorResponses } from "@/services/web/api.ts";

/** Deletes a comment (its author, the class's teachers, school admins). */
export const DELETE = defineApi({
  summary: "Delete a comment",
  tags: ["stream"],
  security: [{ bearer: [] }],
  request: { params: CommentParamsSchema },
  responses: { 204: { description: "Deleted" }, ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  const { postId, commentId } = c.req.valid("param");
  await deleteComment(kv, requireActor(c.var.state), postId, commentId);
  return c.body(null, 204);
});
