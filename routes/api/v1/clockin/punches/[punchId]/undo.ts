import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import { clockinOrg } from "@/services/clockin/cache.ts";
import { PunchSchema } from "@/services/clockin/model.ts";
import { undoPunch } from "@/services/clockin/punches.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";
import { AppError } from "@/services/web/errors.ts";
import { inWorkspace } from "@/services/workspace/access.ts";

/** Undoes the asker's own quick clock-in within 5 minutes. */
export const POST = defineApi({
  summary: "Undo a quick clock-in",
  description: "The asker's own quick clock-in, within 5 minutes: it stays stored with " +
    "`undoneAt` and no longer counts. Any other punch: 404.",
  tags: ["clockin"],
  security: [{ bearer: [] }],
  request: { params: z.object({ punchId: z.string().min(1).max(40) }) },
  responses: { 200: json(z.object({ punch: PunchSchema }), "The undone punch"), ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  const { user } = requireActor(c.var.state);
  const { org } = await clockinOrg(kv, user.orgId);
  if (!inWorkspace(org, user)) throw new AppError("not_found", "Workspace not found");
  const { punchId } = c.req.valid("param");
  const punch = await undoPunch(kv, user.orgId, user.id, punchId, new Date(), c.var.state.t);
  return c.json({ punch }, 200);
});
