/**
 * Who may upload, read and delete stored files, and the headers a download is sent with.
 *
 * A file follows what holds it (`FileMeta.holder`): one rule per holder kind, in `RULES`,
 * decides what an asker may do. Anything the asker may not read is "not found" (404), so a
 * file's existence does not leak.
 *
 * | holder | read | delete |
 * |---|---|---|
 * | unattached (just uploaded, or removed from its assignment) | its uploader | its uploader |
 * | assignment, draft | the class's teachers, school admins | the same |
 * | assignment, published or closed | every member of the class, school admins | teachers, admins |
 * | submission | the student who submitted it, the class's teachers, school admins | nobody: submitted work is kept as a record (409) |
 * | recording (a lecture's) | every member of the class, school admins | through the lecture's recordings only (services/recordings/) |
 * | announcement (a class stream post's) | every member of the class, school admins | the post's author and school admins (it is taken off the post) |
 *
 * School admins do not see unattached files: an upload is private until it is part of
 * something (an admin sees it as soon as it is, draft material and submissions included).
 * @module
 */
import { classAccess, type ClassRole, TEACHERS } from "../auth/access.ts";
import type { Class } from "../classes/classes.ts";
import { detachAttachmentOps } from "../coursework/assignments.ts";
import { AssignmentSchema, SubmissionSchema } from "../coursework/model.ts";
import { commit, getRecord } from "../db/kv.ts";
import { PostSchema } from "../stream/model.ts";
import { canManagePost, detachPostFileOps } from "../stream/posts.ts";
import type { Actor } from "../web/define.ts";
import { AppError, forbidden, notFound } from "../web/errors.ts";
import { isInertType, TEXT } from "./sniff.ts";
import {
  type FileHolder,
  type FileMeta,
  type FilePurpose,
  type FileStore,
  getFileEntries,
} from "./store.ts";

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
  if (purpose === "recording") {
    throw forbidden("Recordings are made by the app when a recorded lecture is live.");
  }
  if (purpose === "attachment" && role === "student") {
    throw forbidden("Only this class's teachers and school admins can attach files.");
  }
  if (purpose === "submission" && role !== "student") {
    throw forbidden("Only students of this class can upload files for submissions.");
  }
  if (cls.archived) throw new AppError("conflict", "This class is archived.");
}

/** What one asker may do with one file: read it, and delete it (or why not). */
export interface FilePermissions {
  read: boolean;
  /** true, or the error that refusing to delete answers with. */
  delete: true | AppError;
}

const NOTHING: FilePermissions = { read: false, delete: notFound("File not found") };

/** What a holder kind allows, and what deleting a file so held changes in its holder. */
interface HolderRule<H extends FileHolder> {
  access(kv: Deno.Kv, actor: Actor, meta: FileMeta, holder: H): Promise<FilePermissions>;
  /** Adds to `op` the holder's change when the file is deleted (it lets go of the file). */
  release?(kv: Deno.Kv, op: Deno.AtomicOperation, meta: FileMeta, holder: H): Promise<void>;
}

type Rules = { [K in FileHolder["kind"]]: HolderRule<Extract<FileHolder, { kind: K }>> };

/** The asker's class and role there, or null when they cannot see the class. */
async function roleIn(
  kv: Deno.Kv,
  actor: Actor,
  classId: string,
): Promise<{ cls: Class; role: ClassRole } | null> {
  try {
    return await classAccess(kv, actor, classId);
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") return null;
    throw err;
  }
}

const archived = () =>
  new AppError("conflict", "This class is archived; its files cannot be deleted.");

/** Who may do what with a file, by what holds it (see the table in the module doc). */
const RULES: Rules = {
  unattached: {
    access(_kv, actor, meta) {
      const own = meta.ownerId === actor.user.id;
      return Promise.resolve(own ? { read: true, delete: true } : NOTHING);
    },
  },
  assignment: {
    async access(kv, actor, meta, holder) {
      const a = await getRecord(kv, AssignmentSchema, ["assignments", holder.id]);
      if (!a || a.orgId !== actor.user.orgId || a.classId !== meta.classId) return NOTHING;
      const access = await roleIn(kv, actor, a.classId);
      if (!access) return NOTHING;
      if (TEACHERS.includes(access.role)) {
        return { read: true, delete: access.cls.archived ? archived() : true };
      }
      if (a.status === "draft") return NOTHING;
      return {
        read: true,
        delete: forbidden("Only this class's teachers and school admins can delete its files."),
      };
    },
    async release(kv, op, meta, holder) {
      await detachAttachmentOps(kv, op, holder.id, meta.id);
    },
  },
  submission: {
    async access(kv, actor, meta) {
      const kept = new AppError(
        "conflict",
        `“${meta.name}” is part of submitted work, which is kept as a record; it cannot be ` +
          "deleted. Submit a new version without it instead.",
      );
      if (meta.ownerId === actor.user.id) return { read: true, delete: kept };
      const access = await roleIn(kv, actor, meta.classId);
      if (!access || !TEACHERS.includes(access.role)) return NOTHING;
      return { read: true, delete: kept };
    },
  },
  recording: {
    async access(kv, actor, meta) {
      const access = await roleIn(kv, actor, meta.classId);
      if (!access) return NOTHING;
      return {
        read: true,
        delete: TEACHERS.includes(access.role)
          ? new AppError(
            "conflict",
            "This is a lecture's recording: delete it from the lecture's page (its recordings).",
          )
          : forbidden("Only this class's teachers and school admins can delete recordings."),
      };
    },
  },
  announcement: {
    async access(kv, actor, meta, holder) {
      const post = await getRecord(kv, PostSchema, ["posts", holder.id]);
      if (!post || post.orgId !== actor.user.orgId || post.classId !== meta.classId) {
        return NOTHING;
      }
      const access = await roleIn(kv, actor, post.classId);
      if (!access) return NOTHING;
      const viewer = { userId: actor.user.id, role: access.role, archived: access.cls.archived };
      if (!canManagePost(post, viewer)) {
        return {
          read: true,
          delete: forbidden(
            "Only the teacher who posted this announcement and school admins can delete its files.",
          ),
        };
      }
      return { read: true, delete: access.cls.archived ? archived() : true };
    },
    async release(kv, op, meta, holder) {
      await detachPostFileOps(kv, op, holder.id, meta.id);
    },
  },
};

