import { requireActor } from "@/services/auth/access.ts";
import {
  assignmentAccess,
  AssignmentParamsSchema,
  assignmentView,
  AssignmentViewSchema,
  closeAssignment,
  requireManager,
} from "@/services/coursework/assignments.ts";
import { defineApi, errorResponses, ErrorResponseSchema, json } from "@/services/web/api.ts";

export const POST = defineApi({
  summary: "Close an assignment",
  description: "Reminders stop; students keep seeing it.",
  tags: ["coursework"],
  security: [{ bearer: [] }],
  request: { params: AssignmentParamsSchema },
  responses: {
    200: json(AssignmentViewSchema, "The assignment"),
    ...errorResponses,
    409: json(ErrorResponseSchema, "The assignment is not in a state that allows this"),
  },
}, async (c) => {
  const { kv } = c.var.state;
  const actor = requireActor(c.var.state);
  const { assignment, role } = await assignmentAccess(kv, actor, c.req.valid("param").assignmentId);
  requireManager(role);
  const next = await closeAssignment(kv, actor.user.orgId, assignment.id);
  return c.json(await assignmentView(kv, next), 200);
});
