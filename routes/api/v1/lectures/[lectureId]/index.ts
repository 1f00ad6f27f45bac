import { z } from "zod";
import { requireActor, TEACHERS } from "@/services/auth/access.ts";
import { linkSecret } from "@/services/classes/join_links.ts";
import { announceChatSetting } from "@/services/lectures/chat.ts";
import { studentPass } from "@/services/lectures/pass.ts";
import {
  lectureAccess,
  LectureParamsSchema,
  LecturePatchSchema,
  lectureView,
  LectureViewSchema,
  updateLecture,
} from "@/services/lectures/lectures.ts";
import { defineApi, errorResponses, ErrorResponseSchema, json } from "@/services/web/api.ts";

const LectureWithRoleSchema = LectureViewSchema.extend({
  /** The asker's standing in the lecture's class. */
  role: z.enum(["admin", "teacher", "student"]),
  /** Students: a pass for POST …/token (header x-mirae-join-pass), good for 4 hours. */
  joinPass: z.string().optional(),
});

export const GET = defineApi({
  summary: "Get a lecture",
  tags: ["lectures"],
  security: [{ bearer: [] }],
  request: { params: LectureParamsSchema },
  responses: { 200: json(LectureWithRoleSchema, "The lecture"), ...errorResponses },
}, async (c) => {
  const { kv, config } = c.var.state;
  const actor = requireActor(c.var.state);
  const { lecture, role } = await lectureAccess(kv, actor, c.req.valid("param").lectureId);
  const joinPass = role === "student"
    ? studentPass(await linkSecret(kv, config), lecture, actor.user, actor.session)
    : undefined;
  return c.json({ ...lectureView(lecture), role, ...(joinPass ? { joinPass } : {}) }, 200);
});

export const PATCH = defineApi({
  summary: "Edit a lecture",
  description: "Title, start time, whether students may write in the chat (announced to a " +
    "live lecture at once), and attendance thresholds; only the thresholds once it has ended.",
  tags: ["lectures"],
  security: [{ bearer: [] }],
  request: {
    params: LectureParamsSchema,
    body: { content: { "application/json": { schema: LecturePatchSchema } }, required: true },
  },
  responses: {
    200: json(LectureViewSchema, "The lecture"),
    ...errorResponses,
    409: json(ErrorResponseSchema, "The lecture has ended"),
  },
}, async (c) => {
  const { kv, livekit } = c.var.state;
  const actor = requireActor(c.var.state);
  const { lecture } = await lectureAccess(kv, actor, c.req.valid("param").lectureId, TEACHERS);
  const patch = c.req.valid("json");
  const next = await updateLecture(kv, lecture.id, patch);
  if (patch.studentChat !== undefined) await announceChatSetting(livekit.server, next);
  return c.json(lectureView(next), 200);
});
