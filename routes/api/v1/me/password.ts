import { changePassword, PasswordChangeSchema } from "@/services/auth/account.ts";
import { requireActor } from "@/services/auth/access.ts";
import { defineApi, errorResponses, ErrorResponseSchema, json } from "@/services/web/api.ts";
import { clientIp } from "@/services/web/forms.ts";

/** Changes the signed-in person's password (or sets a first one). */
export const POST = defineApi({
  summary: "Change my password",
  description: "`currentPassword` is needed when the account has a password (a wrong one " +
    "counts as a failed sign-in). Ends every other session of the account; this one stays.",
  tags: ["auth"],
  security: [{ bearer: [] }],
  request: {
    body: { content: { "application/json": { schema: PasswordChangeSchema } }, required: true },
  },
  responses: {
    204: { description: "Changed" },
    400: errorResponses[400],
    401: errorResponses[401],
    429: json(ErrorResponseSchema, "Too many wrong current passwords"),
  },
}, async (c) => {
  const state = c.var.state;
  await changePassword(state.kv, requireActor(state), c.req.valid("json"), {
    ip: clientIp(c.req.raw),
    ipLimit: state.config.signInIpLimit,
  });
  return c.body(null, 204);
});
