/**
 * The Today page's sections: cards, one column on a phone, each with an empty state that says
 * what will appear there. They render what `gatherToday` gathered; times are on the school's
 * clock with its zone.
 * @module
 */
import type { ComponentChildren } from "preact";
import { gradeText, relativeTime, StudentStatusBadge, weekdayTime } from "./Coursework.tsx";
import { LectureStatusBadge } from "./Lectures.tsx";
import type { Today, TodayLecture, TodayWork } from "@/services/today/today.ts";
import type { MessageKey } from "@/services/i18n/i18n.ts";
import type { State } from "@/services/web/define.ts";

function When({ state, iso, timeZone, label }: {
  state: State;
  iso: string;
  timeZone: string;
  label: MessageKey;
}) {
  return (
    <span class="today-when">
      <time datetime={iso}>{state.t(label, { time: weekdayTime(state, iso, timeZone) })}</time>
      <small class="muted">· {relativeTime(state, iso)}</small>
    </span>
  );
}

/** A card with a heading, its items, or what will appear there. */
function TodayCard({ id, title, empty, count, children, extra }: {
  id: string;
  title: string;
  empty: string;
  count: number;
  children?: ComponentChildren;
  extra?: ComponentChildren;
}) {
  return (
    <section class="card today-card" id={id} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {count === 0 ? <p class="empty">{empty}</p> : <ul class="today-list">{children}</ul>}
      {extra}
    </section>
  );
}

/** Live and soon lectures; the action leads straight into the lecture room. */
function LectureItems({ state, items, timeZone, teacher }: {
  state: State;
  items: TodayLecture[];
  timeZone: string;
  teacher: boolean;
}) {
  const { t } = state;
  return (
    <>
      {items.map(({ lecture, className }) => {
        const live = lecture.status === "live";
        const [text, label] = teacher
          ? live
            ? [t("today.run.open"), t("today.run.openLabel", { title: lecture.title })]
            : [t("today.run.goLive"), t("today.run.goLiveLabel", { title: lecture.title })]
          : live
          ? [t("today.live.join"), t("today.live.joinLabel", { title: lecture.title })]
          : [t("today.soon.open"), t("today.soon.openLabel", { title: lecture.title })];
        return (
          <li key={lecture.id} class="today-item" data-lecture-id={lecture.id}>
            <div class="today-main">
              <strong class="today-name">{lecture.title}</strong>
              <span class="muted">{className}</span>
              {live ? <LectureStatusBadge state={state} status="live" /> : (
                <When
                  state={state}
                  iso={lecture.startsAt}
                  timeZone={timeZone}
                  label="today.soon.starts"
                />
              )}
            </div>
            <a
              class={`button${live || teacher ? " primary" : ""}`}
              href={`/lectures/${lecture.id}`}
              aria-label={label}
            >
              {text}
            </a>
          </li>
        );
      })}
    </>
  );
}

/** A student's assignments: due time or released grade, and their own status. */
function WorkItems({ state, items, timeZone, grade }: {
  state: State;
  items: TodayWork[];
  timeZone: string;
  grade?: boolean;
}) {
  return (
    <>
      {items.map(({ assignment: a, className }) => (
        <li key={a.id} class="today-item">
          <div class="today-main">
            <a class="today-name" href={`/classes/${a.classId}/assignments/${a.id}`}>{a.title}</a>
            <span class="muted">{className}</span>
            {grade && a.myGrade
              ? <strong class="today-grade">{gradeText(state, a.myGrade, a.points)}</strong>
              : <When state={state} iso={a.dueAt} timeZone={timeZone} label="today.due.at" />}
          </div>
          {a.myStatus && <StudentStatusBadge state={state} status={a.myStatus} />}
        </li>
      ))}
    </>
  );
}

/** Teachers: assignments with work waiting for a grade. */
function GradingItems({ state, today }: { state: State; today: Today }) {
  const { t } = state;
  return (
    <>
      {today.toGrade.map(({ assignment: a, className, waiting }) => (
        <li key={a.id} class="today-item">
          <div class="today-main">
            <strong class="today-name">{a.title}</strong>
            <span class="muted">{className}</span>
            <span class="badge today-waiting">{t("today.grade.waiting", { count: waiting })}</span>
          </div>
          <a
            class="button"
            href={`/classes/${a.classId}/assignments/${a.id}`}
            aria-label={t("today.grade.openLabel", { title: a.title })}
          >
            {t("today.grade.open")}
          </a>
        </li>
      ))}
    </>
  );
}

/** Unread notifications: the latest few. */
function NotificationItems({ state, today }: { state: State; today: Today }) {
  return (
    <>
      {today.notifications.latest.map((n) => (
        <li key={n.id} class="today-item">
          <div class="today-main">
            <a class="today-name" href={n.link}>{n.title}</a>
            <small class="muted">{relativeTime(state, n.createdAt)}</small>
          </div>
        </li>
      ))}
    </>
  );
}

type SectionProps = { state: State; today: Today };

/** A student's cards: lectures live now and soon, work due and overdue, new grades. */
export function StudentSections({ state, today }: SectionProps) {
  const { t } = state;
  const tz = today.timeZone;
  return (
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
  );
}

/** A teacher's cards: lectures to run, work to grade. */
export function TeacherSections({ state, today }: SectionProps) {
  const { t } = state;
  return (
    <>
      <TodayCard
        id="run"
        title={t("today.run.title")}
        empty={t("today.run.empty")}
        count={today.toRun.length}
      >
        <LectureItems state={state} items={today.toRun} timeZone={today.timeZone} teacher />
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
  );
}

/** An admin's card: the school's classes at a glance, and the way to the dashboard. */
export function SchoolCard(
  { state, school }: { state: State; school: NonNullable<Today["school"]> },
) {
  const { t } = state;
  return (
    <TodayCard
      id="school"
      title={t("today.school.title")}
      empty={t("today.school.empty")}
      count={school.classes.length}
      extra={
        <p class="today-links">
          <a class="button primary" href="/admin">{t("today.school.dashboard")}</a>
          {school.total > school.classes.length && (
            <a href="/admin">{t("today.school.more", { count: school.total })}</a>
          )}
        </p>
      }
    >
      {school.classes.map((cls) => (
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
  );
}

/** Unread notifications: how many, the latest few, and the way to all of them. */
export function NotificationsCard({ state, today }: SectionProps) {
  const { t } = state;
  const { unread } = today.notifications;
  return (
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
  );
}

/** The person's classes, each a link to its page. */
export function ClassesCard({ state, today }: SectionProps) {
  const { t } = state;
  return (
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
  );
}
