/**
 * The group form (create and edit a class or a department, organization admins): reading its
 * fields from a posted form (the leads are a repeated checkbox field), validating them with the
 * class schema, and a translated message for a failed save, with the field it belongs to. The
 * form itself is components/ClassForm.tsx; its words come by the group's kind (group_words.ts).
 * @module
 */
import type { State } from "../web/define.ts";
import type { AppError } from "../web/errors.ts";
import { parseForm, readForm } from "../web/forms.ts";
import {
  type ClassInput,
  ClassInputSchema,
  type GroupKind,
  MAX_DEPARTMENT_DEPTH,
} from "./classes.ts";
import { groupWords } from "./group_words.ts";

/** What the group form shows: the values as typed (strings), and the chosen leads. */
export interface ClassFormValues {
  kind: GroupKind;
  name: string;
  grade: string;
  subject: string;
  /** A department's parent ("" top level). */
  parentId: string;
  teacherIds: string[];
}

export const EMPTY_CLASS_FORM: ClassFormValues = {
  kind: "class",
  name: "",
  grade: "",
  subject: "",
  parentId: "",
  teacherIds: [],
};

/** An empty form for a new group of `kind`. */
export function emptyGroupForm(kind: GroupKind): ClassFormValues {
  return { ...EMPTY_CLASS_FORM, kind };
}

/** Reads the group form: text fields and the checked lead boxes (a repeated field). */
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
      kind: fields.kind === "department" ? "department" : "class",
      name: fields.name ?? "",
      grade: fields.grade ?? "",
      subject: fields.subject ?? "",
      parentId: fields.parentId ?? "",
      teacherIds,
    },
  };
}

/**
 * Validates the group form with `ClassInputSchema` (400 with field details when invalid). The
 * kind is not part of it (an edit cannot change it): a create adds it.
 */
export function parseClassForm(values: ClassFormValues): ClassInput {
  const department = values.kind === "department";
  return parseForm(ClassInputSchema, {
    name: values.name,
    grade: department ? undefined : values.grade.trim() || undefined,
    subject: department ? undefined : values.subject.trim() || undefined,
    // "" moves a department to the top level; a class has no parent.
    ...(department ? { parentId: values.parentId } : {}),
    // parseForm is typed for single fields; the schema itself checks this one is a string array.
    teacherIds: values.teacherIds,
  } as unknown as Record<string, string>);
}

/** The form field a failed save is about (shown there), if it is one the form has. */
export function classFormErrorField(err: AppError): string | undefined {
  const field = err.details?.[0]?.path?.[0];
  return typeof field === "string" ? field : undefined;
}

/** A translated message for a failed save (the services speak English). */
export function classFormError(t: State["t"], err: AppError, values: ClassFormValues): string {
  const words = groupWords(values.kind);
  if (err.code === "conflict") {
    return /staff workspace/.test(err.message)
      ? t("workspace.form.noWorkspace")
      : t("admin.form.conflict");
  }
  const field = classFormErrorField(err);
  const message = err.details?.[0]?.message ?? err.message;
  if (field === "name") {
    return values.name.trim() ? t("admin.form.nameTooLong") : t("admin.form.nameRequired");
  }
  if (field === "grade") return t("admin.form.gradeTooLong");
  if (field === "subject") return t("admin.form.subjectTooLong");
  if (field === "teacherIds") return t(words.leadsInvalid);
  if (field === "parentId") {
    if (/inside itself/.test(message)) return t("workspace.form.parentCycle");
    if (/levels deep/.test(message)) {
      return t("workspace.form.parentDepth", { max: MAX_DEPARTMENT_DEPTH });
    }
    return t("workspace.form.parentMissing");
  }
  return message;
}
