import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import {
  assignmentAccess,
  AssignmentParamsSchema,
  requireManager,
} from "@/services/coursework/assignments.ts";
import { nudgeNonSubmitters } from "@/services/coursework/reminders.ts";
import { defineApi, errorResponses, ErrorResponseSchema, json } from "@/services/web/api.ts";
import { AppError } from "@/services/web/errors.ts";

/** Reminds, now, the students who have not submitted (excused ones are left alone). */
export const POST = defineApi({
  summary: "Nudge the students who have not submitted",
  tags: ["coursework"],
  security: [{ bearer: [] }],
  request: { params: AssignmentParamsSchema },
  responses: {
    200: json(z.object({ notified: z.number().int() }), "How many students were notified"),
    ...errorResponses,
    409: json(ErrorResponseSchema, "The assignment is not published"),
  },
}, async (c) => {
  const { kv } = c.var.state;
  const actor = requireActor(c.var.state);
  const { assignment, role } = await assignmentAccess(kv, actor, c.req.valid("param").assignmentId);
  requireManager(role);
  if (assignment.status !== "published") {
    throw new AppError("conflict", "Only a published assignment can be nudged about.");
  }
  return c.json({ notified: await nudgeNonSubmitters(kv, assignment) }, 200);
});
