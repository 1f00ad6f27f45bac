/**
 * The words a group's pages use, by the group's kind: the admin pages of classes and
 * departments are one set of pages (one model: services/classes/classes.ts), and a department
 * says "Manager" and "Member" where a class says "Teacher" and "Student".
 * @module
 */
import type { MessageKey } from "../i18n/i18n.ts";
import type { GroupKind } from "./classes.ts";

/** Message keys of one kind's words. */
export interface GroupWords {
  /** The list's title on the admin dashboard, its empty state and its columns. */
  listTitle: MessageKey;
  listEmpty: MessageKey;
  colName: MessageKey;
  colLeads: MessageKey;
  colMembers: MessageKey;
  noLeads: MessageKey;
  createTitle: MessageKey;
  createSubmit: MessageKey;
  archivedTitle: MessageKey;
  archivedEmpty: MessageKey;
  /** The form's fields. */
  formName: MessageKey;
  formNamePlaceholder: MessageKey;
  formLeads: MessageKey;
  formNoLeads: MessageKey;
  leadsInvalid: MessageKey;
  /** The group's admin page. */
  pageTitle: MessageKey;
  created: MessageKey;
  edit: MessageKey;
  archive: MessageKey;
  archivedNotice: MessageKey;
  eyebrow: MessageKey;
  /** The member roles (`teacher`, `student`) and the roster. */
  roleTeacher: MessageKey;
  roleStudent: MessageKey;
  rosterTitle: MessageKey;
  rosterEmpty: MessageKey;
}

const CLASS_WORDS: GroupWords = {
  listTitle: "admin.classes.title",
  listEmpty: "admin.classes.empty",
  colName: "admin.classes.name",
  colLeads: "admin.classes.teachers",
  colMembers: "admin.classes.students",
  noLeads: "admin.classes.noTeachers",
  createTitle: "admin.create.title",
  createSubmit: "admin.create.submit",
  archivedTitle: "admin.archived.title",
  archivedEmpty: "admin.archived.empty",
  formName: "admin.form.name",
  formNamePlaceholder: "admin.form.namePlaceholder",
  formLeads: "admin.form.teachers",
  formNoLeads: "admin.form.noTeachers",
  leadsInvalid: "admin.form.teachersInvalid",
  pageTitle: "admin.class.title",
  created: "admin.class.created",
  edit: "admin.class.edit",
  archive: "admin.class.archive",
  archivedNotice: "admin.class.archivedNotice",
  eyebrow: "classes.eyebrow",
  roleTeacher: "classes.role.teacher",
  roleStudent: "classes.role.student",
  rosterTitle: "classes.roster.title",
  rosterEmpty: "classes.roster.empty",
};

const DEPARTMENT_WORDS: GroupWords = {
  listTitle: "workspace.depts.title",
  listEmpty: "workspace.depts.empty",
  colName: "workspace.depts.name",
  colLeads: "workspace.depts.managers",
  colMembers: "workspace.depts.members",
  noLeads: "workspace.depts.noManagers",
  createTitle: "workspace.create.title",
  createSubmit: "workspace.create.submit",
  archivedTitle: "workspace.archived.title",
  archivedEmpty: "workspace.archived.empty",
  formName: "workspace.form.name",
  formNamePlaceholder: "workspace.form.namePlaceholder",
  formLeads: "workspace.form.managers",
  formNoLeads: "workspace.form.noStaff",
  leadsInvalid: "workspace.form.managersInvalid",
  pageTitle: "workspace.dept.title",
  created: "workspace.dept.created",
  edit: "workspace.dept.edit",
  archive: "workspace.dept.archive",
  archivedNotice: "workspace.dept.archivedNotice",
  eyebrow: "workspace.depts.name",
  roleTeacher: "workspace.role.teacher",
  roleStudent: "workspace.role.student",
  rosterTitle: "workspace.roster.title",
  rosterEmpty: "workspace.roster.empty",
};

/** The words of a group kind's pages. */
export function groupWords(kind: GroupKind): GroupWords {
  return kind === "department" ? DEPARTMENT_WORDS : CLASS_WORDS;
}

/** The message key of a member role's name in a group of `kind`. */
export function memberRoleKey(kind: GroupKind, role: "teacher" | "student"): MessageKey {
  const words = groupWords(kind);
  return role === "teacher" ? words.roleTeacher : words.roleStudent;
}
