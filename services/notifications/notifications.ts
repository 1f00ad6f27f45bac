/**
 * In-app notifications, for every area (coursework, lectures): `["notifications", userId, id]`
 * (ULID ids, so a reverse scan is newest first) and an unread counter
 * `["notifications_unread", userId]` (KvU64, bumped with `.sum()`), which the header's badge
 * reads once per page.
 *
 * Channels: `Notifier` is the one interface a sender calls. The in-app list (`KvNotifier`) is
 * the only channel today; Web Push or email is another `Notifier` (handed to the sender, or
 * combined with the in-app one by `notifyVia`), so no caller changes when one arrives.
 * @module
 */
import { z } from "zod";
import { commit, getRecord, listPage, MAX_MUTATIONS, newId } from "../db/kv.ts";

export const NotificationKindSchema = z.enum([
  "reminder",
  "nudge",
  "grade_released",
  "assignment_published",
  "lecture_scheduled",
  "lecture_moved",
  "lecture_live",
  "announcement",
  "clockin",
]);
export type NotificationKind = z.infer<typeof NotificationKindSchema>;

export const NotificationSchema = z.object({
  id: z.string(),
  userId: z.string(),
  kind: NotificationKindSchema,
  /** English text, kept for API clients and kinds without `args`. */
  title: z.string().max(300),
  body: z.string().max(2_000),
  /** A path in the app, e.g. /classes/ID/assignments/ID */
  link: z.string().max(300),
  /**
   * What a page needs to say it in the reader's language (e.g. `{ cls, title, startsAt }` for
   * lecture kinds); absent on older kinds, which show `title` and `body`.
   */
  args: z.record(z.string(), z.string().max(300)).optional(),
  createdAt: z.string(),
  readAt: z.string().optional(),
});
export type Notification = z.infer<typeof NotificationSchema>;

/** What a notification says; the id, user and time are filled in. */
export type NotificationInput = Pick<Notification, "kind" | "title" | "body" | "link" | "args">;

/** Something that tells people things. The in-app one (`KvNotifier`) is the one used now. */
export interface Notifier {
  /** Notifies every user in `userIds`; resolves to how many were notified. */
  notify(userIds: readonly string[], n: NotificationInput): Promise<number>;
}

/** Notifiers backed by the app's own notification list. */
export class KvNotifier implements Notifier {
  constructor(private readonly kv: Deno.Kv) {}
  notify(userIds: readonly string[], n: NotificationInput): Promise<number> {
    return notify(this.kv, userIds, n);
  }
}

/**
 * One notifier that tells people through every channel given, in order (the in-app list first,
 * so a push that fails never loses the notification); resolves to the first channel's count.
 */
export function notifyVia(first: Notifier, ...more: Notifier[]): Notifier {
  return {
    async notify(userIds, n) {
      const count = await first.notify(userIds, n);
      for (const channel of more) await channel.notify(userIds, n);
      return count;
    },
  };
}

/** Mutations `notifyOps` adds per user. */
export const NOTIFY_MUTATIONS = 2;

/**
 * Adds the writes that give `userId` notification `n` to `op` (the record and the unread
 * count), so callers can commit it with their own checks.
 */
export function notifyOps(
  op: Deno.AtomicOperation,
  userId: string,
  n: NotificationInput,
  now = new Date(),
): Deno.AtomicOperation {
  const record: Notification = NotificationSchema.parse({
    ...n,
    title: n.title.slice(0, 300),
    body: n.body.slice(0, 2_000),
    id: newId(),
    userId,
    createdAt: now.toISOString(),
  });
  return op
    .set(["notifications", userId, record.id], record)
    .sum(["notifications_unread", userId], 1n);
}

