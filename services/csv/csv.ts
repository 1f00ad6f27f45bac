/**
 * CSV reading and writing for imports and downloads.
 *
 * `parseCsv` follows RFC 4180 but accepts what spreadsheets and hand-edited
 * files actually produce (BOM, mixed line endings, blank lines). `toCsv`
 * writes RFC 4180 output that is safe to open in a spreadsheet.
 *
 * @module
 */

/** A parsed CSV record and where it came from. */
export interface CsvRecord {
  /** 1-based physical line number in the input where this record starts. */
  line: number;
  /** Field values, unquoted, untrimmed. The count is not checked here. */
  fields: string[];
}

/** Thrown by {@link parseCsv} when the input is not valid CSV. */
export class CsvSyntaxError extends Error {
  /** 1-based line number the problem is reported against. */
  readonly line: number;

  constructor(line: number, message: string) {
    super(`Line ${line}: ${message}`);
    this.name = "CsvSyntaxError";
    this.line = line;
  }
}

/**
 * Byte order mark. Prepend it to downloaded CSV files so Excel reads them as
 * UTF-8 instead of the system code page (which garbles Korean and Chinese).
 */
export const CSV_BOM = "\uFEFF";

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;

/**
 * Parses CSV text into records.
 *
 * - A leading UTF-8 BOM is ignored.
 * - Records end at CRLF, LF or CR; endings may be mixed.
 * - Quoted fields may contain commas, doubled quotes (`""`) and line breaks;
 *   CRLF inside a quoted field becomes `\n`, other breaks are kept.
 * - Unquoted fields are returned exactly as written (no trimming).
 * - Completely empty lines are skipped, but still counted in `line`.
 * - A trailing line break does not produce an empty record.
 *
 * @throws {CsvSyntaxError} for a quoted field that is never closed, or a
 *   character other than a comma or line break right after a closing quote.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;

  while (i < n) {
    const first = text.charCodeAt(i);
    if (first === LF) {
      line++;
      i++;
      continue;
    }
    if (first === CR) {
      line++;
      i += text.charCodeAt(i + 1) === LF ? 2 : 1;
      continue;
    }

    const recordLine = line;
    const fields: string[] = [];
    // One iteration per field; exits when the record's line break or EOF is
    // consumed.
    for (;;) {
      let c = i < n ? text.charCodeAt(i) : -1;
      if (c === QUOTE) {
        const fieldLine = line;
        let value = "";
        let start = i + 1;
        for (;;) {
          const q = text.indexOf('"', start);
          if (q === -1) {
            throw new CsvSyntaxError(
              fieldLine,
              'a quoted field is never closed. Check for a missing closing quote ("), ' +
                'or write quotes inside a value as two quotes ("").',
            );
          }
          if (text.charCodeAt(q + 1) === QUOTE) {
            // Doubled quote: keep one, continue inside the field.
            value += text.slice(start, q + 1);
            start = q + 2;
            continue;
          }
          value += text.slice(start, q);
          i = q + 1;
          break;
        }
        if (value.indexOf("\r") !== -1 || value.indexOf("\n") !== -1) {
          line += countLineBreaks(value);
          value = value.replaceAll("\r\n", "\n");
        }
        fields.push(value);
        c = i < n ? text.charCodeAt(i) : -1;
        if (c !== COMMA && c !== LF && c !== CR && c !== -1) {
          throw new CsvSyntaxError(
            recordLine,
            `unexpected character "${text[i]}" after a closing quote. ` +
              "A quoted field must be followed by a comma or the end of the line; " +
              'write quotes inside a value as two quotes ("").',
          );
        }
      } else {
        const start = i;
        while (c !== COMMA && c !== LF && c !== CR && c !== -1) {
          i++;
          c = i < n ? text.charCodeAt(i) : -1;
        }
        fields.push(text.slice(start, i));
      }

      // c is now the delimiter after the field (-1 at end of input).
      if (c === COMMA) {
        i++;
        continue;
      }
      if (c === CR) {
        i += text.charCodeAt(i + 1) === LF ? 2 : 1;
        line++;
      } else if (c === LF) {
        i++;
        line++;
      }
      break;
    }
    records.push({ line: recordLine, fields });
  }
  return records;
}

/** Counts line breaks in `s`, treating CRLF as one. */
function countLineBreaks(s: string): number {
  let count = 0;
  for (let j = 0; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === LF) count++;
    else if (c === CR) {
      count++;
      if (s.charCodeAt(j + 1) === LF) j++;
    }
  }
  return count;
}

/**
 * Writes rows as CSV with CRLF line endings and a trailing CRLF.
 *
 * - `null` and `undefined` become empty fields; other non-strings use
 *   `String(value)`.
 * - A field is quoted when it contains a comma, quote, CR or LF, or starts or
 *   ends with a space or tab; inner quotes are doubled.
 * - Formula-injection protection: a **string** cell whose first character is
 *   `=`, `+`, `-`, `@`, TAB or CR is prefixed with a single quote (`'`) so
 *   spreadsheets show it as text instead of running it as a formula. Numbers
 *   are not prefixed (`-5` stays `-5`), so such strings do not round-trip
 *   through {@link parseCsv} unchanged.
 * - A row with a single empty cell is written as `""` so it is not read back
 *   as a blank line (which {@link parseCsv} skips). A row with no cells is
 *   written as an empty line.
 *
 * Prepend {@link CSV_BOM} when serving the result as a download.
 */
export function toCsv(rows: readonly (readonly unknown[])[]): string {
  let out = "";
  for (const row of rows) {
    if (row.length === 1 && formatCell(row[0]) === "") {
      out += '""\r\n';
      continue;
    }
    for (let j = 0; j < row.length; j++) {
      if (j > 0) out += ",";
      out += formatCell(row[j]);
    }
    out += "\r\n";
  }
  return out;
}

const NEEDS_QUOTES = /[",\r\n]|^[ \t]|[ \t]$/;

function formatCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let s: string;
  if (typeof value === "string") {
    s = isFormulaStart(value.charCodeAt(0)) ? "'" + value : value;
  } else {
    s = String(value);
  }
  return NEEDS_QUOTES.test(s) ? '"' + s.replaceAll('"', '""') + '"' : s;
}

function isFormulaStart(c: number): boolean {
  // = + - @ TAB CR
  return c === 0x3d || c === 0x2b || c === 0x2d || c === 0x40 || c === 0x09 ||
    c === CR;
}
