/**
 * Roster CSV files: decoding an upload, finding the known columns by header, and turning each
 * data record into a normalised row or the problems that stop it. Pure functions; the KV side
 * (matching existing people, writing) is in import.ts.
 * @module
 */
import { z } from "zod";
import type { CsvRecord } from "../csv/csv.ts";
import { MAX_NAME_LENGTH, normalizeDisplayName, normalizeEmail } from "../orgs/users.ts";
import { AppError } from "../web/errors.ts";

/** The columns a roster file may have, by their canonical header. */
export const ROSTER_COLUMNS = ["name", "email", "student_number", "role"] as const;
export type RosterColumn = (typeof ROSTER_COLUMNS)[number];

/** A problem with the file, reported against a physical line (and the column, if one). */
export interface RosterIssue {
  line: number;
  column?: RosterColumn;
  message: string;
}

/** One valid row, normalised: what the import would store. */
export interface RosterRow {
  line: number;
  name: string;
  /** Trimmed, lower-case. */
  email?: string;
  studentNumber?: string;
  role: "student" | "teacher";
}

/** Where each known column is (0-based field index) and how many columns the header has. */
export interface RosterHeader {
  index: Partial<Record<RosterColumn, number>>;
  width: number;
}

const ALIASES: Record<string, RosterColumn> = {
  name: "name",
  email: "email",
  e_mail: "email",
  student_number: "student_number",
  role: "role",
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
export function readHeader(record: CsvRecord): {
  header: RosterHeader;
  errors: RosterIssue[];
  warnings: RosterIssue[];
} {
  const index: RosterHeader["index"] = {};
  const errors: RosterIssue[] = [];
  const warnings: RosterIssue[] = [];
  const line = record.line;
  record.fields.forEach((raw, i) => {
    const column = ALIASES[headerKey(raw)];
    if (!column) {
      const label = raw.trim();
      warnings.push({
        line,
        message: label
          ? `Unknown column "${label}" (column ${i + 1}) is ignored; ` +
            "known columns are name, email, student_number and role."
          : `Column ${i + 1} has no header; its values are ignored.`,
      });
    } else if (index[column] !== undefined) {
      errors.push({
        line,
        column,
        message: `The column "${column}" appears twice (columns ${index[column]! + 1} and ${
          i + 1
        }); keep one.`,
      });
    } else {
      index[column] = i;
    }
  });
  if (index.name === undefined) {
    errors.push({ line, column: "name", message: 'The header has no "name" column.' });
  }
  if (index.email === undefined && index.student_number === undefined) {
    errors.push({
      line,
      message: 'The header needs an "email" or a "student_number" column (or both).',
    });
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
      errors: [{
        line,
        message: `This line has ${fields.length} values but the header has ${header.width} ` +
          "columns. Put values that contain commas in double quotes.",
      }],
    };
  }

  const name = normalizeDisplayName(cell("name"));
  if (!name) errors.push({ line, column: "name", message: "The name is missing." });
  else if (name.length > MAX_NAME_LENGTH) {
    errors.push({
      line,
      column: "name",
      message: `The name is longer than ${MAX_NAME_LENGTH} characters.`,
    });
  }

  const rawEmail = cell("email");
  const email = rawEmail ? normalizeEmail(rawEmail) : undefined;
  const emailOk = !email || EmailSchema.safeParse(email).success;
  if (!emailOk) {
    errors.push({
      line,
      column: "email",
      message: `"${rawEmail}" is not a valid email address.`,
    });
  }

  const studentNumber = cell("student_number") || undefined;
  const numberOk = !studentNumber || studentNumber.length <= 40;
  if (!numberOk) {
    errors.push({
      line,
      column: "student_number",
      message: "The student number is longer than 40 characters.",
    });
  }
  if (!email && !studentNumber) {
    errors.push({ line, message: "Each person needs an email or a student number." });
  }

  const rawRole = cell("role");
  const role = rawRole.toLowerCase() || "student";
  if (role !== "student" && role !== "teacher") {
    errors.push({
      line,
      column: "role",
      message: `The role "${rawRole}" is not known; use student or teacher.`,
    });
  }

  // The valid keys are returned even for a bad row, so duplicates of it are still found.
  const keys = {
    email: emailOk ? email : undefined,
    studentNumber: numberOk ? studentNumber : undefined,
  };
  if (errors.length) return { ...keys, errors };
  const row: RosterRow = { line, name, role: role as RosterRow["role"] };
  if (email) row.email = email;
  if (studentNumber) row.studentNumber = studentNumber;
  return { row, ...keys, errors };
}
