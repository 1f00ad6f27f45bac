import { ClassForm } from "@/components/ClassForm.tsx";
import {
  classFormError,
  type ClassFormValues,
  EMPTY_CLASS_FORM,
  parseClassForm,
  readClassForm,
} from "@/services/classes/class_form.ts";
import { CsrfField } from "@/components/CsrfField.tsx";
import { requireAdmin } from "@/services/auth/access.ts";
import { type Class, createClass, listClassesByOrg } from "@/services/classes/classes.ts";
import { listClassMembers, listMemberIds } from "@/services/classes/members.ts";
import type { Page } from "@/services/db/kv.ts";
import { getOrg, type Org } from "@/services/orgs/orgs.ts";
import { listOrgTeachers, listOrgUsers, type User } from "@/services/orgs/users.ts";
import type { Handlers, PageProps, RouteContext } from "@/services/web/define.ts";
import { AppError } from "@/services/web/errors.ts";
import { redirect } from "@/services/web/forms.ts";

interface ClassRow {
  cls: Class;
  teachers: string[];
  students: number;
}

interface Data {
  org: Org;
  active: ClassRow[];
  archived: ClassRow[];
  teachers: User[];
  members: Page<User>;
  cursor?: string;
  form: ClassFormValues;
  error?: string;
}

const MEMBERS_PER_PAGE = 50;

/** Teachers' names and the number of students of each class. */
async function classRows(kv: Deno.Kv, classes: Class[]): Promise<ClassRow[]> {
  return await Promise.all(classes.map(async (cls) => {
    const [teachers, students] = await Promise.all([
      listClassMembers(kv, cls.id, { role: "teacher", limit: 50 }),
      listMemberIds(kv, cls.id, "student"),
    ]);
    return { cls, teachers: teachers.items.map((m) => m.name), students: students.length };
  }));
}

async function renderDashboard(
  ctx: RouteContext<Data>,
  form: ClassFormValues,
  error?: { message: string; status: number },
): Promise<Response> {
  const { kv, t } = ctx.state;
  const { user } = requireAdmin(ctx.state);
  const cursor = ctx.url.searchParams.get("cursor") || undefined;
  const [org, classes, teachers, members] = await Promise.all([
    getOrg(kv, user.orgId),
    listClassesByOrg(kv, user.orgId, { includeArchived: true }),
    listOrgTeachers(kv, user.orgId),
    listOrgUsers(kv, user.orgId, { cursor, limit: MEMBERS_PER_PAGE }),
  ]);
  const collator = new Intl.Collator(ctx.state.locale, { numeric: true, sensitivity: "base" });
  const rows = (await classRows(kv, classes)).sort((a, b) =>
    collator.compare(a.cls.name, b.cls.name)
  );
  ctx.state.title = t("admin.title");
  return ctx.render({
    org,
    active: rows.filter((r) => !r.cls.archived),
    archived: rows.filter((r) => r.cls.archived),
    teachers,
    members,
    cursor,
    form,
    error: error?.message,
  }, error ? { status: error.status } : undefined);
}

export const handler: Handlers<Data> = {
  GET(_req, ctx) {
    return renderDashboard(ctx, EMPTY_CLASS_FORM);
  },
  /** Creates a class, then opens its management page. */
  async POST(req, ctx) {
    const { user } = requireAdmin(ctx.state);
    const { values } = await readClassForm(req);
    try {
      const cls = await createClass(ctx.state.kv, user.orgId, parseClassForm(values));
      return redirect(`/admin/classes/${cls.id}?created=1`);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      return renderDashboard(ctx, values, {
        message: classFormError(ctx.state.t, err, values),
        status: err.status,
      });
    }
  },
};

