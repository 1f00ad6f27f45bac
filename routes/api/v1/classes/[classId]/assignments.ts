import { z } from "zod";
import { classAccess, requireActor, requireClassRole } from "@/services/auth/access.ts";
import {
  AssignmentInputSchema,
  assignmentSummaries,
  AssignmentSummarySchema,
  assignmentView,
  AssignmentViewSchema,
  createAssignment,
  listAssignmentsByClass,
} from "@/services/coursework/assignments.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";
import { ClassParamsSchema } from "@/services/web/schemas.ts";

/** A class's assignments: all of them for its teachers, published and closed for students. */
export const GET = defineApi({
  summary: "List a class's assignments",
  description: "Teachers and admins see drafts too; students see published and closed " +
    "assignments with their own status and released grade.",
  tags: ["coursework"],
  security: [{ bearer: [] }],
  request: { params: ClassParamsSchema },
  responses: {
    200: json(z.object({ items: z.array(AssignmentSummarySchema) }), "By due time"),
    ...errorResponses,
  },
}, async (c) => {
  const { kv } = c.var.state;
  const actor = requireActor(c.var.state);
  const { cls, role } = await classAccess(kv, actor, c.req.valid("param").classId);
  const student = role === "student";
  const assignments = await listAssignmentsByClass(kv, cls.id, { includeDrafts: !student });
  const items = await assignmentSummaries(kv, assignments, student ? actor.user.id : undefined);
  return c.json({ items }, 200);
});

/** Creates a draft assignment (the class's teachers and school admins). */
export const POST = defineApi({
  summary: "Create an assignment (as a draft)",
  description: "The due date and time are read in the school's time zone. Instructions are " +
    "Markdown; raw HTML in them is shown as text.",
  tags: ["coursework"],
  security: [{ bearer: [] }],
  request: {
    params: ClassParamsSchema,
    body: { content: { "application/json": { schema: AssignmentInputSchema } }, required: true },
  },
  responses: {
    201: json(AssignmentViewSchema, "The new draft"),
    ...errorResponses,
  },
}, async (c) => {
  const { kv } = c.var.state;
  const actor = requireActor(c.var.state);
  const { cls } = await requireClassRole(kv, actor, c.req.valid("param").classId, [
    "admin",
    "teacher",
  ]);
  const assignment = await createAssignment(kv, cls, c.req.valid("json"), actor.user.id);
  return c.json(await assignmentView(kv, assignment), 201);
});
