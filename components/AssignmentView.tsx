import type { AssignmentView } from "@/services/coursework/assignments.ts";
import { lateDays } from "@/services/coursework/grading.ts";
import type { Submission } from "@/services/coursework/model.ts";
import type { State } from "@/services/web/define.ts";
import {
  DueDate,
  FileList,
  formatNumber,
  formatWhen,
  latePolicyText,
  remindersText,
} from "./Coursework.tsx";

/** Due time, points, late policy (and reminders for teachers) of an assignment. */
export function AssignmentFacts(
  { state, view, showReminders }: { state: State; view: AssignmentView; showReminders: boolean },
) {
  const { t } = state;
  return (
    <dl class="facts">
      <div>
        <dt>{t("coursework.col.due")}</dt>
        <dd>
          <DueDate state={state} assignment={view} />
        </dd>
      </div>
      <div>
        <dt>{t("coursework.col.points")}</dt>
        <dd>{formatNumber(state, view.points)}</dd>
      </div>
      <div>
        <dt>{t("coursework.lateWork")}</dt>
        <dd>{latePolicyText(state, view.latePolicy)}</dd>
      </div>
      {showReminders && (
        <div>
          <dt>{t("coursework.remindersTitle")}</dt>
          <dd>{remindersText(state, view.reminderHours)}</dd>
        </div>
      )}
    </dl>
  );
}

/** The instructions (safe HTML from the Markdown renderer) and the attachments. */
export function AssignmentBody({ state, view }: { state: State; view: AssignmentView }) {
  const { t } = state;
  return (
    <section class="card" aria-labelledby="instructions-title">
      <h2 id="instructions-title">{t("coursework.instructions")}</h2>
      {view.instructions.trim()
        ? (
          // renderMarkdown escapes raw HTML and unsafe URLs, so its output can go in as is.
          <div class="markdown" dangerouslySetInnerHTML={{ __html: view.instructionsHtml }} />
        )
        : <p class="muted">{t("coursework.noInstructions")}</p>}
      {view.attachments.length > 0 && (
        <>
          <h3>{t("coursework.attachments")}</h3>
          <FileList state={state} files={view.attachments} />
        </>
      )}
    </section>
  );
}

/** Every version of a student's work, newest first, with time, lateness, text and files. */
export function SubmissionVersions(
  { state, versions, assignment }: {
    state: State;
    versions: Submission[];
    assignment: { dueAt: string; timeZone: string };
  },
) {
  const { t } = state;
  const newest = [...versions].reverse();
  return (
    <ol class="versions" reversed>
      {newest.map((s, i) => {
        // Against the current due time, as grading counts it (the due time may have moved).
        const late = lateDays(assignment.dueAt, s.submittedAt);
        return (
          <li key={s.version} class="version">
            <div class="version-head">
              <strong>{t("coursework.version", { n: s.version })}</strong>
              {i === 0 && <span class="badge latest">{t("coursework.latest")}</span>}
              <time datetime={s.submittedAt}>
                {formatWhen(state, s.submittedAt, assignment.timeZone)}
              </time>
              {late > 0 && (
                <span class="badge st-late">
                  {t("coursework.lateDays", { n: formatNumber(state, late) })}
                </span>
              )}
            </div>
            {s.text.trim()
              ? <div class="submission-text">{s.text}</div>
              : <p class="muted">{t("coursework.noText")}</p>}
            <FileList state={state} files={s.files} />
          </li>
        );
      })}
    </ol>
  );
}
