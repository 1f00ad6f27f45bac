import { ClassCrumbs, formatWhen } from "@/components/Coursework.tsx";
import { CsrfField } from "@/components/CsrfField.tsx";
import { requireActor, requireClassRole, TEACHERS } from "@/services/auth/access.ts";
import { formatCode, resetUserSignIn } from "@/services/auth/codes.ts";
import type { Class } from "@/services/classes/classes.ts";
import { linkSecret } from "@/services/classes/join_links.ts";
import { listMemberIds } from "@/services/classes/members.ts";
import { type MergeReport, mergeStudents } from "@/services/orgs/merge.ts";
import { getOrg, type Org } from "@/services/orgs/orgs.ts";
import { getUsers, type User } from "@/services/orgs/users.ts";
import type { Handlers, PageProps, RouteContext } from "@/services/web/define.ts";
import { AppError } from "@/services/web/errors.ts";
import { readForm } from "@/services/web/forms.ts";

type Student = Pick<User, "id" | "name" | "email" | "studentNumber" | "joinedVia"> & {
  hasPassword: boolean;
};

interface Data {
  cls: Class;
  org: Org;
  students: Student[];
  /** Right after a reset: the code, shown this once. */
  reset?: { name: string; code: string; expiresAt: string };
  /** The merge asked for, to confirm. */
  confirm?: { keep: Student; fold: Student };
  merged?: { keep: Student; report: MergeReport };
  error?: string;
}

async function load(ctx: RouteContext<Data>) {
  const { kv, t } = ctx.state;
  const actor = requireActor(ctx.state);
  const { cls } = await requireClassRole(kv, actor, ctx.params.classId, TEACHERS);
  const [org, users] = await Promise.all([
    getOrg(kv, cls.orgId),
    listMemberIds(kv, cls.id, "student").then((ids) => getUsers(kv, ids)),
  ]);
  const collator = new Intl.Collator(ctx.state.locale, { numeric: true, sensitivity: "base" });
  const students = users.filter((u): u is User => !!u).map((u) => ({
    id: u.id,
    name: u.name,
    email: u.email,
    studentNumber: u.studentNumber,
    joinedVia: u.joinedVia,
    hasPassword: !!u.passwordHash,
  })).sort((a, b) => collator.compare(a.name, b.name));
  ctx.state.title = `${t("accounts.title")} · ${cls.name}`;
  return { actor, cls, org, students };
}

/**
 * A class's student accounts, for its teachers and the school's admins: reset a student's
 * sign-in (a one-time code shown once), and merge two accounts of one student (a preview
 * that states the rules, then the merge). The services check who may (services/auth/codes.ts,
 * services/orgs/merge.ts).
 */
export const handler: Handlers<Data> = {
  async GET(_req, ctx) {
    const { cls, org, students } = await load(ctx);
    return ctx.render({ cls, org, students });
  },
  async POST(req, ctx) {
    const { kv, config, t } = ctx.state;
    const { actor, cls, org, students } = await load(ctx);
    const fields = await readForm(req);
    const base = { cls, org, students };
    const byId = (id: string | undefined) => students.find((s) => s.id === id);
    try {
      if (fields.intent === "reset") {
        const { user, code, expiresAt } = await resetUserSignIn(
          kv,
          await linkSecret(kv, config),
          actor.user,
          fields.userId ?? "",
        );
        return ctx.render({
          ...(await load(ctx)),
          reset: { name: user.name, code: formatCode(code), expiresAt },
        });
      }
      const keep = byId(fields.keepId);
      const fold = byId(fields.foldId);
      if (!keep || !fold) {
        return ctx.render({ ...base, error: t("accounts.merge.choose") }, { status: 400 });
      }
      if (keep.id === fold.id) {
        return ctx.render({ ...base, error: t("accounts.merge.same") }, { status: 400 });
      }
      if (fields.intent !== "merge") return ctx.render({ ...base, confirm: { keep, fold } });
      const report = await mergeStudents(kv, actor, { keepId: keep.id, foldId: fold.id });
      return ctx.render({ ...(await load(ctx)), merged: { keep, report } });
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      const error = err.code === "forbidden"
        ? t("accounts.error.forbidden")
        : err.code === "not_found"
        ? t("accounts.error.notFound")
        : t("accounts.error.conflict");
      return ctx.render({ ...base, error }, { status: err.status });
    }
  },
};

