/**
 * Private calendar feed links: a person's own (every class they are in) or one class's. The
 * link carries a long random token; KV keeps only its SHA-256 (like sessions), so the URL is
 * shown once, when it is made. Making a new one replaces the old (which stops working), and
 * it can be stopped outright.
 *
 * Keys: `["calendar_feeds", sha256(token)]` CalendarFeed;
 * `["calendar_feeds_by_user", userId, scope]` -> sha256 (scope "person" or "class:<id>").
 * @module
 */
import { z } from "zod";
import { randomToken, tokenId } from "../auth/sessions.ts";
import { commit, getRecord, getRecords } from "../db/kv.ts";
import { type Locale, LOCALES } from "../i18n/i18n.ts";

export const CalendarFeedSchema = z.object({
  /** SHA-256 of the token, hex. */
  id: z.string(),
  userId: z.string(),
  orgId: z.string(),
  /** Absent: the person's own feed of all their classes. */
  classId: z.string().optional(),
  /** The language the feed's words are in (its maker's at the time). */
  locale: z.enum(LOCALES),
  createdAt: z.string(),
});
export type CalendarFeed = z.infer<typeof CalendarFeedSchema>;

/** What a token in a feed URL looks like (randomToken(): 32 bytes, base64url). */
export const FeedTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

const scopeOf = (classId?: string) => classId ? `class:${classId}` : "person";
const ownerKey = (
  userId: string,
  classId?: string,
) => ["calendar_feeds_by_user", userId, scopeOf(classId)];

/** The URL of a feed, from the public URL and the token. */
export function feedUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/calendar/${token}.ics`;
}

/**
 * Makes a feed link for `user` (one class's when `classId` is given), replacing the one
 * they had for the same scope. Returns the token, which only this answer ever holds.
 */
export async function createFeed(
  kv: Deno.Kv,
  user: { id: string; orgId: string },
  opts: { classId?: string; locale: Locale; now?: Date },
): Promise<{ token: string; feed: CalendarFeed }> {
  const token = randomToken();
  const feed: CalendarFeed = {
    id: tokenId(token),
    userId: user.id,
    orgId: user.orgId,
    ...(opts.classId ? { classId: opts.classId } : {}),
    locale: opts.locale,
    createdAt: (opts.now ?? new Date()).toISOString(),
  };
  const owner = await kv.get<string>(ownerKey(user.id, opts.classId));
  const op = kv.atomic()
    .check(owner)
    .check({ key: ["calendar_feeds", feed.id], versionstamp: null })
    .set(["calendar_feeds", feed.id], feed)
    .set(owner.key, feed.id);
  if (owner.value) op.delete(["calendar_feeds", owner.value]);
  await commit(op, "The calendar link was changed at the same time. Reload and try again.");
  return { token, feed };
}

/** The feed `user` has for the scope, or null. */
export async function getFeedOf(
  kv: Deno.Kv,
  userId: string,
  classId?: string,
): Promise<CalendarFeed | null> {
  const id = (await kv.get<string>(ownerKey(userId, classId))).value;
  return id ? await getRecord(kv, CalendarFeedSchema, ["calendar_feeds", id]) : null;
}

/** Every feed link `userId` has (their own and their classes'), without tokens. */
export async function listFeedsOf(kv: Deno.Kv, userId: string): Promise<CalendarFeed[]> {
  const keys: Deno.KvKey[] = [];
  for await (const e of kv.list<string>({ prefix: ["calendar_feeds_by_user", userId] })) {
    keys.push(["calendar_feeds", e.value]);
  }
  return (await getRecords(kv, CalendarFeedSchema, keys)).filter((f) => f !== null);
}

/** Stops `user`'s feed for the scope (nothing to stop is fine). */
export async function revokeFeed(kv: Deno.Kv, userId: string, classId?: string): Promise<void> {
  const owner = await kv.get<string>(ownerKey(userId, classId));
  if (!owner.value) return;
  await commit(
    kv.atomic().check(owner).delete(owner.key).delete(["calendar_feeds", owner.value]),
    "The calendar link was changed at the same time. Reload and try again.",
  );
}

/** The feed a token opens, or null (a malformed, replaced or stopped token). */
export async function findFeed(kv: Deno.Kv, token: string): Promise<CalendarFeed | null> {
  if (!FeedTokenSchema.safeParse(token).success) return null;
  return await getRecord(kv, CalendarFeedSchema, ["calendar_feeds", tokenId(token)]);
}
