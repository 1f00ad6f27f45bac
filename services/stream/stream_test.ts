import assert from "node:assert/strict";
import { createAssignment, publishAssignment } from "@/services/coursework/assignments.ts";
import { deleteFile, filePermissions } from "@/services/files/access.ts";
import { type FileMeta, KvFileStore } from "@/services/files/store.ts";
import { scheduleLecture } from "@/services/lectures/lectures.ts";
import { listNotifications } from "@/services/notifications/notifications.ts";
import type { User } from "@/services/orgs/users.ts";
import type { Actor } from "@/services/web/define.ts";
import { AppError } from "@/services/web/errors.ts";
import { dayFromNow, randomClass, randomOrg, randomUser } from "@/tests/fixtures.ts";
import { countingKv } from "@/tests/kv_reads.ts";
import { addComment, deleteComment, listComments } from "./comments.ts";
import { streamPins } from "./pins.ts";
import {
  createPost,
  deletePost,
  listPosts,
  postAccess,
  setStreamSettings,
  updatePost,
  type Viewer,
} from "./posts.ts";

const actor = (user: User) => ({ user }) as unknown as Actor;

async function world(kv: Deno.Kv) {
  const org = await randomOrg(kv);
  const admin = await randomUser(kv, org.id, "admin");
  const teacher = await randomUser(kv, org.id, "teacher");
  const coTeacher = await randomUser(kv, org.id, "teacher");
  const ann = await randomUser(kv, org.id, "student");
  const ben = await randomUser(kv, org.id, "student");
  const other = await randomUser(kv, org.id, "student");
  const cls = await randomClass(kv, org.id, {
    teachers: [teacher, coTeacher],
    students: [ann, ben],
  });
  const otherCls = await randomClass(kv, org.id, { teachers: [coTeacher], students: [other] });
  const viewer = (u: User, role: Viewer["role"]): Viewer => ({
    userId: u.id,
    role,
    archived: false,
  });
  return { org, admin, teacher, coTeacher, ann, ben, other, cls, otherCls, viewer };
}

async function upload(kv: Deno.Kv, w: Awaited<ReturnType<typeof world>>, name = "notes.txt") {
  return await new KvFileStore(kv).put(new Blob(["Read chapter 3."]).stream(), {
    name,
    orgId: w.org.id,
    ownerId: w.teacher.id,
    classId: w.cls.id,
    purpose: "attachment",
    maxBytes: 1_000_000,
    allowedTypes: ["text/plain"],
  });
}

async function rejects(p: Promise<unknown>, code: AppError["code"]) {
  await assert.rejects(p, (e) => e instanceof AppError && e.code === code);
}

Deno.test("[stream] a teacher's announcement: Markdown rendered safely, the class's students notified", async () => {
  using kv = await Deno.openKv(":memory:");
  const w = await world(kv);
  const post = await createPost(kv, w.cls, w.teacher.id, {
    body: "**Quiz** on Friday <script>alert(1)</script>",
  });
  const page = await listPosts(kv, w.cls.id, w.viewer(w.ann, "student"));
  assert.equal(page.items.length, 1);
  const [view] = page.items;
  assert.equal(view.id, post.id);
  assert.match(view.bodyHtml, /<strong>Quiz<\/strong>/);
  assert.ok(!view.bodyHtml.includes("<script>"), view.bodyHtml);
  assert.match(view.bodyHtml, /&lt;script&gt;/);
  assert.equal(view.authorName, w.teacher.name);
  assert.equal(view.canEdit, false);
  assert.equal(view.canComment, true);

  for (const s of [w.ann, w.ben]) {
    const n = await listNotifications(kv, s.id);
    assert.equal(n.items.length, 1, "each student of the class once");
    assert.equal(n.items[0].kind, "announcement");
    assert.equal(n.items[0].link, `/classes/${w.cls.id}#post-${post.id}`);
    assert.equal(n.items[0].args?.cls, w.cls.name);
  }
  for (const u of [w.teacher, w.coTeacher, w.other, w.admin]) {
    assert.equal((await listNotifications(kv, u.id)).items.length, 0, "students of the class only");
  }
});

Deno.test("[stream] the author and admins edit; another teacher and students may not", async () => {
  using kv = await Deno.openKv(":memory:");
  const w = await world(kv);
  const post = await createPost(kv, w.cls, w.teacher.id, { body: "Draft text" });
  await rejects(updatePost(kv, actor(w.coTeacher), post.id, { body: "x" }), "forbidden");
  await rejects(updatePost(kv, actor(w.ann), post.id, { body: "x" }), "forbidden");
  await rejects(updatePost(kv, actor(w.other), post.id, { body: "x" }), "not_found");
  await rejects(deletePost(kv, actor(w.coTeacher), post.id), "forbidden");
  const { post: edited } = await updatePost(kv, actor(w.teacher), post.id, { body: "Final text" });
  assert.equal(edited.body, "Final text");
  assert.ok(edited.editedAt);
  const { post: byAdmin } = await updatePost(kv, actor(w.admin), post.id, { commentsOff: true });
  assert.equal(byAdmin.commentsOff, true);
  assert.equal(byAdmin.body, "Final text");
});

