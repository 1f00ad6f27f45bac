import { z } from "zod";
import {
  listLiveParticipants,
  LiveParticipantsSchema,
} from "@/services/attendance/participants.ts";
import { requireActor, TEACHERS } from "@/services/auth/access.ts";
import { lectureAccess, LectureParamsSchema } from "@/services/lectures/lectures.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";

/** Who is connected to a lecture now (teachers and admins). */
export const GET = defineApi({
  summary: "List the people connected to a lecture",
  description: "From the media server's webhooks: teachers first, then raised hands (oldest " +
    "first), then by name; `q` matches names; 50 per page by default, `nextOffset` for the " +
    "next. `count` is everyone connected; `total` those matching `q`.",
  tags: ["lectures"],
  security: [{ bearer: [] }],
  request: {
    params: LectureParamsSchema,
    query: z.object({
      q: z.string().max(100).optional(),
      offset: z.coerce.number().int().min(0).default(0),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
  },
  responses: { 200: json(LiveParticipantsSchema, "One page of participants"), ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  const { lecture } = await lectureAccess(
    kv,
    requireActor(c.var.state),
    c.req.valid("param").lectureId,
    TEACHERS,
  );
  return c.json(await listLiveParticipants(kv, lecture.id, c.req.valid("query")), 200);
});
