/**
 * The admin dashboard, the admin's class page and the class page, through the app as a browser
 * uses them: cookie sessions, CSRF form fields, post/redirect/get, roles, paging and language.
 */
import assert from "node:assert/strict";
import { getClass, listClassesByOrg } from "@/services/classes/classes.ts";
import { listMemberIds } from "@/services/classes/members.ts";
import { commit } from "@/services/db/kv.ts";
import { createUserOps, newUser, type User } from "@/services/orgs/users.ts";
import { browserSessionFor, randomClass, randomUser, testApp, twoSchools } from "./helpers.ts";

type App = Awaited<ReturnType<typeof testApp>>;

/** Signs `user` in and returns `get`/`post` helpers that carry the cookie (and CSRF field). */
async function browserAs(t: App, user: User) {
  const { cookie, csrf } = await browserSessionFor(t.kv, user);
  return {
    get: (path: string, headers: Record<string, string> = {}) =>
      t.app.request(path, { headers: { cookie, ...headers } }),
    post: (path: string, fields: [string, string][], opts: { csrf?: boolean } = {}) => {
      const body = new URLSearchParams(fields);
      if (opts.csrf !== false) body.set("_csrf", csrf);
      return t.app.request(path, {
        method: "POST",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        body,
      });
    },
  };
}

async function html(res: Response, status = 200): Promise<string> {
  const body = await res.text();
  assert.equal(res.status, status, body.slice(0, 500));
  assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
  return body;
}

/** `count` new students in one commit (no uniqueness checks: their fields are fresh), named so they sort in order: "Student 001", ... */
async function manyStudents(kv: Deno.Kv, orgId: string, count: number): Promise<User[]> {
  const users = Array.from({ length: count }, (_, i) =>
    newUser({
      orgId,
      name: `Student ${String(i + 1).padStart(3, "0")}`,
      email: `s${i + 1}-${crypto.randomUUID().slice(0, 6)}@example.org`,
      studentNumber: `N${i + 1}`,
      role: "student",
    }));
  const op = kv.atomic();
  for (const u of users) createUserOps(op, u, false);
  await commit(op);
  return users;
}

/** The part of the dashboard before and after the archived section. */
function dashboardParts(page: string): { active: string; archived: string } {
  const at = page.indexOf('id="archived"');
  assert.ok(at > 0, "the dashboard has an archived section");
  return { active: page.slice(0, at), archived: page.slice(at) };
}

const rosterRows = (page: string) => page.match(/<td class="num muted row-index">/g)?.length ?? 0;

Deno.test("[pages] the admin dashboard lists the school's classes", async () => {
  await using t = await testApp();
  const { one, two } = await twoSchools(t.kv);
  const res = await (await browserAs(t, one.admin)).get("/admin");
  const page = await html(res);
  assert.ok(page.includes(one.classA.name));
  assert.ok(page.includes(one.classB.name));
  assert.ok(!page.includes(two.classA.name), "another school's class is not listed");
  assert.ok(page.includes(`href="/admin/classes/${one.classA.id}"`));
  assert.ok(page.includes(one.teacherA.name), "teachers are listed");
});

Deno.test("[pages] /admin is for admins: 403 for a teacher, sign-in for anonymous", async () => {
  await using t = await testApp();
  const { one } = await twoSchools(t.kv);
  const teacher = await (await browserAs(t, one.teacherA)).get("/admin");
  await html(teacher, 403);
  const student = await (await browserAs(t, one.studentA)).get(`/admin/classes/${one.classA.id}`);
  await html(student, 403);

  const anon = await t.app.request("/admin");
  assert.equal(anon.status, 303);
  assert.equal(anon.headers.get("location"), "/signin?next=%2Fadmin");
});

Deno.test("[pages] an admin creates a class with the form (post/redirect/get)", async () => {
  await using t = await testApp();
  const { one } = await twoSchools(t.kv);
  const admin = await browserAs(t, one.admin);
  const res = await admin.post("/admin", [
    ["name", "4-2 Science"],
    ["grade", "4"],
    ["subject", "Science"],
    ["teacherIds", one.teacherA.id],
    ["teacherIds", one.teacherB.id],
  ]);
  assert.equal(res.status, 303);
  const created = (await listClassesByOrg(t.kv, one.org.id)).find((c) => c.name === "4-2 Science");
  assert.ok(created, "the class exists");
  assert.equal(created.grade, "4");
  assert.equal(res.headers.get("location"), `/admin/classes/${created.id}?created=1`);
  assert.deepEqual(
    new Set(await listMemberIds(t.kv, created.id, "teacher")),
    new Set([one.teacherA.id, one.teacherB.id]),
  );
  const next = await html(await admin.get(res.headers.get("location")!));
  assert.ok(next.includes("Class created."));
});

