import { z } from "zod";
import { requireActor, requireClassRole, TEACHERS } from "@/services/auth/access.ts";
import { denyJoinRequests, MAX_DECISIONS } from "@/services/classes/join_requests.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";
import { ClassParamsSchema } from "@/services/web/schemas.ts";

/**
 * Denies pending join requests: each request goes, and an account the sign-up made that is
 * in no other class is deleted.
 */
export const POST = defineApi({
  summary: "Deny join requests",
  tags: ["join requests"],
  security: [{ bearer: [] }],
  request: {
    params: ClassParamsSchema,
    body: {
      content: {
        "application/json": {
          schema: z.strictObject({
            userIds: z.array(z.string().min(1).max(40)).min(1).max(MAX_DECISIONS),
          }),
        },
      },
      required: true,
    },
  },
  responses: {
    200: json(
      z.object({ denied: z.number().int().describe("Requests denied (decided ones skipped)") }),
      "Denied",
    ),
    ...errorResponses,
  },
}, async (c) => {
  const { kv } = c.var.state;
  const { classId } = c.req.valid("param");
  const { cls } = await requireClassRole(kv, requireActor(c.var.state), classId, TEACHERS);
  return c.json(await denyJoinRequests(kv, cls.orgId, cls.id, c.req.valid("json").userIds), 200);
});
