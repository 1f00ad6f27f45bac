import { ClassCrumbs, formatWhen } from "@/components/Coursework.tsx";
import { CsrfField } from "@/components/CsrfField.tsx";
import { requireActor, requireClassRole, TEACHERS } from "@/services/auth/access.ts";
import { CODE_TTL_MS, issueClassSlips, type LoginSlip } from "@/services/auth/codes.ts";
import type { Class } from "@/services/classes/classes.ts";
import { linkSecret } from "@/services/classes/join_links.ts";
import { listMemberIds } from "@/services/classes/members.ts";
import { getOrg, type Org } from "@/services/orgs/orgs.ts";
import { getUsers } from "@/services/orgs/users.ts";
import type { Handlers, PageProps, RouteContext } from "@/services/web/define.ts";

interface Data {
  cls: Class;
  org: Org;
  /** Students of the class without a password. */
  withoutPassword: number;
  /** Right after making them: the slips, shown this once. */
  made?: { slips: LoginSlip[]; skipped: number; expiresAt: string };
}

async function load(ctx: RouteContext<Data>) {
  const { kv, t } = ctx.state;
  const actor = requireActor(ctx.state);
  const { cls } = await requireClassRole(kv, actor, ctx.params.classId, TEACHERS);
  const [org, users] = await Promise.all([
    getOrg(kv, cls.orgId),
    listMemberIds(kv, cls.id, "student").then((ids) => getUsers(kv, ids)),
  ]);
  ctx.state.title = `${t("slips.title")} · ${cls.name}`;
  return { actor, cls, org, withoutPassword: users.filter((u) => u && !u.passwordHash).length };
}

/**
 * Printable login slips for a class's students who have no password yet (teachers of the
 * class and admins): one-time codes, shown once on the answer to the POST.
 */
export const handler: Handlers<Data> = {
  async GET(_req, ctx) {
    const { cls, org, withoutPassword } = await load(ctx);
    return ctx.render({ cls, org, withoutPassword });
  },
  async POST(_req, ctx) {
    const { kv, config } = ctx.state;
    const { actor, cls, org, withoutPassword } = await load(ctx);
    const made = await issueClassSlips(kv, await linkSecret(kv, config), cls.id, actor.user.id);
    return ctx.render({ cls, org, withoutPassword, made });
  },
};

const PRINT_CSS = `
.slips { display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: 0.75rem; }
.slip { border: 1px dashed currentColor; padding: 0.75rem; break-inside: avoid; }
.slip .one-time-code { font: 700 1.4rem/1.2 ui-monospace, monospace; letter-spacing: 0.08em; }
@media print {
  header, nav, footer, .no-print { display: none !important; }
  .slips { grid-template-columns: repeat(2, 1fr); }
}`;

export default function Slips({ data, state, url }: PageProps<Data>) {
  const { t } = state;
  const { cls, org, made } = data;
  const signInUrl = `${state.config.publicUrl.replace(/\/$/, "")}/signin/code`;
  return (
    <>
      <style>{PRINT_CSS}</style>
      <div class="no-print">
        <ClassCrumbs state={state} cls={cls} trail={[{ label: t("slips.title") }]} />
        <header class="page-head">
          <h1>{t("slips.title")}</h1>
        </header>
        <section class="card">
          <p>{t("slips.intro", { className: cls.name, hours: CODE_TTL_MS / 3_600_000 })}</p>
          <p>
            <strong>{t("slips.count", { count: data.withoutPassword })}</strong>
          </p>
          {data.withoutPassword === 0
            ? <p class="empty">{t("slips.none")}</p>
            : (
              <form method="post" action={url.pathname} class="stack">
                <CsrfField state={state} />
                <p class="muted">{t("slips.again")}</p>
                <button type="submit" class="primary">{t("slips.submit")}</button>
              </form>
            )}
          {made && made.skipped > 0 && (
            <p class="notice" role="status">{t("slips.skipped", { count: made.skipped })}</p>
          )}
          {made && made.slips.length > 0 && (
            <p class="notice ok" role="status">{t("slips.printHint")}</p>
          )}
        </section>
      </div>
      {made && made.slips.length > 0 && (
        <section class="slips" aria-label={t("slips.title")}>
          {made.slips.map((s) => (
            <article class="slip" key={s.userId}>
              <p class="muted">{t("slips.school", { school: org.name, className: cls.name })}</p>
              <h2>{s.name}</h2>
              <p>
                {t("slips.login")}:{" "}
                <strong>
                  {s.studentNumber
                    ? `${s.studentNumber} · ${t("slips.schoolCode", { school: org.slug })}`
                    : s.email}
                </strong>
              </p>
              <p>
                {t("slips.code")}: <span class="one-time-code" data-code>{s.code}</span>
              </p>
              <p>{t("slips.where", { url: signInUrl })}</p>
              <p class="muted">
                {t("slips.expires", { when: formatWhen(state, made.expiresAt, org.timeZone) })}
              </p>
            </article>
          ))}
        </section>
      )}
    </>
  );
}
