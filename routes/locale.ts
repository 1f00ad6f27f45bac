import { isLocale } from "@/services/i18n/i18n.ts";
import { cookieHeader, LANG_COOKIE } from "@/services/web/cookies.ts";
import type { Handlers } from "@/services/web/define.ts";
import { readForm, redirect, safeNext } from "@/services/web/forms.ts";

/** The language switch: remembers the choice for a year. */
export const handler: Handlers = {
  async POST(req, ctx) {
    const { lang, next } = await readForm(req);
    const headers: Record<string, string> = {};
    if (isLocale(lang)) {
      headers["set-cookie"] = cookieHeader(LANG_COOKIE, lang, {
        maxAgeSeconds: 365 * 86400,
        httpOnly: false,
        secure: ctx.state.config.secureCookies,
      });
    }
    return redirect(safeNext(next, "/"), headers);
  },
};
