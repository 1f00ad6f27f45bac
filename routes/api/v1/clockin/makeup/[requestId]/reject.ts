import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import { decideMakeup, MakeupDecisionSchema } from "@/services/clockin/makeup.ts";
import { MakeupRequestSchema } from "@/services/clockin/model.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";
import { AppError, validateInput } from "@/services/web/errors.ts";

/** A manager rejects a makeup request. */
export const POST = defineApi({
  summary: "Reject a makeup request",
  description: "Writes the decision, gives the place in the month's limit back and notifies the " +
    "requester. " +
    "A manager of the requester's department or a workspace admin; 409 when already decided.",
  tags: ["clockin"],
  security: [{ bearer: [] }],
  request: {
    params: z.object({ requestId: z.string().min(1).max(40) }),
    body: { content: { "application/json": { schema: MakeupDecisionSchema } }, required: false },
  },
  responses: {
    200: json(MakeupRequestSchema, "The request, rejected"),
    ...errorResponses,
    409: json(z.object({}), "Already decided"),
  },
}, async (c) => {
  const state = c.var.state;
  const text = await c.req.text();
  let raw: unknown = {};
  try {
    if (text.trim()) raw = JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "The body is not valid JSON.");
  }
  const body = validateInput(MakeupDecisionSchema, raw);
  const decided = await decideMakeup(
    state.kv,
    requireActor(state),
    c.req.valid("param").requestId,
    "rejected",
    body.note,
  );
  return c.json(decided, 200);
});
