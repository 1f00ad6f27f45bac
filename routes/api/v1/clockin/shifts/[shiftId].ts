import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import { refreshClockinOrg } from "@/services/clockin/cache.ts";
import { StoredShiftSchema } from "@/services/clockin/model.ts";
import { deleteShift, getShift, updateShift } from "@/services/clockin/shift_store.ts";
import { ShiftSchema } from "@/services/clockin/shifts.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";
import { requireWorkspaceAdmin } from "@/services/workspace/access.ts";

const params = z.object({ shiftId: z.string().min(1).max(40) });

/** One shift (workspace admins; another organization's is 404). */
export const GET = defineApi({
  summary: "Read a shift",
  tags: ["clockin"],
  security: [{ bearer: [] }],
  request: { params },
  responses: { 200: json(StoredShiftSchema, "The shift"), ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  const { org } = await requireWorkspaceAdmin(kv, requireActor(c.var.state));
  return c.json(await getShift(kv, org.id, c.req.valid("param").shiftId), 200);
});

/** Replaces a shift's rules (send the whole shift). */
export const PUT = defineApi({
  summary: "Replace a shift",
  tags: ["clockin"],
  security: [{ bearer: [] }],
  request: {
    params,
    body: { content: { "application/json": { schema: ShiftSchema } }, required: true },
  },
  responses: { 200: json(StoredShiftSchema, "The shift as saved"), ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  const { org } = await requireWorkspaceAdmin(kv, requireActor(c.var.state));
  const s = await updateShift(kv, org.id, c.req.valid("param").shiftId, c.req.valid("json"));
  refreshClockinOrg(kv, org.id);
  return c.json(s, 200);
});

/** Deletes a shift and its assignments. */
export const DELETE = defineApi({
  summary: "Delete a shift",
  tags: ["clockin"],
  security: [{ bearer: [] }],
  request: { params },
  responses: { 204: { description: "Deleted" }, ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  const { org } = await requireWorkspaceAdmin(kv, requireActor(c.var.state));
  await deleteShift(kv, org.id, c.req.valid("param").shiftId);
  refreshClockinOrg(kv, org.id);
  return c.body(null, 204);
});
