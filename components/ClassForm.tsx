import type { ClassFormValues } from "@/services/classes/class_form.ts";
import type { User } from "@/services/orgs/users.ts";
import type { State } from "@/services/web/define.ts";
import { CsrfField } from "./CsrfField.tsx";

interface ClassFormProps {
  state: State;
  action: string;
  values: ClassFormValues;
  teachers: User[];
  error?: string;
  submitLabel: string;
  /** Distinguishes the ids when a page has more than one form. */
  idPrefix: string;
  /** Extra hidden fields (e.g. which action the POST is). */
  hidden?: Record<string, string>;
}

/** Name, grade, subject and teacher checkboxes; used to create and to edit a class. */
export function ClassForm(
  { state, action, values, teachers, error, submitLabel, idPrefix, hidden = {} }: ClassFormProps,
) {
  const { t } = state;
  const errorId = `${idPrefix}-error`;
  const chosen = new Set(values.teacherIds);
  return (
    <form
      method="post"
      action={action}
      class="stack"
      aria-describedby={error ? errorId : undefined}
    >
      <CsrfField state={state} />
      {Object.entries(hidden).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />)}
      {error && <p class="error" role="alert" id={errorId}>{error}</p>}
      <label>
        {t("admin.form.name")}
        <input
          name="name"
          required
          maxLength={120}
          value={values.name}
          placeholder={t("admin.form.namePlaceholder")}
          aria-invalid={error && !values.name.trim() ? "true" : undefined}
        />
      </label>
      <div class="row">
        <label class="short">
          {t("admin.form.grade")}
          <input name="grade" maxLength={40} value={values.grade} placeholder="3" size={4} />
        </label>
        <label class="grow">
          {t("admin.form.subject")}
          <input
            name="subject"
            maxLength={80}
            value={values.subject}
            placeholder={t("admin.form.subjectPlaceholder")}
          />
        </label>
      </div>
      <fieldset class="checklist">
        <legend>{t("admin.form.teachers")}</legend>
        {teachers.length === 0 && <p class="muted">{t("admin.form.noTeachers")}</p>}
        {teachers.map((u) => (
          <label class="check" key={u.id}>
            <input
              type="checkbox"
              name="teacherIds"
              value={u.id}
              checked={chosen.has(u.id)}
            />
            <span>
              {u.name}
              {u.email && <small class="muted">{u.email}</small>}
            </span>
          </label>
        ))}
      </fieldset>
      <div>
        <button type="submit" class="primary">{submitLabel}</button>
      </div>
    </form>
  );
}