/**
 * A file's holder. Files stored before holders existed have none recorded: theirs is found
 * from the class's assignments (the one that lists it, or the uploader's submission that
 * does), else they are unattached.
 */
export async function holderOf(kv: Deno.Kv, meta: FileMeta): Promise<FileHolder> {
  if (meta.holder) return meta.holder;
  const ids: string[] = [];
  for await (const e of kv.list<string>({ prefix: ["assignments_by_class", meta.classId] })) {
    ids.push(e.value);
  }
  for (const id of ids) {
    if (meta.purpose === "attachment") {
      const a = await getRecord(kv, AssignmentSchema, ["assignments", id]);
      if (a?.attachments.some((f) => f.id === meta.id)) return { kind: "assignment", id };
      continue;
    }
    for await (const e of kv.list({ prefix: ["submissions", id, meta.ownerId] })) {
      const s = SubmissionSchema.safeParse(e.value);
      if (s.success && s.data.files.some((f) => f.id === meta.id)) {
        return { kind: "submission", id };
      }
    }
  }
  return { kind: "unattached" };
}

/**
 * What the actor may do with a stored file, decided by the rule of its holder's kind.
 * Another school's file allows nothing.
 */
export async function filePermissions(
  kv: Deno.Kv,
  actor: Actor,
  meta: FileMeta,
): Promise<FilePermissions> {
  return (await decide(kv, actor, meta)).allowed;
}

/** The file's holder, its rule, and what that rule allows the actor. */
async function decide(kv: Deno.Kv, actor: Actor, meta: FileMeta) {
  const holder = meta.orgId === actor.user.orgId ? await holderOf(kv, meta) : null;
  const rule = holder && (RULES[holder.kind] as HolderRule<FileHolder>);
  const allowed = holder && rule ? await rule.access(kv, actor, meta, holder) : NOTHING;
  return { holder, rule, allowed };
}

/** The file's metadata if the actor may read it (see the module doc), else 404. */
export async function readableFile(
  kv: Deno.Kv,
  store: FileStore,
  actor: Actor,
  fileId: string,
): Promise<FileMeta> {
  const meta = await store.get(fileId);
  if (!meta || !(await filePermissions(kv, actor, meta)).read) throw notFound("File not found");
  return meta;
}

/**
 * Deletes a file the actor may delete: its uploader while nothing holds it; an assignment's
 * teachers and the school's admins when it is an assignment's material (it is taken off the
 * assignment in the same commit). 404 when the actor cannot see it, 403 when they may only
 * read it, 409 for submitted work (kept as a record) and in an archived class.
 */
export async function deleteFile(
  kv: Deno.Kv,
  store: FileStore,
  actor: Actor,
  fileId: string,
): Promise<void> {
  const [found] = await getFileEntries(kv, [fileId]);
  if (!found) throw notFound("File not found");
  const { entry, meta } = found;
  const { holder, rule, allowed } = await decide(kv, actor, meta);
  if (!allowed.read || !holder || !rule) throw notFound("File not found");
  if (allowed.delete !== true) throw allowed.delete;
  const op = kv.atomic().check(entry).delete(entry.key);
  await rule.release?.(kv, op, meta, holder);
  await commit(op, "The file changed meanwhile. Reload the page and try again.");
  await store.delete(fileId); // the metadata is gone already; this deletes the bytes
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

/**
 * The Content-Type a stored file is sent with: its sniffed type when that is one of the
 * known, inert types (text as UTF-8 plain text), else `application/octet-stream`.
 */
export function downloadType(type: string): string {
  if (type === TEXT) return "text/plain; charset=utf-8";
  return isInertType(type) ? type : "application/octet-stream";
}

/** The headers a stored file is downloaded with. */
export function downloadHeaders(meta: FileMeta): Record<string, string> {
  return {
    "content-type": downloadType(meta.type),
    "content-length": String(meta.size),
    "content-disposition": contentDisposition(meta.name),
    "x-content-type-options": "nosniff",
    "cache-control": "private, no-store",
  };
}
