/**
 * Durable file storage behind one interface, `FileStore`. `KvFileStore` keeps files in Deno KV:
 * the bytes in 60 KiB values `["file_chunks", id, i]`, then the metadata `["files", id]`,
 * written last, so a file whose upload did not finish never exists for readers. A remote
 * object store can implement the same interface later.
 *
 * Uploads stream: memory holds one commit's worth of chunks at most, whatever the file's size.
 * The type is found from the first chunk (see sniff.ts), before anything is stored; the size
 * limit stops the upload as soon as it is passed. A failed upload deletes what it wrote; one
 * cut short by a crash is deleted by a queued `file_cleanup` message an hour later
 * (`handleFileCleanup`, which main.ts's queue listener calls).
 *
 * File names are only ever metadata (made safe by `safeFileName`); keys use ULIDs.
 * @module
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { enqueueOps } from "../jobs/schedule.ts";
import { type FileRef, FileRefSchema } from "../coursework/model.ts";
import { commit, getRecord, newId } from "../db/kv.ts";
import { AppError, notFound } from "../web/errors.ts";
import {
  describeType,
  extensionOf,
  extensionsOf,
  MACRO_TYPES,
  sniffType,
  typeLabel,
  typeOfExtension,
} from "./sniff.ts";

/**
 * What holds a file; it decides who may see the file (services/files/access.ts, one rule per
 * kind). Every upload starts `unattached` and is private to its uploader until something takes
 * it: an assignment (`id`: the assignment), which the teachers' editor attaches it to, or the
 * uploader's submission of assignment `id`. A file removed from its assignment is unattached
 * again. New kinds (a chat message, an approval request) are a new entry here and a new rule
 * there.
 */
export const FileHolderSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("unattached") }),
  z.object({ kind: z.literal("assignment"), id: z.string() }),
  z.object({ kind: z.literal("submission"), id: z.string() }),
  /** A lecture's recording (`id`: the lecture); written by services/recordings/. */
  z.object({ kind: z.literal("recording"), id: z.string() }),
  /** A class stream announcement's attachment (`id`: the post); see services/stream/. */
  z.object({ kind: z.literal("announcement"), id: z.string() }),
]);
export type FileHolder = z.infer<typeof FileHolderSchema>;

/** A stored file: its reference fields plus who uploaded it, where, what for, and its holder. */
export const FileMetaSchema = FileRefSchema.extend({
  orgId: z.string(),
  /** The user who uploaded it. */
  ownerId: z.string(),
  classId: z.string(),
  /**
   * What it was uploaded for, which decides what may hold it: `submission` (a student's
   * work), `attachment` (a teacher's material for the class's assignments), `recording` (a
   * lecture's recording, stored by the app itself).
   */
  purpose: z.enum(["submission", "attachment", "recording"]),
  /** Absent on files stored before holders existed (access.ts finds their holder). */
  holder: FileHolderSchema.optional(),
  createdAt: z.string(),
});
export type FileMeta = z.infer<typeof FileMetaSchema>;
export type FilePurpose = FileMeta["purpose"];

/** A file's metadata with the KV entry it was read from (to check in an atomic write). */
export interface FileEntry {
  entry: Deno.KvEntry<unknown>;
  meta: FileMeta;
}

/** The metadata entries of `ids` (ten per read), null where there is no such file. */
export async function getFileEntries(kv: Deno.Kv, ids: string[]): Promise<(FileEntry | null)[]> {
  const out: (FileEntry | null)[] = [];
  for (let i = 0; i < ids.length; i += 10) {
    for (const entry of await kv.getMany(ids.slice(i, i + 10).map((id) => ["files", id]))) {
      const meta = FileMetaSchema.safeParse(entry.value);
      out.push(entry.versionstamp && meta.success ? { entry, meta: meta.data } : null);
    }
  }
  return out;
}

/**
 * Adds to `op` a file's move to `holder`, checked against the entry it was read from (a file
 * deleted or moved meanwhile fails the commit). Records that take or release files call this
 * in the same atomic write as their own change.
 */
export function setHolderOps(
  op: Deno.AtomicOperation,
  { entry, meta }: FileEntry,
  holder: FileHolder,
): Deno.AtomicOperation {
  return op.check(entry).set(entry.key, { ...meta, holder } satisfies FileMeta);
}

/** What a holder is called in the message that refuses to take a file another one holds. */
const HOLDER_NOUN: Record<FileHolder["kind"], string> = {
  unattached: "nothing",
  assignment: "assignment",
  submission: "submission",
  recording: "recording",
  announcement: "announcement",
};

