/**
 * Roster CSV files: decoding an upload, finding the known columns by header, and turning each
 * data record into a normalised row or the problems that stop it. Pure functions; the KV side
 * (matching existing people, writing) is in import.ts.
 * @module
 */
import { z } from "zod";
import type { CsvRecord } from "../csv/csv.ts";
import { MAX_NAME_LENGTH, normalizeDisplayName, normalizeEmail, type Role } from "../orgs/users.ts";
import { MAX_DEPARTMENT_DEPTH } from "../classes/classes.ts";
import { AppError } from "../web/errors.ts";
import { type RosterIssue, rosterIssue, type RosterIssueCode } from "./issues.ts";

export {
  issueText,
  ROSTER_ISSUE_CODES,
  type RosterIssue,
  rosterIssue,
  type RosterIssueCode,
} from "./issues.ts";

/** The columns a roster file may have, by their canonical header. */
export const ROSTER_COLUMNS = [
  "name",
  "email",
  "student_number",
  "role",
  "department",
  "manager_email",
] as const;
export type RosterColumn = (typeof ROSTER_COLUMNS)[number];

/** One valid row, normalised: what the import would store. */
export interface RosterRow {
  line: number;
  name: string;
  /** Trimmed, lower-case. */
  email?: string;
  studentNumber?: string;
  /** A class's rows: student or teacher; a workspace's: admin, employee or teacher. */
  role: Role;
  /** Whether the file named the role (else it is the import's default). */
  roleGiven?: boolean;
  /** A workspace's row: the department's path of names, from the top level down. */
  department?: string[];
  /** A workspace's row: the manager of the row's department (trimmed, lower-case). */
  managerEmail?: string;
}

/**
 * What one kind of import reads: a class roster (students and teachers, signing in by email
 * or student number) or a workspace's people (staff, signing in by email, into departments).
 */
export interface RosterRules {
  /** The columns read; any other header is an unknown column (a warning). */
  columns: readonly RosterColumn[];
  /** Staff sign in with their email, so a workspace's every row needs one. */
  emailRequired: boolean;
  /** The roles a row may give, and the one it gets when it gives none. */
  roles: readonly Role[];
  defaultRole: Role;
  /** The error for a role this import does not take (its text lists the roles it does). */
  roleError: "roleUnknown" | "roleCompany" | "roleSchoolStaff";
}

/** A class's roster: name, email and/or student number, role student (default) or teacher. */
export const CLASS_RULES: RosterRules = {
  columns: ["name", "email", "student_number", "role"],
  emailRequired: false,
  roles: ["student", "teacher"],
  defaultRole: "student",
  roleError: "roleUnknown",
};

/**
 * A workspace's people: a company's admins and employees (default), or a school staff
 * workspace's admins and teachers (default). Students are never created by it.
 */
export function workspaceRules(orgKind: "school" | "company"): RosterRules {
  const school = orgKind === "school";
  return {
    columns: ["name", "email", "role", "department", "manager_email"],
    emailRequired: true,
    roles: school ? ["admin", "teacher"] : ["admin", "employee"],
    defaultRole: school ? "teacher" : "employee",
    roleError: school ? "roleSchoolStaff" : "roleCompany",
  };
}

/** Where each known column is (0-based field index) and how many columns the header has. */
export interface RosterHeader {
  index: Partial<Record<RosterColumn, number>>;
  width: number;
}

/**
 * Headers by language, as schools' spreadsheets name them (compared after `headerKey`):
 * English, Korean (이름, 학번, 역할, 이메일) and Chinese (姓名, 学号, 角色, 邮箱).
 */
const ALIASES: Record<string, RosterColumn> = {
  name: "name",
  full_name: "name",
  email: "email",
  e_mail: "email",
  mail: "email",
  email_address: "email",
  student_number: "student_number",
  student_no: "student_number",
  student_id: "student_number",
  number: "student_number",
  role: "role",
  department: "department",
  dept: "department",
  team: "department",
  manager_email: "manager_email",
  manager: "manager_email",
  manager_e_mail: "manager_email",
  이름: "name",
  성명: "name",
  학생_이름: "name",
  학번: "student_number",
  학생_번호: "student_number",
  역할: "role",
  구분: "role",
  이메일: "email",
  메일: "email",
  전자우편: "email",
  부서: "department",
  소속: "department",
  관리자_이메일: "manager_email",
  관리자이메일: "manager_email",
  부서장_이메일: "manager_email",
  팀장_이메일: "manager_email",
  姓名: "name",
  名字: "name",
  学号: "student_number",
  學號: "student_number",
  角色: "role",
  身份: "role",
  邮箱: "email",
  电子邮件: "email",
  电子邮箱: "email",
  邮件: "email",
  部门: "department",
  部門: "department",
  主管邮箱: "manager_email",
  主管郵箱: "manager_email",
  主管电子邮件: "manager_email",
  经理邮箱: "manager_email",
};

/**
 * Role values by language: student/학생/学生, teacher/교사/선생님/教师/老师, admin/관리자/管理员,
 * employee/직원/员工. Which of them an import takes is its rules' `roles`.
 */
