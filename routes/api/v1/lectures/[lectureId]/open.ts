import { requireActor, TEACHERS } from "@/services/auth/access.ts";
import {
  lectureAccess,
  LectureParamsSchema,
  lectureView,
  LectureViewSchema,
  openLecture,
} from "@/services/lectures/lectures.ts";

import { defineApi, errorResponses, ErrorResponseSchema, json } from "@/services/web/api.ts";

export const POST = defineApi({
  summary: "Open a lecture (go live)",
  description:
    "Creates the lecture's LiveKit room and marks it live. Opening a live lecture again is harmless: a teacher who reloads resumes it.",
  tags: ["lectures"],
  security: [{ bearer: [] }],
  request: { params: LectureParamsSchema },
  responses: {
    200: json(LectureViewSchema, "The lecture"),
    ...errorResponses,
    409: json(ErrorResponseSchema, "The class is archived"),
    410: json(ErrorResponseSchema, "The lecture has ended"),
    503: json(ErrorResponseSchema, "Live video is not available"),
  },
}, async (c) => {
  const { kv, livekit } = c.var.state;
  const actor = requireActor(c.var.state);
  const { lecture } = await lectureAccess(kv, actor, c.req.valid("param").lectureId, TEACHERS);
  const server = livekit.require();

  return c.json(lectureView(await openLecture(kv, server, lecture.id)), 200);
});