/** Notifies users in batched atomics (each batch all-or-nothing); returns how many. */
export async function notify(
  kv: Deno.Kv,
  userIds: readonly string[],
  n: NotificationInput,
): Promise<number> {
  const unique = [...new Set(userIds)];
  const per = Math.floor(MAX_MUTATIONS / NOTIFY_MUTATIONS / 2); // well below the limit
  const now = new Date();
  for (let i = 0; i < unique.length; i += per) {
    const op = kv.atomic();
    for (const id of unique.slice(i, i + per)) notifyOps(op, id, n, now);
    await commit(op);
  }
  return unique.length;
}

/**
 * Opens one of a user's notifications: marks it read and returns it (null when the user has
 * no such notification), so the caller can go where it links.
 */
export async function openNotification(
  kv: Deno.Kv,
  userId: string,
  id: string,
): Promise<Notification | null> {
  const n = await getRecord(kv, NotificationSchema, ["notifications", userId, id]);
  if (n && !n.readAt) await markRead(kv, userId, [id]);
  return n;
}

/** A user's unread count. */
export async function unreadCount(kv: Deno.Kv, userId: string): Promise<number> {
  const v = (await kv.get<Deno.KvU64>(["notifications_unread", userId])).value;
  return v ? Number(v.value) : 0;
}

export const NotificationPageSchema = z.object({
  items: z.array(NotificationSchema),
  cursor: z.string().optional(),
  unread: z.number().int().nonnegative(),
});
export type NotificationPage = z.infer<typeof NotificationPageSchema>;

/** One page of a user's notifications, newest first, with the unread count. */
export async function listNotifications(
  kv: Deno.Kv,
  userId: string,
  opts: { cursor?: string; limit?: number } = {},
): Promise<NotificationPage> {
  const page = await listPage<Notification>(kv, ["notifications", userId], {
    ...opts,
    reverse: true,
  });
  return {
    items: page.items.map((e) => NotificationSchema.parse(e.value)),
    cursor: page.cursor,
    unread: await unreadCount(kv, userId),
  };
}

/**
 * Marks notifications read (unknown or already read ids are skipped) and lowers the unread
 * count by as many; `"all"` marks every unread one. Returns the unread count after.
 */
export async function markRead(
  kv: Deno.Kv,
  userId: string,
  ids: readonly string[] | "all",
): Promise<number> {
  let keys: Deno.KvKey[];
  if (ids === "all") {
    keys = [];
    for await (const e of kv.list<Notification>({ prefix: ["notifications", userId] })) {
      if (!e.value.readAt) keys.push(e.key);
    }
  } else {
    keys = [...new Set(ids)].map((id) => ["notifications", userId, id]);
  }
  // KV allows 100 checks per atomic; each chunk moves the counter by its own count.
  for (let i = 0; i < keys.length; i += 90) await markChunkRead(kv, userId, keys.slice(i, i + 90));
  return await unreadCount(kv, userId);
}

/** Read-check-write of up to 90 notifications and the counter, retried on a conflict. */
async function markChunkRead(kv: Deno.Kv, userId: string, keys: Deno.KvKey[]): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const entries: Deno.KvEntry<Notification>[] = [];
    for (let i = 0; i < keys.length; i += 10) {
      for (const e of await kv.getMany<Notification[]>(keys.slice(i, i + 10))) {
        if (e.versionstamp !== null && !e.value.readAt) {
          entries.push(e as Deno.KvEntry<Notification>);
        }
      }
    }
    if (entries.length === 0) return;
    const counter = await kv.get<Deno.KvU64>(["notifications_unread", userId]);
    const before = counter.value ? counter.value.value : 0n;
    const after = before > BigInt(entries.length) ? before - BigInt(entries.length) : 0n;
    const readAt = new Date().toISOString();
    const op = kv.atomic().check(counter).set(counter.key, new Deno.KvU64(after));
    for (const e of entries) op.check(e).set(e.key, { ...e.value, readAt });
    if ((await op.commit()).ok) return;
  }
  throw new Error("markRead: too many concurrent changes");
}
