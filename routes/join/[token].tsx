import { CsrfField } from "@/components/CsrfField.tsx";
import { ChoosePasswordForm } from "@/components/NewPasswordFields.tsx";
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
import { groupHome, invitesStaff, mayJoin } from "@/services/classes/join_kinds.ts";
import type { MessageKey } from "@/services/i18n/i18n.ts";
import { getMemberRole } from "@/services/classes/members.ts";
import { beginCodeSignIn } from "@/services/auth/codes.ts";
import { signInErrorText } from "@/services/auth/signin.ts";
import {
  CLAIM_COOKIE,
  CLAIM_TTL_MS,
  ClaimError,
  getClaimState,
  redeemClaim,
  requestClaim,
} from "@/services/classes/claims.ts";
import { listClassMembers } from "@/services/classes/members.ts";
import { getRecord } from "@/services/db/kv.ts";
import { nameKey, UserSchema } from "@/services/orgs/users.ts";
import { getOrg } from "@/services/orgs/orgs.ts";
import { cookieHeader, getCookies, SESSION_COOKIE } from "@/services/web/cookies.ts";
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
    /** A roster claim was accepted: the person chooses a password (posted to /signin/code). */
    view: "setup";
    cls: Pick<Class, "id" | "name" | "kind">;
    school: string;
    ticket: string;
    login: string;
    /** Where the person lands once the password is set. */
    next: string;
  }
  | {
    view: "form" | "member" | "already" | "staff" | "waiting" | "claimWaiting";
    cls: Pick<Class, "id" | "name" | "kind">;
    school: string;
    /** A department's invite: staff join the workspace (join_kinds.ts). */
    staff?: boolean;
    isAdmin?: boolean;
    /** Sign-ups wait for the teacher's approval. */
    approval?: boolean;
    /** The student came back from waiting and was not let in. */
    notAccepted?: boolean;
    name?: string;
    email?: string;
    error?: string;
    /** The "I am on the class list" forms: what was typed, and what went wrong there. */
    claimLogin?: string;
    claimError?: string;
    /** The name typed for a new account is a roster student's: ask before a second account. */
    listedName?: string;
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
  const link = await findJoinLink(
    state.kv,
    await linkSecret(state.kv, state.config),
    ctx.params.token,
  );
  const group = link && await getRecord(state.kv, ClassSchema, ["classes", link.classId]);
  const words = group && invitesStaff(group) ? "join.dept.error" : "join.error";
  const message = state.t(`${words}.${err.reason}` as MessageKey, { date, count: err.uses ?? 0 });
  return ctx.render({ view: "gone", message }, { status: err.status, headers: HEADERS });
}

/** The link's class and school, and how a signed-in visitor of that school stands. */
async function load(state: State, token: string) {
  const secret = await linkSecret(state.kv, state.config);
  const { cls, link } = await resolveJoinToken(state.kv, secret, token);
  const org = await getOrg(state.kv, cls.orgId);
  // Someone signed in at another school is treated as signed out: they get the form.
  const user = state.actor?.user.orgId === cls.orgId ? state.actor.user : undefined;
  const staff = invitesStaff(cls);
  let view: "form" | "member" | "already" | "staff" = "form";
  if (user?.role === "admin" && !staff) view = "already";
  else if (user) {
    const role = await getMemberRole(state.kv, cls.id, user.id);
    view = role ? "already" : mayJoin(cls, user) ? "member" : "staff";
  }
  return {
    secret,
    user,
    schoolCode: org.slug,
    data: {
      view,
      cls: { id: cls.id, name: cls.name, kind: cls.kind },
      school: org.name,
      staff,
      isAdmin: !!user && user.role === "admin" && !staff,
      approval: link.approval ?? false,
    },
  };
}

/**
 * A signed-in student (or, on a department's invite, member of staff) who asked to join
 * through this link: the waiting page while the request is pending, the class (the workspace)
 * once approved (when they come from waiting). Works whatever the link's state: the teacher
 * may turn the link off before deciding. Null otherwise.
 */
