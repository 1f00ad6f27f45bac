import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import { clockinOrg } from "@/services/clockin/cache.ts";
import { PunchSchema } from "@/services/clockin/model.ts";
import { todayFor } from "@/services/clockin/punches.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";
import { AppError } from "@/services/web/errors.ts";
import { inWorkspace } from "@/services/workspace/access.ts";

const TodaySchema = z.object({
  enabled: z.boolean(),
  quick: z.boolean().optional(),
  outsideRemark: z.boolean().optional(),
  outsidePhoto: z.enum(["off", "optional", "required"]).optional(),
  accuracyLimitM: z.number().optional(),
  serverTime: z.string().optional(),
  timeZone: z.string().optional(),
  day: z.string().optional(),
  shift: z.object({
    name: z.string(),
    kind: z.enum(["fixed", "flexible"]),
    expected: z.object({ start: z.string(), end: z.string() }).optional(),
    window: z.object({ opens: z.string(), start: z.string(), closes: z.string() }).optional(),
    remote: z.boolean(),
    holiday: z.boolean(),
    rest: z.boolean(),
  }).nullable().optional(),
  sites: z.array(z.object({ id: z.string(), name: z.string() })).optional(),
  punches: z.array(PunchSchema).optional(),
  next: z.enum(["in", "out"]).optional(),
  lastPunch: PunchSchema.optional(),
});

/** The asker's clock-in day: settings the page needs, the shift, sites, today's punches. */
export const GET = defineApi({
  summary: "Today's clock-in for the asker",
  description: "`{ enabled: false }` while clock-in is off; 404 without a workspace.",
  tags: ["clockin"],
  security: [{ bearer: [] }],
  responses: { 200: json(TodaySchema, "Today"), ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  const { user } = requireActor(c.var.state);
  const { org } = await clockinOrg(kv, user.orgId);
  if (!inWorkspace(org, user)) throw new AppError("not_found", "Workspace not found");
  return c.json(await todayFor(kv, user.orgId, user.id), 200);
});
