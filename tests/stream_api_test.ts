/**
 * The class stream through the API and the class page: who may post, read, edit, comment and
 * delete (members only; other classes and schools get 404), comments off, the attachment's
 * download for the class, and the page that shows the stream first to students.
 */
import assert from "node:assert/strict";
import { addMemberOps } from "@/services/classes/members.ts";
import { setClassArchived } from "@/services/classes/classes.ts";
import { commit } from "@/services/db/kv.ts";
import { bearer, browserSessionFor, randomUser, testApp, tokenFor, twoSchools } from "./helpers.ts";

async function setup() {
  const ctx = await testApp();
  const { one, two } = await twoSchools(ctx.kv);
  // A second teacher of class A, who did not write the post.
  const coTeacher = await randomUser(ctx.kv, one.org.id, "teacher");
  const classmate = await randomUser(ctx.kv, one.org.id, "student");
  const op = ctx.kv.atomic();
  addMemberOps(op, one.classA.id, coTeacher, "teacher");
  addMemberOps(op, one.classA.id, classmate, "student");
  await commit(op);
  const tokens = {
    admin: await tokenFor(ctx.kv, one.admin),
    teacher: await tokenFor(ctx.kv, one.teacherA),
    coTeacher: await tokenFor(ctx.kv, coTeacher),
    student: await tokenFor(ctx.kv, one.studentA),
    classmate: await tokenFor(ctx.kv, classmate),
    otherClassStudent: await tokenFor(ctx.kv, one.studentB),
    otherClassTeacher: await tokenFor(ctx.kv, one.teacherB),
    otherSchoolAdmin: await tokenFor(ctx.kv, two.admin),
    otherSchoolTeacher: await tokenFor(ctx.kv, two.teacherA),
  };
  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await ctx.app.request(path, {
      method,
      headers: bearer(token, body === undefined ? {} : { "content-type": "application/json" }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get("content-type"),
      text,
      json: () => JSON.parse(text),
    };
  };
  return { ctx, one, two, tokens, call, classmate };
}

Deno.test("[stream api] teachers and admins post; students 403; other classes and schools 404", async () => {
  const { ctx, one, tokens: T, call } = await setup();
  await using _ = ctx;
  const url = `/api/v1/classes/${one.classA.id}/posts`;
  const post = await call(T.teacher, "POST", url, { body: "# Welcome\nRead *chapter 1*." });
  assert.equal(post.status, 201, post.text);
  assert.match(post.type ?? "", /application\/json/);
  const created = post.json();
  assert.match(created.bodyHtml, /<h1>Welcome<\/h1>/);
  assert.equal(created.canEdit, true);
  assert.equal((await call(T.admin, "POST", url, { body: "From the office" })).status, 201);
  assert.equal((await call(T.student, "POST", url, { body: "Me too" })).status, 403);
  assert.equal((await call(T.otherClassTeacher, "POST", url, { body: "x" })).status, 404);
  assert.equal((await call(T.otherSchoolAdmin, "POST", url, { body: "x" })).status, 404);
  const empty = await call(T.teacher, "POST", url, { body: "   " });
  assert.equal(empty.status, 400);
  assert.deepEqual(empty.json().error.details[0].path, ["body"]);
  assert.equal((await call(T.teacher, "POST", url, { body: "x", extra: 1 })).status, 400);

  const list = await call(T.student, "GET", url);
  assert.equal(list.status, 200);
  const items = list.json().items;
  assert.equal(items.length, 2);
  assert.equal(items[0].body, "From the office", "newest first");
  assert.equal(items[1].canEdit, false);
  for (const who of [T.otherClassStudent, T.otherClassTeacher, T.otherSchoolAdmin]) {
    const res = await call(who, "GET", url);
    assert.equal(res.status, 404);
    assert.ok(!res.text.includes("Welcome"));
  }
  for (const who of [T.otherClassStudent, T.otherSchoolTeacher, T.otherSchoolAdmin]) {
    const res = await call(who, "GET", `/api/v1/posts/${created.id}`);
    assert.equal(res.status, 404, "a post of a class the asker is not in does not exist for them");
    assert.ok(!res.text.includes("Welcome"));
    assert.equal((await call(who, "GET", `/api/v1/posts/${created.id}/comments`)).status, 404);
    assert.equal(
      (await call(who, "POST", `/api/v1/posts/${created.id}/comments`, { text: "hi" })).status,
      404,
    );
  }
});

Deno.test("[stream api] the author and admins edit and delete; other teachers and students 403", async () => {
  const { ctx, one, tokens: T, call } = await setup();
  await using _ = ctx;
  const { id } = (await call(T.teacher, "POST", `/api/v1/classes/${one.classA.id}/posts`, {
    body: "Original",
  })).json();
  const url = `/api/v1/posts/${id}`;
  assert.equal((await call(T.student, "PATCH", url, { body: "Hacked" })).status, 403);
  assert.equal((await call(T.coTeacher, "PATCH", url, { body: "Mine now" })).status, 403);
  assert.equal((await call(T.otherSchoolAdmin, "PATCH", url, { body: "x" })).status, 404);
  assert.equal((await call(T.student, "DELETE", url)).status, 403);
  assert.equal((await call(T.coTeacher, "DELETE", url)).status, 403);
  const edited = await call(T.teacher, "PATCH", url, { body: "Edited" });
  assert.equal(edited.status, 200, edited.text);
  assert.equal(edited.json().body, "Edited");
  assert.ok(edited.json().editedAt);
  assert.equal((await call(T.admin, "PATCH", url, { commentsOff: true })).json().commentsOff, true);
  assert.equal((await call(T.otherSchoolAdmin, "DELETE", url)).status, 404);
  assert.equal((await call(T.admin, "DELETE", url)).status, 204);
  assert.equal((await call(T.student, "GET", url)).status, 404);
});

Deno.test("[stream api] comments: members write, authors and teachers delete, comments off is 409", async () => {
  const { ctx, one, tokens: T, call } = await setup();
  await using _ = ctx;
  const { id } = (await call(T.teacher, "POST", `/api/v1/classes/${one.classA.id}/posts`, {
    body: "Any questions?",
  })).json();
  const url = `/api/v1/posts/${id}/comments`;
  const mine = await call(T.student, "POST", url, { text: "<img src=x onerror=alert(1)>" });
  assert.equal(mine.status, 201, mine.text);
  const comment = mine.json();
  assert.equal(comment.text, "<img src=x onerror=alert(1)>", "stored as text");
  assert.equal(comment.canDelete, true);
  assert.equal((await call(T.student, "POST", url, { text: "x".repeat(1001) })).status, 400);
  assert.equal((await call(T.classmate, "POST", url, { text: "Same question" })).status, 201);
  const post = (await call(T.student, "GET", `/api/v1/posts/${id}`)).json();
  assert.equal(post.commentCount, 2);

  const one1 = `${url}/${comment.id}`;
  assert.equal((await call(T.classmate, "DELETE", one1)).status, 403);
  assert.equal((await call(T.otherSchoolAdmin, "DELETE", one1)).status, 404);
  assert.equal(
    (await call(T.coTeacher, "DELETE", one1)).status,
    204,
    "the class's teachers moderate",
  );
  assert.equal((await call(T.student, "DELETE", one1)).status, 404);
  assert.equal((await call(T.student, "GET", `/api/v1/posts/${id}`)).json().commentCount, 1);

  assert.equal(
    (await call(T.teacher, "PATCH", `/api/v1/posts/${id}`, { commentsOff: true })).status,
    200,
  );
  const off = await call(T.student, "POST", url, { text: "Hello?" });
  assert.equal(off.status, 409);
  assert.match(off.json().error.message, /Comments are turned off/);
  const listed = (await call(T.student, "GET", url)).json();
  assert.equal(listed.commentsOff, true);
  assert.equal(listed.items.length, 1);

  // The class default applies to the next post; students cannot change it.
  const settings = `/api/v1/classes/${one.classA.id}/posts/settings`;
  assert.equal((await call(T.student, "PATCH", settings, { commentsOff: true })).status, 403);
  assert.equal((await call(T.teacher, "PATCH", settings, { commentsOff: true })).status, 200);
  const next = await call(T.teacher, "POST", `/api/v1/classes/${one.classA.id}/posts`, {
    body: "Quiet one",
  });
  assert.equal(next.json().commentsOff, true);
  assert.equal(next.json().canComment, false);
});

Deno.test("[stream api] an announcement's attachment downloads for its class only", async () => {
  const { ctx, one, tokens: T, call } = await setup();
  await using _ = ctx;
  const up = await ctx.app.request(
    `/api/v1/files?classId=${one.classA.id}&purpose=attachment&name=plan.txt`,
    {
      method: "POST",
      headers: bearer(T.teacher, { "content-type": "application/octet-stream" }),
      body: "Week plan",
    },
  );
  assert.equal(up.status, 201);
  const file = await up.json();
  const before = await ctx.app.request(`/api/v1/files/${file.id}`, { headers: bearer(T.student) });
  assert.equal(before.status, 404, "private to its uploader until posted");
  await before.body?.cancel();
  const posted = await call(T.teacher, "POST", `/api/v1/classes/${one.classA.id}/posts`, {
    body: "Plan attached",
    attachmentIds: [file.id],
  });
  assert.equal(posted.status, 201, posted.text);
  assert.equal(posted.json().attachments[0].name, "plan.txt");
  const got = await ctx.app.request(`/api/v1/files/${file.id}`, { headers: bearer(T.student) });
  assert.equal(got.status, 200);
  assert.equal(await got.text(), "Week plan");
  for (const who of [T.otherClassStudent, T.otherSchoolAdmin]) {
    const res = await ctx.app.request(`/api/v1/files/${file.id}`, { headers: bearer(who) });
    assert.equal(res.status, 404);
    await res.body?.cancel();
  }
  // Another school's teacher cannot attach it to a post of theirs.
  const theirs = await call(
    T.otherSchoolTeacher,
    "POST",
    `/api/v1/classes/${one.classA.id}/posts`,
    {
      body: "x",
      attachmentIds: [file.id],
    },
  );
  assert.equal(theirs.status, 404);
});

Deno.test("[stream page] students see the stream first; the empty state speaks to each role", async () => {
  const { ctx, one, call } = await setup();
  await using _ = ctx;
  const page = async (user: typeof one.studentA, lang = "en") => {
    const { cookie } = await browserSessionFor(ctx.kv, user);
    const res = await ctx.app.request(`/classes/${one.classA.id}`, {
      headers: { cookie: `${cookie}; mirae_lang=${lang}` },
    });
    assert.equal(res.status, 200);
    return await res.text();
  };
  assert.match(await page(one.studentA), /No announcements yet\./);
  assert.match(await page(one.teacherA), /Post the first announcement/);
  assert.match(await page(one.studentA, "ko"), /아직 공지가 없습니다/);
  assert.match(await page(one.studentA, "zh"), /还没有公告/);

  const teacher = await tokenFor(ctx.kv, one.teacherA);
  await call(teacher, "POST", `/api/v1/classes/${one.classA.id}/posts`, {
    body: "**Bring a calculator** <script>alert('x')</script>",
  });
  const html = await page(one.studentA);
  assert.ok(html.includes("<strong>Bring a calculator</strong>"));
  assert.ok(!html.includes("<script>alert('x')</script>"), "raw HTML is shown as text");
  const stream = html.indexOf('class="class-stream"');
  assert.ok(stream > 0);
  assert.ok(stream < html.indexOf("roster"), "the stream comes before the roster");
  const other = await browserSessionFor(ctx.kv, one.studentB);
  const res = await ctx.app.request(`/classes/${one.classA.id}`, {
    headers: { cookie: other.cookie },
  });
  assert.equal(res.status, 404);
  await res.body?.cancel();
});

Deno.test("[stream page] the announcement's notification reads in the student's language", async () => {
  const { ctx, one, tokens: T, call } = await setup();
  await using _ = ctx;
  await call(T.teacher, "POST", `/api/v1/classes/${one.classA.id}/posts`, {
    body: "Field trip on Monday",
  });
  const { cookie } = await browserSessionFor(ctx.kv, one.studentA);
  const expected = {
    en: `New announcement in ${one.classA.name}`,
    ko: `${one.classA.name}에 새 공지가 있습니다`,
    zh: `${one.classA.name} 有新公告`,
  };
  for (const [lang, title] of Object.entries(expected)) {
    const res = await ctx.app.request("/notifications", {
      headers: { cookie: `${cookie}; mirae_lang=${lang}` },
    });
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.ok(html.includes(title), `${lang}: ${title}`);
    assert.ok(html.includes("Field trip on Monday"));
  }
});

Deno.test("[stream api] an archived class's stream can be read, not changed", async () => {
  const { ctx, one, tokens: T, call } = await setup();
  await using _ = ctx;
  const url = `/api/v1/classes/${one.classA.id}/posts`;
  const { id } = (await call(T.teacher, "POST", url, { body: "Before the end" })).json();
  await setClassArchived(ctx.kv, one.org.id, one.classA.id, true);
  assert.equal((await call(T.teacher, "POST", url, { body: "After" })).status, 409);
  assert.equal(
    (await call(T.student, "POST", `/api/v1/posts/${id}/comments`, { text: "hi" })).status,
    409,
  );
  assert.equal((await call(T.teacher, "PATCH", `/api/v1/posts/${id}`, { body: "x" })).status, 409);
  assert.equal((await call(T.teacher, "DELETE", `/api/v1/posts/${id}`)).status, 409);
  const list = await call(T.student, "GET", url);
  assert.equal(list.status, 200);
  assert.equal(list.json().items[0].canComment, false);
  assert.equal((await call(T.teacher, "GET", url)).json().items[0].canEdit, false);
});
