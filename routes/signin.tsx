import { signIn, signInErrorText, SignInSchema } from "@/services/auth/signin.ts";
import { cookieHeader, SESSION_COOKIE } from "@/services/web/cookies.ts";
import type { Handlers, PageProps } from "@/services/web/define.ts";
import { AppError } from "@/services/web/errors.ts";
import { clientIp, parseForm, readForm, redirect, safeNext } from "@/services/web/forms.ts";

interface Data {
  login?: string;
  school?: string;
  error?: string;
}

export const handler: Handlers<Data> = {
  GET(_req, ctx) {
    ctx.state.title = ctx.state.t("signin.title");
    return ctx.render({});
  },
  async POST(req, ctx) {
    const { state } = ctx;
    state.title = state.t("signin.title");
    const fields = await readForm(req);
    try {
      const input = parseForm(SignInSchema, {
        login: fields.login ?? "",
        password: fields.password ?? "",
        school: fields.school || undefined,
      });
      const { token, session } = await signIn(state.kv, input, {
        ip: clientIp(req),
        ipLimit: state.config.signInIpLimit,
        ttlMs: state.config.sessionTtlMs,
      });
      const maxAge = (Date.parse(session.expiresAt) - Date.now()) / 1000;
      return redirect(safeNext(ctx.url.searchParams.get("next"), "/"), {
        "set-cookie": cookieHeader(SESSION_COOKIE, token, {
          maxAgeSeconds: maxAge,
          secure: state.config.secureCookies,
        }),
      });
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      const message = signInErrorText(state.t, err);
      const headers: Record<string, string> = { ...err.headers };
      return ctx.render(
        { login: fields.login, school: fields.school, error: message },
        { status: err.status, headers },
      );
    }
  },
};

export default function SignIn({ data, state, url }: PageProps<Data>) {
  const { t } = state;
  return (
    <section class="card narrow">
      <h1>{t("signin.title")}</h1>
      {data.error && <p class="error" role="alert">{data.error}</p>}
      <form method="post" action={`/signin${url.search}`} class="stack">
        <label>
          {t("signin.login")}
          <input name="login" autocomplete="username" required value={data.login ?? ""} autofocus />
        </label>
        <label>
          {t("signin.password")}
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        <label>
          {t("signin.school")} <small>{t("signin.schoolHint")}</small>
          <input name="school" autocomplete="organization" value={data.school ?? ""} />
        </label>
        <button type="submit" class="primary">{t("nav.signIn")}</button>
      </form>
      <p>
        <a href={`/signin/code${url.search}`}>{t("signin.code.link")}</a>
      </p>
    </section>
  );
}
