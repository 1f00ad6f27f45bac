import { CsrfField } from "@/components/CsrfField.tsx";
import { ClassCrumbs, formatWhen, relativeTime } from "@/components/Coursework.tsx";
import { CalendarFeedCard } from "@/components/CalendarFeed.tsx";
import { LectureStatusBadge, LectureStyles, StartLectureNow } from "@/components/Lectures.tsx";
import {
  classAccess,
  type ClassRole,
  requireActor,
  requireClassRole,
  TEACHERS,
} from "@/services/auth/access.ts";
import type { Class } from "@/services/classes/classes.ts";
import { DueSchema, utcToZonedTime, zonedTimeToUtc } from "@/services/coursework/due_time.ts";
import { type CalendarFeed, getFeedOf } from "@/services/calendar/feeds.ts";
import {
  listClassLectures,
  scheduleLecture,
  startLectureNow,
} from "@/services/lectures/lectures.ts";
import type { Lecture } from "@/services/lectures/model.ts";
import { getOrg } from "@/services/orgs/orgs.ts";
import type { Handlers, PageProps, RouteContext, State } from "@/services/web/define.ts";
import { AppError } from "@/services/web/errors.ts";
import { parseForm, readForm, redirect } from "@/services/web/forms.ts";

interface ScheduleForm {
  title: string;
  date: string;
  time: string;
}

interface Data {
  cls: Class;
  role: ClassRole;
  timeZone: string;
  lectures: Lecture[];
  form: ScheduleForm;
  error?: string;
  /** The lecture just scheduled (after the form's redirect). */
  scheduled?: Lecture;
  /** The asker's calendar link for this class, if they made one. */
  feed: CalendarFeed | null;
}

/** Next full hour on the school's clock: a sensible start to offer. */
function defaultForm(timeZone: string): ScheduleForm {
  const nextHour = new Date(Math.ceil((Date.now() + 60_000) / 3_600_000) * 3_600_000);
  const { date, time } = utcToZonedTime(nextHour, timeZone);
  return { title: "", date, time };
}

async function renderList(
  ctx: RouteContext<Data>,
  form?: ScheduleForm,
  error?: { message: string; status: number },
) {
  const { kv, t } = ctx.state;
  const actor = requireActor(ctx.state);
  const { cls, role } = await classAccess(kv, actor, ctx.params.classId);
  const [{ timeZone }, lectures, feed] = await Promise.all([
    getOrg(kv, cls.orgId),
    listClassLectures(kv, cls.id),
    getFeedOf(kv, actor.user.id, cls.id),
  ]);
  const scheduledId = ctx.url.searchParams.get("scheduled");
  ctx.state.title = `${t("lectures.title")} · ${cls.name}`;
  return ctx.render({
    cls,
    role,
    timeZone,
    lectures,
    form: form ?? defaultForm(timeZone),
    error: error?.message,
    scheduled: scheduledId ? lectures.find((l) => l.id === scheduledId) : undefined,
    feed,
  }, error ? { status: error.status } : undefined);
}

/** The form's problem in words: the message and each field's detail. */
function formError(err: AppError): string {
  const details = (err.details ?? []).map((d) => d.message);
  return [err.message, ...details].filter((s, i, all) => all.indexOf(s) === i).join(" ");
}

/**
 * A class's lectures: live, upcoming and past, each linking to its lecture page; its
 * teachers and school admins schedule new ones here (a date and time on the school's clock).
 */
export const handler: Handlers<Data> = {
  GET(_req, ctx) {
    return renderList(ctx);
  },
  async POST(req, ctx) {
    const { kv, t } = ctx.state;
    const actor = requireActor(ctx.state);
    const { cls } = await requireClassRole(kv, actor, ctx.params.classId, TEACHERS);
    const fields = await readForm(req);
    if (fields.intent === "now") {
      // "Start a lecture now": straight to the lecture page, where the teacher goes live.
      const { timeZone } = await getOrg(kv, cls.orgId);
      const lecture = await startLectureNow(kv, cls, actor.user.id, timeZone);
      return redirect(`/lectures/${lecture.id}`);
    }
    const form = { title: fields.title ?? "", date: fields.date ?? "", time: fields.time ?? "" };
    try {
      const { timeZone } = await getOrg(kv, cls.orgId);
      const start = parseForm(DueSchema, { date: form.date, time: form.time.slice(0, 5) });
      const lecture = await scheduleLecture(kv, cls, actor.user.id, {
        title: form.title,
        startsAt: zonedTimeToUtc(start.date, start.time, timeZone).toISOString(),
      });
      return redirect(`/classes/${cls.id}/lectures?scheduled=${lecture.id}`);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      return renderList(ctx, form, {
        message: t("lectures.schedule.invalid", { message: formError(err) }),
        status: err.status,
      });
    }
  },
};

