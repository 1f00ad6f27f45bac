import { z } from "zod";
import { requireActor, requireAdmin } from "@/services/auth/access.ts";
import {
  ClassInputSchema,
  createClass,
  listClassesByOrg,
  listUserClasses,
} from "@/services/classes/classes.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";
import { ClassViewSchema } from "@/services/web/schemas.ts";

/** Admins see every class of their school; teachers and students see their own. */
export const GET = defineApi({
  summary: "List the classes the asker can see",
  tags: ["classes"],
  security: [{ bearer: [] }],
  request: {
    query: z.object({ archived: z.enum(["true", "false"]).optional() }),
  },
  responses: {
    200: json(z.object({ items: z.array(ClassViewSchema) }), "Classes"),
    400: errorResponses[400],
    401: errorResponses[401],
  },
}, async (c) => {
  const { kv } = c.var.state;
  const { user } = requireActor(c.var.state);
  const includeArchived = c.req.valid("query").archived === "true";
  if (user.role === "admin") {
    const classes = await listClassesByOrg(kv, user.orgId, { includeArchived });
    return c.json({ items: classes.map((cl) => ({ ...cl, myRole: "admin" as const })) }, 200);
  }
  const classes = await listUserClasses(kv, user, { includeArchived });
  return c.json({ items: classes.map(({ cls, role }) => ({ ...cls, myRole: role })) }, 200);
});

export const POST = defineApi({
  summary: "Create a class (school admins)",
  tags: ["classes"],
  security: [{ bearer: [] }],
  request: {
    body: { content: { "application/json": { schema: ClassInputSchema } }, required: true },
  },
  responses: {
    201: json(ClassViewSchema, "The new class"),
    ...errorResponses,
  },
}, async (c) => {
  const { user } = requireAdmin(c.var.state);
  const cls = await createClass(c.var.state.kv, user.orgId, c.req.valid("json"));
  return c.json({ ...cls, myRole: "admin" as const }, 201);
});
