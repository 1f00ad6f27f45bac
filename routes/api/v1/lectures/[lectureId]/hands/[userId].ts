import { requireActor, TEACHERS } from "@/services/auth/access.ts";
import { lowerHand } from "@/services/lectures/hands.ts";
import { lectureAccess, LectureUserParamsSchema } from "@/services/lectures/lectures.ts";
import { defineApi, errorResponses } from "@/services/web/api.ts";

/** A teacher lowers (dismisses) a student's hand. */
export const DELETE = defineApi({
  summary: "Dismiss a raised hand",
  tags: ["lectures"],
  security: [{ bearer: [] }],
  request: { params: LectureUserParamsSchema },
  responses: { 204: { description: "Lowered" }, ...errorResponses },
}, async (c) => {
  const { kv, livekit } = c.var.state;
  const actor = requireActor(c.var.state);
  const { lectureId, userId } = c.req.valid("param");
  const { lecture } = await lectureAccess(kv, actor, lectureId, TEACHERS);
  await lowerHand(kv, livekit.server, lecture, userId, true);
  return c.body(null, 204);
});
