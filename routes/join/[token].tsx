import { CsrfField } from "@/components/CsrfField.tsx";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "@/services/auth/passwords.ts";
import { DEVICE_SESSION_MS } from "@/services/auth/sessions.ts";
import {
  findJoinLink,
  joinAsMember,
  JoinInputSchema,
  JoinLinkError,
  joinWithLink,
  linkSecret,
  resolveJoinToken,
} from "@/services/classes/join_links.ts";
import { type Class, ClassSchema } from "@/services/classes/classes.ts";
import { getJoinRequest } from "@/services/classes/join_requests.ts";
import { getMemberRole } from "@/services/classes/members.ts";
import { getRecord } from "@/services/db/kv.ts";
import { getOrg } from "@/services/orgs/orgs.ts";
import { cookieHeader, SESSION_COOKIE } from "@/services/web/cookies.ts";
import type { Handlers, PageProps, RouteContext, State } from "@/services/web/define.ts";
import { AppError } from "@/services/web/errors.ts";
import { clientIp, parseForm, readForm, redirect } from "@/services/web/forms.ts";

/**
 * What the page shows: why the link is dead, the join form, the signed-in member's choice, or
 * (on a link with approval) that the student waits for their teacher.
 */
type Data =
  | { view: "gone"; message: string }
  | {
    view: "form" | "member" | "already" | "staff" | "waiting";
    cls: Pick<Class, "id" | "name">;
    school: string;
    isAdmin?: boolean;
    /** Sign-ups wait for the teacher's approval. */
    approval?: boolean;
    /** The student came back from waiting and was not let in. */
    notAccepted?: boolean;
    name?: string;
    email?: string;
    error?: string;
  };

// Join links are bearer secrets: keep the page out of search engines.
const HEADERS = { "x-robots-tag": "noindex" };

/** How often a waiting student's page asks again (a plain reload: no script on this page). */
const WAIT_REFRESH_SECONDS = 5;

/** Where a student waiting for approval is sent: this page, which then waits or moves on. */
const waitingPath = (token: string) => `/join/${token}?waiting=1`;

/** The "this link cannot be used" page, in the reader's language, with 404 or 410. */
async function gone(ctx: RouteContext<Data>, err: JoinLinkError): Promise<Response> {
  const { state } = ctx;
  let date = "";
  if (err.expiresAt) {
    const timeZone = err.orgId
      ? await getOrg(state.kv, err.orgId).then((o) => o.timeZone, () => "UTC")
      : "UTC";
    date = new Intl.DateTimeFormat(state.locale, { dateStyle: "long", timeZone })
      .format(new Date(err.expiresAt));
  }
  state.title = state.t("join.invalid.title");
  const message = state.t(`join.error.${err.reason}`, { date, count: err.uses ?? 0 });
  return ctx.render({ view: "gone", message }, { status: err.status, headers: HEADERS });
}

/** The link's class and school, and how a signed-in visitor of that school stands. */
async function load(state: State, token: string) {
  const secret = await linkSecret(state.kv, state.config);
  const { cls, link } = await resolveJoinToken(state.kv, secret, token);
  const org = await getOrg(state.kv, cls.orgId);
  // Someone signed in at another school is treated as signed out: they get the form.
  const user = state.actor?.user.orgId === cls.orgId ? state.actor.user : undefined;
  let view: "form" | "member" | "already" | "staff" = "form";
  if (user?.role === "admin") view = "already";
  else if (user) {
    const role = await getMemberRole(state.kv, cls.id, user.id);
    view = role ? "already" : user.role === "student" ? "member" : "staff";
  }
  return {
    secret,
    user,
    data: {
      view,
      cls: { id: cls.id, name: cls.name },
      school: org.name,
      isAdmin: !!user && user.role === "admin",
      approval: link.approval ?? false,
    },
  };
}

/**
 * A signed-in student who asked to join through this link: the waiting page while the request
 * is pending, the class once approved (when they come from waiting). Works whatever the link's
 * state: the teacher may turn the link off before deciding. Null otherwise.
 */
