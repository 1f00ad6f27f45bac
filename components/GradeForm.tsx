import type { Assignment, Grade } from "@/services/coursework/model.ts";
import type { State } from "@/services/web/define.ts";
import { formatNumber, formatWhen, gradeText } from "./Coursework.tsx";
import { CsrfField } from "./CsrfField.tsx";

/** The grade form's values as typed. */
export interface GradeFormValues {
  points: string;
  feedback: string;
  mark: string;
}

/** The form's starting values: the saved grade, or empty. */
export function gradeFormValues(grade: Grade | null): GradeFormValues {
  return {
    points: grade?.points === undefined ? "" : String(grade.points),
    feedback: grade?.feedback ?? "",
    mark: grade?.mark ?? "",
  };
}

const MARKS = ["", "late", "missing", "excused"] as const;

/**
 * One student's grade: points, a mark and feedback, saved as a draft or saved and released
 * (POST to the page, `intent` save or release). Shows the saved grade and the late penalty.
 */
export function GradeForm(
  { state, action, assignment, grade, values, error, penaltyPct, daysLate, hasWork, disabled }: {
    state: State;
    action: string;
    assignment: Assignment;
    grade: Grade | null;
    values: GradeFormValues;
    error?: string;
    /** The penalty the latest work gets under the late policy. */
    penaltyPct: number;
    daysLate: number;
    /** The student turned something in. */
    hasWork: boolean;
    /** Read-only (archived class, or an assignment still in draft). */
    disabled: boolean;
  },
) {
  const { t } = state;
  const n = (x: number) => formatNumber(state, x);
  return (
    <section class="card grade-form" aria-labelledby="grade-title">
      <h2 id="grade-title">{t("coursework.grade.title")}</h2>
      {grade
        ? (
          <p class="saved-grade">
            <strong>{gradeText(state, grade, assignment.points)}</strong>{" "}
            <span class={`badge grade-${grade.status}`}>
              {t(`coursework.gradeStatus.${grade.status}`)}
            </span>
            {grade.releasedAt && (
              <small class="muted">
                {" "}
                {t("coursework.grade.releasedAt", {
                  date: formatWhen(state, grade.releasedAt, assignment.timeZone),
                })}
              </small>
            )}
          </p>
        )
        : <p class="muted">{t("coursework.grade.none")}</p>}
      <p class={daysLate > 0 ? "notice" : "muted"}>
        {!hasWork
          ? t("coursework.grade.noWork")
          : daysLate > 0
          ? penaltyPct > 0
            ? t("coursework.grade.latePenalty", { days: n(daysLate), pct: n(penaltyPct) })
            : t("coursework.grade.lateNoPenalty", { days: n(daysLate) })
          : t("coursework.grade.onTime")}
      </p>
      <form method="post" action={action} class="stack" aria-describedby="grade-help">
        <CsrfField state={state} />
        {error && <p class="error" role="alert" id="grade-error">{error}</p>}
        <div class="row">
          <label class="points">
            {t("coursework.grade.points", { max: n(assignment.points) })}
            <input
              name="points"
              type="number"
              inputMode="decimal"
              min={0}
              max={assignment.points}
              step="0.01"
              value={values.points}
              disabled={disabled}
              aria-invalid={error ? "true" : undefined}
            />
          </label>
          <label>
            {t("coursework.grade.mark")}
            <select name="mark" disabled={disabled}>
              {MARKS.map((m) => (
                <option key={m} value={m} selected={values.mark === m}>
                  {t(`coursework.mark.${m || "none"}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <label>
          {t("coursework.feedback")}
          {/* As content: the server renderer would write `value` as an attribute. */}
          <textarea name="feedback" rows={6} maxLength={10_000} disabled={disabled}>
            {values.feedback}
          </textarea>
        </label>
        <small class="muted" id="grade-help">{t("coursework.grade.help")}</small>
        <div class="row actions">
          <button type="submit" name="intent" value="save" disabled={disabled}>
            {t("coursework.grade.saveDraft")}
          </button>
          <button type="submit" name="intent" value="release" class="primary" disabled={disabled}>
            {t("coursework.grade.saveRelease")}
          </button>
        </div>
      </form>
    </section>
  );
}
