import { pageQuery } from "@/services/web/query.ts";
import { ClassForm } from "@/components/ClassForm.tsx";
import {
  classFormError,
  classFormErrorField,
  type ClassFormValues,
  parseClassForm,
  readClassForm,
} from "@/services/classes/class_form.ts";
import { groupWords } from "@/services/classes/group_words.ts";
import { addGroupMember, removeGroupMember } from "@/services/classes/group_members.ts";
import { listOrgTeachers, listOrgUsers } from "@/services/orgs/users.ts";
import { JoinLinksCard, JoinRequestsCard, RosterImportCard } from "@/components/ClassTools.tsx";
import { AddMemberCard } from "@/components/AddMemberCard.tsx";
import { CsrfField } from "@/components/CsrfField.tsx";
import { ROSTER_PAGE_SIZE, type RosterPage, RosterTable } from "@/components/RosterTable.tsx";
import { requireAdmin } from "@/services/auth/access.ts";
import {
  type Class,
  getClass,
  groupKind,
  listClassesByOrg,
  setClassArchived,
  updateClass,
} from "@/services/classes/classes.ts";
import { listClassMembers } from "@/services/classes/members.ts";
import type { User } from "@/services/orgs/users.ts";
import { withDescendants } from "@/services/workspace/access.ts";
import { type DepartmentNode, departmentTree } from "@/services/workspace/departments.ts";
import type { Handlers, PageProps, RouteContext } from "@/services/web/define.ts";
import { AppError } from "@/services/web/errors.ts";
import { redirect, safeNext } from "@/services/web/forms.ts";

interface Data {
  cls: Class;
  teachers: User[];
  form: ClassFormValues;
  error?: string;
  errorField?: string;
  flash?: string;
  roster: RosterPage;
  q: string;
  /** A department's tree path (names from the top) and the parents it may move under. */
  path: string[];
  parents: DepartmentNode[];
  /** The add form's last post when it failed. */
  add?: { email: string; role: string; error: string };
  /** Too many staff to list: the boxes are the current managers; more are added by email. */
  manyStaff: boolean;
}

/** More staff than this: a department's manager boxes list its managers only (add by email). */
const PICKER_LIMIT = 200;

type Edit = { form: ClassFormValues; error: string; field?: string; status: number };
type Add = { email: string; role: string; error: string; status: number };

async function renderGroup(
  ctx: RouteContext<Data>,
  cls: Class,
  failed?: { edit?: Edit; add?: Add },
): Promise<Response> {
  const { kv, t, locale } = ctx.state;
  const kind = groupKind(cls);
  const words = groupWords(kind);
  const { q, offset } = pageQuery(ctx.url);
  const department = kind === "department";
  const [teachers, admins, current, roster, departments] = await Promise.all([
    listOrgTeachers(kv, cls.orgId),
    department ? listOrgUsers(kv, cls.orgId, { role: "admin", limit: 200 }) : undefined,
    listClassMembers(kv, cls.id, { role: "teacher", limit: 50 }),
    listClassMembers(kv, cls.id, { q, offset, limit: ROSTER_PAGE_SIZE }),
    department ? listClassesByOrg(kv, cls.orgId, { kind: "department" }) : [],
  ]);
  const currentIds = current.items.map((m) => m.userId);
  let leads = [...(admins?.items ?? []), ...teachers];
  const manyStaff = department && leads.length > PICKER_LIMIT;
  if (manyStaff) leads = leads.filter((u) => currentIds.includes(u.id));
  const tree = departmentTree(departments, locale);
  const below = withDescendants(departments, [cls.id]);
  const params = ctx.url.searchParams;
  const flash = params.has("created")
    ? t(words.created)
    : params.has("saved")
    ? t("admin.class.saved")
    : params.get("added")
    ? t("workspace.add.added", { name: params.get("added")! })
    : params.get("removed")
    ? t("workspace.remove.done", { name: params.get("removed")! })
    : undefined;
  ctx.state.title = t(words.pageTitle, { name: cls.name });
  const edit = failed?.edit;
  const status = edit?.status ?? failed?.add?.status;
  return ctx.render({
    cls,
    teachers: leads,
    form: edit?.form ?? {
      kind,
      name: cls.name,
      grade: cls.grade ?? "",
      subject: cls.subject ?? "",
      parentId: cls.parentId ?? "",
      teacherIds: currentIds,
    },
    error: edit?.error,
    errorField: edit?.field,
    flash: failed ? undefined : flash,
    roster,
    q,
    path: tree.find((n) => n.dept.id === cls.id)?.path ?? [cls.name],
    // Not itself or one below it (a cycle), unless that is what the failed post chose.
    parents: tree.filter((n) => !below.has(n.dept.id) || n.dept.id === edit?.form.parentId),
    add: failed?.add,
    manyStaff,
  }, status ? { status } : undefined);
}

/** A 4xx from a service as the page's message; anything else goes on up. */
function expected(err: unknown): AppError {
  if (!(err instanceof AppError) || err.status >= 500) throw err;
  return err;
}