function ClassTable(
  { rows, state, archived }: { rows: ClassRow[]; state: PageProps["state"]; archived?: boolean },
) {
  const { t } = state;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t("admin.classes.name")}</th>
            <th scope="col">{t("admin.classes.gradeSubject")}</th>
            <th scope="col">{t("admin.classes.teachers")}</th>
            <th scope="col" class="num">{t("admin.classes.students")}</th>
            <th scope="col">
              <span class="sr-only">{t("admin.classes.actions")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ cls, teachers, students }) => (
            <tr key={cls.id}>
              <td>
                <a href={`/admin/classes/${cls.id}`}>{cls.name}</a>
              </td>
              <td data-label={t("admin.classes.gradeSubject")}>
                {[cls.grade && t("classes.grade", { grade: cls.grade }), cls.subject]
                  .filter(Boolean).join(" · ") || <span class="muted">—</span>}
              </td>
              <td data-label={t("admin.classes.teachers")}>
                {teachers.join(", ") || <span class="muted">{t("admin.classes.noTeachers")}</span>}
              </td>
              <td class="num" data-label={t("admin.classes.students")}>{students}</td>
              <td class="cell-actions">
                {archived
                  ? (
                    <form method="post" action={`/admin/classes/${cls.id}`}>
                      <CsrfField state={state} />
                      <input type="hidden" name="intent" value="restore" />
                      <input type="hidden" name="next" value="/admin#archived" />
                      <button type="submit">{t("admin.class.restore")}</button>
                    </form>
                  )
                  : <a href={`/classes/${cls.id}`}>{t("admin.classes.open")}</a>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function AdminDashboard({ data, state }: PageProps<Data>) {
  const { t } = state;
  const { org, active, archived, members } = data;
  return (
    <>
      <header class="page-head">
        <div>
          <p class="eyebrow">{t("admin.eyebrow")}</p>
          <h1>{org.name}</h1>
          <p class="muted">{t("admin.schoolCode", { code: org.slug })}</p>
        </div>
        <ul class="stats">
          <li>
            <strong>{active.length}</strong> {t("admin.stats.classes")}
          </li>
          <li>
            <strong>{data.teachers.length}</strong> {t("admin.stats.teachers")}
          </li>
          <li>
            <strong>{active.reduce((n, r) => n + r.students, 0)}</strong> {t("admin.stats.seats")}
          </li>
        </ul>
      </header>

      <div class="grid-main">
        <section class="card" id="classes" aria-labelledby="classes-title">
          <h2 id="classes-title">{t("admin.classes.title")}</h2>
          {active.length === 0
            ? <p class="empty">{t("admin.classes.empty")}</p>
            : <ClassTable rows={active} state={state} />}
        </section>

        <section class="card" id="new-class" aria-labelledby="new-class-title">
          <h2 id="new-class-title">{t("admin.create.title")}</h2>
          <ClassForm
            state={state}
            action="/admin#new-class"
            values={data.form}
            teachers={data.teachers}
            error={data.error}
            submitLabel={t("admin.create.submit")}
            idPrefix="new-class"
          />
        </section>
      </div>

      <section class="card" id="members" aria-labelledby="members-title">
        <h2 id="members-title">{t("admin.members.title")}</h2>
        {members.items.length === 0
          ? <p class="empty">{t("admin.members.empty")}</p>
          : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t("classes.roster.name")}</th>
                    <th scope="col">{t("classes.roster.role")}</th>
                    <th scope="col">{t("classes.roster.email")}</th>
                    <th scope="col">{t("classes.roster.studentNumber")}</th>
                  </tr>
                </thead>
                <tbody>
                  {members.items.map((u) => (
                    <tr key={u.id}>
                      <td>
                        <a href={`/admin/people/${u.id}`}>{u.name}</a>
                      </td>
                      <td data-label={t("classes.roster.role")}>
                        <span class={`badge role-${u.role}`}>{t(`admin.role.${u.role}`)}</span>
                      </td>
                      <td data-label={t("classes.roster.email")}>
                        {u.email ?? <span class="muted">—</span>}
                      </td>
                      <td data-label={t("classes.roster.studentNumber")}>
                        {u.studentNumber ?? <span class="muted">—</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        {(data.cursor || members.cursor) && (
          <nav class="pager" aria-label={t("classes.pager.label")}>
            {data.cursor && <a href="/admin#members">{t("admin.members.first")}</a>}
            {members.cursor && (
              <a href={`/admin?cursor=${encodeURIComponent(members.cursor)}#members`} rel="next">
                {t("classes.pager.next")}
              </a>
            )}
          </nav>
        )}
      </section>

      <section class="card" id="archived" aria-labelledby="archived-title">
        <h2 id="archived-title">{t("admin.archived.title")}</h2>
        {archived.length === 0
          ? <p class="muted">{t("admin.archived.empty")}</p>
          : <ClassTable rows={archived} state={state} archived />}
      </section>
    </>
  );
}
