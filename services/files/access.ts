/**
 * Who may upload and read stored files, and the headers a download is sent with.
 * Anything the asker may not read is "not found" (404), so a file's existence does not leak.
 * @module
 */
import { classAccess } from "../auth/access.ts";
import { getMemberRole } from "../classes/members.ts";
import type { Actor } from "../web/define.ts";
import { AppError, forbidden, notFound } from "../web/errors.ts";
import type { FileMeta, FilePurpose, FileStore } from "./store.ts";

/**
 * Checks that the actor may upload a file for `purpose` to a class: attachments are the
 * class's teachers' and the school admins', submission files its students'. 404 for a class
 * the actor cannot see, 403 for the wrong role, 409 for an archived class.
 */
export async function requireUploadAccess(
  kv: Deno.Kv,
  actor: Actor,
  classId: string,
  purpose: FilePurpose,
): Promise<void> {
  const { cls, role } = await classAccess(kv, actor, classId);
  if (purpose === "attachment" && role === "student") {
    throw forbidden("Only this class's teachers and school admins can attach files.");
  }
  if (purpose === "submission" && role !== "student") {
    throw forbidden("Only students of this class can upload files for submissions.");
  }
  if (cls.archived) throw new AppError("conflict", "This class is archived.");
}

/**
 * The file's metadata if the actor may read it, else 404: a class attachment is readable by
 * every member of the class (and the school's admins); a submission file by its owner, the
 * class's teachers and the school's admins. Another school's file is always 404.
 */
export async function readableFile(
  kv: Deno.Kv,
  store: FileStore,
  actor: Actor,
  fileId: string,
): Promise<FileMeta> {
  const meta = await store.get(fileId);
  const { user } = actor;
  if (!meta || meta.orgId !== user.orgId) throw notFound("File not found");
  if (meta.purpose === "attachment") {
    await classAccess(kv, actor, meta.classId).catch(() => {
      throw notFound("File not found");
    });
    return meta;
  }
  if (meta.ownerId === user.id || user.role === "admin") return meta;
  if (await getMemberRole(kv, meta.classId, user.id) === "teacher") return meta;
  throw notFound("File not found");
}

/** RFC 5987 `ext-value` encoding (percent-encodes everything but attr-char). */
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * A `Content-Disposition` that always downloads (never renders inline, so an HTML or SVG
 * upload cannot run in the app's origin), with an ASCII fallback name and the real name in
 * `filename*`.
 *
 * @example
 * contentDisposition("과제 1.pdf")
 * // attachment; filename="_ 1.pdf"; filename*=UTF-8''%EA%B3%BC%EC%A0%9C%201.pdf
 */
export function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]+/g, "_").replace(/["\\%]/g, "_") || "file";
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeRfc5987(name)}`;
}

/** The headers a stored file is downloaded with. */
export function downloadHeaders(meta: FileMeta): Record<string, string> {
  return {
    "content-type": meta.type === "text/plain" ? "text/plain; charset=utf-8" : meta.type,
    "content-length": String(meta.size),
    "content-disposition": contentDisposition(meta.name),
    "x-content-type-options": "nosniff",
    "cache-control": "private, no-store",
  };
}
