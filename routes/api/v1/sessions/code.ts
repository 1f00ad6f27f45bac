import { z } from "zod";
import { CodeSignInSchema, signInWithCode } from "@/services/auth/codes.ts";
import { NewPasswordSchema } from "@/services/auth/passwords.ts";
import { linkSecret } from "@/services/classes/join_links.ts";
import { defineApi, errorResponses, ErrorResponseSchema, json } from "@/services/web/api.ts";
import { clientIp } from "@/services/web/forms.ts";
import { publicUser, PublicUserSchema } from "@/services/web/schemas.ts";

/** Signs in with a one-time code, setting the new password in the same step. */
export const POST = defineApi({
  summary: "Sign in with a one-time code and set a password",
  description: "The code (from an admin's sign-in reset) works once: this call spends it, " +
    "sets `newPassword` and ends the person's other sessions. Throttled like password sign-in.",
  tags: ["auth"],
  request: {
    body: {
      content: {
        "application/json": { schema: CodeSignInSchema.extend({ newPassword: NewPasswordSchema }) },
      },
      required: true,
    },
  },
  responses: {
    201: json(
      z.object({ token: z.string(), expiresAt: z.string(), user: PublicUserSchema }),
      "Signed in with the new password set",
    ),
    400: errorResponses[400],
    401: json(ErrorResponseSchema, "Wrong, expired or used code, or unknown account"),
    429: json(ErrorResponseSchema, "Too many attempts"),
  },
}, async (c) => {
  const { kv, config } = c.var.state;
  const { user, token, session } = await signInWithCode(
    kv,
    await linkSecret(kv, config),
    c.req.valid("json"),
    {
      ip: clientIp(c.req.raw),
      ipLimit: config.signInIpLimit,
      ttlMs: config.sessionTtlMs,
      kind: "api",
    },
  );
  return c.json({ token, expiresAt: session.expiresAt, user: publicUser(user) }, 201);
});
