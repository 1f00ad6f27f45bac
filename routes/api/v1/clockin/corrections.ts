import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import {
  correctDay,
  CorrectionInputSchema,
  listCorrections,
  requireManagesPerson,
} from "@/services/clockin/corrections.ts";
import { CorrectionSchema } from "@/services/clockin/model.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";
import { requireManager } from "@/services/workspace/access.ts";

/** A manager corrects a person's day. */
export const POST = defineApi({
  summary: "Correct a person's clock-in day",
  description: 'action "add": a missed punch at `time` (HH:MM on the organization\'s clock); ' +
    'action "remove": a punch no longer counts (it stays stored). Always with a reason. The ' +
    "punch change and its correction record (who, when, before, after, reason) are one " +
    "commit; the person is notified and sees it in `GET /api/v1/clockin/me`. Their managers " +
    "and workspace admins only.",
  tags: ["clockin"],
  security: [{ bearer: [] }],
  request: {
    body: { content: { "application/json": { schema: CorrectionInputSchema } }, required: true },
  },
  responses: {
    201: json(CorrectionSchema, "The correction"),
    ...errorResponses,
    409: json(z.object({}), "The punch already does not count, or changed meanwhile"),
  },
}, async (c) => {
  const state = c.var.state;
  return c.json(await correctDay(state.kv, requireActor(state), c.req.valid("json")), 201);
});

/** A person's corrections of a month (for their managers). */
export const GET = defineApi({
  summary: "List the corrections of a person's month",
  description: "Oldest first. Their managers and workspace admins; the person reads theirs " +
    "in `GET /api/v1/clockin/me`.",
  tags: ["clockin"],
  security: [{ bearer: [] }],
  request: {
    query: z.object({
      userId: z.string().min(1).max(40),
      month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "Use a month YYYY-MM."),
    }),
  },
  responses: {
    200: json(z.object({ items: z.array(CorrectionSchema) }), "The corrections"),
    ...errorResponses,
  },
}, async (c) => {
  const state = c.var.state;
  const { userId, month } = c.req.valid("query");
  const access = await requireManager(state.kv, requireActor(state));
  const person = await requireManagesPerson(state.kv, access, userId);
  return c.json({ items: await listCorrections(state.kv, access.org.id, person.id, month) }, 200);
});
