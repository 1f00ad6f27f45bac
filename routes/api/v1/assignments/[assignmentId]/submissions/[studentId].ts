import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import { SubmissionSchema } from "@/services/coursework/model.ts";
import { assignmentAccess } from "@/services/coursework/assignments.ts";
import { listSubmissionVersions } from "@/services/coursework/submissions.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";
import { notFound } from "@/services/web/errors.ts";

/** Every version of one student's work: for the class's teachers, admins and the student. */
export const GET = defineApi({
  summary: "List every version of one student's work",
  tags: ["submissions"],
  security: [{ bearer: [] }],
  request: {
    params: z.object({
      assignmentId: z.string().min(1).max(40),
      studentId: z.string().min(1).max(40),
    }),
  },
  responses: {
    200: json(z.object({ items: z.array(SubmissionSchema) }), "Versions, oldest first"),
    ...errorResponses,
  },
}, async (c) => {
  const { kv } = c.var.state;
  const actor = requireActor(c.var.state);
  const { assignmentId, studentId } = c.req.valid("param");
  const { assignment, role } = await assignmentAccess(kv, actor, assignmentId);
  // Another student's work does not exist as far as a student can tell.
  if (role === "student" && studentId !== actor.user.id) throw notFound("Submission not found");
  return c.json({ items: await listSubmissionVersions(kv, assignment.id, studentId) }, 200);
});
