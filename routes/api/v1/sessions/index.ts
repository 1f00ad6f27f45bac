import { z } from "zod";
import { signIn, SignInSchema } from "@/services/auth/signin.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";
import { clientIp } from "@/services/web/forms.ts";
import { publicUser, PublicUserSchema } from "@/services/web/schemas.ts";

/** Signs in an API client: the token goes in `Authorization: Bearer <token>`. */
export const POST = defineApi({
  summary: "Sign in and get a bearer token",
  tags: ["auth"],
  request: { body: { content: { "application/json": { schema: SignInSchema } }, required: true } },
  responses: {
    201: json(
      z.object({ token: z.string(), expiresAt: z.string(), user: PublicUserSchema }),
      "Signed in",
    ),
    400: errorResponses[400],
    401: errorResponses[401],
    429: json(errorResponses[400].content["application/json"].schema, "Too many attempts"),
  },
}, async (c) => {
  const state = c.var.state;
  const { user, token, session } = await signIn(state.kv, c.req.valid("json"), {
    ip: clientIp(c.req.raw),
    ipLimit: state.config.signInIpLimit,
    ttlMs: state.config.sessionTtlMs,
    kind: "api",
  });
  return c.json({ token, expiresAt: session.expiresAt, user: publicUser(user) }, 201);
});
