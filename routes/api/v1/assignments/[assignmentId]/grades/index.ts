import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import {
  assignmentAccess,
  AssignmentParamsSchema,
  requireManager,
} from "@/services/coursework/assignments.ts";
import {
  GradingRowSchema,
  listGradingRows,
  releaseAllGrades,
} from "@/services/coursework/grading.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";

/** The grading screen: every student with their latest submission and grade (drafts too). */
export const GET = defineApi({
  summary: "List grades of an assignment (teachers)",
  tags: ["coursework"],
  security: [{ bearer: [] }],
  request: {
    params: AssignmentParamsSchema,
    query: z.object({
      offset: z.coerce.number().int().min(0).default(0),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
  },
  responses: {
    200: json(
      z.object({
        items: z.array(GradingRowSchema),
        total: z.number(),
        offset: z.number(),
        limit: z.number(),
      }),
      "One page of students by name",
    ),
    ...errorResponses,
  },
}, async (c) => {
  const { kv } = c.var.state;
  const actor = requireActor(c.var.state);
  const { assignment, role } = await assignmentAccess(kv, actor, c.req.valid("param").assignmentId);
  requireManager(role);
  return c.json(await listGradingRows(kv, assignment, c.req.valid("query")), 200);
});

/** Releases every draft grade; each student is notified. */
export const POST = defineApi({
  summary: "Release all draft grades of an assignment",
  tags: ["coursework"],
  security: [{ bearer: [] }],
  request: { params: AssignmentParamsSchema },
  responses: {
    200: json(z.object({ released: z.number().int() }), "How many grades were released"),
    ...errorResponses,
  },
}, async (c) => {
  const { kv } = c.var.state;
  const actor = requireActor(c.var.state);
  const { assignment, role } = await assignmentAccess(kv, actor, c.req.valid("param").assignmentId);
  requireManager(role);
  return c.json({ released: await releaseAllGrades(kv, assignment) }, 200);
});
