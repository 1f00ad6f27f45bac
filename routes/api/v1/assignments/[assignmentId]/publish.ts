import { requireActor } from "@/services/auth/access.ts";
import {
  assignmentAccess,
  AssignmentParamsSchema,
  assignmentView,
  AssignmentViewSchema,
  publishAssignment,
  requireManager,
} from "@/services/coursework/assignments.ts";
import { defineApi, errorResponses, ErrorResponseSchema, json } from "@/services/web/api.ts";

export const POST = defineApi({
  summary: "Publish an assignment",
  description:
    "Students see it and are notified (on the first publish); reminders are scheduled. A closed assignment can be published again.",
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
  const next = await publishAssignment(kv, actor.user.orgId, assignment.id);
  return c.json(await assignmentView(kv, next), 200);
});
