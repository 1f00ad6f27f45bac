import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import { handPosition, listHands, lowerHand, raiseHand } from "@/services/lectures/hands.ts";
import { lectureAccess, LectureParamsSchema } from "@/services/lectures/lectures.ts";
import { RaisedHandSchema } from "@/services/lectures/model.ts";
import { defineApi, errorResponses, ErrorResponseSchema, json } from "@/services/web/api.ts";
import { forbidden } from "@/services/web/errors.ts";

/** Teachers: the queue (first 100, oldest first) and its length. Students: their own hand. */
export const GET = defineApi({
  summary: "Raised hands",
  tags: ["lectures"],
  security: [{ bearer: [] }],
  request: { params: LectureParamsSchema },
  responses: {
    200: json(
      z.object({
        count: z.number().int().optional(),
        items: z.array(RaisedHandSchema).optional(),
        raised: z.boolean().optional(),
        position: z.number().int().optional(),
      }),
      "The queue (teachers) or the asker's hand (students)",
    ),
    ...errorResponses,
  },
}, async (c) => {
  const { kv } = c.var.state;
  const actor = requireActor(c.var.state);
  const { lecture, role } = await lectureAccess(kv, actor, c.req.valid("param").lectureId);
  if (role === "student") {
    const position = await handPosition(kv, lecture.id, actor.user.id);
    return c.json(position ? { raised: true, position } : { raised: false }, 200);
  }
  const hands = await listHands(kv, lecture.id);
  return c.json({ count: hands.length, items: hands.slice(0, 100) }, 200);
});

/** A student raises their hand. */
export const POST = defineApi({
  summary: "Raise my hand",
  tags: ["lectures"],
  security: [{ bearer: [] }],
  request: { params: LectureParamsSchema },
  responses: {
    201: json(z.object({ raised: z.literal(true), position: z.number().int() }), "In the queue"),
    ...errorResponses,
    409: json(ErrorResponseSchema, "The lecture is not live"),
  },
}, async (c) => {
  const { kv, livekit } = c.var.state;
  const actor = requireActor(c.var.state);
  const { lecture, role } = await lectureAccess(kv, actor, c.req.valid("param").lectureId);
  if (role !== "student") throw forbidden("Only students raise hands.");
  const position = await raiseHand(kv, livekit.server, lecture, actor.user);
  return c.json({ raised: true as const, position }, 201);
});

/** A student lowers their hand. */
export const DELETE = defineApi({
  summary: "Lower my hand",
  tags: ["lectures"],
  security: [{ bearer: [] }],
  request: { params: LectureParamsSchema },
  responses: { 204: { description: "Lowered" }, ...errorResponses },
}, async (c) => {
  const { kv, livekit } = c.var.state;
  const actor = requireActor(c.var.state);
  const { lecture } = await lectureAccess(kv, actor, c.req.valid("param").lectureId);
  await lowerHand(kv, livekit.server, lecture, actor.user.id, false);
  return c.body(null, 204);
});
