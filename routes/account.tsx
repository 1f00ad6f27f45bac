import { CsrfField } from "@/components/CsrfField.tsx";
import { changePassword } from "@/services/auth/account.ts";
import { requireActor } from "@/services/auth/access.ts";
import { NewPasswordFields } from "@/components/NewPasswordFields.tsx";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "@/services/auth/passwords.ts";
import { getOrg, type Org } from "@/services/orgs/orgs.ts";
import { MAX_NAME_LENGTH, renameUser } from "@/services/orgs/users.ts";
import type { Handlers, PageProps, RouteContext, State } from "@/services/web/define.ts";
import { AppError } from "@/services/web/errors.ts";
import { clientIp, readForm, redirect } from "@/services/web/forms.ts";

interface Data {
  org: Org;
  error?: string;
  /** The name form's error (and the name as typed). */
  nameError?: { message: string; value: string };
  flash?: string;
}

async function render(
  ctx: RouteContext<Data>,
  error?: { message: string; status: number; name?: string },
) {
  const { state } = ctx;
  const { user } = requireActor(state);
  state.title = state.t("account.title");
  const params = ctx.url.searchParams;
  const flash = params.has("renamed")
    ? state.t("account.name.saved")
    : params.has("changed")
    ? state.t("account.password.changed")
    : params.has("set")
    ? state.t("account.password.set")
    : undefined;
  return ctx.render(
    {
      org: await getOrg(state.kv, user.orgId),
      error: error?.name === undefined ? error?.message : undefined,
      nameError: error?.name === undefined
        ? undefined
        : { message: error.message, value: error.name },
      flash: error ? undefined : flash,
    },
    error ? { status: error.status } : undefined,
  );
}

/** The reader's message for a refused change. */
function message(state: State, err: AppError): string {
  const field = err.details?.[0]?.path?.[0];
  if (field === "name") {
    return err.code === "conflict"
      ? state.t("account.error.nameIsStaff")
      : state.t("account.error.name", { max: MAX_NAME_LENGTH });
  }
  if (field === "currentPassword") return state.t("account.error.current");
  if (field === "newPassword") {
    return state.t("account.error.length", { min: MIN_PASSWORD_LENGTH, max: MAX_PASSWORD_LENGTH });
  }
  return err.message;
}

/**
 * The signed-in person's account: who they are, how they sign in, and changing the password
 * (or setting a first one, for someone signed in on one device only).
 */
export const handler: Handlers<Data> = {
  GET(_req, ctx) {
    return render(ctx);
  },
  async POST(req, ctx) {
    const { state } = ctx;
    const actor = requireActor(state);
    const fields = await readForm(req);
    if (fields.intent === "name") {
      try {
        await renameUser(state.kv, actor.user.id, fields.name ?? "");
        return redirect("/account?renamed=1");
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        return render(ctx, {
          message: message(state, err),
          status: err.status,
          name: fields.name ?? "",
        });
      }
    }
    if ((fields.newPassword ?? "") !== (fields.confirm ?? "")) {
      return render(ctx, { message: state.t("account.error.mismatch"), status: 400 });
    }
    try {
      const { firstPassword } = await changePassword(state.kv, actor, {
        currentPassword: fields.currentPassword || undefined,
        newPassword: fields.newPassword ?? "",
      }, { ip: clientIp(req), ipLimit: state.config.signInIpLimit });
      return redirect(firstPassword ? "/account?set=1" : "/account?changed=1");
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      return render(ctx, { message: message(state, err), status: err.status });
    }
  },
};

export default function Account({ data, state }: PageProps<Data>) {
  const { t } = state;
  const user = state.actor!.user;
  const hasPassword = !!user.passwordHash;
  const signInWith = user.email
    ? t("account.signInEmail", { email: user.email })
    : user.studentNumber
    ? t("account.signInNumber", { number: user.studentNumber, school: data.org.slug })
    : t("account.signInNone");
  return (
    <>
      <header class="page-head">
        <h1>{t("account.title")}</h1>
      </header>
      {data.flash && <p class="notice ok" role="status">{data.flash}</p>}
      <section class="card narrow" id="name">
        {data.nameError && <p class="error" role="alert">{data.nameError.message}</p>}
        <form method="post" action="/account#name" class="stack">
          <CsrfField state={state} />
          <input type="hidden" name="intent" value="name" />
          <label>
            {t("account.name")}
            <input
              name="name"
              required
              maxLength={MAX_NAME_LENGTH}
              autocomplete="name"
              value={data.nameError?.value ?? user.name}
            />
          </label>
          <button type="submit">{t("account.name.save")}</button>
        </form>
        <dl id="who">
          <dt>{t("account.school")}</dt>
          <dd>{data.org.name}</dd>
          <dt>{t("account.role")}</dt>
          <dd>{t(`admin.role.${user.role}`)}</dd>
          <dt>{t("account.signInWith")}</dt>
          <dd>{signInWith}</dd>
        </dl>
      </section>
      <section class="card narrow" id="password" aria-labelledby="password-title">
        <h2 id="password-title">
          {hasPassword ? t("account.password.title") : t("account.set.title")}
        </h2>
        {!hasPassword && <p>{t("account.set.body")}</p>}
        {data.error && <p class="error" role="alert">{data.error}</p>}
        <form method="post" action="/account#password" class="stack">
          <CsrfField state={state} />
          <input type="hidden" name="username" value={user.email ?? user.studentNumber ?? ""} />
          {hasPassword && (
            <label>
              {t("account.password.current")}
              <input
                name="currentPassword"
                type="password"
                autocomplete="current-password"
                required
              />
            </label>
          )}
          <NewPasswordFields state={state} name="newPassword" />
          <button type="submit" class="primary">
            {hasPassword ? t("account.password.submit") : t("account.set.submit")}
          </button>
        </form>
      </section>
    </>
  );
}