async function waiting(
  ctx: RouteContext<Data>,
  token: string,
): Promise<Response | null> {
  const { state } = ctx;
  const user = state.actor?.user;
  if (!user) return null;
  const link = await findJoinLink(state.kv, await linkSecret(state.kv, state.config), token);
  if (!link || link.orgId !== user.orgId) return null;
  const [request, role, cls] = await Promise.all([
    getJoinRequest(state.kv, link.classId, user.id),
    getMemberRole(state.kv, link.classId, user.id),
    getRecord(state.kv, ClassSchema, ["classes", link.classId]),
  ]);
  if (!cls || !mayJoin(cls, user)) return null;
  const fromWaiting = ctx.url.searchParams.has("waiting");
  if (role && fromWaiting) return redirect(groupHome(cls));
  if (!request) return null;
  const org = await getOrg(state.kv, cls.orgId);
  state.title = state.t("join.title", { className: cls.name });
  const group = { id: cls.id, name: cls.name, kind: cls.kind };
  return ctx.render({ view: "waiting", cls: group, school: org.name, staff: invitesStaff(cls) }, {
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
    if (err.code === "conflict") return t("join.dept.emailTaken");
    return fields.email?.trim() ? t("join.error.emailInvalid") : t("join.error.emailNeeded");
  }
  if (field === "password") {
    return fields.password
      ? t("join.error.passwordLength", { min: MIN_PASSWORD_LENGTH, max: MAX_PASSWORD_LENGTH })
      : t("join.error.passwordNeeded");
  }
  return err.message;
}

/** The claim cookie: set for a claim's wait, or deleted (`ticket` empty). */
function claimCookie(state: State, ticket: string): string {
  return cookieHeader(CLAIM_COOKIE, ticket, {
    maxAgeSeconds: ticket ? CLAIM_TTL_MS / 1000 : 0,
    secure: state.config.secureCookies,
    path: "/join",
  });
}

/**
 * A signed-out browser that asked the teacher to confirm it is a roster student: the waiting
 * page while the teacher decides; once approved, the "choose your password" step (the claim
 * is consumed: nobody else gets it); turned down, the form again with a note. Null when the
 * browser holds no claim for this link's class.
 */
async function claimWait(
  ctx: RouteContext<Data>,
  req: Request,
  token: string,
): Promise<Response | "denied" | null> {
  const { state } = ctx;
  const ticket = getCookies(req)[CLAIM_COOKIE];
  if (!ticket || state.actor) return null;
  const secret = await linkSecret(state.kv, state.config);
  const link = await findJoinLink(state.kv, secret, token);
  const claim = await getClaimState(state.kv, ticket);
  if (!link || claim.status === "none") return null;
  if (
    (claim.status === "pending" || claim.status === "approved") &&
    claim.claim.classId !== link.classId
  ) return null;
  const cls = await getRecord(state.kv, ClassSchema, ["classes", link.classId]);
  if (!cls) return null;
  const org = await getOrg(state.kv, cls.orgId);
  const base = { cls: { id: cls.id, name: cls.name, kind: cls.kind }, school: org.name };
  state.title = state.t("join.title", { className: cls.name });
  if (claim.status === "pending") {
    return ctx.render({ ...base, view: "claimWaiting" }, {
      headers: { ...HEADERS, refresh: `${WAIT_REFRESH_SECONDS}; url=/join/${token}` },
    });
  }
  if (claim.status === "denied") return "denied"; // the form, with a note
  const done = { ...HEADERS, "set-cookie": claimCookie(state, "") };
  const setup = await redeemClaim(state.kv, secret, ticket);
  const login = setup.user.studentNumber ?? setup.user.email ?? "";
  return ctx.render({
    ...base,
    view: "setup",
    ticket: setup.ticket,
    login,
    next: `/classes/${setup.classId}`,
  }, { headers: done });
}

/** A refused roster claim in the reader's language. */
function claimErrorText(state: State, err: AppError): string {
  const { t } = state;
  if (err instanceof ClaimError) return t(`join.claim.error.${err.reason}`);
  if (err.code === "unauthorized") return t("signin.code.wrong");
  if (err.code === "rate_limited") return signInErrorText(t, err);
  const field = err.details?.[0]?.path?.[0];
  if (field === "code") return t("signin.error.code");
  return t("join.claim.error.login");
}

/**
 * A roster student who has a login slip: their number (or email) and one-time code, checked
 * like /signin/code (throttled, one answer for every wrong case); then they choose a password
 * and land in the class as that student. No account is made.
 */
async function claimWithCode(
  ctx: RouteContext<Data>,
  req: Request,
  token: string,
  fields: Record<string, string>,
  loaded: Awaited<ReturnType<typeof load>>,
): Promise<Response> {
  const { state } = ctx;
  const { data } = loaded;
  const { ticket, user } = await beginCodeSignIn(state.kv, loaded.secret, {
    login: fields.login ?? "",
    school: loaded.schoolCode,
    code: fields.code ?? "",
  }, { ip: clientIp(req), ipLimit: state.config.signInIpLimit });
  const inClass = !!await getMemberRole(state.kv, data.cls.id, user.id);
  return ctx.render({
    cls: data.cls,
    school: data.school,
    view: "setup",
    ticket,
    login: (fields.login ?? "").trim(),
    next: inClass ? `/classes/${data.cls.id}` : `/join/${token}`,
  }, { headers: HEADERS });
}

/**
 * The name typed for a new account is, case and spacing aside, the name of a student of this
 * class who never signed in: probably that student, who should claim the entry instead.
 */
async function listedStudentNamed(
  kv: Deno.Kv,
  classId: string,
  name: string,
): Promise<boolean> {
  const { items } = await listClassMembers(kv, classId, { q: name, role: "student", limit: 20 });
  const key = nameKey(name);
  const ids = items.filter((m) => nameKey(m.name) === key).map((m) => m.userId);
  if (!ids.length) return false;
  const users = await Promise.all(ids.map((id) => getRecord(kv, UserSchema, ["users", id])));
  return users.some((u) => u && !u.passwordHash && u.joinedVia === "import");
}

export const handler: Handlers<Data> = {
  async GET(req, ctx) {
    try {
      const claim = await claimWait(ctx, req, ctx.params.token);
      if (claim instanceof Response) return claim;
      const wait = await waiting(ctx, ctx.params.token);
      if (wait) return wait;
      const { data } = await load(ctx.state, ctx.params.token);
      ctx.state.title = ctx.state.t("join.title", { className: data.cls.name });
      // Back from waiting, neither waiting nor in the class: the teacher said no.
      const claimed = claim === "denied";
      const notAccepted = (ctx.url.searchParams.has("waiting") || claimed) &&
        (data.view === "form" || data.view === "member");
      const headers = claimed ? { ...HEADERS, "set-cookie": claimCookie(ctx.state, "") } : HEADERS;
      return ctx.render({ ...data, notAccepted }, { headers });
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
    const classPage = groupHome(data.cls);
    try {
      if (data.view === "already") return redirect(classPage);
      if (data.view === "staff") return ctx.render(data, { status: 403, headers: HEADERS });
      if (user) {
        const { outcome } = await joinAsMember(state.kv, secret, token, user);
        return redirect(outcome === "pending" ? waitingPath(token) : classPage);
      }
      const claimIntent = fields.intent === "claimCode" || fields.intent === "claimApproval";
      // Roster claims are a class's (its imported students); a department has none.
      if (claimIntent && !data.staff) {
        try {
          if (fields.intent === "claimCode") {
            return await claimWithCode(ctx, req, token, fields, loaded);
          }
          const { ticket } = await requestClaim(state.kv, secret, token, {
            login: fields.login ?? "",
          }, { ip: clientIp(req) });
          return redirect(`/join/${token}`, { "set-cookie": claimCookie(state, ticket) });
        } catch (err) {
          if (err instanceof JoinLinkError) throw err;
          if (!(err instanceof AppError) || err.status >= 500) throw err;
          return ctx.render(
            { ...data, claimLogin: fields.login, claimError: claimErrorText(state, err) },
            { status: err.status, headers: { ...HEADERS, ...err.headers } },
          );
        }
      }
      const input = parseForm(JoinInputSchema, {
        name: fields.name ?? "",
        email: fields.email?.trim() || undefined,
        password: fields.password || undefined,
      });
      if (
        !data.staff && !fields.notListed &&
        await listedStudentNamed(state.kv, data.cls.id, input.name)
      ) {
        return ctx.render(
          { ...data, name: fields.name, email: fields.email, listedName: input.name },
          { status: 409, headers: HEADERS },
        );
      }
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
  if (data.view === "setup") {
    return (
      <section class="card narrow stack">
        <h1>{t("signin.setup.title")}</h1>
        <p>{t("join.claim.setupIntro", { className: data.cls.name, login: data.login })}</p>
        <ChoosePasswordForm
          state={state}
          action={`/signin/code?next=${encodeURIComponent(data.next)}`}
          ticket={data.ticket}
          login={data.login}
        />
      </section>
    );
  }
  const classPage = groupHome(data.cls);
  // A department's invite says it in the workspace's words (join.dept.*).
  const w = (key: string, params?: Record<string, string | number>) =>
    t(`${data.staff ? "join.dept" : "join"}.${key}` as MessageKey, params);
  return (
    <section class="card narrow stack">
      <div>
        <h1>{t("join.title", { className: data.cls.name })}</h1>
        <p class="muted">{data.school}</p>
      </div>
      {data.error && <p class="error" role="alert">{data.error}</p>}
      {data.notAccepted && <p class="notice" role="status">{w("notAccepted")}</p>}
      {data.view === "waiting" && (
        <div class="stack" role="status">
          <p>
            <strong>{w("waiting")}</strong>
          </p>
          <p class="muted">{w("waitingNote", { name: state.actor?.user.name ?? "" })}</p>
          <p>
            <a href={`${url.pathname}?waiting=1`}>{t("join.checkNow")}</a>
          </p>
        </div>
      )}
      {data.approval && (data.view === "form" || data.view === "member") && (
        <p class="muted">{w("approvalNote")}</p>
      )}
      {data.view === "already" && (
        <>
          <p>{t("join.already", { className: data.cls.name })}</p>
          {data.isAdmin && <p class="muted">{t("join.adminNote")}</p>}
          <p>
            <a href={classPage}>{w("open")}</a>
          </p>
        </>
      )}
      {data.view === "claimWaiting" && (
        <div class="stack" role="status">
          <p>
            <strong>{t("join.claim.waiting")}</strong>
          </p>
          <p class="muted">{t("join.claim.waitingNote")}</p>
          <p>
            <a href={url.pathname}>{t("join.checkNow")}</a>
          </p>
        </div>
      )}
      {data.view === "staff" && <p>{w("staff")}</p>}
      {data.view === "member" && (
        <form method="post" action={url.pathname} class="stack">
          <CsrfField state={state} />
          <p>{t("join.signedInAs", { name: state.actor?.user.name ?? "" })}</p>
          <button type="submit" class="primary">
            {t("join.button", { className: data.cls.name })}
          </button>
        </form>
      )}
      {data.view === "form" && !data.staff && (
        <details class="stack card-inset" id="on-list" open={!!data.claimError || undefined}>
          <summary>
            <strong>{t("join.claim.title")}</strong>
          </summary>
          <p class="muted">{t("join.claim.intro")}</p>
          {data.claimError && <p class="error" role="alert">{data.claimError}</p>}
          <form method="post" action={url.pathname} class="stack">
            <CsrfField state={state} />
            <input type="hidden" name="intent" value="claimCode" />
            <label>
              {t("join.claim.login")}
              <input
                name="login"
                autocomplete="username"
                required
                maxLength={254}
                value={data.claimLogin ?? ""}
              />
            </label>
            <label>
              {t("join.claim.code")} <small class="muted">{t("join.claim.codeHint")}</small>
              <input
                name="code"
                autocomplete="one-time-code"
                autocapitalize="characters"
                spellcheck={false}
                required
                maxLength={40}
              />
            </label>
            <button type="submit" class="primary">{t("join.claim.withCode")}</button>
          </form>
          <form method="post" action={url.pathname} class="stack">
            <CsrfField state={state} />
            <input type="hidden" name="intent" value="claimApproval" />
            <p class="muted">{t("join.claim.noCode")}</p>
            <label>
              {t("join.claim.login")}
              <input
                name="login"
                autocomplete="username"
                required
                maxLength={254}
                value={data.claimLogin ?? ""}
              />
            </label>
            <button type="submit">{t("join.claim.askTeacher")}</button>
          </form>
        </details>
      )}
      {data.view === "form" && (
        <form method="post" action={url.pathname} class="stack">
          <CsrfField state={state} />
          {!data.staff && <h2>{t("join.claim.newTitle")}</h2>}
          {data.listedName && (
            <div class="notice" role="alert">
              <p>{t("join.claim.nameOnList", { name: data.listedName })}</p>
              <label>
                <input type="checkbox" name="notListed" value="1" /> {t("join.claim.notThatPerson")}
              </label>
            </div>
          )}
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
            <small class="muted">{w("nameHint")}</small>
          </label>
          <fieldset class="stack">
            <legend>{w("optionalHeading")}</legend>
            <label>
              {t("join.email")}
              <input
                name="email"
                type="email"
                autocomplete="email"
                value={data.email ?? ""}
                required={data.staff}
              />
            </label>
            <label>
              {t("join.password")}
              <input
                name="password"
                type="password"
                autocomplete="new-password"
                minLength={MIN_PASSWORD_LENGTH}
                maxLength={MAX_PASSWORD_LENGTH}
                required={data.staff}
              />
              <small class="muted">{t("join.passwordHint", { min: MIN_PASSWORD_LENGTH })}</small>
            </label>
            <p class="muted">
              {w("deviceNote", { days: Math.round(DEVICE_SESSION_MS / 86_400_000) })}
            </p>
          </fieldset>
          <button type="submit" class="primary">{w("submit")}</button>
          <p>
            <a href={`/signin?next=${encodeURIComponent(url.pathname)}`}>
              {w("signInInstead")}
            </a>
          </p>
        </form>
      )}
    </section>
  );
}
