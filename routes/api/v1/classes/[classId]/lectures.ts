import { z } from "zod";
import { classAccess, requireActor, requireClassRole, TEACHERS } from "@/services/auth/access.ts";
import {
  LectureInputSchema,
  lectureView,
  LectureViewSchema,
  listClassLectures,
  scheduleLecture,
} from "@/services/lectures/lectures.ts";
import { defineApi, errorResponses, ErrorResponseSchema, json } from "@/services/web/api.ts";
import { ClassParamsSchema } from "@/services/web/schemas.ts";

/** A class's lectures: live first, then upcoming, then past. */
export const GET = defineApi({
  summary: "List a class's lectures",
  tags: ["lectures"],
  security: [{ bearer: [] }],
  request: { params: ClassParamsSchema },
  responses: {
    200: json(z.object({ items: z.array(LectureViewSchema) }), "Live, upcoming, then past"),
    ...errorResponses,
  },
}, async (c) => {
  const { kv } = c.var.state;
  const actor = requireActor(c.var.state);
  const { cls } = await classAccess(kv, actor, c.req.valid("param").classId);
  const items = (await listClassLectures(kv, cls.id)).map(lectureView);
  return c.json({ items }, 200);
});

/** Schedules a lecture (the class's teachers and school admins). */
export const POST = defineApi({
  summary: "Schedule a lecture",
  tags: ["lectures"],
  security: [{ bearer: [] }],
  request: {
    params: ClassParamsSchema,
    body: { content: { "application/json": { schema: LectureInputSchema } }, required: true },
  },
  responses: {
    201: json(LectureViewSchema, "The scheduled lecture"),
    ...errorResponses,
    409: json(ErrorResponseSchema, "The class is archived"),
  },
}, async (c) => {
  const { kv } = c.var.state;
  const actor = requireActor(c.var.state);
  const { cls } = await requireClassRole(kv, actor, c.req.valid("param").classId, TEACHERS);
  const lecture = await scheduleLecture(kv, cls, actor.user.id, c.req.valid("json"));
  return c.json(lectureView(lecture), 201);
});
