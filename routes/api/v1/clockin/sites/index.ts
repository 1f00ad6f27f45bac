import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import { refreshClockinOrg } from "@/services/clockin/cache.ts";
import { SiteSchema } from "@/services/clockin/model.ts";
import { createSite, listSites, SiteInputSchema } from "@/services/clockin/sites.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";
import { requireWorkspaceAdmin } from "@/services/workspace/access.ts";

/** The organization's clock-in sites (workspace admins). */
export const GET = defineApi({
  summary: "List the clock-in sites",
  tags: ["clockin"],
  security: [{ bearer: [] }],
  responses: { 200: json(z.object({ items: z.array(SiteSchema) }), "Sites"), ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  const { org } = await requireWorkspaceAdmin(kv, requireActor(c.var.state));
  return c.json({ items: await listSites(kv, org.id) }, 200);
});

/** Registers a site. */
export const POST = defineApi({
  summary: "Register a clock-in site",
  description: "A point, a radius of 50 to 3000 m (default 1000), optional office networks " +
    "(IP ranges; a punch from one counts as on site) and who it is for (departments, with " +
    "those below them, and people; none: everyone).",
  tags: ["clockin"],
  security: [{ bearer: [] }],
  request: {
    body: { content: { "application/json": { schema: SiteInputSchema } }, required: true },
  },
  responses: { 201: json(SiteSchema, "The new site"), ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  const { org } = await requireWorkspaceAdmin(kv, requireActor(c.var.state));
  const site = await createSite(kv, org.id, c.req.valid("json"));
  refreshClockinOrg(kv, org.id);
  return c.json(site, 201);
});
