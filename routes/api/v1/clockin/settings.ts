import { requireActor } from "@/services/auth/access.ts";
import { refreshClockinOrg } from "@/services/clockin/cache.ts";
import { ClockinSettingsSchema } from "@/services/clockin/model.ts";
import {
  ClockinSettingsPatchSchema,
  getClockinSettings,
  saveClockinSettings,
} from "@/services/clockin/settings.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";
import { requireWorkspaceAdmin } from "@/services/workspace/access.ts";

/** The organization's clock-in settings (workspace admins). */
export const GET = defineApi({
  summary: "Read the clock-in settings",
  description: "Clock-in is off until an admin switches it on; absent settings read as defaults.",
  tags: ["clockin"],
  security: [{ bearer: [] }],
  responses: { 200: json(ClockinSettingsSchema, "The settings"), ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  const { org } = await requireWorkspaceAdmin(kv, requireActor(c.var.state));
  return c.json(await getClockinSettings(kv, org.id), 200);
});

/** Changes some of the settings; absent fields keep their value. */
export const PUT = defineApi({
  summary: "Change the clock-in settings",
  tags: ["clockin"],
  security: [{ bearer: [] }],
  request: {
    body: {
      content: { "application/json": { schema: ClockinSettingsPatchSchema } },
      required: true,
    },
  },
  responses: { 200: json(ClockinSettingsSchema, "The settings as saved"), ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  const { org } = await requireWorkspaceAdmin(kv, requireActor(c.var.state));
  const saved = await saveClockinSettings(kv, org.id, c.req.valid("json"));
  refreshClockinOrg(kv, org.id);
  return c.json(saved, 200);
});
