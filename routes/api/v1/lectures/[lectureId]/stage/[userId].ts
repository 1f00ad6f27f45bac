import { requireActor, TEACHERS } from "@/services/auth/access.ts";
import { lectureAccess, LectureUserParamsSchema } from "@/services/lectures/lectures.ts";
import { StageSeatSchema } from "@/services/lectures/model.ts";
import { inviteToStage, takeOffStage } from "@/services/lectures/room.ts";
import { defineApi, errorResponses, ErrorResponseSchema, json } from "@/services/web/api.ts";

/** Invites a student on stage: they may then publish camera and microphone. */
export const POST = defineApi({
  summary: "Invite a student on stage",
  tags: ["lectures"],
  security: [{ bearer: [] }],
  request: { params: LectureUserParamsSchema },
  responses: {
    200: json(StageSeatSchema, "On stage"),
    ...errorResponses,
    409: json(ErrorResponseSchema, "The student is not in the lecture now, or it is not live"),
    503: json(ErrorResponseSchema, "Live video is not available"),
  },
}, async (c) => {
  const { kv, livekit } = c.var.state;
  const actor = requireActor(c.var.state);
  const { lectureId, userId } = c.req.valid("param");
  const { lecture } = await lectureAccess(kv, actor, lectureId, TEACHERS);
  return c.json(await inviteToStage(kv, livekit.require(), lecture, userId), 200);
});

/** Takes a student off stage; the media server unpublishes their tracks. */
export const DELETE = defineApi({
  summary: "Take a student off stage",
  tags: ["lectures"],
  security: [{ bearer: [] }],
  request: { params: LectureUserParamsSchema },
  responses: {
    204: { description: "Off stage" },
    ...errorResponses,
    503: json(ErrorResponseSchema, "Live video is not available"),
  },
}, async (c) => {
  const { kv, livekit } = c.var.state;
  const actor = requireActor(c.var.state);
  const { lectureId, userId } = c.req.valid("param");
  const { lecture } = await lectureAccess(kv, actor, lectureId, TEACHERS);
  await takeOffStage(kv, livekit.require(), lecture, userId);
  return c.body(null, 204);
});
