/**
 * Finds a file's type from its first bytes ("magic numbers"), never from its name: what a
 * file claims to be cannot change what the server accepts. Knows the types schools upload
 * (PDF, images, Office Open XML, plain text); anything else is `null`, an unknown type.
 * Office files with macros (a `vbaProject.bin` part, or a macro-enabled content type in
 * `[Content_Types].xml`) get their own macro-enabled types, which are never accepted.
 *
 * Each known type has the file name extensions it may be stored under (`extensionsOf`): a
 * file's name must end in one of them, so a name cannot make a download open as something
 * else (a `.bat`, `.hta` or `.html` that is only text, a `.docm` that is a Word file).
 * @module
 */
import { inflateRawSync } from "node:zlib";

export const PDF = "application/pdf";
export const PNG = "image/png";
export const JPEG = "image/jpeg";
export const GIF = "image/gif";
export const WEBP = "image/webp";
export const TEXT = "text/plain";
/** WebM video (lecture recordings: see services/recordings/). */
export const WEBM = "video/webm";
export const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
export const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
export const PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation";
/** Office files with macros (programs): found so they can be refused by name. */
export const DOCM = "application/vnd.ms-word.document.macroEnabled.12";
export const XLSM = "application/vnd.ms-excel.sheet.macroEnabled.12";
export const PPTM = "application/vnd.ms-powerpoint.presentation.macroEnabled.12";
/** The macro-enabled Office types: never accepted, whatever the configured types. */
export const MACRO_TYPES: readonly string[] = [DOCM, XLSM, PPTM];

/** How many bytes `sniffType` looks at, at most (Office files: the zip entries in them). */
export const SNIFF_BYTES = 64 * 1024;

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

function startsWith(head: Uint8Array, magic: Uint8Array, at = 0): boolean {
  if (head.length < at + magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (head[at + i] !== magic[i]) return false;
  return true;
}

const MAGIC: [Uint8Array, string][] = [
  [ascii("%PDF-"), PDF],
  [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), PNG],
  [new Uint8Array([0xff, 0xd8, 0xff]), JPEG],
  [ascii("GIF87a"), GIF],
  [ascii("GIF89a"), GIF],
];
const RIFF = ascii("RIFF"), WEBP_TAG = ascii("WEBP");
const ZIP_LOCAL = ascii("PK\x03\x04");
/** An EBML header whose DocType (ID 0x4282, "webm") is in its first bytes. */
const EBML = new Uint8Array([0x1a, 0x45, 0xdf, 0xa3]);
const WEBM_DOCTYPE = new Uint8Array([0x42, 0x82, 0x84, ...ascii("webm")]);

function isWebm(head: Uint8Array): boolean {
  if (!startsWith(head, EBML)) return false;
  for (let i = 4; i < Math.min(head.length, 64); i++) {
    if (startsWith(head, WEBM_DOCTYPE, i)) return true;
  }
  return false;
}

/** Office Open XML parts: the folder a document's main part lives in gives its kind. */
const OOXML_DIRS: [string, string, string][] = [
  ["word/", DOCX, DOCM],
  ["xl/", XLSX, XLSM],
  ["ppt/", PPTX, PPTM],
];
/** The largest `[Content_Types].xml` read (it is a few KiB in real files). */
const MAX_CONTENT_TYPES_BYTES = 256 * 1024;

function indexOf(head: Uint8Array, magic: Uint8Array, from: number): number {
  for (let i = from; i + magic.length <= head.length; i++) {
    if (startsWith(head, magic, i)) return i;
  }
  return -1;
}

/**
 * Whether a `[Content_Types].xml` entry's data (stored or deflated) declares macros; null
 * when it cannot be read from the head.
 */
function declaresMacros(data: Uint8Array, method: number): boolean | null {
  let xml: Uint8Array;
  try {
    if (method === 0) xml = data;
    else if (method === 8) {
      xml = inflateRawSync(data, { maxOutputLength: MAX_CONTENT_TYPES_BYTES });
    } else return null;
  } catch {
    return null; // cut off by the head, or not deflate
  }
  return /macroEnabled|vbaProject/i.test(new TextDecoder().decode(xml));
}

