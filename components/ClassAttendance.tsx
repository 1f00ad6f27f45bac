/**
 * The class page's attendance section: for teachers and admins the recent lectures' counts and
 * every student's record across lectures (searchable, paged, `?aq=` and `?aoffset=` so the
 * roster's own `?q=` and `?offset=` stay independent); for a student their own record.
 * @module
 */
import type { ClassAttendanceView } from "@/services/attendance/class_report.ts";
import type { ClassRole } from "@/services/auth/access.ts";
import type { Class } from "@/services/classes/classes.ts";
import type { State } from "@/services/web/define.ts";
import { AttendanceBadge, StudentName } from "./AttendanceTable.tsx";
import { formatNumber, intlLocale } from "./Coursework.tsx";
import { Pager } from "./Pager.tsx";
import { SearchForm } from "./SearchForm.tsx";

/** Students per page of the section. */
export const CLASS_ATTENDANCE_PAGE_SIZE = 20;
/** Lectures listed with their counts (newest first). */
const RECENT_LECTURES = 5;

/** What the section shows: the asker's view (services/attendance) and the search as typed. */
export interface ClassAttendanceData extends ClassAttendanceView {
  q: string;
}

function percent(state: State, rate: number | null): string {
  if (rate === null) return "—";
  return new Intl.NumberFormat(intlLocale(state), { style: "percent", maximumFractionDigits: 0 })
    .format(rate);
}

interface ClassAttendanceProps {
  state: State;
  cls: Class;
  role: ClassRole;
  data: ClassAttendanceData;
}

/** The section; see the module doc. */
export function ClassAttendanceSection({ state, cls, role, data }: ClassAttendanceProps) {
  const { t } = state;
  const { report, timeZone, q } = data;
  const n = (x: number) => formatNumber(state, x);
  const day = new Intl.DateTimeFormat(intlLocale(state), {
    timeZone,
    month: "short",
    day: "numeric",
  });
  const recent = report.lectures.map((l, i) => ({ l, i })).reverse();
  const path = `/classes/${cls.id}`;
  const href = (offset: number) => {
    const params = new URLSearchParams();
    if (q) params.set("aq", q);
    if (offset > 0) params.set("aoffset", String(offset));
    const search = params.toString();
    return `${path}${search ? `?${search}` : ""}#attendance`;
  };
  return (
    <section class="card" id="attendance" aria-labelledby="attendance-title">
      <div class="section-head">
        <h2 id="attendance-title">{t("attendance.title")}</h2>
        {report.lectures.length > 0 && (
          <p class="muted">{t("attendance.class.lectures", { n: n(report.lectures.length) })}</p>
        )}
      </div>
      {report.lectures.length === 0 && <p class="empty">{t("attendance.class.empty")}</p>}
      {report.lectures.length > 0 && role === "student" && report.items[0] && (
        <>
          <p>
            {t("attendance.class.mine", {
              attended: n(report.items[0].present + report.items[0].late),
              total: n(report.lectures.length),
              rate: percent(state, report.items[0].rate),
            })}
          </p>
          <ul class="attendance-mine">
            {recent.map(({ l, i }) => (
              <li key={l.id}>
                <AttendanceBadge state={state} status={report.items[0].statuses[i]} />{" "}
                <a href={`/lectures/${l.id}/attendance`}>{l.title}</a>{" "}
                <small class="muted">{day.format(new Date(l.openedAt))}</small>
              </li>
            ))}
          </ul>
        </>
      )}
      {report.lectures.length > 0 && role !== "student" && (
        <>
          <h3>{t("attendance.class.recent")}</h3>
          <div class="table-wrap">
            <table class="attendance-lectures">
              <thead>
                <tr>
                  <th scope="col">{t("attendance.class.lecture")}</th>
                  <th scope="col">{t("attendance.class.date")}</th>
                  <th scope="col" class="num">{t("attendance.count.present")}</th>
                  <th scope="col" class="num">{t("attendance.count.late")}</th>
                  <th scope="col" class="num">{t("attendance.count.absent")}</th>
                </tr>
              </thead>
              <tbody>
                {recent.slice(0, RECENT_LECTURES).map(({ l }) => (
                  <tr key={l.id}>
                    <th scope="row">
                      <a href={`/lectures/${l.id}/attendance`}>{l.title}</a>
                      {l.status === "live" && (
                        <>
                          {" "}
                          <span class="badge st-late">{t("attendance.class.liveBadge")}</span>
                        </>
                      )}
                    </th>
                    <td data-label={t("attendance.class.date")}>
                      {day.format(new Date(l.openedAt))}
                    </td>
                    <td class="num" data-label={t("attendance.count.present")}>
                      {l.counts ? n(l.counts.present) : "—"}
                    </td>
                    <td class="num" data-label={t("attendance.count.late")}>
                      {l.counts ? n(l.counts.late) : "—"}
                    </td>
                    <td class="num" data-label={t("attendance.count.absent")}>
                      {l.counts ? n(l.counts.absent) : "—"}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div class="section-head">
            <h3>{t("attendance.class.students")}</h3>
            <SearchForm state={state} path={path} anchor="attendance" name="aq" value={q} />
          </div>
          {report.total === 0 && (
            <p class="empty">
              {q ? t("attendance.noMatch", { q }) : t("attendance.noStudents")}
            </p>
          )}
          {report.items.length > 0 && (
            <div class="table-wrap">
              <table class="attendance-students">
                <thead>
                  <tr>
                    <th scope="col">{t("attendance.col.student")}</th>
                    <th scope="col" class="num">{t("attendance.count.present")}</th>
                    <th scope="col" class="num">{t("attendance.count.late")}</th>
                    <th scope="col" class="num">{t("attendance.count.absent")}</th>
                    <th scope="col" class="num">{t("attendance.class.rate")}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.items.map((r) => (
                    <tr key={r.userId}>
                      <td>
                        <StudentName name={r.name} number={r.studentNumber} />
                      </td>
                      <td class="num" data-label={t("attendance.count.present")}>
                        {n(r.present)}
                      </td>
                      <td class="num" data-label={t("attendance.count.late")}>{n(r.late)}</td>
                      <td class="num" data-label={t("attendance.count.absent")}>
                        {n(r.absent)}
                      </td>
                      <td class="num" data-label={t("attendance.class.rate")}>
                        {percent(state, r.rate)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pager
            state={state}
            total={report.total}
            offset={report.offset}
            limit={CLASS_ATTENDANCE_PAGE_SIZE}
            href={href}
          />
        </>
      )}
    </section>
  );
}
