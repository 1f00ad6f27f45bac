import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import { mergeStudents } from "@/services/orgs/merge.ts";
import { defineApi, errorResponses, ErrorResponseSchema, json } from "@/services/web/api.ts";

const UserParamsSchema = z.object({ userId: z.string().min(1).max(40) });

const MergeReportSchema = z.object({
  keepId: z.string(),
  foldedId: z.string(),
  already: z.boolean().describe("The merge had finished before: nothing changed"),
  moved: z.object({
    classes: z.number().int(),
    submissions: z.number().int(),
    grades: z.number().int(),
    attendance: z.number().int(),
    lectureRecords: z.number().int(),
    notifications: z.number().int(),
  }),
});

/** Folds a second account of a student into this one (`userId` is the account kept). */
export const POST = defineApi({
  summary: "Merge two accounts of one student (teachers of both, school admins)",
  description: "Moves every record of `foldId` (class memberships, submissions, grades, " +
    "attendance, lecture records, notifications) to the account `userId`, then deletes " +
    "`foldId` and ends its sessions. Both handed in the same assignment: every version is " +
    "kept and the newer is the latest. Both graded: a released grade wins over a draft, else " +
    "the newer. Idempotent: calling it again finishes an interrupted merge, or changes nothing.",
  tags: ["people"],
  security: [{ bearer: [] }],
  request: {
    params: UserParamsSchema,
    body: {
      content: {
        "application/json": {
          schema: z.strictObject({
            foldId: z.string().min(1).max(40).describe("The account folded in and deleted"),
          }),
        },
      },
      required: true,
    },
  },
  responses: {
    200: json(MergeReportSchema, "What moved"),
    ...errorResponses,
    409: json(ErrorResponseSchema, "The folded account is being merged into another one"),
  },
}, async (c) => {
  const { kv } = c.var.state;
  const report = await mergeStudents(kv, requireActor(c.var.state), {
    keepId: c.req.valid("param").userId,
    foldId: c.req.valid("json").foldId,
  });
  return c.json(report, 200);
});
