/**
 * The parts of an assignment's page: its header (with the teacher's actions), the student's
 * side (grade, instructions, versions, turning work in) and the teacher's side (submissions
 * with counts, release all, nudge).
 * @module
 */
import type { ClassRole } from "@/services/auth/access.ts";
import type { Class } from "@/services/classes/classes.ts";
import type { AssignmentView } from "@/services/coursework/assignments.ts";
import type { Assignment, Submission } from "@/services/coursework/model.ts";
import type { State } from "@/services/web/define.ts";
import { SubmitWorkForm } from "./AssignmentForm.tsx";
import { AssignmentBody, AssignmentFacts, SubmissionVersions } from "./AssignmentView.tsx";
import {
  AssignmentStatusBadge,
  formatNumber,
  gradeText,
  StudentStatusBadge,
} from "./Coursework.tsx";
import { CsrfField } from "./CsrfField.tsx";
import { type GradingPage, SubmissionsTable } from "./SubmissionsTable.tsx";

/** Counts over the whole class, for the teacher's summary. */
export interface AssignmentCounts {
  students: number;
  submitted: number;
  late: number;
  drafts: number;
  released: number;
  /** Students a nudge would reach: no work and not excused. */
  nonSubmitters: number;
}

/** A one-button form that posts `intent` to the assignment's page. */
function ActionButton(
  { state, action, intent, label, kind }: {
    state: State;
    action: string;
    intent: string;
    label: string;
    kind?: string;
  },
) {
  return (
    <form method="post" action={action}>
      <CsrfField state={state} />
      <input type="hidden" name="intent" value={intent} />
      <button type="submit" class={kind}>{label}</button>
    </form>
  );
}

/** Title, status, facts, and for teachers edit / publish / close / reopen. */
export function AssignmentHeader(
  { state, cls, role, assignment, view }: {
    state: State;
    cls: Class;
    role: ClassRole;
    assignment: Assignment;
    view: AssignmentView;
  },
) {
  const { t } = state;
  const student = role === "student";
  const here = `/classes/${cls.id}/assignments/${assignment.id}`;
  return (
    <header class="page-head card">
      <div class="stack tight">
        <p class="eyebrow">{cls.name}</p>
        <h1>
          {assignment.title} {student && view.myStatus
            ? <StudentStatusBadge state={state} status={view.myStatus} />
            : <AssignmentStatusBadge state={state} status={assignment.status} />}
        </h1>
        <AssignmentFacts state={state} view={view} showReminders={!student} />
      </div>
      {!student && !cls.archived && (
        <div class="page-actions">
          <a class="button" href={`${here}/edit`}>{t("coursework.edit.button")}</a>
          {assignment.status === "draft" && (
            <ActionButton
              state={state}
              action={here}
              intent="publish"
              kind="primary"
              label={t("coursework.publish")}
            />
          )}
          {assignment.status === "published" && (
            <ActionButton
              state={state}
              action={here}
              intent="close"
              label={t("coursework.close")}
            />
          )}
          {assignment.status === "closed" && (
            <ActionButton
              state={state}
              action={here}
              intent="publish"
              label={t("coursework.reopen")}
            />
          )}
        </div>
      )}
    </header>
  );
}

/** The student's side: released grade, instructions, every version, and turning work in. */
export function StudentPanel(
  { state, cls, assignment, view, versions, now = new Date() }: {
    state: State;
    cls: Class;
    assignment: Assignment;
    view: AssignmentView;
    versions: Submission[];
    now?: Date;
  },
) {
  const { t } = state;
  const pastDue = now.getTime() > Date.parse(assignment.dueAt);
  const closedByTime = pastDue && assignment.latePolicy.kind === "close";
  const open = assignment.status === "published" && !closedByTime && !cls.archived;
  return (
    <>
      {view.myGrade && (
        <section class="card grade-card" aria-labelledby="grade-title">
          <h2 id="grade-title">{t("coursework.yourGrade")}</h2>
          <p class="grade-big">{gradeText(state, view.myGrade, view.points)}</p>
          {view.myGrade.feedback && (
            <>
              <h3>{t("coursework.feedback")}</h3>
              <div class="feedback">{view.myGrade.feedback}</div>
            </>
          )}
        </section>
      )}
      <AssignmentBody state={state} view={view} />
      <section class="card" id="your-work" aria-labelledby="work-title">
        <h2 id="work-title">{t("coursework.yourWork")}</h2>
        {versions.length === 0
          ? <p class="empty">{t("coursework.noWorkYet")}</p>
          : <SubmissionVersions state={state} versions={versions} assignment={assignment} />}
        {open
          ? (
            <>
              <h3>{versions.length ? t("coursework.submitAgain") : t("coursework.submitTitle")}</h3>
              <SubmitWorkForm
                state={state}
                classId={cls.id}
                assignmentId={assignment.id}
                resubmit={versions.length > 0}
                late={pastDue}
              />
            </>
          )
          : (
            <p class="notice">
              {cls.archived
                ? t("coursework.archived")
                : assignment.status === "closed"
                ? t("coursework.closedNotice")
                : t("coursework.pastDueClosed")}
            </p>
          )}
      </section>
    </>
  );
}

/** The teacher's side: instructions, counts, every student's latest work, release, nudge. */
export function TeacherPanel(
  { state, cls, assignment, view, rows, counts }: {
    state: State;
    cls: Class;
    assignment: Assignment;
    view: AssignmentView;
    rows: GradingPage;
    counts: AssignmentCounts;
  },
) {
  const { t } = state;
  const here = `/classes/${cls.id}/assignments/${assignment.id}`;
  const n = (x: number) => formatNumber(state, x);
  return (
    <>
      <AssignmentBody state={state} view={view} />
      <section class="card" id="submissions" aria-labelledby="submissions-title">
        <div class="section-head">
          <h2 id="submissions-title">{t("coursework.sub.title")}</h2>
          {!cls.archived && assignment.status !== "draft" && (
            <div class="page-actions">
              {counts.drafts > 0 && (
                <ActionButton
                  state={state}
                  action={here}
                  intent="releaseAll"
                  kind="primary"
                  label={t("coursework.releaseAll", { n: n(counts.drafts) })}
                />
              )}
              {counts.nonSubmitters > 0 && (
                <ActionButton
                  state={state}
                  action={here}
                  intent="nudge"
                  label={t("coursework.nudge", { n: n(counts.nonSubmitters) })}
                />
              )}
            </div>
          )}
        </div>
        {assignment.status === "draft" ? <p class="empty">{t("coursework.sub.draft")}</p> : (
          <>
            <ul class="counts" aria-label={t("coursework.sub.summary")}>
              <li>
                {t("coursework.count.submitted")}{" "}
                <strong>{n(counts.submitted)} / {n(counts.students)}</strong>
              </li>
              <li>
                {t("coursework.count.late")} <strong>{n(counts.late)}</strong>
              </li>
              <li>
                {t("coursework.count.missing")}{" "}
                <strong>{n(counts.students - counts.submitted)}</strong>
              </li>
              <li>
                {t("coursework.count.drafts")} <strong>{n(counts.drafts)}</strong>
              </li>
              <li>
                {t("coursework.count.released")} <strong>{n(counts.released)}</strong>
              </li>
            </ul>
            <SubmissionsTable state={state} assignment={assignment} page={rows} path={here} />
          </>
        )}
      </section>
      <p class="muted">
        <a href={`/classes/${cls.id}/gradebook`}>{t("coursework.nav.gradebook")}</a>
      </p>
    </>
  );
}
