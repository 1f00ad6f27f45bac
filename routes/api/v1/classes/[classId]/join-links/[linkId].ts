import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import { requireLinkManager } from "@/services/classes/join_kinds.ts";
import {
  MAX_MAX_USES,
  removeLinkJoiners,
  revokeJoinLink,
  setJoinLinkMaxUses,
} from "@/services/classes/join_links.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";
import { ClassParamsSchema } from "@/services/web/schemas.ts";

const ParamsSchema = ClassParamsSchema.extend({ linkId: z.string().min(1).max(40) });

/**
 * Turns a join link off for good (the class's teachers and school admins). Idempotent. With
 * `?removeJoiners=true` it also takes out of the class everyone who came through the link
 * (and their pending requests), deleting the accounts the link made that are in no other
 * class, and answers how many.
 */
export const DELETE = defineApi({
  summary: "Revoke a join link (and optionally remove who joined through it)",
  tags: ["join links"],
  security: [{ bearer: [] }],
  request: {
    params: ParamsSchema,
    query: z.object({ removeJoiners: z.enum(["true", "false"]).optional() }),
  },
  responses: {
    200: json(
      z.object({
        removed: z.number().int().describe("People taken out of the class or its requests"),
        deleted: z.number().int().describe("Of those, accounts deleted (made by the link)"),
      }),
      "Revoked, and who joined through it removed",
    ),
    204: { description: "Revoked (or already revoked)" },
    ...errorResponses,
  },
}, async (c) => {
  const { kv } = c.var.state;
  const actor = requireActor(c.var.state);
  const { classId, linkId } = c.req.valid("param");
  const { cls } = await requireLinkManager(kv, actor, classId);
  await revokeJoinLink(kv, cls.orgId, cls.id, linkId);
  if (c.req.valid("query").removeJoiners !== "true") return c.body(null, 204);
  return c.json(await removeLinkJoiners(kv, cls.orgId, cls.id, linkId), 200);
});

/** Changes how many uses a link takes (raising it opens a full link again). */
export const PATCH = defineApi({
  summary: "Change a join link's limit of uses",
  tags: ["join links"],
  security: [{ bearer: [] }],
  request: {
    params: ParamsSchema,
    body: {
      content: {
        "application/json": {
          schema: z.strictObject({ maxUses: z.number().int().min(1).max(MAX_MAX_USES) }),
        },
      },
      required: true,
    },
  },
  responses: {
    200: json(z.object({ id: z.string(), maxUses: z.number().int() }), "The new limit"),
    ...errorResponses,
  },
}, async (c) => {
  const { kv } = c.var.state;
  const actor = requireActor(c.var.state);
  const { classId, linkId } = c.req.valid("param");
  const { cls } = await requireLinkManager(kv, actor, classId);
  const link = await setJoinLinkMaxUses(kv, cls.orgId, cls.id, linkId, c.req.valid("json").maxUses);
  return c.json({ id: link.id, maxUses: link.maxUses! }, 200);
});
