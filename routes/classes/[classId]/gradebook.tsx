import { pageQuery } from "@/services/web/query.ts";
import { ClassCrumbs, formatNumber, intlLocale } from "@/components/Coursework.tsx";
import { Pager } from "@/components/Pager.tsx";
import { requireActor, requireClassRole } from "@/services/auth/access.ts";
import type { Class } from "@/services/classes/classes.ts";
import {
  type GradebookCell,
  type GradebookPage,
  gradebookPage,
} from "@/services/coursework/gradebook.ts";
import { getOrg } from "@/services/orgs/orgs.ts";
import type { Handlers, PageProps, State } from "@/services/web/define.ts";

/** Students per gradebook page. */
const PAGE_SIZE = 50;

interface Data {
  cls: Class;
  book: GradebookPage;
  timeZone: string;
}

/** A class's gradebook: students x assignments with totals (teachers and admins). */
export const handler: Handlers<Data> = {
  async GET(_req, ctx) {
    const { kv, t } = ctx.state;
    const actor = requireActor(ctx.state);
    const { cls } = await requireClassRole(kv, actor, ctx.params.classId, ["admin", "teacher"]);
    const [book, org] = await Promise.all([
      gradebookPage(kv, cls, { offset: pageQuery(ctx.url).offset, limit: PAGE_SIZE }),
      getOrg(kv, cls.orgId),
    ]);
    ctx.state.title = `${t("coursework.book.title")} · ${cls.name}`;
    return ctx.render({ cls, book, timeZone: org.timeZone });
  },
};

function Cell(
  { state, cell, possible, href, label }: {
    state: State;
    cell: GradebookCell;
    possible: number;
    href: string;
    /** The assignment's title: the cell's label where the table stacks (phones). */
    label: string;
  },
) {
  const { t } = state;
  const g = cell.grade;
  let text: string;
  let title: string | undefined;
  if (g?.mark === "excused") text = t("coursework.book.excused");
  else if (g?.finalPoints !== undefined) {
    text = formatNumber(state, g.finalPoints);
    if (g.penaltyPct > 0) {
      title = t("coursework.grade.penaltyApplied", {
        points: formatNumber(state, g.points ?? 0),
        pct: formatNumber(state, g.penaltyPct),
      });
    }
  } else if (g?.mark === "missing") text = t("coursework.book.missing");
  else if (cell.submitted) text = t("coursework.book.toGrade");
  else text = "—";
  const draft = g?.status === "draft";
  return (
    <td
      class={`num cell${draft ? " draft" : ""}${!g && cell.submitted ? " to-grade" : ""}`}
      title={title}
      data-label={label}
    >
      <a href={href}>
        {text}
        {draft && <span class="sr-only">{t("coursework.gradeStatus.draft")}</span>}
        {draft && <span aria-hidden="true">*</span>}
      </a>
      <span class="sr-only">/ {formatNumber(state, possible)}</span>
    </td>
  );
}

export default function GradebookPageView({ data, state }: PageProps<Data>) {
  const { t } = state;
  const { cls, book } = data;
  const path = `/classes/${cls.id}/gradebook`;
  const href = (offset: number) => `${path}${offset > 0 ? `?offset=${offset}` : ""}`;
  const shortDate = new Intl.DateTimeFormat(intlLocale(state), {
    timeZone: data.timeZone,
    month: "short",
    day: "numeric",
  });
  const n = (x: number) => formatNumber(state, x);
  return (
    <>
      <ClassCrumbs state={state} cls={cls} trail={[{ label: t("coursework.book.title") }]} />
      <header class="page-head">
        <div>
          <p class="eyebrow">{cls.name}</p>
          <h1>{t("coursework.book.title")}</h1>
        </div>
        <div class="page-actions">
          <a class="button" href={`/classes/${cls.id}/assignments`}>
            {t("coursework.nav.assignments")}
          </a>
          <a class="button" href={`/api/v1/classes/${cls.id}/gradebook.csv`} download>
            {t("coursework.book.csv")}
          </a>
        </div>
      </header>
      <section class="card" aria-labelledby="book-title">
        <h2 id="book-title" class="sr-only">{t("coursework.book.title")}</h2>
        {book.total === 0
          ? <p class="empty">{t("coursework.sub.noStudents")}</p>
          : book.assignments.length === 0
          ? <p class="empty">{t("coursework.book.noAssignments")}</p>
          : null}
        {book.items.length > 0 && (
          <>
            <p class="muted">{t("coursework.book.legend")}</p>
            <div class="table-wrap gradebook-wrap">
              <table class="gradebook">
                <thead>
                  <tr>
                    <th scope="col" class="student-col">{t("coursework.col.student")}</th>
                    {book.assignments.map((a) => (
                      <th scope="col" key={a.id} class="num assignment-col">
                        <a href={`/classes/${cls.id}/assignments/${a.id}`}>{a.title}</a>
                        <small class="muted">
                          {shortDate.format(new Date(a.dueAt))} · {t("coursework.book.outOf", {
                            n: n(a.points),
                          })}
                        </small>
                      </th>
                    ))}
                    <th scope="col" class="num">{t("coursework.book.total")}</th>
                  </tr>
                </thead>
                <tbody>
                  {book.items.map((row) => (
                    <tr key={row.student.id}>
                      <th scope="row" class="student-col">
                        {row.student.name}
                        {row.student.studentNumber && (
                          <small class="muted">{row.student.studentNumber}</small>
                        )}
                      </th>
                      {row.cells.map((cell, i) => (
                        <Cell
                          key={cell.assignmentId}
                          state={state}
                          cell={cell}
                          possible={book.assignments[i].points}
                          label={book.assignments[i].title}
                          href={`/classes/${cls.id}/assignments/${cell.assignmentId}/submissions/${row.student.id}`}
                        />
                      ))}
                      <td class="num total" data-label={t("coursework.book.total")}>
                        {row.total.possible > 0
                          ? (
                            <>
                              {n(row.total.points)} / {n(row.total.possible)}
                              <small class="muted">
                                {Math.round((row.total.points / row.total.possible) * 100)}%
                              </small>
                            </>
                          )
                          : <span class="muted">—</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
        <Pager
          state={state}
          total={book.total}
          offset={book.offset}
          limit={PAGE_SIZE}
          href={href}
        />
      </section>
    </>
  );
}
