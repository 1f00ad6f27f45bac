import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import { lectureAccess, LectureParamsSchema } from "@/services/lectures/lectures.ts";
import { StageSeatSchema } from "@/services/lectures/model.ts";
import { listStage } from "@/services/lectures/room.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";

/** Students on stage (visible to everyone in the lecture, so any member may read it). */
export const GET = defineApi({
  summary: "Students on stage",
  tags: ["lectures"],
  security: [{ bearer: [] }],
  request: { params: LectureParamsSchema },
  responses: {
    200: json(z.object({ items: z.array(StageSeatSchema) }), "In invitation order"),
    ...errorResponses,
  },
}, async (c) => {
  const { kv } = c.var.state;
  const actor = requireActor(c.var.state);
  const { lecture } = await lectureAccess(kv, actor, c.req.valid("param").lectureId);
  return c.json({ items: await listStage(kv, lecture.id) }, 200);
});