const ROLE_VALUES: Record<string, Role> = {
  admin: "admin",
  administrator: "admin",
  관리자: "admin",
  管理员: "admin",
  管理員: "admin",
  employee: "employee",
  staff: "employee",
  직원: "employee",
  사원: "employee",
  员工: "employee",
  員工: "employee",
  职员: "employee",
  student: "student",
  학생: "student",
  学生: "student",
  學生: "student",
  teacher: "teacher",
  교사: "teacher",
  선생님: "teacher",
  교원: "teacher",
  教师: "teacher",
  老师: "teacher",
  教師: "teacher",
  老師: "teacher",
};

const EmailSchema = z.email().max(254);

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The text of an uploaded roster: 415 unless the content type is `text/csv` (UTF-8, the only
 * charset accepted), 400 when the bytes are not UTF-8 (Excel's plain "CSV" on Korean Windows
 * is EUC-KR). A BOM is dropped.
 */
export function decodeCsvUpload(contentType: string | undefined, bytes: ArrayBuffer): string {
  const [type, ...params] = (contentType ?? "").toLowerCase().split(";");
  const charset = params.map((p) => p.trim()).find((p) => p.startsWith("charset="));
  if (type.trim() !== "text/csv" || (charset && !/^charset="?utf-?8"?$/.test(charset))) {
    throw new AppError(
      "unsupported_media_type",
      "Send the roster as Content-Type: text/csv, encoded as UTF-8.",
    );
  }
  try {
    return utf8.decode(bytes);
  } catch {
    throw new AppError(
      "bad_request",
      'The file is not UTF-8 text. In Excel, save it as "CSV UTF-8" and upload it again.',
    );
  }
}

/** `Student Number`, ` student-number `, `STUDENT_NUMBER` all read as `student_number`. */
function headerKey(raw: string): string {
  return raw.normalize("NFC").trim().toLowerCase().replace(/[\s_-]+/g, "_");
}

/**
 * Reads the header record. Missing required columns and repeated columns are errors (line 1);
 * unknown columns are warnings, because their values are ignored, not imported.
 */
export function readHeader(record: CsvRecord, rules: RosterRules = CLASS_RULES): {
  header: RosterHeader;
  errors: RosterIssue[];
  warnings: RosterIssue[];
} {
  const index: RosterHeader["index"] = {};
  const errors: RosterIssue[] = [];
  const warnings: RosterIssue[] = [];
  const line = record.line;
  record.fields.forEach((raw, i) => {
    const known = ALIASES[headerKey(raw)];
    const column = known && rules.columns.includes(known) ? known : undefined;
    if (!column) {
      const label = raw.trim();
      warnings.push(
        label
          ? rosterIssue(
            line,
            rules === CLASS_RULES ? "unknownColumn" : "unknownColumnStaff",
            `Unknown column "${label}" (column ${i + 1}) is ignored; ` +
              `known columns are ${rules.columns.join(", ")}.`,
            { label, column: i + 1 },
          )
          : rosterIssue(
            line,
            "noHeader",
            `Column ${i + 1} has no header; its values are ignored.`,
            { column: i + 1 },
          ),
      );
    } else if (index[column] !== undefined) {
      const first = index[column]! + 1;
      errors.push(rosterIssue(
        line,
        "duplicateColumn",
        `The column "${column}" appears twice (columns ${first} and ${i + 1}); keep one.`,
        { name: raw.trim(), first, second: i + 1 },
        column,
      ));
    } else {
      index[column] = i;
    }
  });
  if (index.name === undefined) {
    errors.push(
      rosterIssue(line, "noNameColumn", 'The header has no "name" column.', undefined, "name"),
    );
  }
  if (rules.emailRequired && index.email === undefined) {
    errors.push(rosterIssue(
      line,
      "noEmailColumn",
      'The header needs an "email" column: staff sign in with their email.',
      undefined,
      "email",
    ));
  } else if (index.email === undefined && index.student_number === undefined) {
    errors.push(rosterIssue(
      line,
      "noLoginColumn",
      'The header needs an "email" or a "student_number" column (or both).',
    ));
  }
  return { header: { index, width: record.fields.length }, errors, warnings };
}

/** True when every field of a record is empty or whitespace (spreadsheets export `,,,`). */
export function isBlankRecord(record: CsvRecord): boolean {
  return record.fields.every((f) => f.trim() === "");
}

/**
 * Validates one data record: the row when valid, else its problems; either way the email and
 * student number that are valid in themselves, for finding duplicates. Values are trimmed and
 * NFC-normalised (files from macOS often hold decomposed Hangul); a name is normalized like
 * every display name (`normalizeDisplayName`: whitespace runs, line breaks included, become one
 * space; invisible and bidi-control characters are dropped).
 */
