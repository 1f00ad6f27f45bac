import { requireActor } from "@/services/auth/access.ts";
import {
  assignmentAccess,
  AssignmentParamsSchema,
  AssignmentPatchSchema,
  assignmentView,
  AssignmentViewSchema,
  requireManager,
  updateAssignment,
} from "@/services/coursework/assignments.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";

/** One assignment; students get their status and released grade (a draft is 404 to them). */
export const GET = defineApi({
  summary: "Read an assignment",
  tags: ["coursework"],
  security: [{ bearer: [] }],
  request: { params: AssignmentParamsSchema },
  responses: {
    200: json(AssignmentViewSchema, "The assignment with its instructions rendered"),
    ...errorResponses,
  },
}, async (c) => {
  const { kv } = c.var.state;
  const actor = requireActor(c.var.state);
  const { assignment, role } = await assignmentAccess(kv, actor, c.req.valid("param").assignmentId);
  const student = role === "student" ? actor.user.id : undefined;
  return c.json(await assignmentView(kv, assignment, student), 200);
});

/** Edits an assignment; submissions are kept, grades re-scored, reminders rescheduled. */
export const PATCH = defineApi({
  summary: "Edit an assignment",
  description: "Absent fields stay as they are. Submissions are kept; existing grades are " +
    "re-scored when the points, late policy or due time change.",
  tags: ["coursework"],
  security: [{ bearer: [] }],
  request: {
    params: AssignmentParamsSchema,
    body: { content: { "application/json": { schema: AssignmentPatchSchema } }, required: true },
  },
  responses: {
    200: json(AssignmentViewSchema, "The edited assignment"),
    ...errorResponses,
  },
}, async (c) => {
  const { kv } = c.var.state;
  const actor = requireActor(c.var.state);
  const { assignment, role } = await assignmentAccess(kv, actor, c.req.valid("param").assignmentId);
  requireManager(role);
  const next = await updateAssignment(kv, actor.user.orgId, assignment.id, c.req.valid("json"));
  return c.json(await assignmentView(kv, next), 200);
});
