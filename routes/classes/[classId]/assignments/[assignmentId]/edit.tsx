import { AssignmentForm } from "@/components/AssignmentForm.tsx";
import { ClassCrumbs } from "@/components/Coursework.tsx";
import type { AssignmentDraft } from "@/islands/AssignmentEditor.tsx";
import { requireActor } from "@/services/auth/access.ts";
import type { Class } from "@/services/classes/classes.ts";
import { assignmentAccess, requireManager } from "@/services/coursework/assignments.ts";
import { utcToZonedTime } from "@/services/coursework/due_time.ts";
import type { Handlers, PageProps } from "@/services/web/define.ts";
import { notFound } from "@/services/web/errors.ts";

interface Data {
  cls: Class;
  draft: AssignmentDraft;
  timeZone: string;
}

/** Editing an assignment (its teachers and school admins); students' work is kept. */
export const handler: Handlers<Data> = {
  async GET(_req, ctx) {
    const { kv, t } = ctx.state;
    const actor = requireActor(ctx.state);
    const { assignment: a, cls, role } = await assignmentAccess(
      kv,
      actor,
      ctx.params.assignmentId,
    );
    if (cls.id !== ctx.params.classId) throw notFound("Assignment not found");
    requireManager(role);
    const draft: AssignmentDraft = {
      id: a.id,
      status: a.status,
      title: a.title,
      instructions: a.instructions,
      attachments: a.attachments.map(({ id, name, size, type }) => ({ id, name, size, type })),
      points: a.points,
      due: utcToZonedTime(a.dueAt, a.timeZone),
      latePolicy: a.latePolicy,
      reminderHours: a.reminderHours,
    };
    ctx.state.title = `${t("coursework.edit.title")} · ${a.title}`;
    return ctx.render({ cls, draft, timeZone: a.timeZone });
  },
};

export default function EditAssignmentPage({ data, state }: PageProps<Data>) {
  const { t } = state;
  const { cls, draft } = data;
  const base = `/classes/${cls.id}/assignments`;
  return (
    <>
      <ClassCrumbs
        state={state}
        cls={cls}
        trail={[
          { href: base, label: t("coursework.list.title") },
          { href: `${base}/${draft.id}`, label: draft.title },
          { label: t("coursework.edit.title") },
        ]}
      />
      <section class="card narrow-wide" aria-labelledby="edit-title">
        <h1 id="edit-title">{t("coursework.edit.title")}</h1>
        {cls.archived ? <p class="notice">{t("coursework.archived")}</p> : (
          <AssignmentForm
            state={state}
            classId={cls.id}
            assignment={draft}
            defaultDue={draft.due}
            timeZone={data.timeZone}
          />
        )}
      </section>
    </>
  );
}
