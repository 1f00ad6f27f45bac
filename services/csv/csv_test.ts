import assert from "node:assert/strict";
import { CSV_BOM, type CsvRecord, CsvSyntaxError, parseCsv, toCsv } from "./csv.ts";

const parseCases: { name: string; input: string; expected: CsvRecord[] }[] = [
  { name: "empty input", input: "", expected: [] },
  { name: "only a BOM", input: "\uFEFF", expected: [] },
  { name: "only line breaks", input: "\r\n\n\r", expected: [] },
  {
    name: "BOM is stripped",
    input: "\uFEFFname,age\nMina,12",
    expected: [
      { line: 1, fields: ["name", "age"] },
      { line: 2, fields: ["Mina", "12"] },
    ],
  },
  {
    name: "LF endings",
    input: "a,b\nc,d\n",
    expected: [{ line: 1, fields: ["a", "b"] }, {
      line: 2,
      fields: ["c", "d"],
    }],
  },
  {
    name: "CRLF endings",
    input: "a,b\r\nc,d\r\n",
    expected: [{ line: 1, fields: ["a", "b"] }, {
      line: 2,
      fields: ["c", "d"],
    }],
  },
  {
    name: "CR endings",
    input: "a,b\rc,d\r",
    expected: [{ line: 1, fields: ["a", "b"] }, {
      line: 2,
      fields: ["c", "d"],
    }],
  },
  {
    name: "mixed endings",
    input: "a\r\nb\nc\rd",
    expected: [
      { line: 1, fields: ["a"] },
      { line: 2, fields: ["b"] },
      { line: 3, fields: ["c"] },
      { line: 4, fields: ["d"] },
    ],
  },
  {
    name: "no trailing newline",
    input: "a,b\nc,d",
    expected: [{ line: 1, fields: ["a", "b"] }, {
      line: 2,
      fields: ["c", "d"],
    }],
  },
  {
    name: "quoted commas",
    input: '"Kim, Minjun",3\n',
    expected: [{ line: 1, fields: ["Kim, Minjun", "3"] }],
  },
  {
    name: "doubled quotes",
    input: '"say ""hi""","""",x\n',
    expected: [{ line: 1, fields: ['say "hi"', '"', "x"] }],
  },
  {
    name: "empty quoted field",
    input: '"",a,""\n""',
    expected: [{ line: 1, fields: ["", "a", ""] }, { line: 2, fields: [""] }],
  },
  {
    name: "newline inside quotes shifts later line numbers",
    input: 'id,note\n1,"line one\nline two\r\nline three"\n2,ok\r\n3,"a\rb"\n4,end',
    expected: [
      { line: 1, fields: ["id", "note"] },
      { line: 2, fields: ["1", "line one\nline two\nline three"] },
      { line: 5, fields: ["2", "ok"] },
      { line: 6, fields: ["3", "a\rb"] },
      { line: 8, fields: ["4", "end"] },
    ],
  },
  {
    name: "empty lines skipped but counted",
    input: "a\n\nb\r\n\r\n\r\nc\r\rd",
    expected: [
      { line: 1, fields: ["a"] },
      { line: 3, fields: ["b"] },
      { line: 6, fields: ["c"] },
      { line: 8, fields: ["d"] },
    ],
  },
  {
    name: "several trailing newlines",
    input: "a\n\n\n",
    expected: [{ line: 1, fields: ["a"] }],
  },
  {
    name: "empty fields and trailing comma",
    input: ",a,,\nb,\n,",
    expected: [
      { line: 1, fields: ["", "a", "", ""] },
      { line: 2, fields: ["b", ""] },
      { line: 3, fields: ["", ""] },
    ],
  },
  {
    name: "unquoted fields are not trimmed; whitespace-only line is a record",
    input: " a , b\n  \n",
    expected: [{ line: 1, fields: [" a ", " b"] }, { line: 2, fields: ["  "] }],
  },
  {
    name: "varying field counts",
    input: "a\nb,c,d\n",
    expected: [{ line: 1, fields: ["a"] }, {
      line: 2,
      fields: ["b", "c", "d"],
    }],
  },
  {
    name: "Korean, Chinese and Latin names",
    input: '이름,반\r\n김민준,3-1\r\n王芳,2-4\r\n"O\'Brien, Seán",1-2\r\n',
    expected: [
      { line: 1, fields: ["이름", "반"] },
      { line: 2, fields: ["김민준", "3-1"] },
      { line: 3, fields: ["王芳", "2-4"] },
      { line: 4, fields: ["O'Brien, Seán", "1-2"] },
    ],
  },
];

for (const { name, input, expected } of parseCases) {
  Deno.test(`parseCsv: ${name}`, () => {
    assert.deepEqual(parseCsv(input), expected);
  });
}

