/**
 * The problems and warnings a roster import reports: their codes (each translated as
 * `admin.import.issue.<code>` in the admin catalog), how one is built, and its text in the
 * reader's language.
 * @module
 */
import type { MessageKey, Translate } from "../i18n/i18n.ts";
import type { RosterColumn } from "./columns.ts";

/**
 * A problem with the file, reported against a physical line (and the column, if one). The
 * message is English (the API's); `code` and `params` let a page say it in its reader's
 * language (`issueText`, `admin.import.issue.<code>` in the admin catalog).
 */
export interface RosterIssue {
  line: number;
  column?: RosterColumn;
  code: RosterIssueCode;
  params?: Record<string, string | number>;
  message: string;
}

/** Every kind of problem or warning an import reports (each has a translation). */
export const ROSTER_ISSUE_CODES = [
  "csvSyntax",
  "fileEmpty",
  "tooManyRows",
  "noRows",
  "unknownColumn",
  "noHeader",
  "duplicateColumn",
  "noNameColumn",
  "noLoginColumn",
  "shifted",
  "nameMissing",
  "nameTooLong",
  "emailInvalid",
  "numberTooLong",
  "noLogin",
  "roleUnknown",
  "teacherRowByTeacher",
  "emailTwice",
  "numberTwice",
  "emailTaken",
  "twoPeople",
  "emailOtherNumber",
  "numberOtherEmail",
  "roleMismatch",
  "samePerson",
  "inClassAs",
  "reclaim",
  "notSaved",
  "nameDiffers",
  // A workspace's import (people into departments):
  "unknownColumnStaff",
  "noEmailColumn",
  "emailMissing",
  "roleCompany",
  "roleSchoolStaff",
  "departmentEmpty",
  "departmentTooLong",
  "departmentTooDeep",
  "managerEmailInvalid",
  "managerNoDepartment",
  "managerTwice",
  "managerUnknown",
  "managerNotStaff",
  "staffRoleMismatch",
  "staffNameDiffers",
] as const;
export type RosterIssueCode = (typeof ROSTER_ISSUE_CODES)[number];

/** Builds an issue (`params` are also what `issueText` fills in). */
export function rosterIssue(
  line: number,
  code: RosterIssueCode,
  message: string,
  params?: RosterIssue["params"],
  column?: RosterColumn,
): RosterIssue {
  return {
    line,
    code,
    message,
    ...(params ? { params } : {}),
    ...(column ? { column } : {}),
  };
}

/** Params whose values are roles, said in the reader's language too. */
const ROLE_PARAMS = new Set(["role", "actual", "wanted"]);

/**
 * An issue in the reader's language: its code's translation with the params filled in (role
 * values translated as well); the English message for a code without one.
 */
export function issueText(t: Translate, issue: Pick<RosterIssue, "code" | "params">): string {
  const params: Record<string, string | number> = {};
  // A workspace's admins are the organization's, not only a school's.
  const roles = issue.code === "staffRoleMismatch" ? "admin.import.ws.role" : "admin.import.role";
  for (const [k, v] of Object.entries(issue.params ?? {})) {
    params[k] = ROLE_PARAMS.has(k) && typeof v === "string"
      ? t(`${v === "admin" ? roles : "admin.import.role"}.${v}` as MessageKey)
      : v;
  }
  return t(`admin.import.issue.${issue.code}` as MessageKey, params);
}
