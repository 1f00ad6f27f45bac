import { z } from "zod";
import { MAX_WEBHOOK_BYTES, receiveWebhook } from "@/services/attendance/webhooks.ts";
import { defineApi, ErrorResponseSchema, json } from "@/services/web/api.ts";
import { AppError } from "@/services/web/errors.ts";

const tooLarge = () =>
  new AppError("payload_too_large", `A webhook body may be at most ${MAX_WEBHOOK_BYTES} bytes.`);

/** Where the LiveKit server posts room and participant events (attendance). */
export const POST = defineApi({
  summary: "Receive a LiveKit webhook",
  description: "Called by the LiveKit server, not by people: the body is LiveKit's WebhookEvent " +
    "(`application/webhook+json`), the `Authorization` header the bare JWT LiveKit signs it " +
    "with (its `sha256` claim covers the raw body). Each event id is applied once; events of " +
    "rooms that are not lectures, or older than a day, are answered 200 and ignored.",
  tags: ["livekit"],
  responses: {
    200: json(
      z.object({
        outcome: z.enum(["applied", "duplicate", "ignored"]),
        reason: z.string().optional(),
      }),
      "Handled (or deliberately ignored); LiveKit retries anything else",
    ),
    400: json(ErrorResponseSchema, "A signed body that is not JSON"),
    401: json(ErrorResponseSchema, "Missing or bad signature, or a body that does not match it"),
    413: json(ErrorResponseSchema, "Body over 64 KiB"),
    503: json(ErrorResponseSchema, "No LiveKit server is configured"),
  },
}, async (c) => {
  const { kv, livekit } = c.var.state;
  const server = livekit.require();
  if (Number(c.req.header("content-length") ?? 0) > MAX_WEBHOOK_BYTES) throw tooLarge();
  // The RAW text: the signature covers these exact bytes, not a re-serialization.
  const raw = await c.req.text();
  if (new TextEncoder().encode(raw).length > MAX_WEBHOOK_BYTES) throw tooLarge();
  return c.json(await receiveWebhook(kv, server, raw, c.req.header("authorization") ?? ""), 200);
});
