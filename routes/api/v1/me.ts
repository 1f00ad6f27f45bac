import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import { listUserClasses } from "@/services/classes/classes.ts";
import { getOrg, OrgSchema } from "@/services/orgs/orgs.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";
import { ClassViewSchema, publicUser, PublicUserSchema } from "@/services/web/schemas.ts";

/** Who am I, in which school, in which classes. */
export const GET = defineApi({
  summary: "The signed-in user, their organization and classes",
  tags: ["auth"],
  security: [{ bearer: [] }],
  responses: {
    200: json(
      z.object({ user: PublicUserSchema, org: OrgSchema, classes: z.array(ClassViewSchema) }),
      "The signed-in user",
    ),
    401: errorResponses[401],
  },
}, async (c) => {
  const { kv } = c.var.state;
  const { user } = requireActor(c.var.state);
  const classes = await listUserClasses(kv, user);
  return c.json({
    user: publicUser(user),
    org: await getOrg(kv, user.orgId),
    classes: classes.map(({ cls, role }) => ({ ...cls, myRole: role })),
  }, 200);
});
