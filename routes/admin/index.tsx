import { ClassForm } from "@/components/ClassForm.tsx";
import {
  ClassTable,
  DepartmentTable,
  type GroupRow,
  WorkspaceSwitch,
} from "@/components/GroupTables.tsx";
import {
  classFormError,
  classFormErrorField,
  type ClassFormValues,
  emptyGroupForm,
  parseClassForm,
  readClassForm,
} from "@/services/classes/class_form.ts";
import { groupWords } from "@/services/classes/group_words.ts";
import { requireAdmin } from "@/services/auth/access.ts";
import { type Class, createClass, listClassesByOrg } from "@/services/classes/classes.ts";
import { listClassMembers, listMemberIds } from "@/services/classes/members.ts";
import type { Page } from "@/services/db/kv.ts";
import { getOrg, hasWorkspace, type Org, setStaffWorkspace } from "@/services/orgs/orgs.ts";
import { listOrgTeachers, listOrgUsers, type User } from "@/services/orgs/users.ts";
import { type DepartmentNode, departmentTree } from "@/services/workspace/departments.ts";
import type { Handlers, PageProps, RouteContext } from "@/services/web/define.ts";
import { AppError } from "@/services/web/errors.ts";
import { redirect } from "@/services/web/forms.ts";

interface Data {
  org: Org;
  workspace: boolean;
  active: GroupRow[];
  archived: GroupRow[];
  /** Departments in tree order (active, archived) and their rows by id. */
  tree: DepartmentNode[];
  archivedTree: DepartmentNode[];
  deptRows: Map<string, GroupRow>;
  /** Who can lead a class (teachers) and a department (staff). */
  teachers: User[];
  staff: User[];
  members: Page<User>;
  cursor?: string;
  classForm: ClassFormValues;
  deptForm: ClassFormValues;
  error?: { kind: Class["kind"]; message: string; field?: string };
  flash?: string;
}

const MEMBERS_PER_PAGE = 50;
/** More staff than this are not listed as manager boxes in the new department form. */
const PICKER_LIMIT = 200;

/** Leads' names and the number of members of each group. */
async function groupRows(kv: Deno.Kv, groups: Class[]): Promise<GroupRow[]> {
  return await Promise.all(groups.map(async (cls) => {
    const [teachers, students] = await Promise.all([
      listClassMembers(kv, cls.id, { role: "teacher", limit: 50 }),
      listMemberIds(kv, cls.id, "student"),
    ]);
    return { cls, teachers: teachers.items.map((m) => m.name), students: students.length };
  }));
}

async function renderDashboard(
  ctx: RouteContext<Data>,
  form?: ClassFormValues,
  error?: { message: string; status: number; field?: string },
): Promise<Response> {
  const { kv, t, locale } = ctx.state;
  const { user } = requireAdmin(ctx.state);
  const cursor = ctx.url.searchParams.get("cursor") || undefined;
  const org = await getOrg(kv, user.orgId);
  const workspace = hasWorkspace(org);
  const school = org.kind === "school";
  const [classes, departments, teachers, admins, members] = await Promise.all([
    school ? listClassesByOrg(kv, user.orgId, { includeArchived: true }) : [],
    workspace
      ? listClassesByOrg(kv, user.orgId, { includeArchived: true, kind: "department" })
      : [],
    listOrgTeachers(kv, user.orgId),
    workspace ? listOrgUsers(kv, user.orgId, { role: "admin", limit: 200 }) : undefined,
    listOrgUsers(kv, user.orgId, { cursor, limit: MEMBERS_PER_PAGE }),
  ]);
  const collator = new Intl.Collator(locale, { numeric: true, sensitivity: "base" });
  const rows = (await groupRows(kv, classes)).sort((a, b) =>
    collator.compare(a.cls.name, b.cls.name)
  );
  const deptRows = new Map((await groupRows(kv, departments)).map((r) => [r.cls.id, r]));
  const staff = [...(admins?.items ?? []), ...teachers]
    .sort((a, b) => collator.compare(a.name, b.name));
  const params = ctx.url.searchParams;
  ctx.state.title = school ? t("admin.title") : t("workspace.companyTitle");
  return ctx.render({
    org,
    workspace,
    active: rows.filter((r) => !r.cls.archived),
    archived: rows.filter((r) => r.cls.archived),
    tree: departmentTree(departments.filter((d) => !d.archived), locale),
    archivedTree: departmentTree(departments.filter((d) => d.archived), locale),
    deptRows,
    teachers,
    staff,
    members,
    cursor,
    classForm: form?.kind === "class" ? form : emptyGroupForm("class"),
    deptForm: form?.kind === "department" ? form : emptyGroupForm("department"),
    error: error && form
      ? { kind: form.kind, message: error.message, field: error.field }
      : undefined,
    flash: params.get("workspace") === "on"
      ? t("workspace.switch.savedOn")
      : params.get("workspace") === "off"
      ? t("workspace.switch.savedOff")
      : undefined,
  }, error ? { status: error.status } : undefined);
}

