/**
 * Roster import: a class's people, or a workspace's (staff into departments, workspace.ts),
 * from a CSV file, previewed first (`analyzeRoster`), then written all-or-nothing
 * (`importRoster`). Columns and row checks are in columns.ts.
 *
 * Each row is matched to the school's people by email or student number: someone already in
 * the class is "unchanged" (so importing the same file again changes nothing), someone else of
 * the school is added to the class, anyone new is created (`joinedVia: "import"`, no password).
 * Nothing is written while any row has a problem.
 *
 * A big file takes hundreds of KV commits (one holds at most 1,000 mutations and 100 checks), so
 * the import is not one transaction:
 * - A per-school lock (`["roster_locks", orgId]`, expiring after 10 minutes) keeps two imports
 *   from interleaving. Apart from the demo seed, only imports give out student numbers, so
 *   only new emails (which people also take by signing up) are checked unused in each commit.
 *   Anything else that comes to set student numbers must take this lock too.
 * - Two commits are in flight at a time (batches.ts). When one fails (someone signed up with
 *   one of the emails meanwhile), the others are waited for, every batch that was written is
 *   deleted again, key by key, and the import fails with 409 naming the line.
 * - If the process dies mid-import, the commits made so far stay (and the lock, until it
 *   expires). Running the same import again completes it: the rows already written match as
 *   "unchanged" and only the rest is written.
 * @module
 */
import type { ClassRole } from "../auth/access.ts";
import { type CsvRecord, CsvSyntaxError, parseCsv } from "../csv/csv.ts";
import { getClass } from "../classes/classes.ts";
import { getOrg, hasWorkspace } from "../orgs/orgs.ts";
import { findClaimedEmails, reclaimEmails } from "../classes/unconfirmed_emails.ts";
import type { ClassMember } from "../classes/members.ts";
import { nameKey, newUser, type User, UserSchema } from "../orgs/users.ts";
import { AppError } from "../web/errors.ts";
import { getManyValues, lockRosterImports, type Write, writeRosterBatches } from "./batches.ts";
import {
  MAX_LISTED_ISSUES,
  MAX_PREVIEW_ROWS,
  MAX_ROSTER_ROWS,
  type RosterReport,
} from "./report.ts";

export {
  localizeReport,
  MAX_LISTED_ISSUES,
  MAX_PREVIEW_ROWS,
  MAX_ROSTER_ROWS,
  RosterActionSchema,
  type RosterReport,
  RosterReportSchema,
} from "./report.ts";
import { checkManagers, pathLabel, planDepartments } from "./workspace.ts";
import {
  CLASS_RULES,
  isBlankRecord,
  readHeader,
  readRow,
  type RosterIssue,
  rosterIssue,
  type RosterRow,
  type RosterRules,
  workspaceRules,
} from "./columns.ts";

/** The school and class a roster is imported into, and who imports it. */
export interface RosterScope {
  orgId: string;
  classId: string;
  /**
   * The importer's standing in the class. Only school admins may import `teacher` rows
   * (changing a class's teachers is theirs): in a teacher's file each one is a row error.
   */
  by: ClassRole;
}

/**
 * A workspace admin's import into the organization's workspace: staff (never students) by
 * email, into departments (created when missing) with their managers.
 */
export interface WorkspaceScope {
  orgId: string;
  workspace: true;
}

/** Where an import goes: a class, or a workspace. */
export type ImportScope = RosterScope | WorkspaceScope;

function isWorkspace(scope: ImportScope): scope is WorkspaceScope {
  return "workspace" in scope;
}

type Action =
  | { kind: "create"; row: RosterRow; user?: User }
  | { kind: "add" | "unchanged"; row: RosterRow; user: User };

interface Plan {
  report: RosterReport;
  /** All errors, before the report's list is capped. */
  problems: number;
  actions: Action[];
  /** Emails of created rows that link sign-ups claim unconfirmed (reclaimed on import). */
  reclaim: string[];
  /** A workspace's import: everything it writes (a class's is built from `actions`). */
  writes?: Write[];
}

/**
 * Checks a roster file without writing anything: every row is validated and matched against
 * the school's people. Throws 404 for a class of another school and 409 for an archived one;
 * everything wrong with the file itself is in the report.
 */
export async function analyzeRoster(
  kv: Deno.Kv,
  scope: ImportScope,
  csvText: string,
): Promise<RosterReport> {
  return (await planRoster(kv, scope, csvText)).report;
}

