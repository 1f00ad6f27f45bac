import { getSessionUser } from "@/services/auth/sessions.ts";
import { negotiateLocale, translator } from "@/services/i18n/i18n.ts";
import { getCookies, LANG_COOKIE, SESSION_COOKIE } from "@/services/web/cookies.ts";
import { checkCsrf } from "@/services/web/csrf.ts";
import { pageCsp } from "@/services/web/csp.ts";
import type { RouteContext } from "@/services/web/define.ts";

/** Every request: language, who is asking, CSRF, security headers. */
export async function handler(req: Request, ctx: RouteContext): Promise<Response> {
  const { state } = ctx;
  const cookies = getCookies(req);
  state.locale = negotiateLocale(req.headers.get("accept-language"), cookies[LANG_COOKIE]);
  state.t = translator(state.locale);

  const bearer = req.headers.get("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
  const token = bearer ?? cookies[SESSION_COOKIE];
  const found = token ? await getSessionUser(state.kv, token) : null;
  if (found) state.actor = found;

  await checkCsrf(req, {
    via: bearer ? "bearer" : state.actor ? "cookie" : "none",
    csrf: state.actor?.session.csrf,
  }, state.config.publicOrigin);

  const res = await ctx.next();
  res.headers.set("x-content-type-options", "nosniff");
  res.headers.set("referrer-policy", "same-origin");
  // Browsers keep to https once they have seen it over https (subdomains are not ours to bind).
  if (state.config.publicOrigin.startsWith("https:")) {
    res.headers.set("strict-transport-security", "max-age=31536000");
  }
  const html = res.headers.get("content-type")?.startsWith("text/html");
  if (html) {
    // A page may bring its own policy (the lecture room allows wasm); all others get this one.
    if (!res.headers.has("content-security-policy")) {
      res.headers.set(
        "content-security-policy",
        pageCsp({ livekitUrl: state.livekit.server?.url }),
      );
    }
    res.headers.set("x-frame-options", "DENY");
  }
  // Pages, and every answer to a request that carries a session (cookie or bearer), are
  // someone's own: no cache keeps them, unless the route chose otherwise.
  if ((html || token) && !res.headers.has("cache-control")) {
    res.headers.set("cache-control", "no-store");
  }
  return res;
}