export const handler: Handlers<Data> = {
  async GET(_req, ctx) {
    const { user } = requireAdmin(ctx.state);
    return renderGroup(ctx, await getClass(ctx.state.kv, user.orgId, ctx.params.classId));
  },
  /** `intent`: save (the edit form), archive, restore, add (a person by email) or remove. */
  async POST(req, ctx) {
    const { kv, t } = ctx.state;
    const { user } = requireAdmin(ctx.state);
    const cls = await getClass(kv, user.orgId, ctx.params.classId);
    const { fields, values } = await readClassForm(req);
    const here = `/admin/classes/${cls.id}`;
    values.kind = groupKind(cls);
    if (fields.intent === "archive" || fields.intent === "restore") {
      await setClassArchived(kv, user.orgId, cls.id, fields.intent === "archive");
      return redirect(safeNext(fields.next, here));
    }
    if (fields.intent === "add") {
      const email = fields.email ?? "", role = fields.role ?? "student";
      try {
        const added = await addGroupMember(kv, user.orgId, cls.id, { email, role });
        return redirect(`${here}?added=${encodeURIComponent(added.user.name)}#roster`);
      } catch (err) {
        const e = expected(err);
        const message = e.code === "conflict"
          ? t("workspace.add.archived")
          : /Only staff/.test(e.details?.[0]?.message ?? "")
          ? t("workspace.add.notStaff")
          : /cannot lead/.test(e.details?.[0]?.message ?? "")
          ? t("workspace.add.notLead")
          : t("workspace.add.unknown", { email });
        return renderGroup(ctx, cls, { add: { email, role, error: message, status: e.status } });
      }
    }
    if (fields.intent === "remove") {
      const removed = await removeGroupMember(kv, user.orgId, cls.id, fields.userId ?? "");
      return redirect(`${here}?removed=${encodeURIComponent(removed.name)}#roster`);
    }
    if (fields.intent !== "save") throw new AppError("bad_request", t("admin.class.badIntent"));
    try {
      await updateClass(kv, user.orgId, cls.id, parseClassForm(values));
      return redirect(`${here}?saved=1`);
    } catch (err) {
      const e = expected(err);
      const edit = {
        form: values,
        error: classFormError(t, e, values),
        field: classFormErrorField(e),
        status: e.status,
      };
      return renderGroup(ctx, cls, { edit });
    }
  },
};

export default function AdminClassPage({ data, state }: PageProps<Data>) {
  const { t } = state;
  const { cls } = data;
  const kind = groupKind(cls);
  const words = groupWords(kind);
  const department = kind === "department";
  const path = `/admin/classes/${cls.id}`;
  return (
    <>
      <nav class="breadcrumb" aria-label={t("admin.breadcrumb")}>
        <a href={department ? "/admin#departments" : "/admin"}>{t("nav.dashboard")}</a>{" "}
        {data.path.slice(0, -1).map((name) => (
          <>
            <span aria-hidden="true">/</span> {name}
            {" "}
          </>
        ))}
        <span aria-hidden="true">/</span> {cls.name}
      </nav>
      <header class="page-head">
        <div>
          <p class="eyebrow">
            {department
              ? t(words.eyebrow)
              : [cls.grade && t("classes.grade", { grade: cls.grade }), cls.subject]
                .filter(Boolean).join(" · ") || t(words.eyebrow)}
          </p>
          <h1>
            {cls.name}{" "}
            {cls.archived && <span class="badge archived">{t("admin.class.archived")}</span>}
          </h1>
        </div>
        <div class="page-actions">
          {department
            ? (
              <a class="button" href={`/workspace?dept=${cls.id}#directory`}>
                {t("workspace.dept.openDirectory")}
              </a>
            )
            : <a class="button" href={`/classes/${cls.id}`}>{t("admin.class.openPage")}</a>}
          <form method="post" action={path}>
            <CsrfField state={state} />
            <input type="hidden" name="intent" value={cls.archived ? "restore" : "archive"} />
            <button type="submit" class={cls.archived ? "primary" : "danger"}>
              {cls.archived ? t("admin.class.restore") : t(words.archive)}
            </button>
          </form>
        </div>
      </header>
      {data.flash && <p class="notice ok" role="status">{data.flash}</p>}
      {cls.archived && <p class="notice">{t(words.archivedNotice)}</p>}

      <div class="grid-2">
        <section class="card" id="edit" aria-labelledby="edit-title">
          <h2 id="edit-title">{t(words.edit)}</h2>
          <ClassForm
            state={state}
            action={`${path}#edit`}
            values={data.form}
            teachers={data.teachers}
            parents={data.parents}
            error={data.error}
            errorField={data.errorField}
            submitLabel={t("admin.class.save")}
            idPrefix="edit-class"
            hidden={{ intent: "save" }}
            leadsHint={data.manyStaff ? t("workspace.form.manyStaff") : undefined}
          />
        </section>
        <JoinLinksCard state={state} classId={cls.id} />
      </div>

      {!cls.archived && <JoinRequestsCard state={state} classId={cls.id} />}

      <RosterImportCard state={state} classId={cls.id} />

      {!cls.archived && <AddMemberCard state={state} kind={kind} path={path} add={data.add} />}

      <RosterTable
        state={state}
        roster={data.roster}
        q={data.q}
        path={path}
        showContact
        kind={kind}
        removeAction={cls.archived ? undefined : path}
      />
    </>
  );
}
