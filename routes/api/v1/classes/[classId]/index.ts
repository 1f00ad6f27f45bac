import { classAccess, requireActor, requireClassRole } from "@/services/auth/access.ts";
import { ClassPatchSchema, updateClass } from "@/services/classes/classes.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";
import { ClassParamsSchema, ClassViewSchema } from "@/services/web/schemas.ts";

export const GET = defineApi({
  summary: "Read a class",
  tags: ["classes"],
  security: [{ bearer: [] }],
  request: { params: ClassParamsSchema },
  responses: { 200: json(ClassViewSchema, "The class"), ...errorResponses },
}, async (c) => {
  const actor = requireActor(c.var.state);
  const { cls, role } = await classAccess(c.var.state.kv, actor, c.req.valid("param").classId);
  return c.json({ ...cls, myRole: role }, 200);
});

export const PATCH = defineApi({
  summary: "Edit a class: name, grade, subject, teachers (school admins)",
  tags: ["classes"],
  security: [{ bearer: [] }],
  request: {
    params: ClassParamsSchema,
    body: { content: { "application/json": { schema: ClassPatchSchema } }, required: true },
  },
  responses: { 200: json(ClassViewSchema, "The edited class"), ...errorResponses },
}, async (c) => {
  const { classId } = c.req.valid("param");
  const actor = requireActor(c.var.state);
  // Class access first: another school's class is 404 for everyone, admins included.
  await requireClassRole(c.var.state.kv, actor, classId, ["admin"]);
  const { user } = actor;
  const cls = await updateClass(
    c.var.state.kv,
    user.orgId,
    classId,
    c.req.valid("json"),
  );
  return c.json({ ...cls, myRole: "admin" as const }, 200);
});
