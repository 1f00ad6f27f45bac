import { z } from "zod";
import { TEACHERS } from "@/services/auth/access.ts";
import { assignmentAccess, AssignmentParamsSchema } from "@/services/coursework/assignments.ts";
import { nudgeNonSubmitters } from "@/services/coursework/reminders.ts";
import { defineAction } from "@/services/web/actions.ts";
import { AppError } from "@/services/web/errors.ts";

/** Reminds, now, the students who have not submitted (excused ones are left alone). */
export const POST = defineAction({
  summary: "Nudge the students who have not submitted",
  tags: ["coursework"],
  params: AssignmentParamsSchema,
  find: (kv, actor, { assignmentId }) => assignmentAccess(kv, actor, assignmentId, TEACHERS),
  result: {
    schema: z.object({ notified: z.number().int() }),
    description: "How many students were notified",
  },
  errors: { 409: "The assignment is not published" },
}, async ({ assignment }, { state }) => {
  if (assignment.status !== "published") {
    throw new AppError("conflict", "Only a published assignment can be nudged about.");
  }
  return { notified: await nudgeNonSubmitters(state.kv, assignment) };
});