Deno.test("[pages] the class form answers a missing name with 400 and the message", async () => {
  await using t = await testApp();
  const { one } = await twoSchools(t.kv);
  const before = (await listClassesByOrg(t.kv, one.org.id)).length;
  const res = await (await browserAs(t, one.admin)).post("/admin", [
    ["name", "  "],
    ["subject", "Kept subject"],
  ]);
  const page = await html(res, 400);
  assert.ok(page.includes("Name is required."));
  assert.ok(page.includes('value="Kept subject"'), "the typed values are kept");
  assert.equal((await listClassesByOrg(t.kv, one.org.id)).length, before);
});

Deno.test("[pages] a form POST without the CSRF field is refused", async () => {
  await using t = await testApp();
  const { one } = await twoSchools(t.kv);
  const res = await (await browserAs(t, one.admin)).post("/admin", [["name", "Sneaky"]], {
    csrf: false,
  });
  await html(res, 403);
  assert.ok(!(await listClassesByOrg(t.kv, one.org.id)).some((c) => c.name === "Sneaky"));
});

Deno.test("[pages] editing a class sets its name and teachers", async () => {
  await using t = await testApp();
  const { one } = await twoSchools(t.kv);
  const admin = await browserAs(t, one.admin);
  const path = `/admin/classes/${one.classA.id}`;
  const form = await html(await admin.get(path));
  assert.match(form, new RegExp(`value="${one.teacherA.id}"[^>]*checked`));

  const res = await admin.post(path, [
    ["intent", "save"],
    ["name", "Renamed class"],
    ["grade", ""],
    ["subject", "History"],
    ["teacherIds", one.teacherB.id],
  ]);
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), `${path}?saved=1`);
  const cls = await getClass(t.kv, one.org.id, one.classA.id);
  assert.equal(cls.name, "Renamed class");
  assert.equal(cls.subject, "History");
  assert.deepEqual(await listMemberIds(t.kv, one.classA.id, "teacher"), [one.teacherB.id]);

  const bad = await admin.post(path, [["intent", "save"], ["name", ""]]);
  assert.ok((await html(bad, 400)).includes("Name is required."));
});

Deno.test("[pages] archiving moves a class to the archived section; restoring brings it back", async () => {
  await using t = await testApp();
  const { one } = await twoSchools(t.kv);
  const admin = await browserAs(t, one.admin);
  const path = `/admin/classes/${one.classA.id}`;

  const archive = await admin.post(path, [["intent", "archive"]]);
  assert.equal(archive.status, 303);
  assert.equal(archive.headers.get("location"), path);
  let parts = dashboardParts(await html(await admin.get("/admin")));
  assert.ok(!parts.active.includes(one.classA.name), "hidden from the class list");
  assert.ok(parts.archived.includes(one.classA.name), "shown under Archived");
  assert.ok(parts.active.includes(one.classB.name));

  const restore = await admin.post(path, [["intent", "restore"], ["next", "/admin#archived"]]);
  assert.equal(restore.status, 303);
  assert.equal(restore.headers.get("location"), "/admin#archived");
  parts = dashboardParts(await html(await admin.get("/admin")));
  assert.ok(parts.active.includes(one.classA.name));
  assert.ok(!parts.archived.includes(one.classA.name));
});

Deno.test("[pages] the class page shows emails to teachers and only names to students", async () => {
  await using t = await testApp();
  const { one } = await twoSchools(t.kv);
  const classmate = await randomUser(t.kv, one.org.id, "student");
  const cls = await randomClass(t.kv, one.org.id, {
    name: "Shared class",
    teachers: [one.teacherA],
    students: [one.studentA, classmate],
  });
  const path = `/classes/${cls.id}`;

  const asTeacher = await html(await (await browserAs(t, one.teacherA)).get(path));
  assert.ok(asTeacher.includes("Shared class"));
  assert.ok(asTeacher.includes(classmate.name));
  assert.ok(asTeacher.includes(classmate.email!), "teachers see emails");
  assert.ok(!asTeacher.includes(`/admin/classes/${cls.id}`), "no admin link for teachers");
  assert.ok(asTeacher.includes('<mirae-island data-island="JoinLinks"'), "teachers share links");

  const student = await browserAs(t, one.studentA);
  const asStudent = await html(await student.get(path));
  assert.ok(asStudent.includes(classmate.name));
  assert.ok(asStudent.includes(one.teacherA.name), "the teachers are named in the header");
  assert.ok(!asStudent.includes(classmate.email!), "students see no emails");
  assert.ok(!asStudent.includes("@example.org"));
  for (const tool of ["JoinLinks", "JoinRequests", "RosterImport"]) {
    assert.ok(!asStudent.includes(`data-island="${tool}"`), `no ${tool} for students`);
  }

  // A student's search matches names only: an email would tell who owns it.
  const probe = await html(await student.get(`${path}?q=${encodeURIComponent(classmate.email!)}`));
  assert.equal(rosterRows(probe), 0);
  const byName = await html(await student.get(`${path}?q=${encodeURIComponent(classmate.name)}`));
  assert.equal(rosterRows(byName), 1);

  const asAdmin = await html(await (await browserAs(t, one.admin)).get(path));
  assert.ok(asAdmin.includes(`href="/admin/classes/${cls.id}"`), "admins get the manage link");
});

