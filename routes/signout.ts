import { revokeSession } from "@/services/auth/sessions.ts";
import { cookieHeader, SESSION_COOKIE } from "@/services/web/cookies.ts";
import type { Handlers } from "@/services/web/define.ts";
import { redirect } from "@/services/web/forms.ts";

export const handler: Handlers = {
  async POST(_req, ctx) {
    const { actor, kv, config } = ctx.state;
    if (actor) await revokeSession(kv, actor.session);
    return redirect("/signin", {
      "set-cookie": cookieHeader(SESSION_COOKIE, "", {
        maxAgeSeconds: 0,
        secure: config.secureCookies,
      }),
    });
  },
};
