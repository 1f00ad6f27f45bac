import { z } from "zod";
import { requireAdmin } from "@/services/auth/access.ts";
import { listOrgUsers, RoleSchema } from "@/services/orgs/users.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";
import { publicUser, PublicUserSchema } from "@/services/web/schemas.ts";

/** The school's members, a page at a time (school admins). */
export const GET = defineApi({
  summary: "List the organization's members",
  tags: ["members"],
  security: [{ bearer: [] }],
  request: {
    query: z.object({
      role: RoleSchema.optional(),
      cursor: z.string().max(500).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
  },
  responses: {
    200: json(
      z.object({ items: z.array(PublicUserSchema), cursor: z.string().optional() }),
      "Members",
    ),
    ...errorResponses,
  },
}, async (c) => {
  const { user } = requireAdmin(c.var.state);
  const { role, cursor, limit } = c.req.valid("query");
  const page = await listOrgUsers(c.var.state.kv, user.orgId, { cursor, limit, role });
  return c.json({ items: page.items.map(publicUser), cursor: page.cursor }, 200);
});
