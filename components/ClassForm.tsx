import { type ClassInput, ClassInputSchema } from "@/services/classes/classes.ts";
import type { User } from "@/services/orgs/users.ts";
import type { State } from "@/services/web/define.ts";
import { AppError } from "@/services/web/errors.ts";
import { parseForm, readForm } from "@/services/web/forms.ts";
import { CsrfField } from "./CsrfField.tsx";

/** What the class form shows: the values as typed (strings), and the chosen teachers. */
export interface ClassFormValues {
  name: string;
  grade: string;
  subject: string;
  teacherIds: string[];
}

export const EMPTY_CLASS_FORM: ClassFormValues = {
  name: "",
  grade: "",
  subject: "",
  teacherIds: [],
};

/** Reads the class form: text fields and the checked teacher boxes (a repeated field). */
export async function readClassForm(
  req: Request,
): Promise<{ values: ClassFormValues; fields: Record<string, string> }> {
  const teacherIds = (await req.clone().formData().catch(() => new FormData()))
    .getAll("teacherIds")
    .filter((v): v is string => typeof v === "string");
  const fields = await readForm(req);
  return {
    fields,
    values: {
      name: fields.name ?? "",
      grade: fields.grade ?? "",
      subject: fields.subject ?? "",
      teacherIds,
    },
  };
}

/** Validates the class form with `ClassInputSchema` (400 with field details when invalid). */
export function parseClassForm(values: ClassFormValues): ClassInput {
  return parseForm(ClassInputSchema, {
    name: values.name,
    grade: values.grade.trim() || undefined,
    subject: values.subject.trim() || undefined,
    // parseForm is typed for single fields; the schema itself checks this one is a string array.
    teacherIds: values.teacherIds,
  } as unknown as Record<string, string>);
}

/** A translated message for a failed class save (the services speak English). */
export function classFormError(t: State["t"], err: AppError, values: ClassFormValues): string {
  if (err.code === "conflict") return t("admin.form.conflict");
  const field = err.details?.[0]?.path?.[0];
  if (field === "name") {
    return values.name.trim() ? t("admin.form.nameTooLong") : t("admin.form.nameRequired");
  }
  if (field === "grade") return t("admin.form.gradeTooLong");
  if (field === "subject") return t("admin.form.subjectTooLong");
  if (field === "teacherIds") return t("admin.form.teachersInvalid");
  return err.details?.[0]?.message ?? err.message;
}

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
