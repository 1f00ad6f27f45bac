import { TEACHERS } from "@/services/auth/access.ts";
import {
  assignmentAccess,
  AssignmentParamsSchema,
  assignmentView,
  AssignmentViewSchema,
  publishAssignment,
} from "@/services/coursework/assignments.ts";
import { defineAction } from "@/services/web/actions.ts";

export const POST = defineAction({
  summary: "Publish an assignment",
  description:
    "Students see it and are notified (on the first publish); reminders are scheduled. A closed assignment can be published again.",
  tags: ["coursework"],
  params: AssignmentParamsSchema,
  find: (kv, actor, { assignmentId }) => assignmentAccess(kv, actor, assignmentId, TEACHERS),
  result: { schema: AssignmentViewSchema, description: "The assignment" },
  errors: { 409: "The assignment is not in a state that allows this" },
}, async ({ assignment }, { state, actor }) =>
  await assignmentView(
    state.kv,
    await publishAssignment(state.kv, actor.user.orgId, assignment.id),
  ));
