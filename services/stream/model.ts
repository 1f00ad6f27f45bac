/**
 * The class stream's records: teachers' announcements (posts) and class members' comments on
 * them. The zod schemas here are the one definition of each record; services/stream/ is their
 * only writer.
 *
 * Keys:
 * - `["posts", id]` Post; `["posts_by_class", classId, id]` -> id (ULID ids: a reverse list is
 *   newest first, and a cursor pages it without reading older posts)
 * - `["post_comments", postId, commentId]` Comment (oldest first)
 * - `["post_comment_counts", postId, "in"|"out"]` KvU64 counters that only grow (`.sum()`):
 *   comments written and comments deleted; the count shown is in - out
 * - `["stream_settings", classId]` StreamSettings (the class default for new posts)
 * @module
 */
import { z } from "zod";
import { FileRefSchema } from "../coursework/model.ts";

/** Longest announcement, in characters of Markdown. */
export const MAX_POST_LENGTH = 20_000;
/** Longest comment, in characters. */
export const MAX_COMMENT_LENGTH = 1_000;
/** Most files on one announcement. */
export const MAX_POST_ATTACHMENTS = 10;

export const PostSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  classId: z.string(),
  /** The teacher or admin who wrote it. */
  authorId: z.string(),
  /** Markdown; stored as written, rendered with raw HTML escaped. */
  body: z.string().max(MAX_POST_LENGTH),
  attachments: z.array(FileRefSchema).max(MAX_POST_ATTACHMENTS),
  /** No new comments when true. */
  commentsOff: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** When its text or files last changed (absent: never edited). */
  editedAt: z.string().optional(),
});
export type Post = z.infer<typeof PostSchema>;

export const CommentSchema = z.object({
  id: z.string(),
  postId: z.string(),
  orgId: z.string(),
  classId: z.string(),
  authorId: z.string(),
  /** Plain text, shown as text (never as Markdown or HTML). */
  text: z.string().min(1).max(MAX_COMMENT_LENGTH),
  createdAt: z.string(),
});
export type Comment = z.infer<typeof CommentSchema>;

/** A class's stream settings. */
export const StreamSettingsSchema = z.object({
  /** New announcements start with comments off. */
  commentsOff: z.boolean(),
});
export type StreamSettings = z.infer<typeof StreamSettingsSchema>;

/** The comment counters of a post. */
export function commentCountKeys(postId: string): { in: Deno.KvKey; out: Deno.KvKey } {
  return {
    in: ["post_comment_counts", postId, "in"],
    out: ["post_comment_counts", postId, "out"],
  };
}
