import { z } from "zod";
import { requireActor, requireClassRole, TEACHERS } from "@/services/auth/access.ts";
import { approveJoinRequests, MAX_DECISIONS } from "@/services/classes/join_requests.ts";
import { defineApi, errorResponses, ErrorResponseSchema, json } from "@/services/web/api.ts";
import { ClassParamsSchema } from "@/services/web/schemas.ts";

/** Approves pending join requests: the students join the class. */
export const POST = defineApi({
  summary: "Approve join requests (some, or all pending)",
  tags: ["join requests"],
  security: [{ bearer: [] }],
  request: {
    params: ClassParamsSchema,
    body: {
      content: {
        "application/json": {
          schema: z.union([
            z.strictObject({
              userIds: z.array(z.string().min(1).max(40)).min(1).max(MAX_DECISIONS),
            }),
            z.strictObject({ all: z.literal(true) }),
          ]),
        },
      },
      required: true,
    },
  },
  responses: {
    200: json(
      z.object({ approved: z.number().int().describe("Requests approved (decided ones skipped)") }),
      "Approved",
    ),
    ...errorResponses,
    409: json(ErrorResponseSchema, "The class is archived"),
  },
}, async (c) => {
  const { kv } = c.var.state;
  const { classId } = c.req.valid("param");
  const { cls } = await requireClassRole(kv, requireActor(c.var.state), classId, TEACHERS);
  const body = c.req.valid("json");
  const ids = "all" in body ? "all" as const : body.userIds;
  return c.json(await approveJoinRequests(kv, cls.orgId, cls.id, ids), 200);
});
