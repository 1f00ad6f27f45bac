import { pageQuery } from "@/services/web/query.ts";
import { z } from "zod";
import { AttendanceCountsStrip, AttendanceTable } from "@/components/AttendanceTable.tsx";
import { ClassCrumbs, clockTime, formatNumber, formatWhen } from "@/components/Coursework.tsx";
import { CsrfField } from "@/components/CsrfField.tsx";
import { type LectureAttendance, lectureAttendance } from "@/services/attendance/report.ts";
import { listLectureRecordings, listRecordingViews } from "@/services/recordings/recordings.ts";
import { type ClassRole, requireActor, TEACHERS } from "@/services/auth/access.ts";
import type { Class } from "@/services/classes/classes.ts";
import { lectureAccess, updateLecture } from "@/services/lectures/lectures.ts";
import type { Lecture } from "@/services/lectures/model.ts";
import { getOrg } from "@/services/orgs/orgs.ts";
import type { Handlers, PageProps, RouteContext } from "@/services/web/define.ts";
import { AppError, validateInput } from "@/services/web/errors.ts";
import { readForm, redirect } from "@/services/web/forms.ts";

/** Students per page. */
const PAGE_SIZE = 50;

interface Data {
  lecture: Lecture;
  cls: Class;
  role: ClassRole;
  report: LectureAttendance;
  timeZone: string;
  q: string;
  /** A recorded lecture: seconds of the recording each student watched. */
  watched?: Map<string, number>;
  notice?: "saved";
  error?: "invalid";
}

const RulesFormSchema = z.object({
  lateAfterMinutes: z.coerce.number().int().min(0).max(240),
  minPresentPercent: z.coerce.number().int().min(0).max(100),
});

async function show(
  ctx: RouteContext<Data>,
  extra: Pick<Data, "notice" | "error"> = {},
  status = 200,
) {
  const { kv, t } = ctx.state;
  const actor = requireActor(ctx.state);
  const { lecture, cls, role } = await lectureAccess(kv, actor, ctx.params.lectureId);
  const { q, offset } = pageQuery(ctx.url);
  const student = role === "student";
  const [report, org] = await Promise.all([
    lectureAttendance(kv, lecture, {
      q: student ? undefined : q,
      offset,
      limit: PAGE_SIZE,
      onlyUserId: student ? actor.user.id : undefined,
    }),
    getOrg(kv, lecture.orgId),
  ]);
  const watched = (await listLectureRecordings(kv, lecture.id)).length
    ? await listRecordingViews(kv, lecture.id)
    : undefined;
  ctx.state.title = t("attendance.pageTitle", { title: lecture.title });
  return ctx.render({ lecture, cls, role, report, timeZone: org.timeZone, q, watched, ...extra }, {
    status,
  });
}

/**
 * A lecture's attendance report. Teachers and school admins see every student (paged, with
 * search, counts, the CSV download and the thresholds form); a student sees their own row.
 */
export const handler: Handlers<Data> = {
  GET(_req, ctx) {
    return show(ctx, ctx.url.searchParams.has("saved") ? { notice: "saved" } : {});
  },
  /** Changes the thresholds; the report is computed from them on every read. */
  async POST(req, ctx) {
    const { kv } = ctx.state;
    const { lecture } = await lectureAccess(
      kv,
      requireActor(ctx.state),
      ctx.params.lectureId,
      TEACHERS,
    );
    let rules: z.infer<typeof RulesFormSchema>;
    try {
      rules = validateInput(RulesFormSchema, await readForm(req));
    } catch (err) {
      if (err instanceof AppError && err.code === "validation_failed") {
        return show(ctx, { error: "invalid" }, 400);
      }
      throw err;
    }
    await updateLecture(kv, lecture.id, { attendance: rules });
    return redirect(`/lectures/${lecture.id}/attendance?saved=1`);
  },
};