Deno.test("[pages] a class of another class or school is not found", async () => {
  await using t = await testApp();
  const { one, two } = await twoSchools(t.kv);
  const student = await browserAs(t, one.studentA);
  await html(await student.get(`/classes/${one.classB.id}`), 404);
  const admin = await browserAs(t, one.admin);
  await html(await admin.get(`/classes/${two.classA.id}`), 404);
  await html(await admin.get(`/admin/classes/${two.classA.id}`), 404);
  const foreign = await admin.post(`/admin/classes/${two.classA.id}`, [["intent", "archive"]]);
  await html(foreign, 404);
  assert.equal((await getClass(t.kv, two.org.id, two.classA.id)).archived, false);
});

Deno.test("[pages] the roster pages 50 at a time and searches", async () => {
  await using t = await testApp();
  const { one } = await twoSchools(t.kv);
  const students = await manyStudents(t.kv, one.org.id, 120);
  const cls = await randomClass(t.kv, one.org.id, { students });
  const admin = await browserAs(t, one.admin);

  const first = await html(await admin.get(`/classes/${cls.id}`));
  assert.ok(first.includes("Showing 1–50 of 120"));
  assert.equal(rosterRows(first), 50);
  assert.ok(first.includes("Student 001") && first.includes("Student 050"));
  assert.ok(!first.includes("Student 051"));
  assert.ok(first.includes(`href="/classes/${cls.id}?offset=50#roster"`), "a Next link");

  const last = await html(await admin.get(`/classes/${cls.id}?offset=100`));
  assert.ok(last.includes("Showing 101–120 of 120"));
  assert.equal(rosterRows(last), 20);
  assert.ok(last.includes("Student 120") && !last.includes("Student 100<"));

  const found = await html(await admin.get(`/admin/classes/${cls.id}?q=student%2007`));
  assert.ok(found.includes("Showing 1–10 of 10"));
  assert.equal(rosterRows(found), 10);
  assert.ok(found.includes("Student 070") && !found.includes("Student 001"));

  const none = await html(await admin.get(`/classes/${cls.id}?q=nobody-here`));
  assert.equal(rosterRows(none), 0);
  assert.ok(none.includes("No one matches"));
});

Deno.test("[pages] the admin class page holds the import and join link islands", async () => {
  await using t = await testApp();
  const { one } = await twoSchools(t.kv);
  const cls = await randomClass(t.kv, one.org.id, { name: "Empty class" });
  const page = await html(await (await browserAs(t, one.admin)).get(`/admin/classes/${cls.id}`));
  assert.ok(page.includes('<mirae-island data-island="RosterImport"'));
  assert.ok(page.includes('<mirae-island data-island="JoinLinks"'));
  assert.match(page, /<script type="module" src="\/_islands\/boot-[^"]+\.js"><\/script>/);
  assert.ok(page.includes("No students yet — import a roster or share a join link."));
  assert.ok(page.includes('name="_csrf"'), "the forms carry the CSRF field");
});

Deno.test("[pages] the pages speak Korean when the browser asks for it", async () => {
  await using t = await testApp();
  const { one } = await twoSchools(t.kv);
  const admin = await browserAs(t, one.admin);
  const dashboard = await html(await admin.get("/admin", { "accept-language": "ko-KR,ko;q=0.9" }));
  assert.ok(dashboard.includes("학교 대시보드"));
  assert.ok(dashboard.includes("수업 만들기"));
  const cls = await html(
    await admin.get(`/classes/${one.classA.id}`, { "accept-language": "ko" }),
  );
  assert.ok(cls.includes("명단"));
  assert.ok(cls.includes("전체 2명 중 1–2"));
});

Deno.test("[pages] an empty school invites the admin to create the first class", async () => {
  await using t = await testApp();
  const { one } = await twoSchools(t.kv);
  const fresh = await randomUser(t.kv, one.org.id, "admin");
  for (const c of await listClassesByOrg(t.kv, one.org.id)) {
    await (await browserAs(t, fresh)).post(`/admin/classes/${c.id}`, [["intent", "archive"]]);
  }
  const page = await html(await (await browserAs(t, fresh)).get("/admin"));
  assert.ok(page.includes("No classes yet — create the first one."));
});
