/**
 * Files and submissions through the app: upload, submit, list, download, and who may do what.
 */
import assert from "node:assert/strict";
import { addMemberOps } from "@/services/classes/members.ts";
import type { Assignment } from "@/services/coursework/model.ts";
import { newId } from "@/services/db/kv.ts";
import type { User } from "@/services/orgs/users.ts";
import { bearer, randomUser, testApp, tokenFor, twoSchools } from "./helpers.ts";

const MB = 1024 * 1024;
const enc = new TextEncoder();
const PDF_BYTES = enc.encode("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << >> endobj\n%%EOF\n");

async function countKeys(kv: Deno.Kv, prefix: Deno.KvKey): Promise<number> {
  let n = 0;
  for await (const _ of kv.list({ prefix })) n++;
  return n;
}

/** An assignment written straight to KV, as the assignments service stores it. */
async function createAssignment(
  kv: Deno.Kv,
  cls: { id: string; orgId: string },
  teacher: User,
  overrides: Partial<Assignment> = {},
): Promise<Assignment> {
  const now = new Date().toISOString();
  const a: Assignment = {
    id: newId(),
    orgId: cls.orgId,
    classId: cls.id,
    title: "Essay",
    instructions: "",
    attachments: [],
    points: 100,
    dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
    timeZone: "Asia/Seoul",
    latePolicy: { kind: "close" },
    status: "published",
    reminderHours: [],
    createdBy: teacher.id,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
  await kv.atomic()
    .set(["assignments", a.id], a)
    .set(["assignments_by_class", a.classId, a.id], a.id)
    .commit();
  return a;
}

async function world() {
  const t = await testApp({ MIRAE_UPLOAD_MAX_MB: "1" });
  const { one, two } = await twoSchools(t.kv);
  // A classmate of studentA's.
  const classmate = await randomUser(t.kv, one.org.id, "student");
  await addMemberOps(t.kv.atomic(), one.classA.id, classmate, "student").commit();
  const assignment = await createAssignment(t.kv, one.classA, one.teacherA);
  const tokens = new Map<User, string>();
  const auth = async (user: User) => {
    if (!tokens.has(user)) tokens.set(user, await tokenFor(t.kv, user));
    return bearer(tokens.get(user)!);
  };
  const upload = async (
    user: User | null,
    name: string,
    body: BodyInit,
    opts: { classId?: string; purpose?: string; headers?: Record<string, string> } = {},
  ) => {
    const q = new URLSearchParams({
      classId: opts.classId ?? one.classA.id,
      purpose: opts.purpose ?? "submission",
      name,
    });
    return await t.app.request(`/api/v1/files?${q}`, {
      method: "POST",
      headers: {
        "content-type": "application/octet-stream",
        ...(user ? await auth(user) : {}),
        ...opts.headers,
      },
      body,
    });
  };
  const submissions = (a = assignment) => `/api/v1/assignments/${a.id}/submissions`;
  const submit = async (user: User | null, body: unknown, a = assignment) =>
    await t.app.request(submissions(a), {
      method: "POST",
      headers: { "content-type": "application/json", ...(user ? await auth(user) : {}) },
      body: JSON.stringify(body),
    });
  const get = async (user: User | null, path: string) =>
    await t.app.request(path, { headers: user ? await auth(user) : {} });
  return { t, one, two, classmate, assignment, upload, submit, submissions, get };
}

async function json(res: Response, status: number) {
  assert.equal(res.status, status, await res.clone().text());
  assert.match(res.headers.get("content-type")!, /^application\/json/);
  return await res.json();
}

Deno.test("[submissions api] a student uploads and submits; the teacher lists and downloads", async () => {
  const w = await world();
  try {
    const { one } = w;
    const file = await json(
      await w.upload(one.studentA, "C:\\My work\\과제 1.pdf", PDF_BYTES),
      201,
    );
    assert.deepEqual(Object.keys(file).sort(), ["id", "name", "sha256", "size", "type"]);
    assert.equal(file.name, "과제 1.pdf");
    assert.equal(file.size, PDF_BYTES.length);
    assert.equal(file.type, "application/pdf");
    assert.match(file.sha256, /^[0-9a-f]{64}$/);

    const first = await json(
      await w.submit(one.studentA, { text: "Draft", fileIds: [file.id] }),
      201,
    );
    assert.equal(first.version, 1);
    assert.equal(first.daysLate, 0);
    assert.deepEqual(first.files, [file]);
    const second = await json(await w.submit(one.studentA, { text: "Final" }), 201);
    assert.equal(second.version, 2);
    assert.deepEqual(second.files, []);

    const teacherList = await json(await w.get(one.teacherA, w.submissions()), 200);
    assert.deepEqual(
      teacherList.items.map((
        s: { studentId: string; version: number },
      ) => [s.studentId, s.version]),
      [[one.studentA.id, 2]],
    );
    const own = await json(await w.get(one.studentA, w.submissions()), 200);
    assert.deepEqual(own.items.map((s: { text: string }) => s.text), ["Draft", "Final"]);
    const versions = await json(
      await w.get(one.teacherA, `${w.submissions()}/${one.studentA.id}`),
      200,
    );
    assert.deepEqual(versions.items.map((s: { version: number }) => s.version), [1, 2]);
    const mine = await json(
      await w.get(one.studentA, `${w.submissions()}/${one.studentA.id}`),
      200,
    );
    assert.equal(mine.items.length, 2);

    for (const who of [one.teacherA, one.admin, one.studentA]) {
      const res = await w.get(who, `/api/v1/files/${file.id}`);
      assert.equal(res.status, 200, who.role);
      assert.equal(res.headers.get("content-type"), "application/pdf");
      assert.equal(
        res.headers.get("content-disposition"),
        `attachment; filename="_ 1.pdf"; filename*=UTF-8''%EA%B3%BC%EC%A0%9C%201.pdf`,
      );
      assert.equal(res.headers.get("content-length"), String(PDF_BYTES.length));
      assert.equal(res.headers.get("x-content-type-options"), "nosniff");
      assert.equal(res.headers.get("cache-control"), "private, no-store");
      assert.deepEqual(new Uint8Array(await res.arrayBuffer()), PDF_BYTES);
    }
  } finally {
    w.t.close();
  }
});

Deno.test("[submissions api] nobody else sees a student's work: 404, and 401 without sign-in", async () => {
  const w = await world();
  try {
    const { one, two } = w;
    const file = await json(await w.upload(one.studentA, "mine.pdf", PDF_BYTES), 201);
    await json(await w.submit(one.studentA, { fileIds: [file.id] }), 201);

    const outsiders: [string, User][] = [
      ["a classmate", w.classmate],
      ["a student of another class", one.studentB],
      ["a teacher of another class", one.teacherB],
      ["another school's admin", two.admin],
      ["another school's student", two.studentA],
    ];
    for (const [who, user] of outsiders) {
      const download = await json(await w.get(user, `/api/v1/files/${file.id}`), 404);
      assert.equal(download.error.code, "not_found", who);
      await json(await w.get(user, `${w.submissions()}/${one.studentA.id}`), 404);
    }
    // The classmate sees the assignment but only their own (no) work.
    assert.deepEqual(await json(await w.get(w.classmate, w.submissions()), 200), { items: [] });
    for (const user of [one.studentB, one.teacherB, two.admin]) {
      await json(await w.get(user, w.submissions()), 404);
      await json(await w.submit(user, { text: "x" }), 404);
    }
    await json(await w.submit(one.teacherA, { text: "x" }), 403);

    for (
      const res of [
        await w.get(null, `/api/v1/files/${file.id}`),
        await w.get(null, w.submissions()),
        await w.submit(null, { text: "x" }),
        await w.upload(null, "a.pdf", PDF_BYTES),
      ]
    ) {
      assert.equal((await json(res, 401)).error.code, "unauthorized");
    }
  } finally {
    w.t.close();
  }
});

Deno.test("[submissions api] class material: teachers attach, every member downloads", async () => {
  const w = await world();
  try {
    const { one } = w;
    const notes = enc.encode("<h1>Reading list</h1><script>alert(1)</script>\n");
    const file = await json(
      await w.upload(one.teacherA, "reading.txt", notes, { purpose: "attachment" }),
      201,
    );
    assert.equal(file.type, "text/plain");
    // Nothing holds it yet: only its uploader sees it.
    await json(await w.get(w.classmate, `/api/v1/files/${file.id}`), 404);
    await json(
      await w.t.app.request(`/api/v1/assignments/${w.assignment.id}`, {
        method: "PATCH",
        headers: {
          "content-type": "application/json",
          ...bearer(await tokenFor(w.t.kv, one.teacherA)),
        },
        body: JSON.stringify({ attachmentIds: [file.id] }),
      }),
      200,
    );
    const res = await w.get(w.classmate, `/api/v1/files/${file.id}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/plain; charset=utf-8");
    assert.match(res.headers.get("content-disposition")!, /^attachment; filename="reading\.txt"/);
    assert.equal(await res.text(), new TextDecoder().decode(notes));
    await json(await w.get(one.studentB, `/api/v1/files/${file.id}`), 404);

    await json(await w.upload(one.studentA, "x.pdf", PDF_BYTES, { purpose: "attachment" }), 403);
    await json(await w.upload(one.teacherA, "x.pdf", PDF_BYTES), 403);
    await json(await w.upload(one.studentB, "x.pdf", PDF_BYTES), 404);
    // A file uploaded as class material cannot be handed in as work.
    await json(await w.submit(one.studentA, { fileIds: [file.id] }), 400);
  } finally {
    w.t.close();
  }
});

Deno.test("[submissions api] an oversize upload is 413 and stores nothing", async () => {
  const w = await world();
  try {
    const { one } = w;
    // Declared too large: refused before the body is read.
    let pulled = 0;
    const never = new ReadableStream<Uint8Array>({
      pull(ctrl) {
        pulled++;
        ctrl.enqueue(new Uint8Array(64 * 1024));
      },
    }, { highWaterMark: 0 });
    const declared = await w.upload(one.studentA, "big.pdf", never, {
      headers: { "content-length": String(2 * MB) },
    });
    const body = await json(declared, 413);
    assert.equal(body.error.code, "payload_too_large");
    assert.equal(body.error.message, "The file is larger than 1 MB.");
    assert.equal(pulled, 0, "the body was read");

    // Streamed without a length: stopped as soon as it passes 1 MB.
    let sent = 0;
    const big = new ReadableStream<Uint8Array>({
      pull(ctrl) {
        const piece = new Uint8Array(64 * 1024);
        if (sent === 0) piece.set(PDF_BYTES);
        sent += piece.length;
        ctrl.enqueue(piece);
      },
    });
    const streamed = await w.upload(one.studentA, "big.pdf", big);
    assert.equal((await json(streamed, 413)).error.message, "The file is larger than 1 MB.");
    assert.ok(sent < 2 * MB, `read ${sent} bytes`);

    assert.equal(await countKeys(w.t.kv, ["file_chunks"]), 0);
    assert.equal(await countKeys(w.t.kv, ["files"]), 0);
  } finally {
    w.t.close();
  }
});

Deno.test("[submissions api] types are checked by content: HTML named .pdf and programs are 415", async () => {
  const w = await world();
  try {
    const { one } = w;
    const html = enc.encode("<!doctype html><html><script>document.cookie</script></html>");
    const disguised = await json(await w.upload(one.studentA, "report.pdf", html), 415);
    assert.equal(disguised.error.code, "unsupported_media_type");
    assert.match(disguised.error.message, /“report\.pdf” is named like a PDF but is a plain text/);

    const exe = new Uint8Array([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff]);
    const program = await json(await w.upload(one.studentA, "homework.docx", exe), 415);
    assert.match(
      program.error.message,
      /is a file of an unknown type, which cannot be uploaded here\. Allowed: PDF \(\.pdf\), PNG/,
    );

    const asJson = await w.upload(one.studentA, "a.pdf", PDF_BYTES, {
      headers: { "content-type": "application/json" },
    });
    assert.equal((await json(asJson, 415)).error.code, "unsupported_media_type");

    assert.equal(await countKeys(w.t.kv, ["file_chunks"]), 0);
    assert.equal(await countKeys(w.t.kv, ["files"]), 0);
  } finally {
    w.t.close();
  }
});

Deno.test("[submissions api] after the due time or once closed: 409; drafts: 404", async () => {
  const w = await world();
  try {
    const { t, one } = w;
    const past = new Date(Date.now() - 3_600_000).toISOString();
    const over = await createAssignment(t.kv, one.classA, one.teacherA, { dueAt: past });
    const late = await json(await w.submit(one.studentA, { text: "late" }, over), 409);
    assert.equal(late.error.code, "conflict");
    assert.equal(
      late.error.message,
      "The due time has passed and this assignment does not take late work.",
    );

    const accepting = await createAssignment(t.kv, one.classA, one.teacherA, {
      dueAt: past,
      latePolicy: { kind: "accept", penaltyPerDayPct: 5 },
    });
    assert.equal(
      (await json(await w.submit(one.studentA, { text: "late" }, accepting), 201)).daysLate,
      1,
    );

    const closed = await createAssignment(t.kv, one.classA, one.teacherA, { status: "closed" });
    const res = await json(await w.submit(one.studentA, { text: "x" }, closed), 409);
    assert.equal(res.error.message, "This assignment is closed");

    const draft = await createAssignment(t.kv, one.classA, one.teacherA, { status: "draft" });
    await json(await w.submit(one.studentA, { text: "x" }, draft), 404);
    await json(await w.get(one.studentA, w.submissions(draft)), 404);
    assert.deepEqual(await json(await w.get(one.teacherA, w.submissions(draft)), 200), {
      items: [],
    });

    const unknown = await json(await w.submit(one.studentA, { text: "x", extra: 1 }), 400);
    assert.equal(unknown.error.code, "validation_failed");
    const empty = await json(await w.submit(one.studentA, {}), 400);
    assert.equal(empty.error.message, "Write an answer or attach a file.");
    assert.equal(await countKeys(t.kv, ["submissions", w.assignment.id]), 0);
  } finally {
    w.t.close();
  }
});
