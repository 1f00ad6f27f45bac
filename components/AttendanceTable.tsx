/**
 * Attendance pieces the lecture report and the class page share: status badges, the counts,
 * times on the school's clock, and the report table with its search and pager.
 * @module
 */
import type { AttendanceStatus } from "@/services/attendance/attendance.ts";
import type { AttendanceCounts, LectureAttendance } from "@/services/attendance/report.ts";
import type { State } from "@/services/web/define.ts";
import { clockTime, formatNumber } from "./Coursework.tsx";
import { Pager } from "./Pager.tsx";
import { SearchForm } from "./SearchForm.tsx";

/** Badge colours shared with the coursework statuses (green, amber, red). */
const BADGE: Record<AttendanceStatus, string> = {
  present: "st-graded",
  late: "st-late",
  absent: "st-missing",
};

export function AttendanceBadge({ state, status }: { state: State; status: AttendanceStatus }) {
  return (
    <span class={`badge ${BADGE[status]} att-${status}`}>
      {state.t(`attendance.status.${status}`)}
    </span>
  );
}

/** "Name · 2026001" (the student number small and muted). */
export function StudentName({ name, number }: { name: string; number?: string }) {
  return (
    <>
      {name}
      {number && <small class="muted">{` · ${number}`}</small>}
    </>
  );
}

/** Students / present / late / absent as the stats strip. */
export function AttendanceCountsStrip(
  { state, counts }: { state: State; counts: AttendanceCounts },
) {
  const n = (x: number) => formatNumber(state, x);
  return (
    <ul class="stats" aria-label={state.t("attendance.title")}>
      {(["students", "present", "late", "absent"] as const).map((k) => (
        <li key={k} class={`att-count-${k}`}>
          <strong>{n(counts[k])}</strong>
          {state.t(`attendance.count.${k}`)}
        </li>
      ))}
    </ul>
  );
}

interface AttendanceTableProps {
  state: State;
  report: LectureAttendance;
  timeZone: string;
  /** The search as typed; absent hides the search box (a student's own row). */
  q?: string;
  /** Path of the page; search and paging links stay there. */
  path: string;
  /** Rows per page. */
  pageSize: number;
  /**
   * A recorded lecture: seconds of its recording each student watched (services/recordings/),
   * shown as its own column, apart from live attendance.
   */
  watched?: Map<string, number>;
}

/** The report table: one row per student, a search box and the pager. */
export function AttendanceTable(
  { state, report, timeZone, q, path, pageSize, watched }: AttendanceTableProps,
) {
  const { t } = state;
  const href = (offset: number) => {
    const params = new URLSearchParams();
    if (q) params.set("q", q);
    if (offset > 0) params.set("offset", String(offset));
    const search = params.toString();
    return `${path}${search ? `?${search}` : ""}#students`;
  };
  const day = new Intl.DateTimeFormat("en-CA", { timeZone, dateStyle: "short" });
  const sameDay = (a: string, b: string) => day.format(new Date(a)) === day.format(new Date(b));
  const from = report.window?.from;
  const when = (iso?: string) =>
    iso ? clockTime(state, iso, timeZone, !!from && !sameDay(iso, from)) : "—";
  const n = (x: number) => formatNumber(state, x);
  const searchable = q !== undefined;
  return (
    <section class="card" id="students" aria-labelledby="students-title">
      <div class="section-head">
        <h2 id="students-title">{t("attendance.count.students")}</h2>
        {searchable && <SearchForm state={state} path={path} anchor="students" value={q} />}
      </div>
      {report.total === 0 && (
        <p class="empty">
          {q ? t("attendance.noMatch", { q }) : t("attendance.noStudents")}
        </p>
      )}
      {report.items.length > 0 && (
        <div class="table-wrap">
          <table class="attendance">
            <thead>
              <tr>
                <th scope="col" class="num">#</th>
                <th scope="col">{t("attendance.col.student")}</th>
                <th scope="col">{t("attendance.col.status")}</th>
                <th scope="col" class="num">{t("attendance.col.minutes")}</th>
                <th scope="col">{t("attendance.col.firstJoin")}</th>
                <th scope="col">{t("attendance.col.lastLeave")}</th>
                <th scope="col" class="num">{t("attendance.col.joins")}</th>
                {watched && <th scope="col" class="num">{t("recordings.watched")}</th>}
              </tr>
            </thead>
            <tbody>
              {report.items.map((r, i) => (
                <tr key={r.userId}>
                  <td class="num muted row-index">{report.offset + i + 1}</td>
                  <td>
                    <StudentName name={r.name} number={r.studentNumber} />
                  </td>
                  <td data-label={t("attendance.col.status")}>
                    <AttendanceBadge state={state} status={r.status} />
                    {r.online && <small class="muted">· {t("attendance.online")}</small>}
                  </td>
                  <td class="num" data-label={t("attendance.col.minutes")}>
                    {n(r.minutesPresent)}
                  </td>
                  <td data-label={t("attendance.col.firstJoin")}>{when(r.firstJoinAt)}</td>
                  <td data-label={t("attendance.col.lastLeave")}>
                    {r.online ? "" : when(r.lastLeaveAt)}
                  </td>
                  <td class="num" data-label={t("attendance.col.joins")}>{n(r.joins)}</td>
                  {watched && (
                    <td
                      class="num"
                      data-label={t("recordings.watched")}
                      data-watched-s={watched.get(r.userId) ?? 0}
                    >
                      {watched.has(r.userId)
                        ? t("recordings.watchedMinutes", {
                          minutes: n(Math.round(watched.get(r.userId)! / 60)),
                        })
                        : "—"}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {searchable && (
        <Pager
          state={state}
          total={report.total}
          offset={report.offset}
          limit={pageSize}
          href={href}
        />
      )}
    </section>
  );
}