Deno.test("[stream] a post's files are the class's; deleting the post releases them and its comments", async () => {
  using kv = await Deno.openKv(":memory:");
  const w = await world(kv);
  const file = await upload(kv, w);
  const meta = async () => (await new KvFileStore(kv).get(file.id)) as FileMeta;
  assert.equal((await filePermissions(kv, actor(w.ann), await meta())).read, false, "private");
  const post = await createPost(kv, w.cls, w.teacher.id, {
    body: "Slides attached",
    attachmentIds: [file.id],
  });
  assert.deepEqual((await meta()).holder, { kind: "announcement", id: post.id });
  assert.equal((await filePermissions(kv, actor(w.ann), await meta())).read, true);
  assert.equal((await filePermissions(kv, actor(w.other), await meta())).read, false);
  const studentDelete = (await filePermissions(kv, actor(w.ann), await meta())).delete;
  assert.ok(studentDelete instanceof AppError && studentDelete.code === "forbidden");

  // Another post cannot take a file this one holds.
  await rejects(
    createPost(kv, w.cls, w.teacher.id, { body: "again", attachmentIds: [file.id] }),
    "validation_failed",
  );

  await addComment(kv, actor(w.ann), post.id, { text: "Thanks!" });
  await deletePost(kv, actor(w.teacher), post.id);
  assert.deepEqual((await meta()).holder, { kind: "unattached" });
  assert.equal((await filePermissions(kv, actor(w.ann), await meta())).read, false);
  assert.equal((await filePermissions(kv, actor(w.teacher), await meta())).read, true);
  assert.equal((await listPosts(kv, w.cls.id, w.viewer(w.ann, "student"))).items.length, 0);
  const left = [];
  for await (const e of kv.list({ prefix: ["post_comments", post.id] })) left.push(e);
  assert.equal(left.length, 0, "comments deleted");
  await rejects(postAccess(kv, actor(w.ann), post.id), "not_found");
});

Deno.test("[stream] deleting an announcement's file takes it off the post", async () => {
  using kv = await Deno.openKv(":memory:");
  const w = await world(kv);
  const [a, b] = [await upload(kv, w, "a.txt"), await upload(kv, w, "b.txt")];
  const post = await createPost(kv, w.cls, w.teacher.id, {
    body: "Two files",
    attachmentIds: [a.id, b.id],
  });
  const store = new KvFileStore(kv);
  await rejects(deleteFile(kv, store, actor(w.ann), a.id), "forbidden");
  await deleteFile(kv, store, actor(w.teacher), a.id);
  const [view] = (await listPosts(kv, w.cls.id, w.viewer(w.ann, "student"))).items;
  assert.deepEqual(view.attachments.map((f) => f.id), [b.id]);
  // An edit that leaves a file out lets it go.
  await updatePost(kv, actor(w.teacher), post.id, { attachmentIds: [] });
  assert.deepEqual((await store.get(b.id))?.holder, { kind: "unattached" });
});

Deno.test("[stream] comments: members write them, counts follow, comments off stops them", async () => {
  using kv = await Deno.openKv(":memory:");
  const w = await world(kv);
  const post = await createPost(kv, w.cls, w.teacher.id, { body: "Questions?" });
  const c1 = await addComment(kv, actor(w.ann), post.id, { text: "  <b>Yes</b>  " });
  assert.equal(c1.text, "<b>Yes</b>", "kept as text, trimmed");
  const c2 = await addComment(kv, actor(w.ben), post.id, { text: "Me too" });
  await addComment(kv, actor(w.teacher), post.id, { text: "Ask away" });
  await rejects(addComment(kv, actor(w.other), post.id, { text: "hi" }), "not_found");
  await rejects(
    addComment(kv, actor(w.ann), post.id, { text: "x".repeat(1001) }),
    "validation_failed",
  );
  await rejects(addComment(kv, actor(w.ann), post.id, { text: "   " }), "validation_failed");
  const count = async () =>
    (await listPosts(kv, w.cls.id, w.viewer(w.ann, "student"))).items[0].commentCount;
  assert.equal(await count(), 3);

  // Authors and the class's teachers delete comments; other students may not.
  await rejects(deleteComment(kv, actor(w.ben), post.id, c1.id), "forbidden");
  await deleteComment(kv, actor(w.ann), post.id, c1.id);
  await deleteComment(kv, actor(w.coTeacher), post.id, c2.id);
  assert.equal(await count(), 1);
  const list = await listComments(kv, actor(w.ann), post.id);
  assert.deepEqual(list.items.map((c) => c.text), ["Ask away"]);
  assert.equal(list.items[0].canDelete, false);

  await updatePost(kv, actor(w.teacher), post.id, { commentsOff: true });
  await rejects(addComment(kv, actor(w.ann), post.id, { text: "late" }), "conflict");
  const [view] = (await listPosts(kv, w.cls.id, w.viewer(w.ann, "student"))).items;
  assert.equal(view.canComment, false);
  assert.equal(view.commentCount, 1);

  // The class default: new posts start with comments off unless the post says otherwise.
  await setStreamSettings(kv, w.cls, { commentsOff: true });
  assert.equal((await createPost(kv, w.cls, w.teacher.id, { body: "a" })).commentsOff, true);
  const open = await createPost(kv, w.cls, w.teacher.id, { body: "b", commentsOff: false });
  assert.equal(open.commentsOff, false);
});

