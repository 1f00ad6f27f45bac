import { beginCodeSignIn, completeCodeSignIn } from "@/services/auth/codes.ts";
import { ChoosePasswordForm } from "@/components/NewPasswordFields.tsx";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "@/services/auth/passwords.ts";
import { signInErrorText } from "@/services/auth/signin.ts";
import { linkSecret } from "@/services/classes/join_links.ts";
import { cookieHeader, SESSION_COOKIE } from "@/services/web/cookies.ts";
import type { Handlers, PageProps, State } from "@/services/web/define.ts";
import { AppError } from "@/services/web/errors.ts";
import { clientIp, readForm, redirect, safeNext } from "@/services/web/forms.ts";

interface Data {
  /** Set once the code was accepted: the person now chooses a password. */
  ticket?: string;
  login?: string;
  school?: string;
  error?: string;
}

/** The reader's message for a refused step (the throttle's wait as the service says it). */
function message(state: State, err: AppError, step: "code" | "password"): string {
  if (err.code === "rate_limited") return signInErrorText(state.t, err);
  if (step === "password") {
    return err.code === "unauthorized"
      ? state.t("signin.setup.expired")
      : state.t("account.error.length", { min: MIN_PASSWORD_LENGTH, max: MAX_PASSWORD_LENGTH });
  }
  if (err.code === "unauthorized") return state.t("signin.code.wrong");
  return err.details?.[0]?.path?.[0] === "code"
    ? state.t("signin.error.code")
    : signInErrorText(state.t, err);
}

/**
 * Signing in with a one-time code (from an admin's reset, or a login slip): first the login
 * and the code, then a new password, and only then a session: nothing else can be done with
 * the code.
 */
export const handler: Handlers<Data> = {
  GET(_req, ctx) {
    ctx.state.title = ctx.state.t("signin.code.title");
    return ctx.render({});
  },
  async POST(req, ctx) {
    const { state } = ctx;
    const { kv, config } = state;
    const fields = await readForm(req);
    const login = fields.login ?? "";
    if (fields.ticket) {
      state.title = state.t("signin.setup.title");
      const again = (error: string, status: number) =>
        ctx.render({ ticket: fields.ticket, login, error }, { status });
      if ((fields.password ?? "") !== (fields.confirm ?? "")) {
        return again(state.t("account.error.mismatch"), 400);
      }
      try {
        const { token, session } = await completeCodeSignIn(kv, fields.ticket, fields.password, {
          ttlMs: config.sessionTtlMs,
        });
        return redirect(safeNext(ctx.url.searchParams.get("next"), "/"), {
          "set-cookie": cookieHeader(SESSION_COOKIE, token, {
            maxAgeSeconds: (Date.parse(session.expiresAt) - Date.now()) / 1000,
            secure: config.secureCookies,
          }),
        });
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        if (err.code === "unauthorized") {
          state.title = state.t("signin.code.title");
          return ctx.render({ login, error: message(state, err, "password") }, { status: 401 });
        }
        return again(message(state, err, "password"), err.status);
      }
    }
    state.title = state.t("signin.code.title");
    try {
      const { ticket } = await beginCodeSignIn(kv, await linkSecret(kv, config), {
        login,
        school: fields.school || undefined,
        code: fields.code ?? "",
      }, { ip: clientIp(req), ipLimit: config.signInIpLimit });
      state.title = state.t("signin.setup.title");
      return ctx.render({ ticket, login: login.trim() });
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      return ctx.render(
        { login, school: fields.school, error: message(state, err, "code") },
        { status: err.status, headers: { ...err.headers } },
      );
    }
  },
};

export default function CodeSignIn({ data, state, url }: PageProps<Data>) {
  const { t } = state;
  const action = `/signin/code${url.search}`;
  if (data.ticket) {
    return (
      <section class="card narrow">
        <h1>{t("signin.setup.title")}</h1>
        <p>{t("signin.setup.intro", { login: data.login ?? "" })}</p>
        {data.error && <p class="error" role="alert">{data.error}</p>}
        <ChoosePasswordForm
          state={state}
          action={action}
          ticket={data.ticket}
          login={data.login ?? ""}
        />
      </section>
    );
  }
  return (
    <section class="card narrow">
      <h1>{t("signin.code.title")}</h1>
      <p>{t("signin.code.intro")}</p>
      {data.error && <p class="error" role="alert">{data.error}</p>}
      <form method="post" action={action} class="stack">
        <label>
          {t("signin.login")}
          <input name="login" autocomplete="username" required value={data.login ?? ""} autofocus />
        </label>
        <label>
          {t("signin.code.code")}
          <input
            name="code"
            autocomplete="one-time-code"
            autocapitalize="characters"
            spellcheck={false}
            required
            maxLength={40}
          />
        </label>
        <label>
          {t("signin.school")} <small>{t("signin.schoolHint")}</small>
          <input name="school" autocomplete="organization" value={data.school ?? ""} />
        </label>
        <button type="submit" class="primary">{t("signin.code.submit")}</button>
      </form>
      <p>
        <a href={`/signin${url.search}`}>{t("signin.code.back")}</a>
      </p>
    </section>
  );
}
