import { formatWhen } from "@/components/Coursework.tsx";
import { CsrfField } from "@/components/CsrfField.tsx";
import { requireAdmin } from "@/services/auth/access.ts";
import { CODE_TTL_MS, formatCode, resetUserSignIn } from "@/services/auth/codes.ts";
import { linkSecret } from "@/services/classes/join_links.ts";
import { getOrg, type Org } from "@/services/orgs/orgs.ts";
import { getOrgUser, type User } from "@/services/orgs/users.ts";
import type { Handlers, PageProps, RouteContext } from "@/services/web/define.ts";

interface Data {
  org: Org;
  person: User;
  /** Right after a reset: the code, shown this once. */
  issued?: { code: string; expiresAt: string };
}

async function load(ctx: RouteContext<Data>): Promise<{ org: Org; person: User }> {
  const { user } = requireAdmin(ctx.state);
  const [org, person] = await Promise.all([
    getOrg(ctx.state.kv, user.orgId),
    getOrgUser(ctx.state.kv, user.orgId, ctx.params.userId),
  ]);
  ctx.state.title = ctx.state.t("people.title", { name: person.name });
  return { org, person };
}

/**
 * A person of the admin's school, and "reset sign-in": a one-time code shown once on the
 * answer to the POST (never in a URL, never again). Another school's person is 404.
 */
export const handler: Handlers<Data> = {
  async GET(_req, ctx) {
    return ctx.render(await load(ctx));
  },
  async POST(_req, ctx) {
    const { kv, config } = ctx.state;
    const admin = requireAdmin(ctx.state);
    const { org, person } = await load(ctx);
    const { code, expiresAt } = await resetUserSignIn(
      kv,
      await linkSecret(kv, config),
      admin.user,
      person.id,
    );
    return ctx.render({ org, person, issued: { code: formatCode(code), expiresAt } });
  },
};

export default function Person({ data, state }: PageProps<Data>) {
  const { t } = state;
  const { person, org, issued } = data;
  const self = person.id === state.actor?.user.id;
  return (
    <>
      <header class="page-head">
        <div>
          <p class="eyebrow">
            <a href="/admin#members">{t("people.back")}</a>
          </p>
          <h1>{person.name}</h1>
          <p class="muted">
            <span class={`badge role-${person.role}`}>{t(`admin.role.${person.role}`)}</span>{" "}
            {person.email ?? person.studentNumber ?? ""}
          </p>
        </div>
      </header>
      <section class="card narrow" id="reset" aria-labelledby="reset-title">
        <h2 id="reset-title">{t("people.reset.title")}</h2>
        {issued && (
          <div class="notice ok" role="status">
            <p>{t("people.reset.codeHeading", { name: person.name })}</p>
            <p>
              <strong class="one-time-code" data-code>{issued.code}</strong>
            </p>
            <p>
              {t("people.reset.codeNote", {
                name: person.name,
                when: formatWhen(state, issued.expiresAt, org.timeZone),
              })}
            </p>
          </div>
        )}
        {self
          ? <p>{t("people.reset.self")}</p>
          : (
            <form method="post" action={`/admin/people/${person.id}#reset`} class="stack">
              <CsrfField state={state} />
              <p>
                {t("people.reset.body", { name: person.name, hours: CODE_TTL_MS / 3_600_000 })}
              </p>
              <button type="submit">{t("people.reset.submit")}</button>
            </form>
          )}
      </section>
    </>
  );
}