/**
 * Looks up the files `ids` that `holder` (an assignment, an announcement) is to take: each
 * must be a file uploaded to class `classId` as an attachment that nothing else holds (one
 * file, one holder: its holder decides who sees it, see access.ts). 400 with one detail per
 * refused id (at `["attachmentIds", index]`). The caller moves them with `setHolderOps` in
 * its own commit.
 */
export async function attachableFiles(
  kv: Deno.Kv,
  classId: string,
  holder: Exclude<FileHolder, { kind: "unattached" }>,
  ids: string[],
): Promise<FileEntry[]> {
  const unique = [...new Set(ids)];
  const found = await getFileEntries(kv, unique);
  const details: { path: (string | number)[]; message: string }[] = [];
  const files: FileEntry[] = [];
  found.forEach((file, i) => {
    const id = unique[i];
    const path = ["attachmentIds", ids.indexOf(id)];
    const now = file?.meta.holder;
    if (!file || file.meta.classId !== classId || file.meta.purpose !== "attachment") {
      details.push({ path, message: `No attachment ${id} was uploaded to this class.` });
    } else if (
      now && now.kind !== "unattached" && !(now.kind === holder.kind && now.id === holder.id)
    ) {
      details.push({
        path,
        message: `“${file.meta.name}” is attached to another ${HOLDER_NOUN[now.kind]}; ` +
          "upload it again to attach it here too.",
      });
    } else files.push(file);
  });
  if (details.length) {
    throw new AppError("validation_failed", "Some fields are not valid.", details);
  }
  return files;
}

/** What `put` needs besides the bytes. */
export interface PutOptions {
  /** The name the uploader gave; it is made safe with `safeFileName`. */
  name: string;
  orgId: string;
  ownerId: string;
  classId: string;
  purpose: FilePurpose;
  /** The largest size accepted, in bytes. */
  maxBytes: number;
  /** MIME types accepted, as `sniffType` finds them. */
  allowedTypes: string[];
}

/** Where files live. Every implementation streams both ways and never keeps half a file. */
export interface FileStore {
  /**
   * Stores a file from a stream. Throws AppError 415 (type not allowed), 413 (too large) or
   * 400 (empty); then nothing is kept.
   */
  put(body: ReadableStream<Uint8Array>, opts: PutOptions): Promise<FileMeta>;
  /** A file's metadata, or null when there is no such (complete) file. */
  get(id: string): Promise<FileMeta | null>;
  /**
   * The file's bytes as a stream; 404 when absent. With `range`, only bytes `start` to `end`
   * (inclusive, within the file: see `byteRange`), for HTTP range requests (video seeking).
   */
  open(id: string, range?: ByteRange): Promise<ReadableStream<Uint8Array>>;
  /** Deletes a file (no-op when absent). */
  delete(id: string): Promise<void>;
}

/** Bytes `start` to `end` of a file, both inclusive. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * The range an HTTP `Range` header asks for in a file of `size` bytes (one `bytes=` range:
 * `a-b`, `a-`, `-n`), null when there is none or it is not one range, or "unsatisfiable".
 */
export function byteRange(header: string | null, size: number): ByteRange | null | "unsatisfiable" {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? "");
  if (!m || (m[1] === "" && m[2] === "")) return null;
  let start: number, end: number;
  if (m[1] === "") {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return "unsatisfiable";
  return { start, end };
}

/** Bytes per stored chunk: under KV's 64 KiB value limit. */
export const CHUNK_BYTES = 60 * 1024;
/** Chunks per atomic commit: 12 x 60 KiB = 720 KiB, under KV's 800 KiB per commit. */
export const CHUNKS_PER_COMMIT = 12;
/** When the cleanup of an upload cut short by a crash runs. */
export const CLEANUP_DELAY_MS = 3_600_000;

/** The queue message that deletes an unfinished upload's chunks. */
export interface FileCleanupMessage {
  type: "file_cleanup";
  fileId: string;
}

/** Whether a queue message is a `FileCleanupMessage`. */
export function isFileCleanupMessage(msg: unknown): msg is FileCleanupMessage {
  const m = msg as Partial<FileCleanupMessage> | null;
  return typeof m === "object" && m !== null && m.type === "file_cleanup" &&
    typeof m.fileId === "string";
}

/**
 * Deletes the chunks of `fileId` unless the file exists (its metadata was written). Each
 * delete is checked against the metadata key, so a file that completes meanwhile is left
 * whole (and an upload whose chunks were deleted cannot complete: see `put`). Returns how many
 * chunks were deleted.
 */
export async function handleFileCleanup(kv: Deno.Kv, fileId: string): Promise<number> {
  let deleted = 0;
  for (;;) {
    const keys: Deno.KvKey[] = [];
    for await (const e of kv.list({ prefix: ["file_chunks", fileId] }, { limit: 500 })) {
      keys.push(e.key);
    }
    if (!keys.length) return deleted;
    const op = kv.atomic().check({ key: ["files", fileId], versionstamp: null });
    for (const key of keys) op.delete(key);
    if (!(await op.commit()).ok) return deleted; // the file exists: keep its chunks
    deleted += keys.length;
  }
}

