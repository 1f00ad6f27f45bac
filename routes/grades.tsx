import { DueDate, formatNumber, gradeText, StudentStatusBadge } from "@/components/Coursework.tsx";
import { requireActor } from "@/services/auth/access.ts";
import { listMyGrades, type MyGrades } from "@/services/coursework/gradebook.ts";
import type { Handlers, PageProps } from "@/services/web/define.ts";

interface Data {
  classes: MyGrades["classes"];
}

/** A student's own grades: released grades and feedback only, per class. */
export const handler: Handlers<Data> = {
  async GET(_req, ctx) {
    const { kv, t } = ctx.state;
    const { user } = requireActor(ctx.state);
    const { classes } = await listMyGrades(kv, user);
    ctx.state.title = t("coursework.grades.title");
    return ctx.render({ classes });
  },
};

export default function GradesPage({ data, state }: PageProps<Data>) {
  const { t } = state;
  const n = (x: number) => formatNumber(state, x);
  return (
    <>
      <header class="page-head">
        <div>
          <h1>{t("coursework.grades.title")}</h1>
          <p class="muted">{t("coursework.grades.intro")}</p>
        </div>
      </header>
      {data.classes.length === 0 && <p class="empty">{t("coursework.grades.empty")}</p>}
      {data.classes.map((c) => (
        <section class="card" key={c.classId} aria-labelledby={`grades-${c.classId}`}>
          <div class="section-head">
            <h2 id={`grades-${c.classId}`}>
              <a href={`/classes/${c.classId}/assignments`}>{c.className}</a>
            </h2>
            {c.total.possible > 0 && (
              <p class="total">
                {t("coursework.grades.total", {
                  points: n(c.total.points),
                  possible: n(c.total.possible),
                  pct: Math.round((c.total.points / c.total.possible) * 100),
                })}
              </p>
            )}
          </div>
          {c.assignments.length === 0
            ? <p class="empty">{t("coursework.list.emptyStudent")}</p>
            : (
              <div class="table-wrap">
                <table class="my-grades">
                  <thead>
                    <tr>
                      <th scope="col">{t("coursework.col.title")}</th>
                      <th scope="col">{t("coursework.col.due")}</th>
                      <th scope="col">{t("coursework.col.status")}</th>
                      <th scope="col">{t("coursework.col.grade")}</th>
                      <th scope="col">{t("coursework.feedback")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {c.assignments.map((a) => (
                      <tr key={a.id}>
                        <td>
                          <a href={`/classes/${c.classId}/assignments/${a.id}`}>{a.title}</a>
                        </td>
                        <td data-label={t("coursework.col.due")}>
                          <DueDate state={state} assignment={a} relative={false} />
                        </td>
                        <td data-label={t("coursework.col.status")}>
                          {a.myStatus && <StudentStatusBadge state={state} status={a.myStatus} />}
                        </td>
                        <td class="grade" data-label={t("coursework.col.grade")}>
                          {a.myGrade
                            ? gradeText(state, a.myGrade, a.points)
                            : <span class="muted">{t("coursework.grades.notYet")}</span>}
                        </td>
                        <td data-label={t("coursework.feedback")}>
                          {a.myGrade?.feedback
                            ? <div class="feedback">{a.myGrade.feedback}</div>
                            : <span class="muted">—</span>}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
        </section>
      ))}
    </>
  );
}