export function readRow(
  record: CsvRecord,
  header: RosterHeader,
  rules: RosterRules = CLASS_RULES,
): { row?: RosterRow; email?: string; studentNumber?: string; errors: RosterIssue[] } {
  const { line, fields } = record;
  const errors: RosterIssue[] = [];
  const cell = (column: RosterColumn): string => {
    const i = header.index[column];
    return i === undefined ? "" : (fields[i] ?? "").normalize("NFC").trim();
  };

  if (fields.length > header.width && fields.slice(header.width).some((f) => f.trim() !== "")) {
    // The values are shifted, so any other problem found on this line would mislead.
    return {
      errors: [rosterIssue(
        line,
        "shifted",
        `This line has ${fields.length} values but the header has ${header.width} ` +
          "columns. Put values that contain commas in double quotes.",
        { values: fields.length, columns: header.width },
      )],
    };
  }

  const name = normalizeDisplayName(cell("name"));
  if (!name) {
    errors.push(rosterIssue(line, "nameMissing", "The name is missing.", undefined, "name"));
  } else if (name.length > MAX_NAME_LENGTH) {
    errors.push(rosterIssue(
      line,
      "nameTooLong",
      `The name is longer than ${MAX_NAME_LENGTH} characters.`,
      { max: MAX_NAME_LENGTH },
      "name",
    ));
  }

  const rawEmail = cell("email");
  const email = rawEmail ? normalizeEmail(rawEmail) : undefined;
  const emailOk = !email || EmailSchema.safeParse(email).success;
  if (!emailOk) {
    errors.push(rosterIssue(
      line,
      "emailInvalid",
      `"${rawEmail}" is not a valid email address.`,
      { value: rawEmail },
      "email",
    ));
  }

  const studentNumber = cell("student_number") || undefined;
  const numberOk = !studentNumber || studentNumber.length <= 40;
  if (!numberOk) {
    errors.push(rosterIssue(
      line,
      "numberTooLong",
      "The student number is longer than 40 characters.",
      { max: 40 },
      "student_number",
    ));
  }
  if (rules.emailRequired && !email) {
    errors.push(rosterIssue(
      line,
      "emailMissing",
      "The email is missing: staff sign in with it.",
      undefined,
      "email",
    ));
  } else if (!email && !studentNumber) {
    errors.push(rosterIssue(line, "noLogin", "Each person needs an email or a student number."));
  }

  const rawRole = cell("role");
  const named = rawRole ? ROLE_VALUES[rawRole.toLowerCase()] : rules.defaultRole;
  const role = named && rules.roles.includes(named) ? named : undefined;
  if (!role) {
    errors.push(rosterIssue(
      line,
      rules.roleError,
      `The role "${rawRole}" is not known; use ${rules.roles.join(" or ")}.`,
      { value: rawRole },
      "role",
    ));
  }

  const department = readDepartment(line, cell("department"), errors);
  const rawManager = cell("manager_email");
  const managerEmail = rawManager ? normalizeEmail(rawManager) : undefined;
  if (managerEmail && !EmailSchema.safeParse(managerEmail).success) {
    errors.push(rosterIssue(
      line,
      "managerEmailInvalid",
      `"${rawManager}" is not a valid email address.`,
      { value: rawManager },
      "manager_email",
    ));
  } else if (managerEmail && !department && !cell("department")) {
    errors.push(rosterIssue(
      line,
      "managerNoDepartment",
      "A manager_email needs a department on the same line: it names that department's manager.",
      undefined,
      "manager_email",
    ));
  }

  // The valid keys are returned even for a bad row, so duplicates of it are still found.
  const keys = {
    email: emailOk ? email : undefined,
    studentNumber: numberOk ? studentNumber : undefined,
  };
  if (errors.length) return { ...keys, errors };
  const row: RosterRow = { line, name, role: role! };
  if (email) row.email = email;
  if (studentNumber) row.studentNumber = studentNumber;
  if (rawRole) row.roleGiven = true;
  if (department) row.department = department;
  if (managerEmail) row.managerEmail = managerEmail;
  return { row, ...keys, errors };
}

/**
 * A department cell as a path of names: "Engineering/Platform" and "Engineering > Platform"
 * both read as ["Engineering", "Platform"] (names normalized like display names). Undefined for
 * an empty cell or a bad path (the problem is added to `errors`).
 */
function readDepartment(line: number, raw: string, errors: RosterIssue[]): string[] | undefined {
  if (!raw) return undefined;
  const path = raw.split(/[/>]/).map(normalizeDisplayName);
  const fail = (code: RosterIssueCode, message: string, params?: RosterIssue["params"]) => {
    errors.push(rosterIssue(line, code, message, params, "department"));
    return undefined;
  };
  if (path.some((p) => !p)) {
    return fail(
      "departmentEmpty",
      `The department "${raw}" has an empty name in its path; write it as "Engineering/Platform".`,
      { value: raw },
    );
  }
  if (path.some((p) => p.length > 120)) {
    return fail("departmentTooLong", "A department name is longer than 120 characters.", {
      max: 120,
    });
  }
  if (path.length > MAX_DEPARTMENT_DEPTH) {
    return fail(
      "departmentTooDeep",
      `Departments nest at most ${MAX_DEPARTMENT_DEPTH} levels deep; this path has ${path.length}.`,
      { max: MAX_DEPARTMENT_DEPTH, levels: path.length },
    );
  }
  return path;
}
