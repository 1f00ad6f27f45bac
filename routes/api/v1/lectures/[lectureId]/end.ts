import { requireActor, TEACHERS } from "@/services/auth/access.ts";
import {
  endLecture,
  lectureAccess,
  LectureParamsSchema,
  lectureView,
  LectureViewSchema,
} from "@/services/lectures/lectures.ts";
import { sendToLecture } from "@/services/lectures/room.ts";
import { TOPICS } from "@/services/lectures/model.ts";
import { defineApi, errorResponses, ErrorResponseSchema, json } from "@/services/web/api.ts";

export const POST = defineApi({
  summary: "End a lecture",
  description:
    "Marks it ended and closes its room, which disconnects everyone. Chat and attendance stay readable.",
  tags: ["lectures"],
  security: [{ bearer: [] }],
  request: { params: LectureParamsSchema },
  responses: {
    200: json(LectureViewSchema, "The lecture"),
    ...errorResponses,
    409: json(ErrorResponseSchema, "The class is archived"),

    503: json(ErrorResponseSchema, "Live video is not available"),
  },
}, async (c) => {
  const { kv, livekit } = c.var.state;
  const actor = requireActor(c.var.state);
  const { lecture } = await lectureAccess(kv, actor, c.req.valid("param").lectureId, TEACHERS);
  const server = livekit.require();
  await sendToLecture(server, lecture, TOPICS.lecture, { type: "ended" });
  return c.json(lectureView(await endLecture(kv, server, lecture.id)), 200);
});
