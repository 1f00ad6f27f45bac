import { z } from "zod";
import { requireActor, requireClassRole } from "@/services/auth/access.ts";
import { setClassArchived } from "@/services/classes/classes.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";
import { ClassParamsSchema, ClassViewSchema } from "@/services/web/schemas.ts";

/** Archives or restores a class (school admins). Its data stays. */
export const POST = defineApi({
  summary: "Archive or restore a class",
  tags: ["classes"],
  security: [{ bearer: [] }],
  request: {
    params: ClassParamsSchema,
    body: {
      content: { "application/json": { schema: z.strictObject({ archived: z.boolean() }) } },
      required: true,
    },
  },
  responses: { 200: json(ClassViewSchema, "The class"), ...errorResponses },
}, async (c) => {
  const { classId } = c.req.valid("param");
  const actor = requireActor(c.var.state);
  // Class access first: another school's class is 404 for everyone, admins included.
  await requireClassRole(c.var.state.kv, actor, classId, ["admin"]);
  const { user } = actor;
  const cls = await setClassArchived(
    c.var.state.kv,
    user.orgId,
    classId,
    c.req.valid("json").archived,
  );
  return c.json({ ...cls, myRole: "admin" as const }, 200);
});