export const handler: Handlers<Data> = {
  GET(_req, ctx) {
    return renderDashboard(ctx);
  },
  /**
   * `intent=workspace` switches a school's staff workspace (`on` 1 or 0); otherwise creates a
   * class or a department (`kind`), then opens its management page.
   */
  async POST(req, ctx) {
    const { user } = requireAdmin(ctx.state);
    const { values, fields } = await readClassForm(req);
    if (fields.intent === "workspace") {
      const on = fields.on === "1";
      await setStaffWorkspace(ctx.state.kv, user.orgId, on);
      return redirect(`/admin?workspace=${on ? "on" : "off"}#workspace`);
    }
    try {
      const cls = await createClass(ctx.state.kv, user.orgId, {
        ...parseClassForm(values),
        kind: values.kind,
      });
      return redirect(`/admin/classes/${cls.id}?created=1`);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      return renderDashboard(ctx, values, {
        message: classFormError(ctx.state.t, err, values),
        status: err.status,
        field: classFormErrorField(err),
      });
    }
  },
};

/** The create form of one kind, with its error when the last post was of that kind. */
function NewGroup({ data, state, kind }: PageProps<Data> & { kind: "class" | "department" }) {
  const { t } = state;
  const words = groupWords(kind);
  const id = kind === "department" ? "new-department" : "new-class";
  const error = data.error?.kind === kind ? data.error : undefined;
  // A company of thousands: managers are picked on the department's page (add by email).
  const many = data.staff.length > PICKER_LIMIT;
  return (
    <section class="card" id={id} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t(words.createTitle)}</h2>
      <ClassForm
        state={state}
        action={`/admin#${id}`}
        values={kind === "department" ? data.deptForm : data.classForm}
        teachers={kind === "class" ? data.teachers : many ? [] : data.staff}
        leadsHint={kind === "department" && many ? t("workspace.form.manyStaffNew") : undefined}
        parents={data.tree}
        error={error?.message}
        errorField={error?.field}
        submitLabel={t(words.createSubmit)}
        idPrefix={id}
      />
    </section>
  );
}

export default function AdminDashboard(props: PageProps<Data>) {
  const { data, state } = props;
  const { t } = state;
  const { org, active, archived, members, tree, deptRows } = data;
  const school = org.kind === "school";
  return (
    <>
      <header class="page-head">
        <div>
          <p class="eyebrow">{school ? t("admin.eyebrow") : t("workspace.companyEyebrow")}</p>
          <h1>{org.name}</h1>
          <p class="muted">
            {school
              ? t("admin.schoolCode", { code: org.slug })
              : t("workspace.companyCode", { code: org.slug })}
          </p>
        </div>
        <ul class="stats">
          {school && (
            <li>
              <strong>{active.length}</strong> {t("admin.stats.classes")}
            </li>
          )}
          {data.workspace && (
            <li>
              <strong>{tree.length}</strong> {t("workspace.stats.departments")}
            </li>
          )}
          <li>
            <strong>{school ? data.teachers.length : data.staff.length}</strong>{" "}
            {school ? t("admin.stats.teachers") : t("workspace.stats.people")}
          </li>
          {school && (
            <li>
              <strong>{active.reduce((n, r) => n + r.students, 0)}</strong> {t("admin.stats.seats")}
            </li>
          )}
        </ul>
      </header>
      {data.flash && <p class="notice ok" role="status">{data.flash}</p>}
      {data.error?.kind === "department" && !data.workspace && (
        <p class="error" role="alert">{data.error.message}</p>
      )}

      {school && (
        <div class="grid-main">
          <section class="card" id="classes" aria-labelledby="classes-title">
            <h2 id="classes-title">{t("admin.classes.title")}</h2>
            {active.length === 0
              ? <p class="empty">{t("admin.classes.empty")}</p>
              : <ClassTable rows={active} state={state} />}
          </section>
          <NewGroup {...props} kind="class" />
        </div>
      )}

      {school && <WorkspaceSwitch state={state} on={data.workspace} />}

      {data.workspace && (
        <div class="grid-main">
          <section class="card" id="departments" aria-labelledby="departments-title">
            <h2 id="departments-title">{t("workspace.depts.title")}</h2>
            {tree.length === 0
              ? <p class="empty">{t("workspace.depts.empty")}</p>
              : <DepartmentTable nodes={tree} rows={deptRows} state={state} />}
          </section>
          <NewGroup {...props} kind="department" />
        </div>
      )}

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
                    {school && <th scope="col">{t("classes.roster.studentNumber")}</th>}
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
                      {school && (
                        <td data-label={t("classes.roster.studentNumber")}>
                          {u.studentNumber ?? <span class="muted">—</span>}
                        </td>
                      )}
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
        {school && (
          <>
            <h2 id="archived-title">{t("admin.archived.title")}</h2>
            {archived.length === 0
              ? <p class="muted">{t("admin.archived.empty")}</p>
              : <ClassTable rows={archived} state={state} archived />}
          </>
        )}
        {data.workspace && (
          <>
            {school
              ? <h2>{t("workspace.archived.title")}</h2>
              : <h2 id="archived-title">{t("workspace.archived.title")}</h2>}
            {data.archivedTree.length === 0
              ? <p class="muted">{t("workspace.archived.empty")}</p>
              : (
                <DepartmentTable
                  nodes={data.archivedTree}
                  rows={deptRows}
                  state={state}
                  archived
                />
              )}
          </>
        )}
      </section>
    </>
  );
}