/**
 * Imports a roster file: nothing when any row has a problem (400 `validation_failed` with
 * line details), else every new person and membership (see the module doc for how a big file
 * is written). 409 while another import for the school runs, or when a commit fails.
 * `commitsInFlight` (default 2) bounds the commits handed to KV at once; 1 writes strictly one
 * after another.
 */
export async function importRoster(
  kv: Deno.Kv,
  scope: ImportScope,
  csvText: string,
  opts: { commitsInFlight?: number } = {},
): Promise<RosterReport & { committed: boolean }> {
  const release = await lockRosterImports(kv, scope.orgId);
  try {
    const plan = await planRoster(kv, scope, csvText);
    if (!plan.report.ok) {
      const n = plan.problems;
      throw new AppError(
        "validation_failed",
        `The roster has ${n} problem${n === 1 ? "" : "s"}; nothing was imported.`,
        plan.report.errors.map(({ line, message }) => ({ line, message })),
      );
    }
    await writeRosterBatches(
      kv,
      plan.writes ?? classWrites(plan.actions, scope as RosterScope),
      opts.commitsInFlight,
    );
    // After the writes: until then the claims are harmless (they sign nobody in).
    await reclaimEmails(kv, plan.reclaim);
    return { ...plan.report, committed: true };
  } finally {
    await release();
  }
}

/** The rules for the scope's rows; 404/409 when the class or workspace cannot take any. */
async function scopeRules(kv: Deno.Kv, scope: ImportScope): Promise<RosterRules> {
  if (isWorkspace(scope)) {
    const org = await getOrg(kv, scope.orgId);
    if (!hasWorkspace(org)) throw new AppError("not_found", "Workspace not found");
    return workspaceRules(org.kind);
  }
  const cls = await getClass(kv, scope.orgId, scope.classId);
  if (cls.archived) {
    throw new AppError("conflict", "This class is archived. Restore it to import a roster.");
  }
  return CLASS_RULES;
}

