import { z } from "zod";
import { requireClassRole, TEACHERS } from "@/services/auth/access.ts";
import { DecisionSchema, denyJoinRequests } from "@/services/classes/join_requests.ts";
import { defineAction } from "@/services/web/actions.ts";
import { ClassParamsSchema } from "@/services/web/schemas.ts";

/**
 * Denies pending join requests: each request goes, and an account the sign-up made that is
 * in no other class is deleted.
 */
export const POST = defineAction({
  summary: "Deny join requests",
  tags: ["join requests"],
  params: ClassParamsSchema,
  body: DecisionSchema,
  find: (kv, actor, { classId }) => requireClassRole(kv, actor, classId, TEACHERS),
  result: {
    schema: z.object({
      denied: z.number().int().describe("Requests denied (decided ones skipped)"),
    }),
    description: "Denied",
  },
}, ({ cls }, { state, body }) => denyJoinRequests(state.kv, cls.orgId, cls.id, body.userIds));