export default function LecturesPage({ data, state }: PageProps<Data>) {
  const { t } = state;
  const { cls, role, lectures, timeZone } = data;
  const host = role !== "student";
  const live = lectures.filter((l) => l.status === "live");
  const upcoming = lectures.filter((l) => l.status === "scheduled");
  const past = lectures.filter((l) => l.status === "ended");
  return (
    <>
      <LectureStyles />
      <ClassCrumbs state={state} cls={cls} trail={[{ label: t("lectures.title") }]} />
      <header class="page-head">
        <div>
          <p class="eyebrow">{cls.name}</p>
          <h1>{t("lectures.title")}</h1>
        </div>
        {host && !cls.archived && (
          <div class="page-actions">
            <StartLectureNow state={state} classId={cls.id} />
          </div>
        )}
      </header>
      {data.scheduled && (
        <p class="notice ok" role="status">
          {t("lectures.list.scheduled", { title: data.scheduled.title })}{" "}
          <a href={`/lectures/${data.scheduled.id}`}>{t("lectures.list.open")}</a>
        </p>
      )}
      {host && cls.archived && <p class="notice">{t("lectures.schedule.archived")}</p>}
      {host && !cls.archived && <ScheduleLectureForm state={state} data={data} />}
      {lectures.length === 0
        ? (
          <section class="card">
            <p class="empty">
              {host ? t("lectures.list.empty") : t("lectures.list.emptyStudent")}
            </p>
          </section>
        )
        : (
          <>
            <section class="card" aria-labelledby="live-title">
              <h2 id="live-title">{t("lectures.list.live")}</h2>
              {live.length === 0
                ? <p class="muted">{t("lectures.list.noneLive")}</p>
                : (
                  <ul class="lecture-list">
                    {live.map((l) => (
                      <li key={l.id}>
                        <a href={`/lectures/${l.id}`}>{l.title}</a>{" "}
                        <LectureStatusBadge state={state} status={l.status} />{" "}
                        <a class="button primary" href={`/lectures/${l.id}`}>
                          {host ? t("lectures.list.open") : t("lectures.list.join")}
                        </a>
                      </li>
                    ))}
                  </ul>
                )}
            </section>
            <section class="card" id="upcoming" aria-labelledby="upcoming-title">
              <h2 id="upcoming-title">{t("lectures.list.upcoming")}</h2>
              {upcoming.length === 0
                ? <p class="muted">{t("lectures.list.noneUpcoming")}</p>
                : <LectureTable state={state} lectures={upcoming} timeZone={timeZone} />}
            </section>
            <section class="card" aria-labelledby="past-title">
              <h2 id="past-title">{t("lectures.list.past")}</h2>
              {past.length === 0
                ? <p class="muted">{t("lectures.list.nonePast")}</p>
                : <LectureTable state={state} lectures={past} timeZone={timeZone} ended />}
            </section>
          </>
        )}
      <CalendarFeedCard
        state={state}
        feed={data.feed}
        classId={cls.id}
        timeZone={timeZone}
        title={t("calendar.class.title")}
        hint={t("calendar.class.hint")}
      />
    </>
  );
}

function LectureTable(
  { state, lectures, timeZone, ended }: {
    state: State;
    lectures: Lecture[];
    timeZone: string;
    ended?: boolean;
  },
) {
  const { t } = state;
  return (
    <div class="table-wrap">
      <table class="lectures">
        <thead>
          <tr>
            <th scope="col">{t("lectures.col.title")}</th>
            <th scope="col">{t("lectures.col.starts")}</th>
            {ended && <th scope="col">{t("lectures.col.ended")}</th>}
            <th scope="col">{t("lectures.col.status")}</th>
          </tr>
        </thead>
        <tbody>
          {lectures.map((l) => (
            <tr key={l.id}>
              <td>
                <a href={`/lectures/${l.id}`}>{l.title}</a>
              </td>
              <td data-label={t("lectures.col.starts")}>
                {formatWhen(state, l.openedAt && ended ? l.openedAt : l.startsAt, timeZone)}
                {!ended && <small class="muted when-rel">({relativeTime(state, l.startsAt)})
                </small>}
              </td>
              {ended && (
                <td data-label={t("lectures.col.ended")}>
                  {l.endedAt ? formatWhen(state, l.endedAt, timeZone) : "—"}
                </td>
              )}
              <td data-label={t("lectures.col.status")}>
                <LectureStatusBadge state={state} status={l.status} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ScheduleLectureForm({ state, data }: { state: State; data: Data }) {
  const { t } = state;
  const { form } = data;
  return (
    <section class="card" aria-labelledby="schedule-title">
      <h2 id="schedule-title">{t("lectures.schedule.title")}</h2>
      <form method="post" class="schedule-form">
        <CsrfField state={state} />
        <div class="row">
          <label class="grow">
            {t("lectures.schedule.name")}
            <input name="title" required maxLength={200} value={form.title} />
          </label>
          <label>
            {t("lectures.schedule.date")}
            <input
              type="date"
              name="date"
              required
              value={form.date}
              aria-describedby="schedule-zone"
            />
          </label>
          <label>
            {t("lectures.schedule.time")}
            <input
              type="time"
              name="time"
              required
              value={form.time}
              aria-describedby="schedule-zone"
            />
          </label>
          <button type="submit" class="primary">{t("lectures.schedule.submit")}</button>
        </div>
        <small id="schedule-zone" class="muted">
          {t("lectures.schedule.zone", { zone: data.timeZone })}
        </small>
        {data.error && <p class="error" role="alert">{data.error}</p>}
      </form>
    </section>
  );
}