async function planRoster(kv: Deno.Kv, scope: ImportScope, csvText: string): Promise<Plan> {
  const rules = await scopeRules(kv, scope);
  const workspace = isWorkspace(scope);
  const errors: RosterIssue[] = [];
  const warnings: RosterIssue[] = [];
  const counts: RosterReport["counts"] = { create: 0, add: 0, unchanged: 0, invalid: 0 };
  const actions: Action[] = [];
  const reclaimed: { line: number; email: string }[] = [];
  let ws: Awaited<ReturnType<typeof planDepartments>> | undefined;
  const finish = (totalRows: number): Plan => {
    errors.sort((a, b) => a.line - b.line);
    const rows = actions.slice(0, MAX_PREVIEW_ROWS).map((a) => {
      const { line, name, email, studentNumber, role, department } = a.row;
      return {
        line,
        name,
        ...(email ? { email } : {}),
        ...(studentNumber ? { studentNumber } : {}),
        role,
        ...(department ? { department: pathLabel(department) } : {}),
        action: a.kind,
      };
    });
    if (ws) {
      counts.departments = ws.departments.filter((d) => d.action === "create").length;
      counts.managers = ws.managers;
    }
    const report: RosterReport = {
      ok: errors.length === 0,
      totalRows,
      counts,
      errors: errors.slice(0, MAX_LISTED_ISSUES),
      warnings: warnings.slice(0, MAX_LISTED_ISSUES),
      rows,
      ...(reclaimed.length ? { reclaimed: reclaimed.slice(0, MAX_LISTED_ISSUES) } : {}),
      ...(ws ? { departments: ws.departments.slice(0, MAX_PREVIEW_ROWS) } : {}),
    };
    return {
      report,
      problems: errors.length,
      actions: report.ok ? actions : [],
      reclaim: report.ok ? reclaimed.map((r) => r.email) : [],
      ...(ws && report.ok ? { writes: ws.writes } : {}),
    };
  };

  let records: CsvRecord[];
  try {
    records = parseCsv(csvText);
  } catch (err) {
    if (!(err instanceof CsvSyntaxError)) throw err;
    const message = err.message.replace(/^Line \d+: (.)/, (_, c: string) => c.toUpperCase());
    errors.push(rosterIssue(err.line, "csvSyntax", message));
    return finish(0);
  }
  if (!records.length) {
    errors.push(
      rosterIssue(1, "fileEmpty", "The file is empty. Its first line must name the columns."),
    );
    return finish(0);
  }
  const head = readHeader(records[0], rules);
  warnings.push(...head.warnings);
  const data = records.slice(1).filter((r) => !isBlankRecord(r));
  if (data.length > MAX_ROSTER_ROWS) {
    errors.push(rosterIssue(
      data[MAX_ROSTER_ROWS].line,
      "tooManyRows",
      `The file has ${data.length} rows; at most ${MAX_ROSTER_ROWS} can be imported ` +
        "at once. Split it into smaller files.",
      { rows: data.length, max: MAX_ROSTER_ROWS },
    ));
    return finish(data.length);
  }
  if (head.errors.length) {
    errors.push(...head.errors);
    return finish(data.length);
  }
  if (!data.length) {
    errors.push(
      rosterIssue(records[0].line, "noRows", "The file has no people under its header."),
    );
    return finish(0);
  }

  // Each row on its own, then duplicates within the file (the later line is the one reported).
  const badLines = new Set<number>();
  const fail = (issue: RosterIssue) => {
    errors.push(issue);
    badLines.add(issue.line);
  };
  const emailLines = new Map<string, number>();
  const numberLines = new Map<string, number>();
  const rows: RosterRow[] = [];
  for (const record of data) {
    const { row, email, studentNumber, errors: rowErrors } = readRow(record, head.header, rules);
    const line = record.line;
    rowErrors.forEach(fail);
    if (row?.role === "teacher" && !workspace && scope.by !== "admin") {
      fail(rosterIssue(
        line,
        "teacherRowByTeacher",
        "Only school admins can add teachers to a class. Remove this row or make " +
          "it a student, or ask a school admin to import the file.",
        undefined,
        "role",
      ));
    }
    const sameEmail = email ? emailLines.get(email) : undefined;
    if (sameEmail) {
      fail(rosterIssue(
        line,
        "emailTwice",
        `The email ${email} is also on line ${sameEmail}.`,
        { email: email!, other: sameEmail },
        "email",
      ));
    } else if (email) emailLines.set(email, line);
    const sameNumber = studentNumber ? numberLines.get(studentNumber) : undefined;
    if (sameNumber) {
      fail(rosterIssue(
        line,
        "numberTwice",
        `The student number ${studentNumber} is also on line ${sameNumber}.`,
        { number: studentNumber!, other: sameNumber },
        "student_number",
      ));
    } else if (studentNumber) numberLines.set(studentNumber, line);
    if (row && !badLines.has(line)) rows.push(row);
  }

  // Then against the people who exist: the school's, and emails used anywhere in the install.
  const [people, memberRoles] = await Promise.all([
    loadOrgPeople(kv, scope.orgId),
    workspace ? new Map<string, ClassMember["role"]>() : loadMemberRoles(kv, scope.classId),
  ]);
  if (workspace) checkManagers(rows, emailLines, people.byEmail, fail);
  const outside = rows.flatMap((r) => r.email && !people.byEmail.has(r.email) ? [r.email] : []);
  const usedEmails = await getManyValues<string>(kv, outside.map((e) => ["users_by_email", e]));
  const usedElsewhere = new Set(outside.filter((_, i) => usedEmails[i] !== null));
  const claimed = await findClaimedEmails(kv, outside.filter((e) => !usedElsewhere.has(e)));

  const matchedLines = new Map<string, number>();
  for (const row of rows) {
    const { line, email, studentNumber } = row;
    const byEmail = email ? people.byEmail.get(email) : undefined;
    const byNumber = studentNumber ? people.byNumber.get(studentNumber) : undefined;
    const user = byEmail ?? byNumber;
    const problem = (
      column: RosterIssue["column"],
      code: RosterIssue["code"],
      message: string,
      params?: RosterIssue["params"],
    ) => fail(rosterIssue(line, code, message, params, column));
    if (email && usedElsewhere.has(email)) {
      problem("email", "emailTaken", "This email is already used by another account.");
    } else if (byEmail && byNumber && byEmail.id !== byNumber.id) {
      problem(
        undefined,
        "twoPeople",
        "The email and the student number belong to two different people.",
      );
    } else if (
      byEmail?.studentNumber && studentNumber && byEmail.studentNumber !== studentNumber
    ) {
      problem(
        "student_number",
        "emailOtherNumber",
        "This email belongs to someone with another student number.",
      );
    } else if (byNumber?.email && email && byNumber.email !== email) {
      problem(
        "email",
        "numberOtherEmail",
        "This student number belongs to someone with another email.",
      );
    }
    if (badLines.has(line)) continue;
    if (!user) {
      // A workspace's new people are made now: its managers and memberships refer to them.
      const { name, role } = row;
      actions.push({
        kind: "create",
        row,
        ...(workspace
          ? { user: newUser({ orgId: scope.orgId, name, email, role, joinedVia: "import" }) }
          : {}),
      });
      if (email && claimed.has(email)) {
        reclaimed.push({ line, email });
        warnings.push(rosterIssue(
          line,
          "reclaim",
          `Someone gave ${email} when joining by link, without confirming it. The ` +
            "import gives the address to this person; that account loses it.",
          { email },
        ));
      }
      continue;
    }
    // A workspace keeps an account's role; a role the file names must be that one.
    const roleOk = workspace
      ? user.role !== "student" && (!row.roleGiven || row.role === user.role)
      : row.role === "student"
      ? user.role === "student"
      : user.role === "teacher" || user.role === "admin";
    const memberRole = memberRoles.get(user.id);
    const earlier = matchedLines.get(user.id);
    const where = workspace ? "organization" : "school";
    if (!roleOk) {
      problem(
        "role",
        workspace ? "staffRoleMismatch" : "roleMismatch",
        `This person is ${article(user.role)} in this ${where}, not ${article(row.role)}.`,
        { actual: user.role, wanted: row.role },
      );
    } else if (earlier) {
      problem(
        undefined,
        "samePerson",
        `This is the same person as on line ${earlier}.`,
        { other: earlier },
      );
    } else if (memberRole && memberRole !== row.role) {
      problem(
        "role",
        "inClassAs",
        `This person is already in the class as ${article(memberRole)}.`,
        { role: memberRole },
      );
    } else {
      matchedLines.set(user.id, line);
      if ((email && !user.email) || (studentNumber && !user.studentNumber)) {
        warnings.push(rosterIssue(
          line,
          "notSaved",
          `${user.name} already exists; the import adds them to the class but does ` +
            "not change their account, so the new email or student number is not saved.",
          { name: user.name },
        ));
      }
      if (nameKey(user.name) !== nameKey(row.name)) {
        const key = studentNumber && byNumber ? studentNumber : user.email ?? "";
        warnings.push(rosterIssue(
          line,
          workspace ? "staffNameDiffers" : "nameDiffers",
          `${key} is ${user.name} in the ${where}; this file says ${row.name}. The existing ` +
            "account will be used (its name is not changed).",
          { key, existing: user.name, given: row.name },
        ));
      }
      const kind = memberRole ? "unchanged" : "add";
      actions.push({ kind, row, user });
    }
  }
  counts.invalid = badLines.size;
  if (workspace && errors.length === 0) {
    const planned = actions.map((a) => ({
      row: a.row,
      user: a.user!,
      created: a.kind === "create",
    }));
    ws = await planDepartments(kv, scope.orgId, planned, people.byEmail);
    for (const a of actions) {
      if (a.kind !== "create") a.kind = ws.joined.has(a.row.line) ? "add" : "unchanged";
    }
  }
  for (const a of actions) counts[a.kind]++;
  return finish(data.length);
}

