import { z } from "zod";
import { TEACHERS } from "@/services/auth/access.ts";
import { KvFileStore } from "@/services/files/store.ts";
import { lectureAccess, LectureParamsSchema } from "@/services/lectures/lectures.ts";
import { deleteRecording, getLectureRecording } from "@/services/recordings/recordings.ts";
import { requireActor } from "@/services/auth/access.ts";
import { defineApi, errorResponses, ErrorResponseSchema, json } from "@/services/web/api.ts";

const params = LectureParamsSchema.extend({ recordingId: z.string().min(1).max(40) });

/** Deletes one recorded part and its video (the class's teachers and school admins). */
export const DELETE = defineApi({
  summary: "Delete a recording",
  tags: ["recordings"],
  security: [{ bearer: [] }],
  request: { params },
  responses: {
    204: { description: "Deleted" },
    ...errorResponses,
    409: json(ErrorResponseSchema, "The part is still being recorded"),
  },
}, async (c) => {
  const { kv } = c.var.state;
  const p = c.req.valid("param");
  const { lecture } = await lectureAccess(kv, requireActor(c.var.state), p.lectureId, TEACHERS);
  const recording = await getLectureRecording(kv, lecture.id, p.recordingId);
  await deleteRecording(kv, new KvFileStore(kv), recording);
  return c.body(null, 204);
});