const errorCases: {
  name: string;
  input: string;
  line: number;
  message: RegExp;
}[] = [
  {
    name: "unterminated quote on first line",
    input: '"abc,def\n',
    line: 1,
    message: /^Line 1: a quoted field is never closed/,
  },
  {
    name: "unterminated quote reports the line the field started on",
    input: 'a\n\nb,"multi\nline\nnever closed',
    line: 3,
    message: /^Line 3: a quoted field is never closed/,
  },
  {
    name: "unterminated quote after an earlier multi-line field",
    input: '"x\ny"\n"z',
    line: 3,
    message: /^Line 3: a quoted field is never closed/,
  },
  {
    name: "stray character after closing quote",
    input: 'ok\n"ab"c,d\n',
    line: 2,
    message: /^Line 2: unexpected character "c" after a closing quote/,
  },
  {
    name: "space after closing quote",
    input: '"ab" ,c',
    line: 1,
    message: /^Line 1: unexpected character " " after a closing quote/,
  },
  {
    name: "stray character reports the line the record started on",
    input: 'a\r\nb,"x\ny"z',
    line: 2,
    message: /^Line 2: unexpected character "z"/,
  },
];

for (const { name, input, line, message } of errorCases) {
  Deno.test(`parseCsv error: ${name}`, () => {
    assert.throws(() => parseCsv(input), (err: unknown) => {
      assert.ok(err instanceof CsvSyntaxError);
      assert.equal(err.name, "CsvSyntaxError");
      assert.equal(err.line, line);
      assert.match(err.message, message);
      return true;
    });
  });
}

const writeCases: { name: string; rows: unknown[][]; expected: string }[] = [
  { name: "no rows", rows: [], expected: "" },
  {
    name: "plain values",
    rows: [["a", "b"], ["c", "d"]],
    expected: "a,b\r\nc,d\r\n",
  },
  {
    name: "null, undefined, numbers, booleans",
    rows: [[null, undefined, 0, 3.5, -5, true, false]],
    expected: ",,0,3.5,-5,true,false\r\n",
  },
  {
    name: "quoting",
    rows: [["a,b", 'say "hi"', "l1\nl2", "c\rr", " lead", "trail ", "mid dle"]],
    expected: '"a,b","say ""hi""","l1\nl2","c\rr"," lead","trail ",mid dle\r\n',
  },
  {
    name: "formula injection",
    rows: [["=SUM(A1)", "+1", "-x", "@cmd", "\tx", "\rx", "a=b", -5]],
    expected: "'=SUM(A1),'+1,'-x,'@cmd,'\tx,\"'\rx\",a=b,-5\r\n",
  },
  {
    name: "formula prefix then quoting",
    rows: [['=HYPERLINK("http://x")', "-1,2"]],
    expected: '"\'=HYPERLINK(""http://x"")","\'-1,2"\r\n',
  },
  { name: "single empty cell", rows: [[""], [null]], expected: '""\r\n""\r\n' },
  { name: "empty row", rows: [[]], expected: "\r\n" },
  {
    name: "Korean and Chinese",
    rows: [["김민준", "王芳", "O'Brien, Seán"]],
    expected: '김민준,王芳,"O\'Brien, Seán"\r\n',
  },
];

for (const { name, rows, expected } of writeCases) {
  Deno.test(`toCsv: ${name}`, () => {
    assert.equal(toCsv(rows), expected);
  });
}

Deno.test("toCsv: round trip through parseCsv", () => {
  const rows = [
    ["name", "note", "class"],
    ["김민준", 'He said "안녕"', "3-1"],
    ["王芳", "multi\nline\nnote", ""],
    ["O'Brien, Seán", " padded ", ","],
    ['"', '""', "a\rb"],
    ["", "", ""],
    [""],
    ["single"],
    ["trailing comma,", "1,2,3", "x = y"],
  ];
  const parsed = parseCsv(toCsv(rows));
  assert.deepEqual(parsed.map((r) => r.fields), rows);
  assert.deepEqual(parsed.map((r) => r.line), [1, 2, 3, 6, 7, 9, 10, 11, 12]);
});

Deno.test("toCsv: round trip with BOM prepended", () => {
  const rows = [["이름", "점수"], ["김민준", "95"]];
  assert.deepEqual(parseCsv(CSV_BOM + toCsv(rows)).map((r) => r.fields), rows);
});

Deno.test("toCsv: formula-prefixed cells read back with the prefix", () => {
  assert.deepEqual(parseCsv(toCsv([["=1+1", -5, "-5"]]))[0].fields, [
    "'=1+1",
    "-5",
    "'-5",
  ]);
});

Deno.test("CSV_BOM is U+FEFF", () => {
  assert.equal(CSV_BOM, "\uFEFF");
  assert.equal(CSV_BOM.length, 1);
});

Deno.test("parseCsv: 50,000 rows parse correctly", () => {
  const rows: string[][] = [];
  for (let i = 0; i < 50_000; i++) {
    rows.push([String(i), `학생${i}`, `"q${i}", yes`, "line\nbreak", "x"]);
  }
  const parsed = parseCsv(toCsv(rows));
  assert.equal(parsed.length, 50_000);
  assert.deepEqual(parsed[49_999], {
    line: 99_999,
    fields: ["49999", "학생49999", '"q49999", yes', "line\nbreak", "x"],
  });
});
