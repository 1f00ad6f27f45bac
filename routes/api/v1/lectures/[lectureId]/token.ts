import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import { LectureParamsSchema } from "@/services/lectures/lectures.ts";
import { linkSecret } from "@/services/classes/join_links.ts";
import { JOIN_PASS_HEADER } from "@/services/lectures/pass.ts";
import { joinLecture, joinWithPass } from "@/services/lectures/room.ts";
import { defineApi, errorResponses, ErrorResponseSchema, json } from "@/services/web/api.ts";

const TicketSchema = z.object({
  /** The LiveKit server clients connect to (ws:// or wss://). */
  url: z.string(),
  /** A LiveKit access token for this lecture's room only, valid for 10 minutes. */
  token: z.string(),
  identity: z.string(),
  role: z.enum(["teacher", "student"]),
  onStage: z.boolean(),
  expiresAt: z.string(),
  /** Whether students may write in the chat now. */
  studentChat: z.boolean(),
});

/** A short-lived token to join a live lecture; the join is recorded first. */
export const POST = defineApi({
  summary: "Get a token to join a live lecture",
  description: "Members of the lecture's class only. Teachers and school admins may publish " +
    "camera, microphone and screen share; students may subscribe and send data, and publish " +
    "camera and microphone only while on stage. A student may send the `joinPass` from " +
    `GET /api/v1/lectures/{lectureId} in the \`${JOIN_PASS_HEADER}\` header instead of a ` +
    "session: the pass was issued after the membership checks, so the join needs no database " +
    "read (the 8 a.m. join storm).",
  tags: ["lectures"],
  security: [{ bearer: [] }],
  request: { params: LectureParamsSchema },
  responses: {
    200: json(TicketSchema, "Where and how to connect"),
    ...errorResponses,
    409: json(ErrorResponseSchema, "The lecture has not started yet"),
    410: json(ErrorResponseSchema, "The lecture has ended"),
    503: json(ErrorResponseSchema, "Live video is not available"),
  },
}, async (c) => {
  const { kv, livekit, config } = c.var.state;
  const { lectureId } = c.req.valid("param");
  const pass = c.req.header(JOIN_PASS_HEADER);
  const ticket = pass
    ? await joinWithPass(kv, livekit.require(), await linkSecret(kv, config), lectureId, pass)
    : await joinLecture(kv, livekit.require(), requireActor(c.var.state), lectureId);
  return c.json(ticket, 200);
});
