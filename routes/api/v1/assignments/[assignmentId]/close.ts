import { TEACHERS } from "@/services/auth/access.ts";
import {
  assignmentAccess,
  AssignmentParamsSchema,
  assignmentView,
  AssignmentViewSchema,
  closeAssignment,
} from "@/services/coursework/assignments.ts";
import { defineAction } from "@/services/web/actions.ts";

export const POST = defineAction(
  {
    summary: "Close an assignment",
    description: "Reminders stop; students keep seeing it.",
    tags: ["coursework"],
    params: AssignmentParamsSchema,
    find: (kv, actor, { assignmentId }) => assignmentAccess(kv, actor, assignmentId, TEACHERS),
    result: { schema: AssignmentViewSchema, description: "The assignment" },
    errors: { 409: "The assignment is not in a state that allows this" },
  },
  async ({ assignment }, { state, actor }) =>
    await assignmentView(
      state.kv,
      await closeAssignment(state.kv, actor.user.orgId, assignment.id),
    ),
);
