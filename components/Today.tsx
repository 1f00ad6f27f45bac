/**
 * The Today page's sections: cards, one column on a phone, each with an empty state that says
 * what will appear there. They render what `gatherToday` gathered; times are on the school's
 * clock with its zone.
 * @module
 */
import type { ComponentChildren } from "preact";
import { gradeText, intlLocale, relativeTime, StudentStatusBadge } from "./Coursework.tsx";
import { LectureStatusBadge } from "./Lectures.tsx";
import type { Today, TodayLecture, TodayWork } from "@/services/today/today.ts";
import type { MessageKey } from "@/services/i18n/i18n.ts";
import type { State } from "@/services/web/define.ts";

/** "Fri 9:05 AM GMT+9": a time on the school's clock, with the zone. */
export function clockTime(state: State, iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(intlLocale(state), {
    timeZone,
    weekday: "short",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZoneName: "short",
  }).format(new Date(iso));
}

/** "Korean Standard Time (Asia/Seoul)": the school's zone in the page's language. */
export function zoneLabel(state: State, timeZone: string, now = new Date()): string {
  const name = new Intl.DateTimeFormat(intlLocale(state), { timeZone, timeZoneName: "long" })
    .formatToParts(now).find((p) => p.type === "timeZoneName")?.value;
  return name && name !== timeZone ? `${name} (${timeZone})` : timeZone;
}

function When({ state, iso, timeZone, label }: {
  state: State;
  iso: string;
  timeZone: string;
  label: MessageKey;
}) {
  return (
    <span class="today-when">
      <time datetime={iso}>{state.t(label, { time: clockTime(state, iso, timeZone) })}</time>
      <small class="muted">· {relativeTime(state, iso)}</small>
    </span>
  );
}

/** A card with a heading, its items, or what will appear there. */
export function TodayCard({ id, title, empty, count, children, extra }: {
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
export function LectureItems({ state, items, timeZone, teacher }: {
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
export function WorkItems({ state, items, timeZone, grade }: {
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
export function GradingItems({ state, today }: { state: State; today: Today }) {
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

/** Unread notifications: the count and the latest few. */
export function NotificationItems({ state, today }: { state: State; today: Today }) {
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
