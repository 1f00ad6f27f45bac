import {
  GradingItems,
  LectureItems,
  NotificationItems,
  TodayCard,
  WorkItems,
  zoneLabel,
} from "@/components/Today.tsx";
import { requireActor } from "@/services/auth/access.ts";
import { gatherToday, type Today } from "@/services/today/today.ts";
import type { Handlers, PageProps } from "@/services/web/define.ts";

interface Data {
  today: Today;
  role: "admin" | "teacher" | "student";
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
  const tz = today.timeZone;
  const teaches = role !== "student" && today.classes.some((c) => c.role === "teacher");
  const studies = today.classes.some((c) => c.role === "student");
  const student = role === "student" || studies;
  const unread = today.notifications.unread;
  return (
    <div class="today">
      <header class="page-head">
        <div>
          <h1>{t("today.title")}</h1>
          <p class="muted">{t("today.clock", { zone: zoneLabel(state, tz) })}</p>
        </div>
      </header>
      {student && (
        <>
          <TodayCard
            id="live"
            title={t("today.live.title")}
            empty={t("today.live.empty")}
            count={today.live.length}
          >
            <LectureItems state={state} items={today.live} timeZone={tz} teacher={false} />
          </TodayCard>
          <TodayCard
            id="soon"
            title={t("today.soon.title")}
            empty={t("today.soon.empty")}
            count={today.soon.length}
          >
            <LectureItems state={state} items={today.soon} timeZone={tz} teacher={false} />
          </TodayCard>
        </>
      )}
      {(teaches || role === "teacher") && (
        <>
          <TodayCard
            id="run"
            title={t("today.run.title")}
            empty={t("today.run.empty")}
            count={today.toRun.length}
          >
            <LectureItems state={state} items={today.toRun} timeZone={tz} teacher />
          </TodayCard>
          <TodayCard
            id="grade"
            title={t("today.grade.title")}
            empty={t("today.grade.empty")}
            count={today.toGrade.length}
          >
            <GradingItems state={state} today={today} />
          </TodayCard>
        </>
      )}
      {student && (
        <>
          <TodayCard
            id="due"
            title={t("today.due.title")}
            empty={t("today.due.empty")}
            count={today.due.length}
          >
            <WorkItems state={state} items={today.due} timeZone={tz} />
          </TodayCard>
          <TodayCard
            id="overdue"
            title={t("today.overdue.title")}
            empty={t("today.overdue.empty")}
            count={today.overdue.length}
          >
            <WorkItems state={state} items={today.overdue} timeZone={tz} />
          </TodayCard>
          <TodayCard
            id="grades"
            title={t("today.grades.title")}
            empty={t("today.grades.empty")}
            count={today.grades.length}
          >
            <WorkItems state={state} items={today.grades} timeZone={tz} grade />
          </TodayCard>
        </>
      )}
      {today.school && (
        <TodayCard
          id="school"
          title={t("today.school.title")}
          empty={t("today.school.empty")}
          count={today.school.classes.length}
          extra={
            <p class="today-links">
              <a class="button primary" href="/admin">{t("today.school.dashboard")}</a>
              {today.school.total > today.school.classes.length && (
                <a href="/admin">{t("today.school.more", { count: today.school.total })}</a>
              )}
            </p>
          }
        >
          {today.school.classes.map((cls) => (
            <li key={cls.id} class="today-item">
              <div class="today-main">
                <a class="today-name" href={`/classes/${cls.id}`}>{cls.name}</a>
                <span class="muted">{[cls.grade, cls.subject].filter(Boolean).join(" · ")}</span>
              </div>
              <a
                class="button"
                href={`/admin/classes/${cls.id}`}
                aria-label={t("today.school.manageLabel", { name: cls.name })}
              >
                {t("today.school.manage")}
              </a>
            </li>
          ))}
        </TodayCard>
      )}
      <TodayCard
        id="notifications"
        title={unread > 0
          ? `${t("today.notes.title")} · ${t("today.notes.unread", { count: unread })}`
          : t("today.notes.title")}
        empty={t("today.notes.empty")}
        count={today.notifications.latest.length}
        extra={
          <p class="today-links">
            <a href="/notifications">{t("today.notes.all")}</a>
          </p>
        }
      >
        <NotificationItems state={state} today={today} />
      </TodayCard>
      {today.classes.length > 0 && (
        <section class="card today-card" id="classes" aria-labelledby="classes-title">
          <h2 id="classes-title">{t("today.classes.title")}</h2>
          <ul class="today-list">
            {today.classes.map(({ cls, role }) => (
              <li key={cls.id} class="today-item">
                <a class="today-name" href={`/classes/${cls.id}`}>{cls.name}</a>
                <span class={`badge role-${role}`}>{t(`myClasses.role.${role}`)}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {today.classes.length === 0 && !today.school && (
        <p class="empty">
          {role === "student" ? t("myClasses.empty") : t("myClasses.emptyStaff")}
        </p>
      )}
    </div>
  );
}
