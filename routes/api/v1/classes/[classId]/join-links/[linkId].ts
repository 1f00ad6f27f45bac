import { z } from "zod";
import { requireActor, requireClassRole } from "@/services/auth/access.ts";
import { revokeJoinLink } from "@/services/classes/join_links.ts";
import { defineApi, errorResponses } from "@/services/web/api.ts";
import { ClassParamsSchema } from "@/services/web/schemas.ts";

/** Turns a join link off for good (the class's teachers and school admins). Idempotent. */
export const DELETE = defineApi({
  summary: "Revoke a join link",
  tags: ["join links"],
  security: [{ bearer: [] }],
  request: {
    params: ClassParamsSchema.extend({ linkId: z.string().min(1).max(40) }),
  },
  responses: { 204: { description: "Revoked (or already revoked)" }, ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  const actor = requireActor(c.var.state);
  const { classId, linkId } = c.req.valid("param");
  const { cls } = await requireClassRole(kv, actor, classId, ["admin", "teacher"]);
  await revokeJoinLink(kv, cls.orgId, cls.id, linkId);
  return c.body(null, 204);
});
