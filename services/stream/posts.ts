/**
 * Announcements on a class's stream: the class's teachers and the school's admins post them
 * (Markdown, attachments), every member reads them newest first, a page at a time (a cursor
 * over `["posts_by_class", classId, id]`: a year of posts costs one page's reads), and the
 * class's students are told of each new one in their notifications. The author and school
 * admins edit and delete them; a deleted announcement lets go of its files (they are private
 * to their uploader again, as after being taken off an assignment).
 *
 * Keys: see model.ts.
 * @module
 */
import { z } from "zod";
import { classAccess, type ClassRole } from "../auth/access.ts";
import { type Class, requireActiveClass } from "../classes/classes.ts";
import { listMemberIds } from "../classes/members.ts";
import { renderMarkdown } from "../coursework/markdown.ts";
import { FileRefSchema } from "../coursework/model.ts";
import { commit, getRecord, getRecords, listPage, MAX_MUTATIONS, newId } from "../db/kv.ts";
import { attachableFiles, getFileEntries, setHolderOps, toFileRef } from "../files/store.ts";
import { notify } from "../notifications/notifications.ts";
import { getUsers } from "../orgs/users.ts";
import type { Actor } from "../web/define.ts";
import { AppError, forbidden, notFound, validateInput } from "../web/errors.ts";
import {
  commentCountKeys,
  MAX_POST_ATTACHMENTS,
  MAX_POST_LENGTH,
  type Post,
  PostSchema,
  type StreamSettings,
  StreamSettingsSchema,
} from "./model.ts";

// ---------------------------------------------------------------------------------------------
// Input

/** Path parameters of `/posts/{postId}/...`. */
export const PostParamsSchema = z.object({ postId: z.string().min(1).max(40) });

const fields = {
  body: z.string().trim().min(1, "Write the announcement first.").max(MAX_POST_LENGTH),
  /** Ids of files uploaded for this class with purpose "attachment". */
  attachmentIds: z.array(z.string().min(1).max(40)).max(MAX_POST_ATTACHMENTS),
  commentsOff: z.boolean(),
};

/** What a teacher sends to post an announcement (comments: the class default when absent). */
export const PostInputSchema = z.strictObject({
  ...fields,
  attachmentIds: fields.attachmentIds.default([]),
  commentsOff: fields.commentsOff.optional(),
});
export type PostInput = z.input<typeof PostInputSchema>;

/** What an edit may change; absent fields stay as they are. */
export const PostPatchSchema = z.strictObject(fields).partial();
export type PostPatch = z.input<typeof PostPatchSchema>;

/** Paging of a stream or a post's comments. */
export const StreamQuerySchema = z.object({
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(50).optional(),
});

/** Announcements per page. */
export const POSTS_PAGE_SIZE = 10;

// ---------------------------------------------------------------------------------------------
// Views

/** An announcement as one member sees it. */
export const PostViewSchema = PostSchema.omit({ orgId: true }).extend({
  /** The author's display name (null when the account is gone). */
  authorName: z.string().nullable(),
  /** The body as safe HTML. */
  bodyHtml: z.string(),
  attachments: z.array(FileRefSchema),
  commentCount: z.number().int().nonnegative(),
  /** The asker may edit and delete it (its author, school admins). */
  canEdit: z.boolean(),
  /** The asker may write a comment now. */
  canComment: z.boolean(),
});
export type PostView = z.infer<typeof PostViewSchema>;

export const PostPageSchema = z.object({
  items: z.array(PostViewSchema),
  /** Give it back as `cursor` for the next (older) page; absent on the last. */
  cursor: z.string().optional(),
});
export type PostPage = z.infer<typeof PostPageSchema>;

/** Who is looking: their id and role in the class (and whether it is archived). */
export interface Viewer {
  userId: string;
  role: ClassRole;
  archived: boolean;
}

/** The author and school admins manage an announcement (other teachers read it). */
export function canManagePost(post: Pick<Post, "authorId">, viewer: Viewer): boolean {
  return viewer.role === "admin" || (viewer.role === "teacher" && post.authorId === viewer.userId);
}

/** Comment counts of posts (in - out, one getMany per five posts). */
export async function countComments(kv: Deno.Kv, postIds: string[]): Promise<number[]> {
  const keys = postIds.flatMap((id) => {
    const k = commentCountKeys(id);
    return [k.in, k.out];
  });
  const values: bigint[] = [];
  for (let i = 0; i < keys.length; i += 10) {
    for (const e of await kv.getMany<Deno.KvU64[]>(keys.slice(i, i + 10))) {
      values.push(e.value?.value ?? 0n);
    }
  }
  return postIds.map((_, i) => Number(values[2 * i] - values[2 * i + 1]));
}

/** The display names of users (null for accounts that are gone). */
export async function displayNames(kv: Deno.Kv, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  const users = await getUsers(kv, unique);
  return new Map(users.filter((u) => u !== null).map((u) => [u.id, u.name]));
}