/**
 * A file name safe to keep and show: the last path segment only, without control, bidi and
 * quote characters, spaces collapsed, dots and spaces trimmed, at most 200 characters (the
 * extension kept), and "file" when nothing is left.
 *
 * @example
 * safeFileName("../../etc/passwd") // "passwd"
 * safeFileName("C:\\Users\\me\\essay.pdf") // "essay.pdf"
 */
export function safeFileName(name: string): string {
  const last = name.split(/[/\\]/).pop() ?? "";
  let safe = last.normalize("NFC")
    // Control characters, bidi overrides (which can disguise an extension) and quotes.
    // deno-lint-ignore no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069"'`]/g, "")
    .replace(/\s+/g, " ")
    .replace(/^[.\s]+|[.\s]+$/g, "");
  if (safe.length > 200) {
    const ext = /\.[^.\s]{1,20}$/.exec(safe)?.[0] ?? "";
    safe = clip(safe.slice(0, safe.length - ext.length), 200 - ext.length).trimEnd() + ext;
  }
  return safe || "file";
}

/** The first `max` UTF-16 units of `s` without splitting a surrogate pair. */
function clip(s: string, max: number): string {
  let out = "";
  for (const ch of s) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return out;
}

/**
 * The name a file of the sniffed `type` is stored under, or a 415 a person can act on: the
 * type must be allowed (macro-enabled Office files never are) and the name's extension must
 * be one of the type's (`extensionsOf`), so what the download is named is what it is. A name
 * without an extension gets the type's usual one ("essay" -> "essay.pdf").
 */
export function checkFileName(name: string, type: string | null, allowedTypes: string[]): string {
  const allowed = `Allowed: ${
    allowedTypes.filter((t) => !MACRO_TYPES.includes(t)).map(typeLabel).join(", ")
  }.`;
  const refuse = (why: string) => new AppError("unsupported_media_type", `${why} ${allowed}`);
  if (type && MACRO_TYPES.includes(type)) {
    throw refuse(
      `“${name}” is ${describeType(type)}. Macros are programs, so such files are not ` +
        "accepted: save it without macros (as .docx, .xlsx or .pptx) and upload that.",
    );
  }
  if (!type || !allowedTypes.includes(type)) {
    throw refuse(`“${name}” is ${describeType(type)}, which cannot be uploaded here.`);
  }
  const ext = extensionOf(name);
  const exts = extensionsOf(type);
  if (ext === null) return safeFileName(`${name}.${exts[0]}`);
  if (exts.includes(ext)) return name;
  const claimed = typeOfExtension(name);
  throw refuse(
    (claimed
      ? `“${name}” is named like ${describeType(claimed)} but is ${describeType(type)}.`
      : `“${name}” is ${describeType(type)}, but its name ends in .${ext}.`) +
      ` Name it with ${exts.map((e) => `.${e}`).join(" or ")} and upload it again.`,
  );
}

/** The reference records keep of a stored file. */
export function toFileRef(meta: FileMeta): FileRef {
  const { id, name, size, type, sha256 } = meta;
  return { id, name, size, type, sha256 };
}

/** The 413 for a file over `maxBytes` ("The file is larger than 25 MB."). */
export function fileTooLarge(maxBytes: number): AppError {
  const mb = maxBytes / (1024 * 1024);
  return new AppError(
    "payload_too_large",
    `The file is larger than ${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB.`,
  );
}

/** Files in Deno KV, chunked. See the module doc. */
export class KvFileStore implements FileStore {
  constructor(
    private readonly kv: Deno.Kv,
    private readonly options: { cleanupDelayMs?: number; chunksPerCommit?: number } = {},
  ) {}