async function waiting(
  ctx: RouteContext<Data>,
  token: string,
): Promise<Response | null> {
  const { state } = ctx;
  const user = state.actor?.user;
  if (!user || user.role !== "student") return null;
  const link = await findJoinLink(state.kv, await linkSecret(state.kv, state.config), token);
  if (!link || link.orgId !== user.orgId) return null;
  const [request, role] = await Promise.all([
    getJoinRequest(state.kv, link.classId, user.id),
    getMemberRole(state.kv, link.classId, user.id),
  ]);
  const fromWaiting = ctx.url.searchParams.has("waiting");
  if (role && fromWaiting) return redirect(`/classes/${link.classId}`);
  if (!request) return null;
  const cls = await getRecord(state.kv, ClassSchema, ["classes", link.classId]);
  if (!cls) return null;
  const org = await getOrg(state.kv, cls.orgId);
  state.title = state.t("join.title", { className: cls.name });
  return ctx.render({ view: "waiting", cls: { id: cls.id, name: cls.name }, school: org.name }, {
    headers: { ...HEADERS, refresh: `${WAIT_REFRESH_SECONDS}; url=${waitingPath(token)}` },
  });
}

/** A form error in the reader's language (field errors by field, the rest as the service says). */
function formError(state: State, err: AppError, fields: Record<string, string>): string {
  const field = err.details?.[0]?.path?.[0];
  const { t } = state;
  if (err.code === "rate_limited") {
    const seconds = Number(err.headers?.["retry-after"] ?? 60);
    return t("join.error.rateLimited", { minutes: Math.max(1, Math.ceil(seconds / 60)) });
  }
  if (field === "name") {
    return err.code === "conflict" ? t("account.error.nameIsStaff") : t("join.error.name");
  }
  if (field === "email") {
    return fields.email?.trim() ? t("join.error.emailInvalid") : t("join.error.emailNeeded");
  }
  if (field === "password") {
    return fields.password
      ? t("join.error.passwordLength", { min: MIN_PASSWORD_LENGTH, max: MAX_PASSWORD_LENGTH })
      : t("join.error.passwordNeeded");
  }
  return err.message;
}

export const handler: Handlers<Data> = {
  async GET(_req, ctx) {
    try {
      const wait = await waiting(ctx, ctx.params.token);
      if (wait) return wait;
      const { data } = await load(ctx.state, ctx.params.token);
      ctx.state.title = ctx.state.t("join.title", { className: data.cls.name });
      // Back from waiting, neither waiting nor in the class: the teacher said no.
      const notAccepted = ctx.url.searchParams.has("waiting") &&
        (data.view === "form" || data.view === "member");
      return ctx.render({ ...data, notAccepted }, { headers: HEADERS });
    } catch (err) {
      if (err instanceof JoinLinkError) return await gone(ctx, err);
      throw err;
    }
  },
  async POST(req, ctx) {
    const { state } = ctx;
    const token = ctx.params.token;
    const fields = await readForm(req);
    let loaded;
    try {
      loaded = await load(state, token);
    } catch (err) {
      if (err instanceof JoinLinkError) return await gone(ctx, err);
      throw err;
    }
    const { secret, user, data } = loaded;
    state.title = state.t("join.title", { className: data.cls.name });
    const classPage = `/classes/${data.cls.id}`;
    try {
      if (data.view === "already") return redirect(classPage);
      if (data.view === "staff") return ctx.render(data, { status: 403, headers: HEADERS });
      if (user) {
        const { outcome } = await joinAsMember(state.kv, secret, token, user);
        return redirect(outcome === "pending" ? waitingPath(token) : classPage);
      }
      const input = parseForm(JoinInputSchema, {
        name: fields.name ?? "",
        email: fields.email?.trim() || undefined,
        password: fields.password || undefined,
      });
      const joined = await joinWithLink(state.kv, secret, token, input, { ip: clientIp(req) });
      const maxAge = (Date.parse(joined.session.expiresAt) - Date.now()) / 1000;
      return redirect(joined.outcome === "pending" ? waitingPath(token) : classPage, {
        "set-cookie": cookieHeader(SESSION_COOKIE, joined.token, {
          maxAgeSeconds: maxAge,
          secure: state.config.secureCookies,
        }),
      });
    } catch (err) {
      if (err instanceof JoinLinkError) return await gone(ctx, err);
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      return ctx.render(
        { ...data, name: fields.name, email: fields.email, error: formError(state, err, fields) },
        { status: err.status, headers: { ...HEADERS, ...err.headers } },
      );
    }
  },
};

