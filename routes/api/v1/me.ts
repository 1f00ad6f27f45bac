import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import { listUserClasses } from "@/services/classes/classes.ts";
import { getOrg, OrgSchema } from "@/services/orgs/orgs.ts";
import { renameUser } from "@/services/orgs/users.ts";
import { defineApi, errorResponses, ErrorResponseSchema, json } from "@/services/web/api.ts";
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

/** Changes the signed-in person's display name. */
export const PATCH = defineApi({
  summary: "Change my name",
  description: "The name is normalized (NFC, one space, no invisible or bidi-control " +
    "characters, at most 120 characters). A student may not take a teacher's or admin's name " +
    "of the school (409).",
  tags: ["auth"],
  security: [{ bearer: [] }],
  request: {
    body: {
      content: { "application/json": { schema: z.strictObject({ name: z.string().max(1000) }) } },
      required: true,
    },
  },
  responses: {
    200: json(PublicUserSchema, "The renamed user"),
    400: errorResponses[400],
    401: errorResponses[401],
    409: json(ErrorResponseSchema, "A teacher of the school has this name"),
  },
}, async (c) => {
  const { kv } = c.var.state;
  const { user } = requireActor(c.var.state);
  return c.json(publicUser(await renameUser(kv, user.id, c.req.valid("json").name)), 200);
});