function article(role: string): string {
  return `${/^[aeiou]/.test(role) ? "an" : "a"} ${role}`;
}

/** The school's people by email and by student number (one scan, then batched reads). */
async function loadOrgPeople(kv: Deno.Kv, orgId: string) {
  const ids: string[] = [];
  for await (const e of kv.list<string>({ prefix: ["users_by_org", orgId] })) ids.push(e.value);
  const byEmail = new Map<string, User>();
  const byNumber = new Map<string, User>();
  for (const value of await getManyValues(kv, ids.map((id) => ["users", id]))) {
    if (value === null) continue;
    const user = UserSchema.parse(value);
    if (user.orgId !== orgId) continue;
    if (user.email) byEmail.set(user.email, user);
    if (user.studentNumber) byNumber.set(user.studentNumber, user);
  }
  return { byEmail, byNumber };
}

/** Each member of the class with their role in it. */
async function loadMemberRoles(kv: Deno.Kv, classId: string) {
  const roles = new Map<string, ClassMember["role"]>();
  for await (const e of kv.list<ClassMember>({ prefix: ["class_members", classId] })) {
    roles.set(e.value.userId, e.value.role);
  }
  return roles;
}

/**
 * Every record of a class's plan, built before the first commit so nothing can throw halfway
 * through the writes (batches.ts).
 */
function classWrites(actions: Action[], { orgId, classId }: RosterScope): Write[] {
  const writes: Write[] = [];
  for (const a of actions) {
    if (a.kind === "unchanged") continue;
    const { line, name, email, studentNumber } = a.row;
    const role = a.row.role === "teacher" ? "teacher" : "student";
    const user = a.kind === "add"
      ? a.user
      : newUser({ orgId, name, email, studentNumber, role, joinedVia: "import" });
    writes.push({ line, user, created: a.kind === "create", memberships: [{ classId, role }] });
  }
  return writes;
}
