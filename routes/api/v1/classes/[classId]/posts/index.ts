import { classAccess, requireActor, requireClassRole, TEACHERS } from "@/services/auth/access.ts";
import {
  createPost,
  listPosts,
  PostInputSchema,
  PostPageSchema,
  postView,
  PostViewSchema,
  StreamQuerySchema,
} from "@/services/stream/posts.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";
import { ClassParamsSchema } from "@/services/web/schemas.ts";

/** A class's stream, newest first, a page at a time (every member of the class). */
export const GET = defineApi({
  summary: "List a class's announcements (newest first)",
  description: "Pass the answer's `cursor` back to read the next, older page.",
  tags: ["stream"],
  security: [{ bearer: [] }],
  request: { params: ClassParamsSchema, query: StreamQuerySchema },
  responses: { 200: json(PostPageSchema, "One page"), ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  const actor = requireActor(c.var.state);
  const { cls, role } = await classAccess(kv, actor, c.req.valid("param").classId);
  const viewer = { userId: actor.user.id, role, archived: cls.archived };
  return c.json(await listPosts(kv, cls.id, viewer, c.req.valid("query")), 200);
});

/** Posts an announcement (the class's teachers and school admins); students are notified. */
export const POST = defineApi({
  summary: "Post an announcement",
  description: "The body is Markdown; raw HTML in it is shown as text. `attachmentIds` are " +
    "files uploaded with `purpose=attachment` for this class. Without `commentsOff`, the " +
    "class's default applies. Every student of the class is notified.",
  tags: ["stream"],
  security: [{ bearer: [] }],
  request: {
    params: ClassParamsSchema,
    body: { content: { "application/json": { schema: PostInputSchema } }, required: true },
  },
  responses: { 201: json(PostViewSchema, "Posted"), ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  const actor = requireActor(c.var.state);
  const { cls, role } = await requireClassRole(kv, actor, c.req.valid("param").classId, TEACHERS);
  const post = await createPost(kv, cls, actor.user.id, c.req.valid("json"));
  const viewer = { userId: actor.user.id, role, archived: cls.archived };
  return c.json(await postView(kv, post, viewer), 201);
});
