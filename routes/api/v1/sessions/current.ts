import { requireActor } from "@/services/auth/access.ts";
import { revokeSession } from "@/services/auth/sessions.ts";
import { defineApi, errorResponses } from "@/services/web/api.ts";

/** Signs out: the token stops working at once. */
export const DELETE = defineApi({
  summary: "Sign out (revoke this session)",
  tags: ["auth"],
  security: [{ bearer: [] }],
  responses: { 204: { description: "Signed out" }, 401: errorResponses[401] },
}, async (c) => {
  const actor = requireActor(c.var.state);
  await revokeSession(c.var.state.kv, actor.session);
  return c.body(null, 204);
});
