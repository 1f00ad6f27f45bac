import { z } from "zod";
import { classAttendance, ClassAttendanceSchema } from "@/services/attendance/class_report.ts";
import { classAccess, requireActor } from "@/services/auth/access.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";
import { ClassParamsSchema } from "@/services/web/schemas.ts";

/** A class's attendance across its lectures. */
export const GET = defineApi({
  summary: "Read a class's attendance across its lectures",
  description: "Over the lectures that were opened (live or ended), oldest first: per student " +
    "the lectures present, late and absent, the attendance rate ((present + late) / lectures) " +
    "and one status per lecture; per lecture the counts. Students sorted by name, paged by " +
    "offset and limit; `q` matches name, email or student number. A student gets only their " +
    "own row and no counts.",
  tags: ["lectures"],
  security: [{ bearer: [] }],
  request: {
    params: ClassParamsSchema,
    query: z.object({
      q: z.string().max(100).optional(),
      offset: z.coerce.number().int().min(0).default(0),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
  },
  responses: { 200: json(ClassAttendanceSchema, "The class's attendance"), ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  const actor = requireActor(c.var.state);
  const { cls, role } = await classAccess(kv, actor, c.req.valid("param").classId);
  return c.json(
    await classAttendance(kv, cls, {
      ...c.req.valid("query"),
      onlyUserId: role === "student" ? actor.user.id : undefined,
    }),
    200,
  );
});