function RulesForm(
  { state, lecture, open }: { state: PageProps["state"]; lecture: Lecture; open: boolean },
) {
  const { t } = state;
  const r = lecture.attendance;
  return (
    <details class="rules-form" open={open}>
      <summary>{t("attendance.rules.change")}</summary>
      <form method="post" action={`/lectures/${lecture.id}/attendance`} class="stack">
        <CsrfField state={state} />
        <label class="field points">
          {t("attendance.rules.late")}
          <input
            type="number"
            name="lateAfterMinutes"
            min={0}
            max={240}
            step={1}
            required
            value={r.lateAfterMinutes}
          />
        </label>
        <label class="field points">
          {t("attendance.rules.pct")}
          <input
            type="number"
            name="minPresentPercent"
            min={0}
            max={100}
            step={1}
            required
            value={r.minPresentPercent}
          />
        </label>
        <div>
          <button type="submit">{t("attendance.rules.save")}</button>
        </div>
      </form>
    </details>
  );
}

export default function AttendancePage({ data, state }: PageProps<Data>) {
  const { t } = state;
  const { lecture, cls, role, report, timeZone } = data;
  const manager = role !== "student";
  const path = `/lectures/${lecture.id}/attendance`;
  const w = report.window;
  return (
    <>
      <ClassCrumbs
        state={state}
        cls={cls}
        trail={[{ href: `/lectures/${lecture.id}`, label: lecture.title }, {
          label: t("attendance.title"),
        }]}
      />
      <header class="page-head">
        <div>
          <p class="eyebrow">{cls.name}</p>
          <h1>{t("attendance.pageTitle", { title: lecture.title })}</h1>
          {w?.live && (
            <p class="live-note">
              <span class="badge st-late">{t("attendance.class.liveBadge")}</span>{" "}
              {t("attendance.live", { time: clockTime(state, report.asOf, timeZone) })}
            </p>
          )}
          {lecture.endedAt && (
            <p class="muted">
              {t("attendance.ended", { when: formatWhen(state, lecture.endedAt, timeZone) })}
            </p>
          )}
        </div>
        <div class="page-actions">
          {w?.live && <a class="button" href={path}>{t("attendance.refresh")}</a>}
          <a class="button" href={`/lectures/${lecture.id}`}>{t("attendance.lecture")}</a>
          {manager && w && (
            <a class="button" href={`/api/v1/lectures/${lecture.id}/attendance.csv`} download>
              {t("attendance.csv")}
            </a>
          )}
        </div>
      </header>
      {data.notice === "saved" && (
        <p class="notice ok" role="status">{t("attendance.rules.saved")}</p>
      )}
      {data.error && (
        <p class="notice" role="alert">
          {t("attendance.rules.invalid")}
        </p>
      )}
      {!w ? <p class="empty">{t("attendance.notOpened")}</p> : (
        <>
          {report.counts && <AttendanceCountsStrip state={state} counts={report.counts} />}
          <section class="card">
            <p>
              {t("attendance.rules", {
                late: formatNumber(state, report.rules.lateAfterMinutes),
                pct: formatNumber(state, report.rules.minPresentPercent),
              })}{" "}
              <span class="muted">
                {t(w.live ? "attendance.window" : "attendance.windowEnded", {
                  minutes: formatNumber(state, w.minutes),
                })}
              </span>
            </p>
            {manager && (
              <RulesForm state={state} lecture={lecture} open={data.error === "invalid"} />
            )}
            {manager && report.others.length > 0 && (
              <p class="muted">
                {t("attendance.others", { names: report.others.map((o) => o.name).join(", ") })}
              </p>
            )}
          </section>
          {manager
            ? (
              <AttendanceTable
                state={state}
                report={report}
                timeZone={timeZone}
                q={data.q}
                path={path}
                pageSize={PAGE_SIZE}
                watched={data.watched}
              />
            )
            : (
              <AttendanceTable
                state={state}
                report={report}
                timeZone={timeZone}
                path={path}
                pageSize={PAGE_SIZE}
                watched={data.watched}
              />
            )}
        </>
      )}
    </>
  );
}
