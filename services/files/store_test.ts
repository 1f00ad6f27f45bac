import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { AppError } from "../web/errors.ts";
import { PDF, PNG, TEXT } from "./sniff.ts";
import {
  CHUNK_BYTES,
  handleFileCleanup,
  isFileCleanupMessage,
  KvFileStore,
  type PutOptions,
  safeFileName,
} from "./store.ts";

const MB = 1024 * 1024;

const opts = (overrides: Partial<PutOptions> = {}): PutOptions => ({
  name: "essay.pdf",
  orgId: "org1",
  ownerId: "user1",
  classId: "class1",
  purpose: "submission",
  maxBytes: 2 * MB,
  allowedTypes: [PDF, PNG, TEXT],
  ...overrides,
});

/** Random bytes that start like a PDF. */
function pdfBytes(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let at = 0; at < size; at += 65536) {
    crypto.getRandomValues(bytes.subarray(at, Math.min(at + 65536, size)));
  }
  bytes.set(new TextEncoder().encode("%PDF-1.7\n"));
  return bytes;
}

/** A pull stream over `bytes` in pieces of `piece` bytes that records how it was used. */
function sourceOf(
  bytes: Uint8Array,
  piece: number,
  hooks: { failAfter?: number; onPull?: (sent: number) => Promise<void> } = {},
) {
  const seen = { sent: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    async pull(ctrl) {
      await hooks.onPull?.(seen.sent);
      if (hooks.failAfter !== undefined && seen.sent >= hooks.failAfter) {
        ctrl.error(new Error("connection reset"));
        return;
      }
      if (seen.sent >= bytes.length) return ctrl.close();
      const part = bytes.slice(seen.sent, seen.sent + piece);
      seen.sent += part.length;
      ctrl.enqueue(part);
    },
    cancel() {
      seen.cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { stream, seen };
}

async function countKeys(kv: Deno.Kv, prefix: Deno.KvKey): Promise<number> {
  let n = 0;
  for await (const _ of kv.list({ prefix })) n++;
  return n;
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function assertNothingStored(kv: Deno.Kv) {
  assert.equal(await countKeys(kv, ["file_chunks"]), 0, "file_chunks keys left");
  assert.equal(await countKeys(kv, ["files"]), 0, "files keys left");
}

function assertAppError(code: string, message?: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof AppError, String(err));
    assert.equal(err.code, code);
    if (message) assert.match(err.message, message);
    return true;
  };
}

Deno.test("[files] a 1 MB file round-trips in 60 KiB chunks with its sha256", async () => {
  await using kv = await Deno.openKv(":memory:");
  const store = new KvFileStore(kv);
  const bytes = pdfBytes(MB);
  const { stream } = sourceOf(bytes, 100_000);
  const meta = await store.put(stream, opts({ name: "My essay (final).pdf" }));

  assert.equal(meta.size, MB);
  assert.equal(meta.type, PDF);
  assert.equal(meta.name, "My essay (final).pdf");
  assert.equal(meta.sha256, createHash("sha256").update(bytes).digest("hex"));
  assert.deepEqual(await store.get(meta.id), meta);

  const chunks: number[] = [];
  for await (const e of kv.list<Uint8Array>({ prefix: ["file_chunks", meta.id] })) {
    chunks.push(e.value.length);
  }
  assert.equal(chunks.length, Math.ceil(MB / CHUNK_BYTES));
  assert.ok(chunks.slice(0, -1).every((n) => n === CHUNK_BYTES));
  assert.equal(chunks.reduce((a, b) => a + b), MB);

  const back = await readAll(await store.open(meta.id));
  assert.equal(back.length, MB);
  assert.ok(back.every((b, i) => b === bytes[i]), "bytes differ");
  assert.equal(createHash("sha256").update(back).digest("hex"), meta.sha256);
});

Deno.test("[files] a small text file in one piece", async () => {
  await using kv = await Deno.openKv(":memory:");
  const store = new KvFileStore(kv);
  const text = new TextEncoder().encode("안녕하세요, my answer is 42.\n");
  const meta = await store.put(sourceOf(text, 1 << 20).stream, opts({ name: "answer.txt" }));
  assert.equal(meta.type, TEXT);
  assert.equal(meta.size, text.length);
  assert.deepEqual(await readAll(await store.open(meta.id)), text);
});

Deno.test("[files] an oversize file is stopped as soon as it passes the limit; nothing is kept", async () => {
  await using kv = await Deno.openKv(":memory:");
  const store = new KvFileStore(kv);
  // 3 MB against a 2 MB limit: two commits of chunks are written before the limit is passed.
  const { stream, seen } = sourceOf(pdfBytes(3 * MB), 64 * 1024);
  await assert.rejects(
    store.put(stream, opts()),
    assertAppError("payload_too_large", /^The file is larger than 2 MB\.$/),
  );
  assert.ok(seen.cancelled, "the upload stream was not cancelled");
  assert.ok(seen.sent <= 2 * MB + 64 * 1024, `read ${seen.sent} bytes`);
  await assertNothingStored(kv);
});

Deno.test("[files] a type that is not allowed is refused before anything is stored", async () => {
  await using kv = await Deno.openKv(":memory:");
  const store = new KvFileStore(kv);
  const png = new Uint8Array(200_000);
  png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const { stream, seen } = sourceOf(png, 64 * 1024);
  await assert.rejects(
    store.put(stream, opts({ name: "photo.png", allowedTypes: [PDF, TEXT] })),
    assertAppError(
      "unsupported_media_type",
      /^“photo\.png” is a PNG image, which cannot be uploaded here\. Allowed: PDF \(\.pdf\), plain text \(\.txt, \.md, \.csv\)\.$/,
    ),
  );
  assert.ok(seen.cancelled);
  assert.ok(seen.sent < 200_000, "the whole file was read");

  const exe = new Uint8Array([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0]);
  await assert.rejects(
    store.put(sourceOf(exe, 1024).stream, opts({ name: "game.exe" })),
    assertAppError(
      "unsupported_media_type",
      /is a file of an unknown type, which cannot be uploaded here\. Allowed: PDF \(\.pdf\), PNG/,
    ),
  );
  await assertNothingStored(kv);
});

Deno.test("[files] HTML named .pdf is refused: the content is text, not the PDF the name claims", async () => {
  await using kv = await Deno.openKv(":memory:");
  const store = new KvFileStore(kv);
  const html = new TextEncoder().encode("<html><script>alert(1)</script></html>");
  await assert.rejects(
    store.put(sourceOf(html, 1024).stream, opts({ name: "report.pdf" })),
    assertAppError("unsupported_media_type", /named like a PDF but is a plain text file/),
  );
  await assertNothingStored(kv);
});

Deno.test("[files] an empty file is refused", async () => {
  await using kv = await Deno.openKv(":memory:");
  const store = new KvFileStore(kv);
  await assert.rejects(
    store.put(sourceOf(new Uint8Array(), 1).stream, opts({ name: "empty.txt" })),
    assertAppError("bad_request", /empty/),
  );
  await assertNothingStored(kv);
});

Deno.test("[files] an upload that breaks off mid-way leaves nothing", async () => {
  await using kv = await Deno.openKv(":memory:");
  const store = new KvFileStore(kv);
  const { stream } = sourceOf(pdfBytes(2 * MB), 64 * 1024, { failAfter: 1_500_000 });
  await assert.rejects(store.put(stream, opts()), /connection reset/);
  await assertNothingStored(kv);
});

Deno.test("[files] an upload whose chunks were cleaned up meanwhile cannot complete", async () => {
  await using kv = await Deno.openKv(":memory:");
  const store = new KvFileStore(kv);
  let cleaned = 0;
  const { stream } = sourceOf(pdfBytes(MB), 64 * 1024, {
    onPull: async (sent) => {
      // After the first commit of chunks, the delayed cleanup fires (as if an hour had passed).
      if (sent >= 900 * 1024 && !cleaned) {
        for await (const e of kv.list({ prefix: ["file_chunks"] }, { limit: 1 })) {
          cleaned = await handleFileCleanup(kv, e.key[1] as string);
        }
      }
    },
  });
  await assert.rejects(store.put(stream, opts()), assertAppError("conflict", /took too long/));
  assert.ok(cleaned > 0);
  await assertNothingStored(kv);
});

Deno.test("[files] handleFileCleanup deletes orphan chunks only", async () => {
  await using kv = await Deno.openKv(":memory:");
  const store = new KvFileStore(kv);
  const kept = await store.put(sourceOf(pdfBytes(300_000), 65536).stream, opts());
  const orphan = "01ORPHAN";
  for (let i = 0; i < 3; i++) await kv.set(["file_chunks", orphan, i], new Uint8Array(10));

  assert.equal(await handleFileCleanup(kv, orphan), 3);
  assert.equal(await countKeys(kv, ["file_chunks", orphan]), 0);
  assert.equal(await handleFileCleanup(kv, kept.id), 0);
  assert.equal((await readAll(await store.open(kept.id))).length, 300_000);
  assert.equal(await handleFileCleanup(kv, "01NOTHING"), 0);
});

Deno.test("[files] every upload schedules its cleanup message on the queue", async () => {
  const kv = await Deno.openKv(":memory:");
  const received = Promise.withResolvers<unknown>();
  const listening = kv.listenQueue((msg) => received.resolve(msg));
  try {
    const store = new KvFileStore(kv, { cleanupDelayMs: 0 });
    const meta = await store.put(sourceOf(pdfBytes(1000), 1000).stream, opts());
    const msg = await received.promise;
    assert.ok(isFileCleanupMessage(msg));
    assert.deepEqual(msg, { type: "file_cleanup", fileId: meta.id });
    assert.equal(await handleFileCleanup(kv, msg.fileId), 0);
    assert.ok(await store.get(meta.id));
    assert.equal(isFileCleanupMessage({ type: "other" }), false);
    assert.equal(isFileCleanupMessage(null), false);
  } finally {
    kv.close();
    await listening;
  }
});

Deno.test("[files] delete removes the file and its chunks", async () => {
  await using kv = await Deno.openKv(":memory:");
  const store = new KvFileStore(kv);
  const meta = await store.put(sourceOf(pdfBytes(200_000), 65536).stream, opts());
  await store.delete(meta.id);
  assert.equal(await store.get(meta.id), null);
  await assertNothingStored(kv);
  await assert.rejects(store.open(meta.id), assertAppError("not_found"));
});

Deno.test("[files] safeFileName keeps a name, never a path", () => {
  const cases: [string, string][] = [
    ["essay.pdf", "essay.pdf"],
    ["../../etc/passwd", "passwd"],
    ["C:\\x\\a.pdf", "a.pdf"],
    ["folder/sub\\mixed/../final.docx", "final.docx"],
    ["my \"best\" 'essay'.pdf", "my best essay.pdf"],
    ["line\r\nbreak\t.txt", "linebreak.txt"],
    ["bell\u0007\u0000null\u007f.txt", "bellnull.txt"],
    ["evil\u202Efdp.exe", "evilfdp.exe"],
    ["  lots   of    spaces  .pdf ", "lots of spaces .pdf"],
    ["...hidden.", "hidden"],
    ["..", "file"],
    ["/", "file"],
    ["", "file"],
    [" \u0000 ", "file"],
    ["과제 제출.pdf", "과제 제출.pdf"],
  ];
  for (const [input, expected] of cases) assert.equal(safeFileName(input), expected, input);

  const long = safeFileName(`${"가".repeat(150)}${"😀".repeat(100)}.pdf`);
  assert.ok(long.length <= 200, `${long.length}`);
  assert.ok(long.endsWith("😀.pdf"), "the extension is kept and no surrogate pair is split");
  assert.ok(safeFileName("x".repeat(500)).length === 200);
});
