/**
 * The class form (create and edit a class, school admins): reading its fields from a posted
 * form (the teachers are a repeated checkbox field), validating them with the class schema, and
 * a translated message for a failed save. The form itself is components/ClassForm.tsx.
 * @module
 */
import type { State } from "../web/define.ts";
import type { AppError } from "../web/errors.ts";
import { parseForm, readForm } from "../web/forms.ts";
import { type ClassInput, ClassInputSchema } from "./classes.ts";

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
