import type { ClassFormValues } from "@/services/classes/class_form.ts";
import { groupWords } from "@/services/classes/group_words.ts";
import type { User } from "@/services/orgs/users.ts";
import type { DepartmentNode } from "@/services/workspace/departments.ts";
import type { State } from "@/services/web/define.ts";
import { CsrfField } from "./CsrfField.tsx";

interface ClassFormProps {
  state: State;
  action: string;
  values: ClassFormValues;
  /** Who can be picked as a lead (a class's teachers, a department's managers). */
  teachers: User[];
  error?: string;
  /** The field `error` is about: a field the form has shows it there, others above the form. */
  errorField?: string;
  submitLabel: string;
  /** Distinguishes the ids when a page has more than one form. */
  idPrefix: string;
  /** Extra hidden fields (e.g. which action the POST is). */
  hidden?: Record<string, string>;
  /** A department's possible parents, in tree order (departments only). */
  parents?: DepartmentNode[];
  /** Said in the leads' box (e.g. why not everyone is listed). */
  leadsHint?: string;
}

/**
 * Name, grade and subject (classes) or parent department (departments), and the lead
 * checkboxes; used to create and to edit a class or a department, with the words of its kind.
 */
export function ClassForm(
  {
    state,
    action,
    values,
    teachers,
    error,
    errorField,
    submitLabel,
    idPrefix,
    hidden = {},
    parents = [],
    leadsHint,
  }: ClassFormProps,
) {
  const { t } = state;
  const words = groupWords(values.kind);
  const department = values.kind === "department";
  const errorId = `${idPrefix}-error`;
  const parentError = department && errorField === "parentId" ? error : undefined;
  const formError = parentError ? undefined : error;
  const chosen = new Set(values.teacherIds);
  return (
    <form
      method="post"
      action={action}
      class="stack"
      aria-describedby={formError ? errorId : undefined}
    >
      <CsrfField state={state} />
      {Object.entries(hidden).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />)}
      {department && <input type="hidden" name="kind" value="department" />}
      {formError && <p class="error" role="alert" id={errorId}>{formError}</p>}
      <label>
        {t(words.formName)}
        <input
          name="name"
          required
          maxLength={120}
          value={values.name}
          placeholder={t(words.formNamePlaceholder)}
          aria-invalid={error && !values.name.trim() ? "true" : undefined}
        />
      </label>
      {department
        ? (
          <label>
            {t("workspace.form.parent")}
            <select
              name="parentId"
              aria-invalid={parentError ? "true" : undefined}
              aria-describedby={parentError ? errorId : undefined}
            >
              <option value="" selected={!values.parentId}>{t("workspace.form.parentNone")}</option>
              {parents.map((n) => (
                <option key={n.dept.id} value={n.dept.id} selected={values.parentId === n.dept.id}>
                  {/* The tree's indentation: a select shows no markup, so non-breaking spaces. */}
                  {"\u00a0\u00a0".repeat(n.depth)}
                  {n.dept.name}
                </option>
              ))}
            </select>
            {parentError && <span class="error" role="alert" id={errorId}>{parentError}</span>}
          </label>
        )
        : (
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
        )}
      <fieldset class="checklist">
        <legend>{t(words.formLeads)}</legend>
        {leadsHint && <p class="muted">{leadsHint}</p>}
        {teachers.length === 0 && !leadsHint && <p class="muted">{t(words.formNoLeads)}</p>}
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
