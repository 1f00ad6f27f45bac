import { z } from "zod";
import { requireAdmin } from "@/services/auth/access.ts";
import { DEFAULT_RETENTION_DAYS } from "@/services/recordings/model.ts";
import { retentionDays, setRetentionDays } from "@/services/recordings/recordings.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";

const RetentionSchema = z.strictObject({
  days: z.number().int().min(1).max(3650).describe(
    `Days a recording is kept (default ${DEFAULT_RETENTION_DAYS})`,
  ),
});

/** How long the school keeps lecture recordings (admins). */
export const GET = defineApi({
  summary: "Read the school's recording retention",
  tags: ["recordings"],
  security: [{ bearer: [] }],
  responses: { 200: json(RetentionSchema, "The retention"), ...errorResponses },
}, async (c) => {
  const admin = requireAdmin(c.var.state);
  return c.json({ days: await retentionDays(c.var.state.kv, admin.user.orgId) }, 200);
});

/** Sets how long the school keeps recordings made from now on (admins). */
export const PUT = defineApi({
  summary: "Set the school's recording retention",
  description: "Applies to recordings made from now on; each is deleted when its days pass.",
  tags: ["recordings"],
  security: [{ bearer: [] }],
  request: {
    body: { content: { "application/json": { schema: RetentionSchema } }, required: true },
  },
  responses: { 200: json(RetentionSchema, "The retention"), ...errorResponses },
}, async (c) => {
  const admin = requireAdmin(c.var.state);
  const { days } = c.req.valid("json");
  await setRetentionDays(c.var.state.kv, admin.user.orgId, days);
  return c.json({ days }, 200);
});
