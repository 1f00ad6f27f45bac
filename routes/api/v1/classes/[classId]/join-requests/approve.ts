import { z } from "zod";
import { requireClassRole, TEACHERS } from "@/services/auth/access.ts";
import { approveJoinRequests, DecisionSchema } from "@/services/classes/join_requests.ts";
import { defineAction } from "@/services/web/actions.ts";
import { ClassParamsSchema } from "@/services/web/schemas.ts";

/** Approves pending join requests: the students join the class. */
export const POST = defineAction(
  {
    summary: "Approve join requests (some, or all pending)",
    tags: ["join requests"],
    params: ClassParamsSchema,
    body: z.union([DecisionSchema, z.strictObject({ all: z.literal(true) })]),
    find: (kv, actor, { classId }) => requireClassRole(kv, actor, classId, TEACHERS),
    result: {
      schema: z.object({
        approved: z.number().int().describe("Requests approved (decided ones skipped)"),
      }),
      description: "Approved",
    },
    errors: { 409: "The class is archived" },
  },
  ({ cls }, { state, body }) =>
    approveJoinRequests(state.kv, cls.orgId, cls.id, "all" in body ? "all" : body.userIds),
);
