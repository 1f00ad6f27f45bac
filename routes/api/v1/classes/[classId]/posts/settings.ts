import { classAccess, requireActor, requireClassRole, TEACHERS } from "@/services/auth/access.ts";
import { StreamSettingsSchema } from "@/services/stream/model.ts";
import { getStreamSettings, setStreamSettings } from "@/services/stream/posts.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";
import { ClassParamsSchema } from "@/services/web/schemas.ts";

/** The class's stream settings (every member may read them). */
export const GET = defineApi({
  summary: "Read a class's stream settings",
  tags: ["stream"],
  security: [{ bearer: [] }],
  request: { params: ClassParamsSchema },
  responses: { 200: json(StreamSettingsSchema, "The settings"), ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  const { cls } = await classAccess(kv, requireActor(c.var.state), c.req.valid("param").classId);
  return c.json(await getStreamSettings(kv, cls.id), 200);
});

/** Sets whether new announcements start with comments off (teachers, admins). */
export const PATCH = defineApi({
  summary: "Set a class's stream settings",
  description: "`commentsOff`: announcements posted from now on start with comments off " +
    "(each post keeps its own switch).",
  tags: ["stream"],
  security: [{ bearer: [] }],
  request: {
    params: ClassParamsSchema,
    body: {
      content: { "application/json": { schema: StreamSettingsSchema.strict() } },
      required: true,
    },
  },
  responses: { 200: json(StreamSettingsSchema, "Saved"), ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  const actor = requireActor(c.var.state);
  const { cls } = await requireClassRole(kv, actor, c.req.valid("param").classId, TEACHERS);
  return c.json(await setStreamSettings(kv, cls, c.req.valid("json")), 200);
});
