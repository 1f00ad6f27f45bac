/**
 * Comments on announcements: every member of the class writes them (plain text, at most
 * 1,000 characters) while the post's comments are on; their author and the class's teachers
 * (and school admins) delete them. Each post's count is two `.sum()` counters (written,
 * deleted), so showing "N comments" never lists the comments.
 * @module
 */
import { z } from "zod";
import { TEACHERS } from "../auth/access.ts";
import { requireActiveClass } from "../classes/classes.ts";
import { commit, listPage, newId } from "../db/kv.ts";
import type { Actor } from "../web/define.ts";
import { AppError, forbidden, notFound, validateInput } from "../web/errors.ts";
import { type Comment, commentCountKeys, CommentSchema, MAX_COMMENT_LENGTH } from "./model.ts";
import { displayNames, postAccess, type Viewer } from "./posts.ts";

/** What a member sends to comment. */
export const CommentInputSchema = z.strictObject({
  text: z.string().trim().min(1, "Write a comment first.").max(
    MAX_COMMENT_LENGTH,
    `A comment can be at most ${MAX_COMMENT_LENGTH} characters.`,
  ),
});
export type CommentInput = z.input<typeof CommentInputSchema>;

/** Path parameters of `/posts/{postId}/comments/{commentId}`. */
export const CommentParamsSchema = z.object({
  postId: z.string().min(1).max(40),
  commentId: z.string().min(1).max(40),
});

/** A comment as one member sees it. */
export const CommentViewSchema = CommentSchema.omit({ orgId: true, classId: true }).extend({
  authorName: z.string().nullable(),
  /** The asker may delete it (its author, the class's teachers, school admins). */
  canDelete: z.boolean(),
});
export type CommentView = z.infer<typeof CommentViewSchema>;

export const CommentPageSchema = z.object({
  items: z.array(CommentViewSchema),
  cursor: z.string().optional(),
  /** The post's comments are off: no new ones. */
  commentsOff: z.boolean(),
});
export type CommentPage = z.infer<typeof CommentPageSchema>;

/** Comments per page. */
export const COMMENTS_PAGE_SIZE = 50;

function canDelete(c: Pick<Comment, "authorId">, viewer: Viewer): boolean {
  return !viewer.archived && (c.authorId === viewer.userId || TEACHERS.includes(viewer.role));
}

async function views(kv: Deno.Kv, comments: Comment[], viewer: Viewer): Promise<CommentView[]> {
  const names = await displayNames(kv, comments.map((c) => c.authorId));
  return comments.map(({ orgId: _o, classId: _c, ...rest }) => ({
    ...rest,
    authorName: names.get(rest.authorId) ?? null,
    canDelete: canDelete(rest, viewer),
  }));
}

/**
 * Adds a comment to an announcement (any member of its class). 409 when the post's comments
 * are off (checked in the same commit, so a switch flipped meanwhile wins) or the class is
 * archived; 404 for a post the actor cannot see.
 */
export async function addComment(
  kv: Deno.Kv,
  actor: Actor,
  postId: string,
  input: CommentInput,
  now = new Date(),
): Promise<CommentView> {
  const { text } = validateInput(CommentInputSchema, input);
  const { entry, post, viewer } = await postAccess(kv, actor, postId);
  await requireActiveClass(kv, post.classId);
  if (post.commentsOff) {
    throw new AppError("conflict", "Comments are turned off for this announcement.");
  }
  const comment: Comment = {
    id: newId(),
    postId,
    orgId: post.orgId,
    classId: post.classId,
    authorId: actor.user.id,
    text,
    createdAt: now.toISOString(),
  };
  await commit(
    kv.atomic().check(entry)
      .set(["post_comments", postId, comment.id], CommentSchema.parse(comment))
      .sum(commentCountKeys(postId).in, 1n),
    "The announcement changed meanwhile. Reload and try again.",
  );
  return (await views(kv, [comment], viewer))[0];
}

/**
 * Deletes a comment: its author, the class's teachers and school admins. 403 for other
 * members, 404 when there is no such comment on a post the actor can see, 409 in an archived
 * class.
 */
export async function deleteComment(
  kv: Deno.Kv,
  actor: Actor,
  postId: string,
  commentId: string,
): Promise<void> {
  const { post, viewer } = await postAccess(kv, actor, postId);
  const entry = await kv.get(["post_comments", postId, commentId]);
  if (!entry.versionstamp) throw notFound("Comment not found");
  const comment = CommentSchema.parse(entry.value);
  await requireActiveClass(kv, post.classId);
  if (!canDelete(comment, viewer)) {
    throw forbidden("Only the comment's author and the class's teachers can delete it.");
  }
  await commit(
    kv.atomic().check(entry).delete(entry.key).sum(commentCountKeys(postId).out, 1n),
    "The comment changed meanwhile. Reload and try again.",
  );
}

/** One page of a post's comments, oldest first. */
export async function listComments(
  kv: Deno.Kv,
  actor: Actor,
  postId: string,
  opts: { cursor?: string; limit?: number } = {},
): Promise<CommentPage> {
  const { post, viewer } = await postAccess(kv, actor, postId);
  const page = await listPage(kv, ["post_comments", postId], {
    cursor: opts.cursor,
    limit: opts.limit ?? COMMENTS_PAGE_SIZE,
  });
  const comments = page.items.map((e) => CommentSchema.parse(e.value));
  return {
    items: await views(kv, comments, viewer),
    cursor: page.cursor,
    commentsOff: post.commentsOff,
  };
}
