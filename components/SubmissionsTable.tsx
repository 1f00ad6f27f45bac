import type { Assignment, StudentStatus } from "@/services/coursework/model.ts";
import type { GradingRow } from "@/services/coursework/grading.ts";
import type { State } from "@/services/web/define.ts";
import { formatNumber, formatWhen, gradeText } from "./Coursework.tsx";
import { Pager } from "./Pager.tsx";

/** Students per page of the submissions list. */
export const SUBMISSIONS_PAGE_SIZE = 50;

/** One page of grading rows, as `listGradingRows` returns it. */
export interface GradingPage {
  items: GradingRow[];
  total: number;
  offset: number;
  limit: number;
}

/**
 * A student's standing as the teacher sees it: drafts count here (the student sees only
 * released grades).
 */
export function teacherStatus(
  assignment: Pick<Assignment, "dueAt">,
  row: Pick<GradingRow, "submission" | "grade">,
  now = new Date(),
): StudentStatus {
  if (row.grade?.mark === "excused") return "excused";
  if (row.submission) return row.submission.daysLate > 0 ? "late" : "submitted";
  if (row.grade?.mark === "missing" || now.getTime() > Date.parse(assignment.dueAt)) {
    return "missing";
  }
  return "not_started";
}

/** The teacher's list: every student (by name) with their latest work and grade. */
export function SubmissionsTable(
  { state, assignment, page, path }: {
    state: State;
    assignment: Assignment;
    page: GradingPage;
    /** The assignment page's path (paging links stay there). */
    path: string;
  },
) {
  const { t } = state;
  const href = (offset: number) => `${path}${offset > 0 ? `?offset=${offset}` : ""}#submissions`;
  if (page.total === 0) return <p class="empty">{t("coursework.sub.noStudents")}</p>;
  return (
    <>
      <div class="table-wrap">
        <table class="submissions">
          <thead>
            <tr>
              <th scope="col">{t("coursework.col.student")}</th>
              <th scope="col">{t("coursework.col.status")}</th>
              <th scope="col">{t("coursework.col.submittedAt")}</th>
              <th scope="col">{t("coursework.col.grade")}</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((row) => {
              const status = teacherStatus(assignment, row);
              const sub = row.submission;
              return (
                <tr key={row.studentId}>
                  <td>
                    <a href={`${path}/submissions/${row.studentId}`}>{row.name}</a>
                    {row.studentNumber && (
                      <small class="muted">
                        {" "}
                        {row.studentNumber}
                      </small>
                    )}
                  </td>
                  <td data-label={t("coursework.col.status")}>
                    <span class={`badge st-${status}`}>
                      {status === "not_started"
                        ? t("coursework.status.notSubmitted")
                        : t(`coursework.status.${status}`)}
                    </span>
                    {sub && sub.daysLate > 0 && (
                      <small class="muted">
                        {" "}
                        {t("coursework.lateDays", { n: formatNumber(state, sub.daysLate) })}
                      </small>
                    )}
                  </td>
                  <td data-label={t("coursework.col.submittedAt")}>
                    {sub
                      ? (
                        <>
                          <time datetime={sub.submittedAt}>
                            {formatWhen(state, sub.submittedAt, assignment.timeZone)}
                          </time>
                          {sub.version > 1 && (
                            <small class="muted">
                              {" "}
                              {t("coursework.version", { n: sub.version })}
                            </small>
                          )}
                        </>
                      )
                      : <span class="muted">—</span>}
                  </td>
                  <td data-label={t("coursework.col.grade")}>
                    {row.grade
                      ? (
                        <>
                          {gradeText(state, row.grade, assignment.points)}{" "}
                          <span class={`badge grade-${row.grade.status}`}>
                            {t(`coursework.gradeStatus.${row.grade.status}`)}
                          </span>
                        </>
                      )
                      : <span class="muted">—</span>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <Pager
        state={state}
        total={page.total}
        offset={page.offset}
        limit={page.limit}
        href={href}
      />
    </>
  );
}
