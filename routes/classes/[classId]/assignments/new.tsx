import { AssignmentForm } from "@/components/AssignmentForm.tsx";
import { ClassCrumbs } from "@/components/Coursework.tsx";
import { requireActor, requireClassRole } from "@/services/auth/access.ts";
import type { Class } from "@/services/classes/classes.ts";
import { utcToZonedTime } from "@/services/coursework/due_time.ts";
import { getOrg } from "@/services/orgs/orgs.ts";
import type { Handlers, PageProps } from "@/services/web/define.ts";

interface Data {
  cls: Class;
  timeZone: string;
  defaultDue: { date: string; time: string };
}

/** The new-assignment form (the class's teachers and school admins). */
export const handler: Handlers<Data> = {
  async GET(_req, ctx) {
    const { kv, t } = ctx.state;
    const actor = requireActor(ctx.state);
    const { cls } = await requireClassRole(kv, actor, ctx.params.classId, ["admin", "teacher"]);
    const { timeZone } = await getOrg(kv, cls.orgId);
    // A week from now, at the end of that day on the school's clock.
    const week = utcToZonedTime(new Date(Date.now() + 7 * 86_400_000), timeZone);
    ctx.state.title = `${t("coursework.new.title")} · ${cls.name}`;
    return ctx.render({ cls, timeZone, defaultDue: { date: week.date, time: "23:59" } });
  },
};

export default function NewAssignmentPage({ data, state }: PageProps<Data>) {
  const { t } = state;
  const { cls } = data;
  return (
    <>
      <ClassCrumbs
        state={state}
        cls={cls}
        trail={[
          { href: `/classes/${cls.id}/assignments`, label: t("coursework.list.title") },
          { label: t("coursework.new.title") },
        ]}
      />
      <section class="card narrow-wide" aria-labelledby="new-title">
        <h1 id="new-title">{t("coursework.new.title")}</h1>
        {cls.archived ? <p class="notice">{t("coursework.archived")}</p> : (
          <AssignmentForm
            state={state}
            classId={cls.id}
            defaultDue={data.defaultDue}
            timeZone={data.timeZone}
          />
        )}
      </section>
    </>
  );
}
