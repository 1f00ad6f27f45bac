import { pageQuery } from "@/services/web/query.ts";
import { ClassForm } from "@/components/ClassForm.tsx";
import {
  classFormError,
  type ClassFormValues,
  parseClassForm,
  readClassForm,
} from "@/services/classes/class_form.ts";
import { listOrgTeachers } from "@/services/orgs/users.ts";
import { JoinLinksCard, JoinRequestsCard, RosterImportCard } from "@/components/ClassTools.tsx";
import { CsrfField } from "@/components/CsrfField.tsx";
import { ROSTER_PAGE_SIZE, type RosterPage, RosterTable } from "@/components/RosterTable.tsx";
import { requireAdmin } from "@/services/auth/access.ts";
import { type Class, getClass, setClassArchived, updateClass } from "@/services/classes/classes.ts";
import { listClassMembers } from "@/services/classes/members.ts";
import type { User } from "@/services/orgs/users.ts";
import type { Handlers, PageProps, RouteContext } from "@/services/web/define.ts";
import { AppError } from "@/services/web/errors.ts";
import { redirect, safeNext } from "@/services/web/forms.ts";

interface Data {
  cls: Class;
  teachers: User[];
  form: ClassFormValues;
  error?: string;
  flash?: string;
  roster: RosterPage;
  q: string;
}

async function renderClass(
  ctx: RouteContext<Data>,
  cls: Class,
  edit?: { form: ClassFormValues; error: string; status: number },
): Promise<Response> {
  const { kv, t } = ctx.state;
  const { q, offset } = pageQuery(ctx.url);
  const [teachers, current, roster] = await Promise.all([
    listOrgTeachers(kv, cls.orgId),
    listClassMembers(kv, cls.id, { role: "teacher", limit: 50 }),
    listClassMembers(kv, cls.id, { q, offset, limit: ROSTER_PAGE_SIZE }),
  ]);
  const params = ctx.url.searchParams;
  const flash = params.has("created")
    ? t("admin.class.created")
    : params.has("saved")
    ? t("admin.class.saved")
    : undefined;
  ctx.state.title = t("admin.class.title", { name: cls.name });
  return ctx.render({
    cls,
    teachers,
    form: edit?.form ?? {
      name: cls.name,
      grade: cls.grade ?? "",
      subject: cls.subject ?? "",
      teacherIds: current.items.map((m) => m.userId),
    },
    error: edit?.error,
    flash: edit ? undefined : flash,
    roster,
    q,
  }, edit ? { status: edit.status } : undefined);
}

export const handler: Handlers<Data> = {
  async GET(_req, ctx) {
    const { user } = requireAdmin(ctx.state);
    return renderClass(ctx, await getClass(ctx.state.kv, user.orgId, ctx.params.classId));
  },
  /** `intent`: save (the edit form), archive or restore. */
  async POST(req, ctx) {
    const { kv, t } = ctx.state;
    const { user } = requireAdmin(ctx.state);
    const cls = await getClass(kv, user.orgId, ctx.params.classId);
    const { fields, values } = await readClassForm(req);
    const here = `/admin/classes/${cls.id}`;
    if (fields.intent === "archive" || fields.intent === "restore") {
      await setClassArchived(kv, user.orgId, cls.id, fields.intent === "archive");
      return redirect(safeNext(fields.next, here));
    }
    if (fields.intent !== "save") throw new AppError("bad_request", t("admin.class.badIntent"));
    try {
      await updateClass(kv, user.orgId, cls.id, parseClassForm(values));
      return redirect(`${here}?saved=1`);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      const error = classFormError(t, err, values);
      return renderClass(ctx, cls, { form: values, error, status: err.status });
    }
  },
};

export default function AdminClassPage({ data, state }: PageProps<Data>) {
  const { t } = state;
  const { cls } = data;
  const path = `/admin/classes/${cls.id}`;
  return (
    <>
      <nav class="breadcrumb" aria-label={t("admin.breadcrumb")}>
        <a href="/admin">{t("nav.dashboard")}</a> <span aria-hidden="true">/</span> {cls.name}
      </nav>
      <header class="page-head">
        <div>
          <p class="eyebrow">
            {[cls.grade && t("classes.grade", { grade: cls.grade }), cls.subject]
              .filter(Boolean).join(" · ") || t("classes.eyebrow")}
          </p>
          <h1>
            {cls.name}{" "}
            {cls.archived && <span class="badge archived">{t("admin.class.archived")}</span>}
          </h1>
        </div>
        <div class="page-actions">
          <a class="button" href={`/classes/${cls.id}`}>{t("admin.class.openPage")}</a>
          <form method="post" action={path}>
            <CsrfField state={state} />
            <input type="hidden" name="intent" value={cls.archived ? "restore" : "archive"} />
            <button type="submit" class={cls.archived ? "primary" : "danger"}>
              {cls.archived ? t("admin.class.restore") : t("admin.class.archive")}
            </button>
          </form>
        </div>
      </header>
      {data.flash && <p class="notice ok" role="status">{data.flash}</p>}
      {cls.archived && <p class="notice">{t("admin.class.archivedNotice")}</p>}

      <div class="grid-2">
        <section class="card" id="edit" aria-labelledby="edit-title">
          <h2 id="edit-title">{t("admin.class.edit")}</h2>
          <ClassForm
            state={state}
            action={`${path}#edit`}
            values={data.form}
            teachers={data.teachers}
            error={data.error}
            submitLabel={t("admin.class.save")}
            idPrefix="edit-class"
            hidden={{ intent: "save" }}
          />
        </section>
        <JoinLinksCard state={state} classId={cls.id} />
      </div>

      {!cls.archived && <JoinRequestsCard state={state} classId={cls.id} />}

      <RosterImportCard state={state} classId={cls.id} />

      <RosterTable state={state} roster={data.roster} q={data.q} path={path} showContact />
    </>
  );
}
