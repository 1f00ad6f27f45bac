import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import { refreshClockinOrg } from "@/services/clockin/cache.ts";
import {
  assignShift,
  AssignTargetSchema,
  listShiftAssignments,
} from "@/services/clockin/shift_store.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";
import { requireWorkspaceAdmin } from "@/services/workspace/access.ts";

const AssignmentSchema = z.object({
  target: AssignTargetSchema,
  id: z.string(),
  shiftId: z.string(),
});

/** Who works which shift (workspace admins). */
export const GET = defineApi({
  summary: "List the shift assignments",
  tags: ["clockin"],
  security: [{ bearer: [] }],
  responses: {
    200: json(z.object({ items: z.array(AssignmentSchema) }), "Assignments"),
    ...errorResponses,
  },
}, async (c) => {
  const { kv } = c.var.state;
  const { org } = await requireWorkspaceAdmin(kv, requireActor(c.var.state));
  return c.json({ items: await listShiftAssignments(kv, org.id) }, 200);
});

/** Assigns a shift to the organization, a department or a person (shiftId null: removes). */
export const PUT = defineApi({
  summary: "Assign a shift",
  description: "A person's shift is theirs, else their nearest department's (walking up), " +
    "else the organization's.",
  tags: ["clockin"],
  security: [{ bearer: [] }],
  request: {
    body: {
      content: {
        "application/json": {
          schema: z.strictObject({
            target: AssignTargetSchema,
            id: z.string().max(40).optional(),
            shiftId: z.string().max(40).nullable(),
          }),
        },
      },
      required: true,
    },
  },
  responses: {
    200: json(z.object({ assignment: AssignmentSchema.nullable() }), "The assignment"),
    ...errorResponses,
  },
}, async (c) => {
  const { kv } = c.var.state;
  const { org } = await requireWorkspaceAdmin(kv, requireActor(c.var.state));
  const assignment = await assignShift(kv, org.id, c.req.valid("json"));
  refreshClockinOrg(kv, org.id);
  return c.json({ assignment }, 200);
});
