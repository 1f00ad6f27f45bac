import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import { lectureAccess, LectureParamsSchema } from "@/services/lectures/lectures.ts";
import { RecordingViewSchema } from "@/services/recordings/model.ts";
import { getLectureRecording, recordView } from "@/services/recordings/recordings.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";

const params = LectureParamsSchema.extend({ recordingId: z.string().min(1).max(40) });
const SpanSchema = z.strictObject({
  from: z.number().min(0).max(86_400).describe("Video time the span starts at (s)"),
  to: z.number().min(0).max(86_400).describe("Video time it ends at (s)"),
}).refine((s) => s.to >= s.from, { message: "to must not be before from", path: ["to"] });

/** Records a span of a recording the asker watched (counted apart from live attendance). */
export const POST = defineApi({
  summary: "Report watching a recording",
  description: "The player sends what was played, a span of video time at a time. Spans " +
    "merge (watching a minute twice counts once) and never pass the recording's length.",
  tags: ["recordings"],
  security: [{ bearer: [] }],
  request: {
    params,
    body: { content: { "application/json": { schema: SpanSchema } }, required: true },
  },
  responses: { 200: json(RecordingViewSchema, "What the asker has watched"), ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  const actor = requireActor(c.var.state);
  const p = c.req.valid("param");
  const { lecture } = await lectureAccess(kv, actor, p.lectureId);
  const recording = await getLectureRecording(kv, lecture.id, p.recordingId);
  return c.json(await recordView(kv, recording, actor.user.id, c.req.valid("json")), 200);
});
