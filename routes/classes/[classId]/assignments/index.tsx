import {
  AssignmentStatusBadge,
  ClassCrumbs,
  DueDate,
  formatNumber,
  gradeText,
  StudentStatusBadge,
} from "@/components/Coursework.tsx";
import { classAccess, type ClassRole, requireActor } from "@/services/auth/access.ts";
import type { Class } from "@/services/classes/classes.ts";
import { listMemberIds } from "@/services/classes/members.ts";
import {
  assignmentSummaries,
  type AssignmentSummary,
  listAssignmentsByClass,
} from "@/services/coursework/assignments.ts";
import { listSubmitterIds } from "@/services/coursework/grading.ts";
import type { Handlers, PageProps } from "@/services/web/define.ts";

interface Data {
  cls: Class;
  role: ClassRole;
  items: AssignmentSummary[];
  /** Teachers: how many of the class's students turned in each assignment. */
  turnedIn: number[];
  students: number;
}

/** A class's assignments: every one (drafts too) for teachers, with each student's standing. */
export const handler: Handlers<Data> = {
  async GET(_req, ctx) {
    const { kv, t } = ctx.state;
    const actor = requireActor(ctx.state);
    const { cls, role } = await classAccess(kv, actor, ctx.params.classId);
    const student = role === "student";
    const assignments = await listAssignmentsByClass(kv, cls.id, { includeDrafts: !student });
    const items = await assignmentSummaries(kv, assignments, student ? actor.user.id : undefined);
    let turnedIn: number[] = [];
    let students = 0;
    if (!student) {
      const ids = new Set(await listMemberIds(kv, cls.id, "student"));
      students = ids.size;
      turnedIn = await Promise.all(assignments.map(async (a) => {
        const submitters = await listSubmitterIds(kv, a.id);
        return [...submitters].filter((s) => ids.has(s)).length;
      }));
    }
    ctx.state.title = `${t("coursework.list.title")} · ${cls.name}`;
    return ctx.render({ cls, role, items, turnedIn, students });
  },
};

export default function AssignmentsPage({ data, state }: PageProps<Data>) {
  const { t } = state;
  const { cls, role, items } = data;
  const student = role === "student";
  const base = `/classes/${cls.id}/assignments`;
  return (
    <>
      <ClassCrumbs state={state} cls={cls} trail={[{ label: t("coursework.list.title") }]} />
      <header class="page-head">
        <div>
          <p class="eyebrow">{cls.name}</p>
          <h1>{t("coursework.list.title")}</h1>
        </div>
        <div class="page-actions">
          {!student && (
            <a class="button" href={`/classes/${cls.id}/gradebook`}>
              {t("coursework.nav.gradebook")}
            </a>
          )}
          {!student && !cls.archived && (
            <a class="button primary" href={`${base}/new`}>{t("coursework.list.new")}</a>
          )}
        </div>
      </header>
      {cls.archived && <p class="notice">{t("coursework.archived")}</p>}
      <section class="card" aria-labelledby="assignments-title">
        <h2 id="assignments-title" class="sr-only">{t("coursework.list.title")}</h2>
        {items.length === 0
          ? (
            <p class="empty">
              {student ? t("coursework.list.emptyStudent") : t("coursework.list.empty")}
            </p>
          )
          : (
            <div class="table-wrap">
              <table class="assignments">
                <thead>
                  <tr>
                    <th scope="col">{t("coursework.col.title")}</th>
                    <th scope="col">{t("coursework.col.due")}</th>
                    <th scope="col" class="num">{t("coursework.col.points")}</th>
                    <th scope="col">{t("coursework.col.status")}</th>
                    <th scope="col">
                      {student ? t("coursework.col.grade") : t("coursework.col.turnedIn")}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((a, i) => (
                    <tr key={a.id}>
                      <td>
                        <a href={`${base}/${a.id}`}>{a.title}</a>
                      </td>
                      <td data-label={t("coursework.col.due")}>
                        <DueDate state={state} assignment={a} />
                      </td>
                      <td class="num" data-label={t("coursework.col.points")}>
                        {formatNumber(state, a.points)}
                      </td>
                      <td data-label={t("coursework.col.status")}>
                        {student && a.myStatus
                          ? <StudentStatusBadge state={state} status={a.myStatus} />
                          : <AssignmentStatusBadge state={state} status={a.status} />}
                      </td>
                      <td
                        data-label={student
                          ? t("coursework.col.grade")
                          : t("coursework.col.turnedIn")}
                      >
                        {student
                          ? (a.myGrade
                            ? gradeText(state, a.myGrade, a.points)
                            : <span class="muted">—</span>)
                          : a.status === "draft"
                          ? <span class="muted">—</span>
                          : t("coursework.turnedInOf", {
                            count: formatNumber(state, data.turnedIn[i]),
                            total: formatNumber(state, data.students),
                          })}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
      </section>
    </>
  );
}