  async put(body: ReadableStream<Uint8Array>, opts: PutOptions): Promise<FileMeta> {
    const { kv } = this;
    const id = newId();
    let name = safeFileName(opts.name);
    const perCommit = this.options.chunksPerCommit ?? CHUNKS_PER_COMMIT;
    const reader = body.getReader();
    const hash = createHash("sha256");
    let size = 0;
    let type: string | null = null;
    let chunk = new Uint8Array(CHUNK_BYTES);
    let fill = 0;
    let batch: Uint8Array<ArrayBuffer>[] = [];
    // Chunk buffers are reused once committed, so an upload allocates one commit's worth.
    const spare: Uint8Array<ArrayBuffer>[] = [];
    let stored = 0; // chunks committed
    let firstStamp = ""; // versionstamp of the commit that wrote chunk 0
    let tried = false; // a chunk commit was attempted, so there may be chunks to delete
    let done = false;

    const flush = async () => {
      if (!batch.length) return;
      const op = kv.atomic();
      // Scheduled with the first chunks: if the process dies mid-upload, this deletes them.
      if (stored === 0) {
        enqueueOps(
          this.kv,
          op,
          { type: "file_cleanup", fileId: id } satisfies FileCleanupMessage,
          this.options.cleanupDelayMs ?? CLEANUP_DELAY_MS,
        );
      }
      batch.forEach((c, i) => op.set(["file_chunks", id, stored + i], c));
      tried = true;
      const res = await commit(op, "The upload could not be saved. Try again.");
      if (stored === 0) firstStamp = res.versionstamp;
      stored += batch.length;
      spare.push(...batch);
      batch = [];
    };

    const accept = async (full: Uint8Array<ArrayBuffer>, last: boolean) => {
      if (type === null) {
        // The first chunk: nothing is stored until its type is known to be allowed.
        type = sniffType(full, last ? size : undefined);
        name = checkFileName(name, type, opts.allowedTypes);
      }
      hash.update(full);
      batch.push(full);
      if (batch.length >= perCommit) await flush();
    };

    try {
      for (;;) {
        const { done: end, value } = await reader.read();
        if (end) break;
        size += value.length;
        if (size > opts.maxBytes) throw fileTooLarge(opts.maxBytes);
        for (let at = 0; at < value.length;) {
          const n = Math.min(CHUNK_BYTES - fill, value.length - at);
          chunk.set(value.subarray(at, at + n), fill);
          fill += n;
          at += n;
          if (fill === CHUNK_BYTES) {
            const full = chunk;
            chunk = spare.pop() ?? new Uint8Array(CHUNK_BYTES);
            fill = 0;
            await accept(full, false);
          }
        }
      }
      if (size === 0) throw new AppError("bad_request", `“${name}” is empty.`);
      if (fill > 0) await accept(chunk.subarray(0, fill), true);
      await flush();

      const meta: FileMeta = {
        id,
        name,
        size,
        type: type!,
        sha256: hash.digest("hex"),
        orgId: opts.orgId,
        ownerId: opts.ownerId,
        classId: opts.classId,
        purpose: opts.purpose,
        holder: { kind: "unattached" },
        createdAt: new Date().toISOString(),
      };
      // Only if the chunks are still there: a cleanup that ran meanwhile changed chunk 0.
      await commit(
        kv.atomic()
          .check({ key: ["file_chunks", id, 0], versionstamp: firstStamp })
          .check({ key: ["files", id], versionstamp: null })
          .set(["files", id], meta),
        "The upload took too long and was discarded. Try again.",
      );
      done = true;
      return meta;
    } finally {
      if (!done) {
        await reader.cancel().catch(() => {});
        if (tried) {
          await handleFileCleanup(kv, id).catch((err) => {
            // The queued cleanup message deletes them later.
            console.error(`could not delete the chunks of file ${id} now:`, err);
          });
        }
      }
    }
  }

  get(id: string): Promise<FileMeta | null> {
    return getRecord(this.kv, FileMetaSchema, ["files", id]);
  }

  async open(id: string, range?: ByteRange): Promise<ReadableStream<Uint8Array>> {
    const meta = await this.get(id);
    if (!meta) throw notFound("File not found");
    // Every chunk but the last is CHUNK_BYTES long, so a range starts at a known chunk.
    const first = range ? Math.floor(range.start / CHUNK_BYTES) : 0;
    const from = range?.start ?? 0;
    const to = range ? range.end + 1 : meta.size;
    // A few chunks per round trip: the whole file is never in memory.
    const iter = this.kv.list<Uint8Array>({
      start: ["file_chunks", id, first],
      end: ["file_chunks", id, Math.floor((to - 1) / CHUNK_BYTES) + 1],
    }, { batchSize: 4 });
    let at = first * CHUNK_BYTES; // file offset of the next chunk
    let sent = 0;
    return new ReadableStream<Uint8Array>({
      async pull(ctrl) {
        const next = await iter.next();
        if (!next.done) {
          const bytes = next.value.value;
          const part = bytes.subarray(Math.max(0, from - at), Math.min(bytes.length, to - at));
          at += bytes.length;
          sent += part.length;
          ctrl.enqueue(part);
        } else if (sent !== to - from) {
          ctrl.error(new Error(`file ${id} is incomplete: ${sent} of ${to - from} bytes`));
        } else {
          ctrl.close();
        }
      },
    }, { highWaterMark: 1 });
  }

  async delete(id: string): Promise<void> {
    // Metadata first: from then on the file does not exist, and its chunks are orphans.
    await this.kv.delete(["files", id]);
    await handleFileCleanup(this.kv, id);
  }
}
