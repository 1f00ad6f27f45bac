import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import { listMyMakeups, MakeupInputSchema, requestMakeup } from "@/services/clockin/makeup.ts";
import { MakeupRequestSchema } from "@/services/clockin/model.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";
import { workspaceAccess } from "@/services/workspace/access.ts";

/** An employee asks for a punch they missed (补卡). */
export const POST = defineApi({
  summary: "Request a makeup punch",
  description: "For the asker's own day: `day` (YYYY-MM-DD), `punchKind` in/out, `at` (HH:MM on " +
    "the organization's clock), `reason`. 400 for a day in the future or past the deadline " +
    "(settings: makeupDeadlineDays); 409 when the month's limit (makeupPerMonth) is used up; " +
    "403 when clock-in is off. A manager of the asker's department decides it.",
  tags: ["clockin"],
  security: [{ bearer: [] }],
  request: {
    body: { content: { "application/json": { schema: MakeupInputSchema } }, required: true },
  },
  responses: {
    201: json(MakeupRequestSchema, "The request, pending"),
    ...errorResponses,
    409: json(z.object({}), "The month's limit is used up"),
  },
}, async (c) => {
  const state = c.var.state;
  return c.json(await requestMakeup(state.kv, requireActor(state), c.req.valid("json")), 201);
});

/** The asker's own makeup requests. */
export const GET = defineApi({
  summary: "List my makeup requests",
  description: "Newest first; `month` keeps the requests for the days of one month.",
  tags: ["clockin"],
  security: [{ bearer: [] }],
  request: {
    query: z.object({
      month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "Use a month YYYY-MM.").optional(),
    }),
  },
  responses: {
    200: json(z.object({ items: z.array(MakeupRequestSchema) }), "My requests"),
    ...errorResponses,
  },
}, async (c) => {
  const state = c.var.state;
  const actor = requireActor(state);
  await workspaceAccess(state.kv, actor);
  return c.json(
    { items: await listMyMakeups(state.kv, actor.user.id, c.req.valid("query").month) },
    200,
  );
});
