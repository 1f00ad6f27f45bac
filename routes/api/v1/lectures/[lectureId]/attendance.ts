import { z } from "zod";
import { lectureAttendance, LectureAttendanceSchema } from "@/services/attendance/report.ts";
import { requireActor } from "@/services/auth/access.ts";
import { lectureAccess, LectureParamsSchema } from "@/services/lectures/lectures.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";

/** A lecture's attendance report: all students for teachers and admins, a student's own row. */
export const GET = defineApi({
  summary: "Read a lecture's attendance",
  description: "Every student of the class sorted by name (those who never joined are absent), " +
    "with minutes present, first join, last leave and connections, paged by offset and limit; " +
    "`q` matches name, email or student number. Counts cover all students. While the lecture " +
    "is live the figures are as of `asOf`. A student gets only their own row and no counts. " +
    "As CSV: ./attendance.csv.",
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
  responses: { 200: json(LectureAttendanceSchema, "The report"), ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  const actor = requireActor(c.var.state);
  const { lecture, role } = await lectureAccess(kv, actor, c.req.valid("param").lectureId);
  const query = c.req.valid("query");
  return c.json(
    await lectureAttendance(kv, lecture, {
      ...query,
      onlyUserId: role === "student" ? actor.user.id : undefined,
    }),
    200,
  );
});
