import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import { refreshClockinOrg } from "@/services/clockin/cache.ts";
import { SiteSchema } from "@/services/clockin/model.ts";
import { deleteSite, getSite, SitePatchSchema, updateSite } from "@/services/clockin/sites.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";
import { requireWorkspaceAdmin } from "@/services/workspace/access.ts";

const params = z.object({ siteId: z.string().min(1).max(40) });

/** One site (workspace admins; another organization's is 404). */
export const GET = defineApi({
  summary: "Read a clock-in site",
  tags: ["clockin"],
  security: [{ bearer: [] }],
  request: { params },
  responses: { 200: json(SiteSchema, "The site"), ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  const { org } = await requireWorkspaceAdmin(kv, requireActor(c.var.state));
  return c.json(await getSite(kv, org.id, c.req.valid("param").siteId), 200);
});

/** Changes a site; absent fields stay as they are. */
export const PATCH = defineApi({
  summary: "Change a clock-in site",
  tags: ["clockin"],
  security: [{ bearer: [] }],
  request: {
    params,
    body: { content: { "application/json": { schema: SitePatchSchema } }, required: true },
  },
  responses: { 200: json(SiteSchema, "The site as saved"), ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  const { org } = await requireWorkspaceAdmin(kv, requireActor(c.var.state));
  const site = await updateSite(kv, org.id, c.req.valid("param").siteId, c.req.valid("json"));
  refreshClockinOrg(kv, org.id);
  return c.json(site, 200);
});

/** Removes a site; past punches keep their label. */
export const DELETE = defineApi({
  summary: "Remove a clock-in site",
  tags: ["clockin"],
  security: [{ bearer: [] }],
  request: { params },
  responses: { 204: { description: "Removed" }, ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  const { org } = await requireWorkspaceAdmin(kv, requireActor(c.var.state));
  await deleteSite(kv, org.id, c.req.valid("param").siteId);
  refreshClockinOrg(kv, org.id);
  return c.body(null, 204);
});
