import { requireActor, TEACHERS } from "@/services/auth/access.ts";
import { lectureAccess, LectureUserParamsSchema } from "@/services/lectures/lectures.ts";
import { muteParticipant } from "@/services/lectures/room.ts";
import { defineApi, errorResponses, ErrorResponseSchema, json } from "@/services/web/api.ts";

export const POST = defineApi({
  summary: "Mute a participant's microphone",

  tags: ["lectures"],
  security: [{ bearer: [] }],
  request: { params: LectureUserParamsSchema },
  responses: {
    204: { description: "Done" },
    ...errorResponses,
    409: json(ErrorResponseSchema, "Not in the lecture now, or the lecture is not live"),
    503: json(ErrorResponseSchema, "Live video is not available"),
  },
}, async (c) => {
  const { kv, livekit } = c.var.state;
  const actor = requireActor(c.var.state);
  const { lectureId, userId } = c.req.valid("param");
  const { lecture } = await lectureAccess(kv, actor, lectureId, TEACHERS);
  await muteParticipant(livekit.require(), lecture, userId);
  return c.body(null, 204);
});
