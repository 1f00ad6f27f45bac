/**
 * Finds a file's type from its first bytes ("magic numbers"), never from its name: what a
 * file claims to be cannot change what the server accepts. Knows the types schools upload
 * (PDF, images, Office Open XML, plain text); anything else is `null`, an unknown type.
 * @module
 */

export const PDF = "application/pdf";
export const PNG = "image/png";
export const JPEG = "image/jpeg";
export const GIF = "image/gif";
export const WEBP = "image/webp";
export const TEXT = "text/plain";
export const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
export const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
export const PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation";

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

/** Office Open XML parts: the folder a document's main part lives in gives its kind. */
const OOXML_DIRS: [string, string][] = [["word/", DOCX], ["xl/", XLSX], ["ppt/", PPTX]];

function indexOf(head: Uint8Array, magic: Uint8Array, from: number): number {
  for (let i = from; i + magic.length <= head.length; i++) {
    if (startsWith(head, magic, i)) return i;
  }
  return -1;
}

/**
 * Walks the zip local file headers in `head` and reads their names: a package with
 * `[Content_Types].xml` and a `word/`, `xl/` or `ppt/` part is a Word, Excel or PowerPoint
 * file. Any other zip is unknown (null).
 */
function sniffOoxml(head: Uint8Array): string | null {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const names = new TextDecoder();
  let contentTypes = false;
  let kind: string | null = null;
  let pos = 0;
  for (let entries = 0; entries < 64 && pos >= 0 && pos + 30 <= head.length; entries++) {
    if (!startsWith(head, ZIP_LOCAL, pos)) break;
    const flags = view.getUint16(pos + 6, true);
    const compressed = view.getUint32(pos + 18, true);
    const nameLen = view.getUint16(pos + 26, true);
    const extraLen = view.getUint16(pos + 28, true);
    const nameEnd = pos + 30 + nameLen;
    if (nameEnd > head.length) break;
    const name = names.decode(head.subarray(pos + 30, nameEnd));
    if (name === "[Content_Types].xml") contentTypes = true;
    kind ??= OOXML_DIRS.find(([dir]) => name.startsWith(dir))?.[1] ?? null;
    if (contentTypes && kind) return kind;
    const dataStart = nameEnd + extraLen;
    // Bit 3: sizes follow the data (streamed zips), so look for the next header instead.
    pos = (flags & 0x08) && compressed === 0
      ? indexOf(head, ZIP_LOCAL, dataStart)
      : dataStart + compressed;
  }
  return null;
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
  return isText(head, total === undefined || total > head.length) ? TEXT : null;
}

const LABELS: Record<string, [short: string, long: string]> = {
  [PDF]: ["PDF", "a PDF"],
  [PNG]: ["PNG", "a PNG image"],
  [JPEG]: ["JPEG", "a JPEG image"],
  [GIF]: ["GIF", "a GIF image"],
  [WEBP]: ["WebP", "a WebP image"],
  [TEXT]: ["plain text", "a plain text file"],
  [DOCX]: ["Word (.docx)", "a Word document"],
  [XLSX]: ["Excel (.xlsx)", "an Excel workbook"],
  [PPTX]: ["PowerPoint (.pptx)", "a PowerPoint presentation"],
};

/** A short name of a type for lists ("PDF", "Word (.docx)"); the MIME type when unknown. */
export function typeLabel(type: string): string {
  return LABELS[type]?.[0] ?? type;
}

/** A type as a phrase ("a PDF", "a file of an unknown type"), for messages. */
export function describeType(type: string | null): string {
  if (!type) return "a file of an unknown type";
  return LABELS[type]?.[1] ?? `a file of type ${type}`;
}

const EXTENSIONS: Record<string, string> = {
  pdf: PDF,
  png: PNG,
  jpg: JPEG,
  jpeg: JPEG,
  gif: GIF,
  webp: WEBP,
  txt: TEXT,
  docx: DOCX,
  xlsx: XLSX,
  pptx: PPTX,
};

/**
 * The type a file name's extension claims, for the extensions `sniffType` knows
 * (`report.PDF` -> application/pdf); null for any other name.
 */
export function typeOfExtension(name: string): string | null {
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  return (ext && EXTENSIONS[ext]) || null;
}
