import assert from "node:assert/strict";
import {
  describeType,
  DOCM,
  DOCX,
  GIF,
  JPEG,
  PDF,
  PNG,
  PPTM,
  PPTX,
  sniffType,
  TEXT,
  typeOfExtension,
  WEBP,
  XLSM,
  XLSX,
} from "./sniff.ts";

const enc = new TextEncoder();
const bytes = (...parts: (string | number[] | Uint8Array)[]): Uint8Array => {
  const arrays = parts.map((p) =>
    typeof p === "string" ? Uint8Array.from(p, (c) => c.charCodeAt(0)) : Uint8Array.from(p)
  );
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
};
const u16 = (n: number) => [n & 0xff, n >> 8];
const u32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];

/** One zip local file entry, stored (no compression); `streamed` sets flag bit 3. */
function zipEntry(name: string, data: string, streamed = false): Uint8Array {
  const body = enc.encode(data);
  const size = streamed ? 0 : body.length;
  return bytes(
    "PK\x03\x04",
    u16(20), // version needed
    u16(streamed ? 0x08 : 0), // flags
    u16(0), // method: stored
    u16(0),
    u16(0), // time, date
    u32(0), // crc (not checked)
    u32(size),
    u32(size),
    u16(name.length),
    u16(0), // extra
    enc.encode(name),
    body,
    // A data descriptor after the data of a streamed entry.
    streamed ? bytes("PK\x07\x08", u32(0), u32(body.length), u32(body.length)) : [],
  );
}

const CONTENT_TYPES = '<?xml version="1.0"?><Types xmlns="..."/>';
const zip = (...entries: Uint8Array[]) => bytes(...entries, "PK\x01\x02 central directory…");

/** A real PNG signature and IHDR chunk of a 1x1 image. */
const PNG_HEAD = bytes(
  [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  u32(13).reverse(),
  "IHDR",
  [0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0],
  [0x1f, 0x15, 0xc4, 0x89],
);

Deno.test("[files] sniffType finds types from content", () => {
  const cases: [string, Uint8Array, string | null][] = [
    ["PDF", bytes("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"), PDF],
    ["PNG", PNG_HEAD, PNG],
    ["JPEG (JFIF)", bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16], "JFIF\0"), JPEG],
    ["GIF87a", bytes("GIF87a", [1, 0, 1, 0, 0x80, 0, 0]), GIF],
    ["GIF89a", bytes("GIF89a", [1, 0, 1, 0, 0x80, 0, 0]), GIF],
    ["WebP", bytes("RIFF", u32(26), "WEBPVP8 ", u32(10), [0, 0, 0, 0]), WEBP],
    ["RIFF that is not WebP (WAV)", bytes("RIFF", u32(36), "WAVEfmt ", u32(16)), null],
    [
      "docx",
      zip(
        zipEntry("[Content_Types].xml", CONTENT_TYPES),
        zipEntry("_rels/.rels", "<Relationships/>"),
        zipEntry("word/document.xml", "<w:document/>"),
      ),
      DOCX,
    ],
    [
      "xlsx",
      zip(zipEntry("[Content_Types].xml", CONTENT_TYPES), zipEntry("xl/workbook.xml", "<x/>")),
      XLSX,
    ],
    [
      "pptx with streamed entries (data descriptors)",
      zip(
        zipEntry("[Content_Types].xml", CONTENT_TYPES, true),
        zipEntry("ppt/presentation.xml", "<p/>", true),
      ),
      PPTX,
    ],
    [
      "docm: a VBA project inside",
      zip(
        zipEntry("[Content_Types].xml", CONTENT_TYPES),
        zipEntry("word/document.xml", "<w:document/>"),
        zipEntry("word/vbaProject.bin", "VBA"),
      ),
      DOCM,
    ],
    [
      "xlsm: its content types declare macros",
      zip(
        zipEntry(
          "[Content_Types].xml",
          '<Types><Override PartName="/xl/workbook.xml" ' +
            'ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>',
        ),
        zipEntry("xl/workbook.xml", "<x/>"),
      ),
      XLSM,
    ],
    [
      "pptm: a VBA project in a streamed zip",
      zip(
        zipEntry("[Content_Types].xml", CONTENT_TYPES, true),
        zipEntry("ppt/presentation.xml", "<p/>", true),
        zipEntry("ppt/vbaProject.bin", "VBA", true),
      ),
      PPTM,
    ],
    ["zip that is not Office", zip(zipEntry("hello.txt", "hi"), zipEntry("a/b.txt", "x")), null],
    [
      "zip with a word/ folder but no [Content_Types].xml",
      zip(zipEntry("word/evil.exe", "MZ")),
      null,
    ],
    ["plain ASCII text", enc.encode("Essay\nMy summer was great.\n"), TEXT],
    ["Korean UTF-8 text", enc.encode("나의 여름 방학 — 에세이"), TEXT],
    ["UTF-8 with a BOM", bytes([0xef, 0xbb, 0xbf], enc.encode("hello")), TEXT],
    ["HTML is only text", enc.encode("<!doctype html><script>alert(1)</script>"), TEXT],
    ["SVG is only text", enc.encode('<svg xmlns="http://www.w3.org/2000/svg"/>'), TEXT],
    ["Windows EXE", bytes("MZ", [0x90, 0, 3, 0, 0, 0, 4, 0]), null],
    ["ELF binary", bytes([0x7f], "ELF", [2, 1, 1, 0]), null],
    ["UTF-16 text (NUL bytes)", bytes([0xff, 0xfe], "h\0i\0"), null],
    ["Latin-1 text (not UTF-8)", bytes("caf\xe9 cr\xe8me"), null],
    ["empty", new Uint8Array(), null],
  ];
  for (const [what, head, expected] of cases) {
    assert.equal(sniffType(head), expected, what);
  }
});

Deno.test("[files] sniffType: a PDF name or header later in the file does not make a PDF", () => {
  // An HTML page someone renamed to report.pdf.
  const html = enc.encode("<html><body>%PDF-1.4 <script>alert(1)</script></body></html>");
  assert.equal(sniffType(html), TEXT);
  assert.notEqual(sniffType(bytes(" %PDF-1.7")), PDF);
});

Deno.test("[files] sniffType: a UTF-8 sequence cut off by the sniffed head is still text", () => {
  const korean = enc.encode("가나다"); // 3 bytes each
  const cut = korean.subarray(0, 7); // the third character is cut after one byte
  assert.equal(sniffType(cut, 100), TEXT, "the start of a longer file");
  assert.equal(sniffType(cut), TEXT, "size unknown");
  assert.equal(sniffType(cut, cut.length), null, "the whole file ends mid-character");
  assert.equal(sniffType(korean.subarray(0, 8), 100), TEXT);
  assert.equal(sniffType(bytes("ab", [0x80]), 100), null, "a stray continuation byte");
});

Deno.test("[files] sniffType looks at no more than 64 KiB", () => {
  const text = new Uint8Array(200 * 1024).fill(0x61);
  text[100 * 1024] = 0; // a NUL after the sniffed head
  assert.equal(sniffType(text), TEXT);
});

Deno.test("[files] typeOfExtension and describeType", () => {
  assert.equal(typeOfExtension("Report.PDF"), PDF);
  assert.equal(typeOfExtension("photo.jpg"), JPEG);
  assert.equal(typeOfExtension("notes.md"), TEXT);
  assert.equal(typeOfExtension("run.bat"), null);
  assert.equal(typeOfExtension("README"), null);
  assert.equal(describeType(null), "a file of an unknown type");
  assert.equal(describeType(TEXT), "a plain text file");
});