/**
 * Walks the zip local file headers in `head` and reads their names: a package with
 * `[Content_Types].xml` and a `word/`, `xl/` or `ppt/` part is a Word, Excel or PowerPoint
 * file, macro-enabled when its content types declare macros or it has a `vbaProject.bin`.
 * Any other zip, or one whose content types cannot be read from the head, is unknown (null).
 */
function sniffOoxml(head: Uint8Array): string | null {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const names = new TextDecoder();
  let contentTypes: boolean | null = null; // whether they declare macros, once read
  let macros = false;
  let kind: [string, string, string] | null = null;
  let pos = 0;
  for (let entries = 0; entries < 64 && pos >= 0 && pos + 30 <= head.length; entries++) {
    if (!startsWith(head, ZIP_LOCAL, pos)) break;
    const flags = view.getUint16(pos + 6, true);
    const method = view.getUint16(pos + 8, true);
    const compressed = view.getUint32(pos + 18, true);
    const nameLen = view.getUint16(pos + 26, true);
    const extraLen = view.getUint16(pos + 28, true);
    const nameEnd = pos + 30 + nameLen;
    if (nameEnd > head.length) break;
    const name = names.decode(head.subarray(pos + 30, nameEnd));
    const dataStart = nameEnd + extraLen;
    // Bit 3: sizes follow the data (streamed zips), so look for the next header instead.
    const streamed = (flags & 0x08) !== 0 && compressed === 0;
    const next = streamed ? indexOf(head, ZIP_LOCAL, dataStart) : dataStart + compressed;
    if (name === "[Content_Types].xml") {
      const end = next < 0 ? head.length : Math.min(next, head.length);
      contentTypes = declaresMacros(head.subarray(dataStart, end), method);
      if (contentTypes === null) return null;
    }
    if (/(^|\/)vbaProject\.bin$/i.test(name)) macros = true;
    kind ??= OOXML_DIRS.find(([dir]) => name.startsWith(dir)) ?? null;
    pos = next;
  }
  if (contentTypes === null || !kind) return null;
  return contentTypes || macros ? kind[2] : kind[1];
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Length of the UTF-8 sequence a lead byte starts (0 for a continuation or invalid byte). */
function sequenceLength(b: number): number {
  if (b < 0x80) return 1;
  if (b >= 0xc2 && b <= 0xdf) return 2;
  if (b >= 0xe0 && b <= 0xef) return 3;
  if (b >= 0xf0 && b <= 0xf4) return 4;
  return 0;
}

/** The bytes without a multi-byte sequence cut off at the end (the head of a longer file). */
function withoutCutSequence(head: Uint8Array): Uint8Array {
  for (let back = 1; back <= 3 && back <= head.length; back++) {
    const len = sequenceLength(head[head.length - back]);
    if (len === 0) continue; // a continuation byte: keep looking for the lead byte
    return len > back ? head.subarray(0, head.length - back) : head;
  }
  return head;
}

function isText(head: Uint8Array, truncated: boolean): boolean {
  if (head.includes(0)) return false;
  try {
    utf8.decode(truncated ? withoutCutSequence(head) : head);
    return true;
  } catch {
    return false;
  }
}

/**
 * The MIME type of a file from its first bytes, or null when unknown.
 *
 * `total` is the file's whole size when known: when `head` is all of the file, a UTF-8
 * sequence cut off at its end makes it not text; when `head` is only the start (or `total`
 * is not given) such a cut-off sequence is allowed.
 *
 * @example
 * sniffType(new TextEncoder().encode("%PDF-1.7\n")) // "application/pdf"
 * sniffType(new TextEncoder().encode("<html>"))     // "text/plain", never HTML
 */
export function sniffType(head: Uint8Array, total?: number): string | null {
  if (head.length === 0) return null;
  head = head.subarray(0, SNIFF_BYTES);
  for (const [magic, type] of MAGIC) if (startsWith(head, magic)) return type;
  if (startsWith(head, RIFF) && startsWith(head, WEBP_TAG, 8)) return WEBP;
  if (startsWith(head, ZIP_LOCAL)) return sniffOoxml(head);
  if (isWebm(head)) return WEBM;
  return isText(head, total === undefined || total > head.length) ? TEXT : null;
}

const LABELS: Record<string, [short: string, long: string]> = {
  [PDF]: ["PDF", "a PDF"],
  [PNG]: ["PNG", "a PNG image"],
  [JPEG]: ["JPEG", "a JPEG image"],
  [GIF]: ["GIF", "a GIF image"],
  [WEBP]: ["WebP", "a WebP image"],
  [TEXT]: ["plain text", "a plain text file"],
  [WEBM]: ["WebM", "a WebM video"],
  [DOCX]: ["Word", "a Word document"],
  [XLSX]: ["Excel", "an Excel workbook"],
  [PPTX]: ["PowerPoint", "a PowerPoint presentation"],
  [DOCM]: ["Word with macros", "a Word document with macros"],
  [XLSM]: ["Excel with macros", "an Excel workbook with macros"],
  [PPTM]: ["PowerPoint with macros", "a PowerPoint presentation with macros"],
};

/**
 * The extensions a file of each type may be named with, the usual one first. Text is only
 * ever .txt, .md or .csv: any other name (.html, .svg, .bat, .ps1, .js, .hta) could make the
 * downloaded text open as a page or run as a program.
 */
const TYPE_EXTENSIONS: Record<string, string[]> = {
  [PDF]: ["pdf"],
  [PNG]: ["png"],
  [JPEG]: ["jpg", "jpeg"],
  [GIF]: ["gif"],
  [WEBP]: ["webp"],
  [TEXT]: ["txt", "md", "csv"],
  [WEBM]: ["webm"],
  [DOCX]: ["docx"],
  [XLSX]: ["xlsx"],
  [PPTX]: ["pptx"],
  [DOCM]: ["docm"],
  [XLSM]: ["xlsm"],
  [PPTM]: ["pptm"],
};

/**
 * Whether `type` is one `sniffType` knows and the app may ever accept: anything but the
 * macro-enabled Office types.
 */
export function isInertType(type: string): boolean {
  return type in TYPE_EXTENSIONS && !MACRO_TYPES.includes(type);
}

/** The extensions (without the dot, usual one first) a file of `type` may have; [] if unknown. */
export function extensionsOf(type: string): string[] {
  return TYPE_EXTENSIONS[type] ?? [];
}

/** A file name's extension, lower-case and without the dot; null when it has none. */
export function extensionOf(name: string): string | null {
  return /\.([A-Za-z0-9]{1,20})$/.exec(name)?.[1]?.toLowerCase() ?? null;
}

/**
 * A short name of a type for lists, with its extensions ("PDF (.pdf)", "JPEG (.jpg, .jpeg)");
 * the MIME type when unknown.
 */
export function typeLabel(type: string): string {
  const short = LABELS[type]?.[0];
  if (!short) return type;
  return `${short} (${extensionsOf(type).map((e) => `.${e}`).join(", ")})`;
}

/** A type as a phrase ("a PDF", "a file of an unknown type"), for messages. */
export function describeType(type: string | null): string {
  if (!type) return "a file of an unknown type";
  return LABELS[type]?.[1] ?? `a file of type ${type}`;
}

const EXTENSIONS: Record<string, string> = Object.fromEntries(
  Object.entries(TYPE_EXTENSIONS).flatMap(([type, exts]) => exts.map((e) => [e, type])),
);

/**
 * The type a file name's extension claims, for the extensions `sniffType` knows
 * (`report.PDF` -> application/pdf); null for any other name.
 */
export function typeOfExtension(name: string): string | null {
  const ext = extensionOf(name);
  return (ext && EXTENSIONS[ext]) || null;
}