Deno.test("[stream] paging: newest first, cursors cover every post once", async () => {
  using kv = await Deno.openKv(":memory:");
  const w = await world(kv);
  const ids: string[] = [];
  for (let i = 0; i < 23; i++) {
    ids.push((await createPost(kv, w.cls, w.teacher.id, { body: `Post ${i}` })).id);
  }
  await createPost(kv, w.otherCls, w.coTeacher.id, { body: "Elsewhere" });
  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await listPosts(kv, w.cls.id, w.viewer(w.ann, "student"), { cursor, limit: 10 });
    assert.ok(page.items.length <= 10);
    seen.push(...page.items.map((p) => p.id));
    cursor = page.cursor;
    pages++;
  } while (cursor && pages < 10);
  assert.equal(pages, 3);
  assert.deepEqual(seen, [...ids].reverse(), "newest first, each once, this class only");
});

Deno.test("[stream] the pinned strip: next lecture, a student's next work, a teacher's work to grade", async () => {
  using kv = await Deno.openKv(":memory:");
  const w = await world(kv);
  const now = new Date();
  const empty = await streamPins(kv, w.cls, w.viewer(w.ann, "student"), now);
  assert.equal(empty.lecture, null);
  assert.deepEqual(empty.due, []);

  const soon = await scheduleLecture(kv, w.cls, w.teacher.id, {
    title: "Soon",
    startsAt: new Date(now.getTime() + 2 * 3_600_000).toISOString(),
  }, { notify: false });
  await scheduleLecture(kv, w.cls, w.teacher.id, {
    title: "Later",
    startsAt: new Date(now.getTime() + 48 * 3_600_000).toISOString(),
  }, { notify: false });
  const due = [];
  for (const days of [5, 2, -1, 3, 9]) {
    const a = await createAssignment(kv, w.cls, {
      title: `Due in ${days}`,
      points: 10,
      due: { date: dayFromNow(days, "UTC", now), time: "12:00" },
    }, w.teacher.id);
    await publishAssignment(kv, w.org.id, a.id, now);
    due.push(a);
  }
  const pins = await streamPins(kv, w.cls, w.viewer(w.ann, "student"), now);
  assert.equal(pins.lecture?.id, soon.id);
  assert.deepEqual(pins.due.map((a) => a.title), ["Due in 2", "Due in 3", "Due in 5"]);
  assert.ok(pins.due.every((a) => a.myStatus === "not_started"));
  assert.equal(pins.toGrade, null);
  const teacherPins = await streamPins(kv, w.cls, w.viewer(w.teacher, "teacher"), now);
  assert.equal(teacherPins.toGrade, 0);
  assert.deepEqual(teacherPins.due, []);
});

Deno.test("[stream] a page's reads do not grow with the stream (12 posts or 212)", async () => {
  using kv = await Deno.openKv(":memory:");
  const w = await world(kv);
  const post = async (n: number) => {
    for (let i = 0; i < n; i++) await createPost(kv, w.cls, w.teacher.id, { body: `Post ${i}` });
  };
  const readsOfFirstPage = async () => {
    const c = countingKv(kv);
    const page = await listPosts(c.kv, w.cls.id, w.viewer(w.ann, "student"));
    assert.equal(page.items.length, 10);
    return c.reads;
  };
  await post(12);
  const few = await readsOfFirstPage();
  await post(200);
  const many = await readsOfFirstPage();
  assert.deepEqual(many, few);
  assert.equal(many.listed, 10, "one page of the index, never the whole stream");
});
