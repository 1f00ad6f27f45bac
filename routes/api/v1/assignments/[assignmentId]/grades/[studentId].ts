import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import {
  assignmentAccess,
  AssignmentParamsSchema,
  requireManager,
} from "@/services/coursework/assignments.ts";
import { GradeInputSchema, releaseGrade, saveGradeDraft } from "@/services/coursework/grading.ts";
import { GradeSchema } from "@/services/coursework/model.ts";
import { defineApi, errorResponses, ErrorResponseSchema, json } from "@/services/web/api.ts";

const ParamsSchema = AssignmentParamsSchema.extend({ studentId: z.string().min(1).max(40) });

/** Saves a student's grade as a draft; the student sees nothing until it is released. */
export const PUT = defineApi({
  summary: "Save a grade as a draft",
  description: "Replaces the student's grade with a draft (a released grade goes back to " +
    "draft until released again). The late penalty is applied from the latest submission.",
  tags: ["coursework"],
  security: [{ bearer: [] }],
  request: {
    params: ParamsSchema,
    body: { content: { "application/json": { schema: GradeInputSchema } }, required: true },
  },
  responses: {
    200: json(GradeSchema, "The draft grade"),
    ...errorResponses,
    409: json(ErrorResponseSchema, "The assignment is still a draft"),
  },
}, async (c) => {
  const { kv } = c.var.state;
  const actor = requireActor(c.var.state);
  const { assignmentId, studentId } = c.req.valid("param");
  const { assignment, role } = await assignmentAccess(kv, actor, assignmentId);
  requireManager(role);
  const grade = await saveGradeDraft(kv, assignment, studentId, c.req.valid("json"), actor.user.id);
  return c.json(grade, 200);
});

/** Releases one student's grade; they are notified. */
export const POST = defineApi({
  summary: "Release a student's grade",
  tags: ["coursework"],
  security: [{ bearer: [] }],
  request: { params: ParamsSchema },
  responses: {
    200: json(GradeSchema, "The released grade"),
    ...errorResponses,
  },
}, async (c) => {
  const { kv } = c.var.state;
  const actor = requireActor(c.var.state);
  const { assignmentId, studentId } = c.req.valid("param");
  const { assignment, role } = await assignmentAccess(kv, actor, assignmentId);
  requireManager(role);
  return c.json(await releaseGrade(kv, assignment, studentId), 200);
});