function StudentLabel({ s, state }: { s: Student; state: PageProps<Data>["state"] }) {
  const { t } = state;
  const login = s.studentNumber ?? s.email ?? "";
  return (
    <>
      <strong>{s.name}</strong> {login && <span>({login})</span>}{" "}
      <small class="muted">
        {s.hasPassword ? t("accounts.hasPassword") : t("accounts.noPassword")} ·{" "}
        {t(`accounts.via.${s.joinedVia}`)}
      </small>
    </>
  );
}

function Options({ students, selected }: { students: Student[]; selected?: string }) {
  return (
    <>
      {students.map((s) => (
        <option value={s.id} selected={s.id === selected}>
          {s.name}
          {s.studentNumber ? ` (${s.studentNumber})` : s.email ? ` (${s.email})` : ""}
        </option>
      ))}
    </>
  );
}

export default function Accounts({ data, state, url }: PageProps<Data>) {
  const { t } = state;
  const { cls, org, students, reset, confirm, merged } = data;
  return (
    <>
      <ClassCrumbs state={state} cls={cls} trail={[{ label: t("accounts.title") }]} />
      <header class="page-head">
        <h1>{t("accounts.title")}</h1>
      </header>
      {data.error && <p class="error" role="alert">{data.error}</p>}

      <section class="card" id="reset" aria-labelledby="reset-title">
        <h2 id="reset-title">{t("accounts.reset.title")}</h2>
        <p class="muted">{t("accounts.reset.intro")}</p>
        {reset && (
          <div class="notice ok" role="status">
            <p>{t("people.reset.codeHeading", { name: reset.name })}</p>
            <p>
              <strong class="one-time-code" data-code>{reset.code}</strong>
            </p>
            <p>
              {t("people.reset.codeNote", {
                name: reset.name,
                when: formatWhen(state, reset.expiresAt, org.timeZone),
              })}
            </p>
          </div>
        )}
        <form method="post" action={url.pathname} class="row">
          <CsrfField state={state} />
          <input type="hidden" name="intent" value="reset" />
          <label class="grow">
            {t("accounts.student")}
            <select name="userId" required>
              <Options students={students} />
            </select>
          </label>
          <button type="submit" class="danger">{t("accounts.reset.submit")}</button>
        </form>
      </section>

      <section class="card" id="merge" aria-labelledby="merge-title">
        <h2 id="merge-title">{t("accounts.merge.title")}</h2>
        <p class="muted">{t("accounts.merge.intro")}</p>
        {merged && (
          <p class="notice ok" role="status">
            {t(merged.report.already ? "accounts.merge.already" : "accounts.merge.done", {
              name: merged.keep.name,
              submissions: merged.report.moved.submissions,
              grades: merged.report.moved.grades,
              attendance: merged.report.moved.attendance,
              classes: merged.report.moved.classes,
            })}
          </p>
        )}
        {confirm
          ? (
            <form method="post" action={url.pathname} class="stack" id="merge-confirm">
              <CsrfField state={state} />
              <input type="hidden" name="intent" value="merge" />
              <input type="hidden" name="keepId" value={confirm.keep.id} />
              <input type="hidden" name="foldId" value={confirm.fold.id} />
              <p>
                {t("accounts.merge.keep")}: <StudentLabel s={confirm.keep} state={state} />
              </p>
              <p>
                {t("accounts.merge.fold")}: <StudentLabel s={confirm.fold} state={state} />
              </p>
              <ul>
                <li>{t("accounts.merge.rule.moves")}</li>
                <li>{t("accounts.merge.rule.submissions")}</li>
                <li>{t("accounts.merge.rule.grades")}</li>
                <li>{t("accounts.merge.rule.account")}</li>
              </ul>
              <p>
                <strong>{t("accounts.merge.final", { name: confirm.fold.name })}</strong>
              </p>
              <div class="row">
                <button type="submit" class="danger">{t("accounts.merge.submit")}</button>
                <a class="button" href={url.pathname}>{t("accounts.merge.cancel")}</a>
              </div>
            </form>
          )
          : (
            <form method="post" action={url.pathname} class="stack">
              <CsrfField state={state} />
              <input type="hidden" name="intent" value="preview" />
              <label>
                {t("accounts.merge.keep")}
                <select name="keepId" required>
                  <Options students={students} />
                </select>
              </label>
              <label>
                {t("accounts.merge.fold")}
                <select name="foldId" required>
                  <Options students={students} selected={students[1]?.id} />
                </select>
              </label>
              <button type="submit">{t("accounts.merge.preview")}</button>
            </form>
          )}
      </section>
    </>
  );
}
