import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import { SubmissionSchema } from "@/services/coursework/model.ts";
import { assignmentAccess } from "@/services/coursework/assignments.ts";
import {
  listLatestSubmissions,
  listSubmissionVersions,
  SubmissionInputSchema,
  submitWork,
} from "@/services/coursework/submissions.ts";
import { defineApi, errorResponses, ErrorResponseSchema, json } from "@/services/web/api.ts";
import { forbidden } from "@/services/web/errors.ts";

const Params = z.object({ assignmentId: z.string().min(1).max(40) });

/** Teachers and admins: every student's latest submission. Students: their own versions. */
export const GET = defineApi({
  summary: "List an assignment's submissions",
  description: "The class's teachers and school admins get the latest version from every " +
    "student who submitted; a student gets every version of their own work, oldest first.",
  tags: ["submissions"],
  security: [{ bearer: [] }],
  request: { params: Params },
  responses: {
    200: json(z.object({ items: z.array(SubmissionSchema) }), "Submissions"),
    ...errorResponses,
  },
}, async (c) => {
  const { kv } = c.var.state;
  const actor = requireActor(c.var.state);
  const { assignment, role } = await assignmentAccess(kv, actor, c.req.valid("param").assignmentId);
  const items = role === "student"
    ? await listSubmissionVersions(kv, assignment.id, actor.user.id)
    : await listLatestSubmissions(kv, assignment.id);
  return c.json({ items }, 200);
});

/** A student submits (again): a new version of their work. */
export const POST = defineApi({
  summary: "Submit work",
  description: "Text and/or up to 10 files uploaded first with POST /api/v1/files " +
    "(`purpose=submission`). Each call saves a new version; all are kept. Allowed until the " +
    "due time, or after it when the assignment takes late work.",
  tags: ["submissions"],
  security: [{ bearer: [] }],
  request: {
    params: Params,
    body: { content: { "application/json": { schema: SubmissionInputSchema } }, required: true },
  },
  responses: {
    201: json(SubmissionSchema, "Saved as the next version"),
    ...errorResponses,
    409: json(ErrorResponseSchema, "The assignment is closed or its due time has passed"),
  },
}, async (c) => {
  const { kv } = c.var.state;
  const actor = requireActor(c.var.state);
  const { assignment, role } = await assignmentAccess(kv, actor, c.req.valid("param").assignmentId);
  if (role !== "student") throw forbidden("Only students of this class can submit work.");
  const { text, fileIds } = c.req.valid("json");
  const submission = await submitWork(kv, {
    assignment,
    student: actor.user,
    text,
    fileIds,
  });
  return c.json(submission, 201);
});
