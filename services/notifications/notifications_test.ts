import assert from "node:assert/strict";
import {
  KvNotifier,
  listNotifications,
  markRead,
  type NotificationInput,
  type Notifier,
  notify,
  notifyVia,
  openNotification,
  unreadCount,
} from "./notifications.ts";

const N = (title: string): NotificationInput => ({
  kind: "nudge",
  title,
  body: "Please turn it in.",
  link: "/classes/c/assignments/a",
});

Deno.test("[notifications] notify writes one per user (duplicates once) and counts unread", async () => {
  await using kv = await Deno.openKv(":memory:");
  assert.equal(await notify(kv, ["u1", "u2", "u1"], N("one")), 2);
  assert.equal(await unreadCount(kv, "u1"), 1);
  assert.equal(await unreadCount(kv, "u2"), 1);
  assert.equal(await unreadCount(kv, "u3"), 0);
  const page = await listNotifications(kv, "u1");
  assert.equal(page.items.length, 1);
  assert.equal(page.items[0].userId, "u1");
  assert.equal(page.items[0].title, "one");
  assert.equal(page.items[0].readAt, undefined);
  assert.equal(page.unread, 1);
});

Deno.test("[notifications] many users are written in several batches", async () => {
  await using kv = await Deno.openKv(":memory:");
  const ids = Array.from({ length: 700 }, (_, i) => `u${i}`);
  assert.equal(await new KvNotifier(kv).notify(ids, N("all")), 700);
  let n = 0;
  for await (const _ of kv.list({ prefix: ["notifications"] })) n++;
  assert.equal(n, 700);
  assert.equal(await unreadCount(kv, "u699"), 1);
});

Deno.test("[notifications] list is newest first and pages with a cursor", async () => {
  await using kv = await Deno.openKv(":memory:");
  for (let i = 1; i <= 5; i++) await notify(kv, ["u"], N(`n${i}`));
  const first = await listNotifications(kv, "u", { limit: 2 });
  assert.deepEqual(first.items.map((n) => n.title), ["n5", "n4"]);
  assert.ok(first.cursor);
  const second = await listNotifications(kv, "u", { limit: 2, cursor: first.cursor });
  assert.deepEqual(second.items.map((n) => n.title), ["n3", "n2"]);
  const third = await listNotifications(kv, "u", { limit: 2, cursor: second.cursor });
  assert.deepEqual(third.items.map((n) => n.title), ["n1"]);
  assert.equal(third.cursor, undefined);
  assert.equal(third.unread, 5);
});

Deno.test("[notifications] markRead lowers the count once per notification", async () => {
  await using kv = await Deno.openKv(":memory:");
  for (let i = 1; i <= 3; i++) await notify(kv, ["u"], N(`n${i}`));
  await notify(kv, ["other"], N("theirs"));
  const { items } = await listNotifications(kv, "u");
  const theirs = (await listNotifications(kv, "other")).items[0];
  // An unknown id, another user's id and a repeat are ignored.
  assert.equal(await markRead(kv, "u", [items[0].id, items[0].id, "nope", theirs.id]), 2);
  assert.equal(await markRead(kv, "u", [items[0].id]), 2);
  const after = await listNotifications(kv, "u");
  assert.ok(after.items[0].readAt);
  assert.equal(after.items[1].readAt, undefined);
  assert.equal(await unreadCount(kv, "other"), 1);
  assert.equal(await markRead(kv, "u", "all"), 0);
  assert.ok((await listNotifications(kv, "u")).items.every((n) => n.readAt));
});

Deno.test("[notifications] markRead of more than one check batch", async () => {
  await using kv = await Deno.openKv(":memory:");
  for (let i = 0; i < 150; i++) await notify(kv, ["u"], N(`n${i}`));
  assert.equal(await unreadCount(kv, "u"), 150);
  assert.equal(await markRead(kv, "u", "all"), 0);
  await notify(kv, ["u"], N("new"));
  assert.equal(await unreadCount(kv, "u"), 1);
});

Deno.test("[notifications] notifyVia: the in-app list first, then every other channel", async () => {
  await using kv = await Deno.openKv(":memory:");
  // A second channel as a push or email one would be: it hears the same ids and text, after
  // the in-app notification is written (so a failed push never loses it).
  const pushed: { ids: readonly string[]; title: string; inAppFirst: boolean }[] = [];
  const push: Notifier = {
    async notify(ids, n) {
      pushed.push({ ids, title: n.title, inAppFirst: (await unreadCount(kv, ids[0])) === 1 });
      return ids.length;
    },
  };
  assert.equal(await notifyVia(new KvNotifier(kv), push).notify(["u1", "u2"], N("both")), 2);
  assert.deepEqual(pushed, [{ ids: ["u1", "u2"], title: "both", inAppFirst: true }]);
  assert.equal(await unreadCount(kv, "u2"), 1);
});

Deno.test("[notifications] openNotification marks one read and returns it; another's id is nothing", async () => {
  await using kv = await Deno.openKv(":memory:");
  await notify(kv, ["u", "other"], N("open me"));
  const [mine] = (await listNotifications(kv, "u")).items;
  const [theirs] = (await listNotifications(kv, "other")).items;
  assert.equal(await openNotification(kv, "u", theirs.id), null);
  assert.equal(await unreadCount(kv, "other"), 1);
  const opened = await openNotification(kv, "u", mine.id);
  assert.equal(opened?.link, "/classes/c/assignments/a");
  assert.equal(await unreadCount(kv, "u"), 0);
  await openNotification(kv, "u", mine.id); // again: still 0, not below
  assert.equal(await unreadCount(kv, "u"), 0);
});
