import {
  ClassesCard,
  NotificationsCard,
  SchoolCard,
  StudentSections,
  TeacherSections,
} from "@/components/Today.tsx";
import { zoneLabel } from "@/components/Coursework.tsx";
import { WorkspaceCard } from "@/components/Directory.tsx";
import { requireActor } from "@/services/auth/access.ts";
import type { Role } from "@/services/orgs/users.ts";
import { gatherToday, type Today } from "@/services/today/today.ts";
import type { Handlers, PageProps } from "@/services/web/define.ts";

interface Data {
  today: Today;
  role: Role;
}

/** Today: where signed-in people land (see services/today/today.ts for what is in it). */
export const handler: Handlers<Data> = {
  async GET(_req, ctx) {
    const { user } = requireActor(ctx.state);
    const today = await gatherToday(ctx.state.kv, user);
    ctx.state.title = ctx.state.t("today.title");
    return ctx.render({ today, role: user.role });
  },
};

export default function TodayPage({ data, state }: PageProps<Data>) {
  const { t } = state;
  const { today, role } = data;
  const studies = role === "student" || today.classes.some((c) => c.role === "student");
  const teaches = role === "teacher" || today.classes.some((c) => c.role === "teacher");
  const classes = state.nav?.classes !== false;
  return (
    <div class="today">
      <header class="page-head">
        <div>
          <h1>{t("today.title")}</h1>
          <p class="muted">{t("today.clock", { zone: zoneLabel(state, today.timeZone) })}</p>
        </div>
      </header>
      {studies && <StudentSections state={state} today={today} />}
      {teaches && <TeacherSections state={state} today={today} />}
      {/* A company's people have no classes (state.nav): their Today points to the workspace. */}
      {today.school && classes && <SchoolCard state={state} school={today.school} />}
      {state.nav?.workspace && <WorkspaceCard state={state} />}
      <NotificationsCard state={state} today={today} />
      {today.classes.length > 0 && <ClassesCard state={state} today={today} />}
      {today.classes.length === 0 && !today.school && classes && (
        <p class="empty">{role === "student" ? t("myClasses.empty") : t("myClasses.emptyStaff")}</p>
      )}
    </div>
  );
}