/** Posts as `viewer` sees them: rendered body, comment count, what they may do. */
export async function postViews(kv: Deno.Kv, posts: Post[], viewer: Viewer): Promise<PostView[]> {
  const [counts, names] = await Promise.all([
    countComments(kv, posts.map((p) => p.id)),
    displayNames(kv, posts.map((p) => p.authorId)),
  ]);
  return posts.map((p, i) => {
    const { orgId: _, ...rest } = p;
    return {
      ...rest,
      authorName: names.get(p.authorId) ?? null,
      bodyHtml: renderMarkdown(p.body),
      commentCount: counts[i],
      canEdit: canManagePost(p, viewer) && !viewer.archived,
      canComment: !p.commentsOff && !viewer.archived,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Settings

/** A class's stream settings (comments on by default). */
export async function getStreamSettings(kv: Deno.Kv, classId: string): Promise<StreamSettings> {
  return (await getRecord(kv, StreamSettingsSchema, ["stream_settings", classId])) ??
    { commentsOff: false };
}

/** Sets a class's stream settings (for announcements posted from now on). */
export async function setStreamSettings(
  kv: Deno.Kv,
  cls: Class,
  input: StreamSettings,
): Promise<StreamSettings> {
  const settings = validateInput(StreamSettingsSchema.strict(), input);
  await requireActiveClass(kv, cls.id);
  await kv.set(["stream_settings", cls.id], settings);
  return settings;
}

// ---------------------------------------------------------------------------------------------
// Records

/**
 * Loads a post for the actor with their standing in its class: 404 for another school's post
 * or a class the actor is not in.
 */
export async function postAccess(
  kv: Deno.Kv,
  actor: Actor,
  postId: string,
): Promise<{ entry: Deno.KvEntry<unknown>; post: Post; cls: Class; viewer: Viewer }> {
  const entry = await kv.get(["posts", postId]);
  const post = entry.versionstamp ? PostSchema.parse(entry.value) : null;
  if (!post || post.orgId !== actor.user.orgId) throw notFound("Announcement not found");
  let access;
  try {
    access = await classAccess(kv, actor, post.classId);
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") {
      throw notFound("Announcement not found");
    }
    throw err;
  }
  const viewer = { userId: actor.user.id, role: access.role, archived: access.cls.archived };
  return { entry: entry as Deno.KvEntry<unknown>, post, cls: access.cls, viewer };
}

/** 403 unless the viewer may edit and delete the post. */
function requireManager(post: Post, viewer: Viewer): void {
  if (!canManagePost(post, viewer)) {
    throw forbidden(
      "Only the teacher who posted this announcement and school admins can change it.",
    );
  }
}

/** The first words of an announcement, for a notification. */
function excerpt(body: string, max = 140): string {
  const flat = body.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Posts an announcement to a class (its teachers and school admins; the caller checks the
 * role) and tells every student of the class. Comments are on unless `commentsOff` or the
 * class default says otherwise. The files move to the post in the same commit. 409 for an
 * archived class.
 */
export async function createPost(
  kv: Deno.Kv,
  cls: Class,
  authorId: string,
  input: PostInput,
  now = new Date(),
): Promise<Post> {
  const data = validateInput(PostInputSchema, input);
  if (cls.archived) throw new AppError("conflict", "This class is archived.");
  const id = newId();
  const files = await attachableFiles(
    kv,
    cls.id,
    { kind: "announcement", id },
    data.attachmentIds,
  );
  const commentsOff = data.commentsOff ?? (await getStreamSettings(kv, cls.id)).commentsOff;
  const at = now.toISOString();
  const post: Post = PostSchema.parse({
    id,
    orgId: cls.orgId,
    classId: cls.id,
    authorId,
    body: data.body,
    attachments: files.map((f) => toFileRef(f.meta)),
    commentsOff,
    createdAt: at,
    updatedAt: at,
  });
  const op = kv.atomic()
    .check({ key: ["posts", id], versionstamp: null })
    .set(["posts", id], post)
    .set(["posts_by_class", cls.id, id], id);
  for (const f of files) setHolderOps(op, f, { kind: "announcement", id });
  await commit(op, "An attachment changed meanwhile. Reload the page and try again.");
  const text = excerpt(post.body);
  await notify(kv, await listMemberIds(kv, cls.id, "student"), {
    kind: "announcement",
    title: `New announcement in ${cls.name}`,
    body: text,
    link: `/classes/${cls.id}#post-${id}`,
    args: { cls: cls.name.slice(0, 300), excerpt: text },
  });
  return post;
}

/**
 * Edits an announcement (its author and school admins): the text, the files (those taken
 * and those let go change holder in the post's own commit) or the comments switch. 403 for
 * other members, 409 in an archived class.
 */
export async function updatePost(
  kv: Deno.Kv,
  actor: Actor,
  postId: string,
  input: PostPatch,
  now = new Date(),
): Promise<{ post: Post; viewer: Viewer }> {
  const data = validateInput(PostPatchSchema, input);
  const { entry, post: prev, viewer } = await postAccess(kv, actor, postId);
  requireManager(prev, viewer);
  await requireActiveClass(kv, prev.classId);
  const at = now.toISOString();
  const next: Post = { ...prev, updatedAt: at };
  if (data.commentsOff !== undefined) next.commentsOff = data.commentsOff;
  if (data.body !== undefined && data.body !== prev.body) {
    next.body = data.body;
    next.editedAt = at;
  }
  const holder = { kind: "announcement", id: postId } as const;
  const taken = data.attachmentIds === undefined
    ? []
    : await attachableFiles(kv, prev.classId, holder, data.attachmentIds);
  if (data.attachmentIds !== undefined) {
    next.attachments = taken.map((f) => toFileRef(f.meta));
    if (next.attachments.map((f) => f.id).join() !== prev.attachments.map((f) => f.id).join()) {
      next.editedAt = at;
    }
  }
  const op = kv.atomic().check(entry).set(entry.key, PostSchema.parse(next));
  for (const f of taken) setHolderOps(op, f, holder);
  const kept = new Set(next.attachments.map((f) => f.id));
  await releaseFilesOps(
    kv,
    op,
    postId,
    prev.attachments.map((f) => f.id).filter((id) => !kept.has(id)),
  );
  await commit(op, "The announcement or an attachment changed meanwhile. Reload and try again.");
  return { post: next, viewer };
}

/**
 * Adds to `op` the taking off of file `fileId` from post `postId` (checked against the post as
 * read), for a file being deleted (services/files/access.ts).
 */
export async function detachPostFileOps(
  kv: Deno.Kv,
  op: Deno.AtomicOperation,
  postId: string,
  fileId: string,
): Promise<void> {
  const entry = await kv.get(["posts", postId]);
  const post = PostSchema.safeParse(entry.value);
  if (!post.success) return;
  const attachments = post.data.attachments.filter((f) => f.id !== fileId);
  op.check(entry).set(entry.key, { ...post.data, attachments } satisfies Post);
}

/** Adds to `op` the moves of the post's files `ids` back to unattached (still its own only). */
async function releaseFilesOps(
  kv: Deno.Kv,
  op: Deno.AtomicOperation,
  postId: string,
  ids: string[],
): Promise<void> {
  for (const f of await getFileEntries(kv, ids)) {
    const holder = f?.meta.holder;
    if (f && holder?.kind === "announcement" && holder.id === postId) {
      setHolderOps(op, f, { kind: "unattached" });
    }
  }
}

/**
 * Deletes an announcement (its author and school admins) with its comments. Its files are let
 * go in the same commit as the post (private to their uploader again). 409 in an archived
 * class.
 */
export async function deletePost(kv: Deno.Kv, actor: Actor, postId: string): Promise<void> {
  const { entry, post, viewer } = await postAccess(kv, actor, postId);
  requireManager(post, viewer);
  await requireActiveClass(kv, post.classId);
  const counts = commentCountKeys(postId);
  const op = kv.atomic().check(entry)
    .delete(entry.key)
    .delete(["posts_by_class", post.classId, postId])
    .delete(counts.in)
    .delete(counts.out);
  await releaseFilesOps(kv, op, postId, post.attachments.map((f) => f.id));
  await commit(op, "The announcement changed meanwhile. Reload and try again.");
  // The post is gone, so nobody reaches its comments any more: delete them in batches.
  for (;;) {
    const keys: Deno.KvKey[] = [];
    for await (
      const e of kv.list({ prefix: ["post_comments", postId] }, { limit: MAX_MUTATIONS })
    ) {
      keys.push(e.key);
    }
    if (!keys.length) break;
    const batch = kv.atomic();
    for (const key of keys) batch.delete(key);
    await commit(batch);
  }
}

/** Moves a post to its view after a change (for the API's answer). */
export async function postView(kv: Deno.Kv, post: Post, viewer: Viewer): Promise<PostView> {
  return (await postViews(kv, [post], viewer))[0];
}

/**
 * One page of a class's stream, newest first: a reverse cursor over the class's post index
 * (`limit` posts and their counters read, however long the stream is).
 */
export async function listPosts(
  kv: Deno.Kv,
  classId: string,
  viewer: Viewer,
  opts: { cursor?: string; limit?: number } = {},
): Promise<PostPage> {
  const page = await listPage<string>(kv, ["posts_by_class", classId], {
    cursor: opts.cursor,
    limit: opts.limit ?? POSTS_PAGE_SIZE,
    reverse: true,
  });
  const posts = (await getRecords(kv, PostSchema, page.items.map((e) => ["posts", e.value])))
    .filter((p): p is Post => p !== null);
  return { items: await postViews(kv, posts, viewer), cursor: page.cursor };
}