export default function JoinPage({ data, state, url }: PageProps<Data>) {
  const { t } = state;
  if (data.view === "gone") {
    return (
      <section class="card narrow">
        <h1>{t("join.invalid.title")}</h1>
        <p class="error" role="alert">{data.message}</p>
      </section>
    );
  }
  const classPage = `/classes/${data.cls.id}`;
  return (
    <section class="card narrow stack">
      <div>
        <h1>{t("join.title", { className: data.cls.name })}</h1>
        <p class="muted">{data.school}</p>
      </div>
      {data.error && <p class="error" role="alert">{data.error}</p>}
      {data.notAccepted && <p class="notice" role="status">{t("join.notAccepted")}</p>}
      {data.view === "waiting" && (
        <div class="stack" role="status">
          <p>
            <strong>{t("join.waiting")}</strong>
          </p>
          <p class="muted">{t("join.waitingNote", { name: state.actor?.user.name ?? "" })}</p>
          <p>
            <a href={`${url.pathname}?waiting=1`}>{t("join.checkNow")}</a>
          </p>
        </div>
      )}
      {data.approval && (data.view === "form" || data.view === "member") && (
        <p class="muted">{t("join.approvalNote")}</p>
      )}
      {data.view === "already" && (
        <>
          <p>{t("join.already", { className: data.cls.name })}</p>
          {data.isAdmin && <p class="muted">{t("join.adminNote")}</p>}
          <p>
            <a href={classPage}>{t("join.open")}</a>
          </p>
        </>
      )}
      {data.view === "staff" && <p>{t("join.staff")}</p>}
      {data.view === "member" && (
        <form method="post" action={url.pathname} class="stack">
          <CsrfField state={state} />
          <p>{t("join.signedInAs", { name: state.actor?.user.name ?? "" })}</p>
          <button type="submit" class="primary">
            {t("join.button", { className: data.cls.name })}
          </button>
        </form>
      )}
      {data.view === "form" && (
        <form method="post" action={url.pathname} class="stack">
          <CsrfField state={state} />
          <label>
            {t("join.name")}
            <input
              name="name"
              autocomplete="name"
              required
              maxLength={120}
              value={data.name ?? ""}
              autofocus
            />
            <small class="muted">{t("join.nameHint")}</small>
          </label>
          <fieldset class="stack">
            <legend>{t("join.optionalHeading")}</legend>
            <label>
              {t("join.email")}
              <input name="email" type="email" autocomplete="email" value={data.email ?? ""} />
            </label>
            <label>
              {t("join.password")}
              <input
                name="password"
                type="password"
                autocomplete="new-password"
                minLength={MIN_PASSWORD_LENGTH}
                maxLength={MAX_PASSWORD_LENGTH}
              />
              <small class="muted">{t("join.passwordHint", { min: MIN_PASSWORD_LENGTH })}</small>
            </label>
            <p class="muted">
              {t("join.deviceNote", { days: Math.round(DEVICE_SESSION_MS / 86_400_000) })}
            </p>
          </fieldset>
          <button type="submit" class="primary">{t("join.submit")}</button>
          <p>
            <a href={`/signin?next=${encodeURIComponent(url.pathname)}`}>
              {t("join.signInInstead")}
            </a>
          </p>
        </form>
      )}
    </section>
  );
}
