/**
 * What a roster import reports (a class's or a workspace's): counts, line errors and
 * warnings, the rows it would write, and the departments a workspace's file names; and the
 * report in the reader's language. The API's schema; import.ts fills it.
 * @module
 */
import { z } from "zod";
import { RoleSchema } from "../orgs/users.ts";
import type { Translate } from "../i18n/i18n.ts";
import { ROSTER_COLUMNS } from "./columns.ts";
import { issueText, ROSTER_ISSUE_CODES } from "./issues.ts";

/** Most data rows one file may have. */
export const MAX_ROSTER_ROWS = 50_000;
/** Most errors (and warnings) a report lists; `counts.invalid` stays the true count. */
export const MAX_LISTED_ISSUES = 1000;
/** Most row previews a report carries. */
export const MAX_PREVIEW_ROWS = 200;

export const RosterActionSchema = z.enum(["create", "add", "unchanged"]);

/** One problem or warning: English `message`, and `code` + `params` to translate it. */
const RosterIssueSchema = z.object({
  line: z.number().int(),
  column: z.enum(ROSTER_COLUMNS).optional(),
  code: z.enum(ROSTER_ISSUE_CODES),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  message: z.string(),
  /** The message in the asker's language (pages' language: the `lang` cookie). */
  text: z.string().optional(),
});

/** What a preview or an import found, row by row. */
export const RosterReportSchema = z.object({
  /** True when no row has a problem (the import may be committed). */
  ok: z.boolean(),
  /** Data rows in the file (blank lines not counted). */
  totalRows: z.number().int(),
  counts: z.object({
    create: z.number().int(),
    add: z.number().int(),
    unchanged: z.number().int(),
    invalid: z.number().int(),
    /** A workspace's import: departments it creates, and managers it sets. */
    departments: z.number().int().optional(),
    managers: z.number().int().optional(),
  }),
  errors: z.array(RosterIssueSchema),
  warnings: z.array(RosterIssueSchema),
  /**
   * Rows whose email some join-link sign-up gave unconfirmed: importing gives the address to
   * this row's new account and takes it from those (services/classes/unconfirmed_emails.ts).
   */
  reclaimed: z.array(z.object({ line: z.number().int(), email: z.string() })).optional(),
  /** The first valid rows and what importing does with each. */
  rows: z.array(z.object({
    line: z.number().int(),
    name: z.string(),
    email: z.string().optional(),
    studentNumber: z.string().optional(),
    role: RoleSchema,
    /** A workspace's row: its department's path ("Engineering / Platform"). */
    department: z.string().optional(),
    action: RosterActionSchema,
  })).optional(),
  /** A workspace's import: each department the file names, created or already there. */
  departments: z.array(z.object({
    line: z.number().int(),
    path: z.string(),
    action: z.enum(["create", "existing"]),
  })).optional(),
});
export type RosterReport = z.infer<typeof RosterReportSchema>;

/**
 * The report with each error and warning also in the reader's language (`text`), for the
 * API's edge: the `message` stays English.
 */
export function localizeReport<R extends RosterReport>(report: R, t: Translate): R {
  const say = <I extends RosterReport["errors"][number]>(i: I): I => ({
    ...i,
    text: issueText(t, i),
  });
  return { ...report, errors: report.errors.map(say), warnings: report.warnings.map(say) };
}
