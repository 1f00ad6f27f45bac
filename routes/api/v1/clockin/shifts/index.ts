import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import { refreshClockinOrg } from "@/services/clockin/cache.ts";
import { StoredShiftSchema } from "@/services/clockin/model.ts";
import { createShift, listShifts } from "@/services/clockin/shift_store.ts";
import { ShiftSchema } from "@/services/clockin/shifts.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";
import { requireWorkspaceAdmin } from "@/services/workspace/access.ts";

/** The organization's shifts (workspace admins). */
export const GET = defineApi({
  summary: "List the shifts",
  tags: ["clockin"],
  security: [{ bearer: [] }],
  responses: {
    200: json(z.object({ items: z.array(StoredShiftSchema) }), "Shifts"),
    ...errorResponses,
  },
}, async (c) => {
  const { kv } = c.var.state;
  const { org } = await requireWorkspaceAdmin(kv, requireActor(c.var.state));
  return c.json({ items: await listShifts(kv, org.id) }, 200);
});

/** Creates a shift: fixed hours per weekday, or flexible hours with a core window. */
export const POST = defineApi({
  summary: "Create a shift",
  tags: ["clockin"],
  security: [{ bearer: [] }],
  request: {
    body: { content: { "application/json": { schema: ShiftSchema } }, required: true },
  },
  responses: { 201: json(StoredShiftSchema, "The new shift"), ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  const { org } = await requireWorkspaceAdmin(kv, requireActor(c.var.state));
  const shift = await createShift(kv, org.id, c.req.valid("json"));
  refreshClockinOrg(kv, org.id);
  return c.json(shift, 201);
});
