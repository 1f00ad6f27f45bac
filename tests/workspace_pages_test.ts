/**
 * Workspace pages through the app as a browser uses them: departments on the admin's group
 * pages (create, rename, move, managers, people, archive), the staff workspace switch, the
 * member directory (search, department filter, paging), the navigation by what a person has,
 * and tenant isolation across a company and a school.
 */
import assert from "node:assert/strict";
import { getClass, listClassesByOrg } from "@/services/classes/classes.ts";
import { getMemberRole } from "@/services/classes/members.ts";
import { commit } from "@/services/db/kv.ts";
import { seedDemo } from "@/services/demo/seed.ts";
import { findOrgBySlug, getOrg } from "@/services/orgs/orgs.ts";
import { createUserOps, findUserByEmail, newUser, type User } from "@/services/orgs/users.ts";
import { addMemberOps } from "@/services/classes/members.ts";
import { browserSessionFor, randomClass, randomOrg, randomUser, testApp } from "./helpers.ts";
import { randomCompany, randomDepartment, randomStaffSchool } from "./workspace_fixtures.ts";

type App = Awaited<ReturnType<typeof testApp>>;

/** Signs `user` in and returns `get`/`post` helpers that carry the cookie (and CSRF field). */
async function browserAs(t: App, user: User) {
  const { cookie, csrf } = await browserSessionFor(t.kv, user);
  return {
    get: (path: string, headers: Record<string, string> = {}) =>
      t.app.request(path, { headers: { cookie, ...headers } }),
    post: (path: string, fields: [string, string][]) => {
      const body = new URLSearchParams(fields);
      body.set("_csrf", csrf);
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

/** The header's navigation links (the first nav). */
function navLinks(page: string): string[] {
  const nav = page.match(/<nav class="topnav"[^>]*>([\s\S]*?)<\/nav>/)?.[1] ?? "";
  return [...nav.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
}

/** A company with an admin, a manager of Sales (with Seoul Sales below it) and employees. */
async function company(kv: Deno.Kv) {
  const org = await randomCompany(kv);
  const admin = await randomUser(kv, org.id, "admin");
  const manager = await randomUser(kv, org.id, "employee", { name: "Mina Manager" });
  const seller = await randomUser(kv, org.id, "employee", { name: "Sam Seller" });
  const engineer = await randomUser(kv, org.id, "employee", { name: "Eve Engineer" });
  const sales = await randomDepartment(kv, org.id, { name: "Sales", managers: [manager] });
  const seoul = await randomDepartment(kv, org.id, {
    name: "Seoul Sales",
    parentId: sales.id,
    members: [seller],
  });
  const eng = await randomDepartment(kv, org.id, { name: "Engineering", members: [engineer] });
  return { org, admin, manager, seller, engineer, sales, seoul, eng };
}

Deno.test("[pages] a company admin creates, renames, moves and archives departments", async () => {
  await using t = await testApp();
  const c = await company(t.kv);
  const admin = await browserAs(t, c.admin);

  const dash = await html(await admin.get("/admin"));
  assert.ok(dash.includes("Company dashboard"));
  assert.ok(!dash.includes('id="classes"'), "a company has no classes section");
  assert.ok(!dash.includes("New class"));
  assert.ok(!dash.includes('name="intent" value="workspace"'), "no switch: always on");
  assert.ok(dash.includes("Seoul Sales") && dash.includes("Engineering"));
  assert.match(
    dash,
    /data-depth="1"[^>]*>\s*<td style="padding-inline-start/,
    "nested rows indent",
  );
  assert.ok(dash.indexOf(">Sales<") < dash.indexOf(">Seoul Sales<"), "children after parents");

  const created = await admin.post("/admin", [
    ["kind", "department"],
    ["name", "Platform"],
    ["parentId", c.eng.id],
    ["teacherIds", c.engineer.id],
  ]);
  assert.equal(created.status, 303);
  const at = created.headers.get("location")!;
  const id = at.match(/\/admin\/classes\/([^?]+)/)![1];
  const platform = await getClass(t.kv, c.org.id, id);
  assert.equal(platform.kind, "department");
  assert.equal(platform.parentId, c.eng.id);
  assert.equal(await getMemberRole(t.kv, id, c.engineer.id), "teacher");

  const page = await html(await admin.get(at));
  assert.ok(page.includes("Department created."));
  assert.ok(page.includes("Department details") && page.includes("Managers"));
  assert.ok(page.includes("Engineering"), "the breadcrumb shows the path");
  assert.ok(!page.includes(`href="/classes/${id}"`), "no class page for a department");
  assert.ok(!page.slice(page.indexOf('id="roster"')).includes("Student number"));
  assert.ok(page.includes(">Manager<"), "the roster names roles by kind");

  // Rename and move to the top level.
  const saved = await admin.post(at.split("?")[0], [
    ["intent", "save"],
    ["name", "Platform Team"],
    ["parentId", ""],
    ["teacherIds", c.engineer.id],
  ]);
  assert.equal(saved.status, 303);
  const moved = await getClass(t.kv, c.org.id, id);
  assert.equal(moved.name, "Platform Team");
  assert.equal(moved.parentId, undefined);

  // Sales under its own sub-department: the error is on the parent field.
  const cycle = await html(
    await admin.post(`/admin/classes/${c.sales.id}`, [
      ["intent", "save"],
      ["name", "Sales"],
      ["parentId", c.seoul.id],
      ["teacherIds", c.manager.id],
    ]),
    400,
  );
  assert.match(
    cycle,
    /<select name="parentId" aria-invalid="true"[\s\S]*?<span class="error" role="alert"[^>]*>A department cannot be placed inside itself or one of its own sub-departments\.<\/span>/,
  );
  assert.equal((await getClass(t.kv, c.org.id, c.sales.id)).parentId, undefined);

  // Six levels deep at most.
  let parentId = "";
  for (let i = 1; i <= 6; i++) {
    const res = await admin.post("/admin", [
      ["kind", "department"],
      ["name", `Level ${i}`],
      ["parentId", parentId],
    ]);
    assert.equal(res.status, 303);
    parentId = res.headers.get("location")!.match(/\/admin\/classes\/([^?]+)/)![1];
  }
  const deep = await html(
    await admin.post("/admin", [["kind", "department"], ["name", "Level 7"], [
      "parentId",
      parentId,
    ]]),
    400,
  );
  assert.ok(deep.includes("Departments nest at most 6 levels deep."));
  assert.ok(deep.includes('value="Level 7"'), "the typed name is kept");

  // Archive and restore.
  assert.equal(
    (await admin.post(`/admin/classes/${c.eng.id}`, [["intent", "archive"]])).status,
    303,
  );
  const parts = (await html(await admin.get("/admin"))).split('id="archived"');
  assert.ok(!parts[0].includes(">Engineering<") && parts[1].includes(">Engineering<"));
  await admin.post(`/admin/classes/${c.eng.id}`, [["intent", "restore"]]);
  assert.equal((await getClass(t.kv, c.org.id, c.eng.id)).archived, false);
});

Deno.test("[pages] a department's people: add by email as member or manager, remove", async () => {
  await using t = await testApp();
  const c = await company(t.kv);
  const admin = await browserAs(t, c.admin);
  const path = `/admin/classes/${c.eng.id}`;

  const added = await admin.post(path, [
    ["intent", "add"],
    ["email", c.seller.email!.toUpperCase()],
    ["role", "teacher"],
  ]);
  assert.equal(added.status, 303);
  assert.equal(await getMemberRole(t.kv, c.eng.id, c.seller.id), "teacher");
  const page = await html(await admin.get(added.headers.get("location")!));
  assert.ok(page.includes(`${c.seller.name} was added.`));

  const unknown = await html(
    await admin.post(path, [["intent", "add"], ["email", "nobody@example.org"], [
      "role",
      "student",
    ]]),
    400,
  );
  assert.ok(unknown.includes("No one of your organization has the email nobody@example.org."));

  // Someone of another organization is unknown here too.
  const other = await randomUser(t.kv, (await randomCompany(t.kv)).id, "employee");
  const foreign = await admin.post(path, [["intent", "add"], ["email", other.email!], [
    "role",
    "student",
  ]]);
  assert.equal(foreign.status, 400);

  const removed = await admin.post(path, [["intent", "remove"], ["userId", c.engineer.id]]);
  assert.equal(removed.status, 303);
  assert.equal(await getMemberRole(t.kv, c.eng.id, c.engineer.id), null);
  const again = await admin.post(path, [["intent", "remove"], ["userId", c.engineer.id]]);
  assert.equal(again.status, 404, "not a member any more");
});

Deno.test("[pages] a school admin switches the staff workspace on and adds departments", async () => {
  await using t = await testApp();
  const org = await randomOrg(t.kv);
  const adminUser = await randomUser(t.kv, org.id, "admin");
  const teacher = await randomUser(t.kv, org.id, "teacher");
  const student = await randomUser(t.kv, org.id, "student");
  const cls = await randomClass(t.kv, org.id, { teachers: [teacher], students: [student] });
  const admin = await browserAs(t, adminUser);

  const off = await html(await admin.get("/admin"));
  assert.ok(off.includes("The staff workspace is off."));
  assert.ok(off.includes("students never see it"), "the switch says what it means");
  assert.ok(!off.includes('id="departments"'));
  assert.ok(!navLinks(off).includes("/workspace"));
  assert.equal((await admin.get("/workspace")).status, 404);

  const on = await admin.post("/admin", [["intent", "workspace"], ["on", "1"]]);
  assert.equal(on.status, 303);
  assert.equal((await getOrg(t.kv, org.id)).staffWorkspace, true);
  const dash = await html(await admin.get(on.headers.get("location")!));
  assert.ok(dash.includes("The staff workspace is now on."));
  assert.ok(dash.includes('id="departments"') && dash.includes("New department"));
  assert.ok(dash.includes(cls.name), "classes stay");
  assert.deepEqual(
    navLinks(dash).filter((h) => h === "/classes" || h === "/workspace"),
    ["/classes", "/workspace"],
    "a school admin has both",
  );

  const made = await admin.post("/admin", [
    ["kind", "department"],
    ["name", "Maths faculty"],
    ["teacherIds", teacher.id],
  ]);
  assert.equal(made.status, 303);
  const [dept] = await listClassesByOrg(t.kv, org.id, { kind: "department" });
  assert.equal(dept.name, "Maths faculty");
  assert.equal((await listClassesByOrg(t.kv, org.id)).length, 1, "not listed as a class");

  // A student cannot be put in a department.
  const bad = await html(
    await admin.post(`/admin/classes/${dept.id}`, [["intent", "add"], ["email", student.email!], [
      "role",
      "student",
    ]]),
    400,
  );
  assert.ok(bad.includes("Only staff can be in a department."));

  // The class pages are for classes only.
  const teacherBrowser = await browserAs(t, teacher);
  for (const p of ["", "/lectures", "/assignments", "/gradebook", "/slips"]) {
    assert.equal((await teacherBrowser.get(`/classes/${dept.id}${p}`)).status, 404, p);
  }
  assert.equal((await teacherBrowser.get(`/classes/${cls.id}`)).status, 200);

  // The school's teacher sees the workspace; the student does not.
  const asTeacher = await html(await teacherBrowser.get("/workspace"));
  assert.ok(asTeacher.includes("Maths faculty"));
  const asStudent = await browserAs(t, student);
  assert.equal((await asStudent.get("/workspace")).status, 404);
  assert.ok(!navLinks(await html(await asStudent.get("/today"))).includes("/workspace"));

  const offAgain = await admin.post("/admin", [["intent", "workspace"], ["on", "0"]]);
  assert.equal(offAgain.status, 303);
  assert.equal((await teacherBrowser.get("/workspace")).status, 404);
});

Deno.test("[pages] the directory: search by name or email, a department filter, paging", async () => {
  await using t = await testApp();
  const c = await company(t.kv);
  const people = Array.from({ length: 120 }, (_, i) =>
    newUser({
      orgId: c.org.id,
      name: `Person ${String(i + 1).padStart(3, "0")}`,
      email: `p${i + 1}-${crypto.randomUUID().slice(0, 6)}@corp.example`,
      role: "employee",
    }));
  const op = t.kv.atomic();
  for (const u of people) createUserOps(op, u, false);
  for (const u of people.slice(0, 30)) addMemberOps(op, c.seoul.id, u, "student");
  await commit(op);
  const me = await browserAs(t, c.seller);

  const first = await html(await me.get("/workspace"));
  assert.ok(first.includes("Showing 1–50 of 124"), first.match(/Showing[^<]*/)?.[0]);
  assert.ok(first.includes("Workspace tools") && first.includes('href="/workspace/clockin"'));
  assert.ok(!first.includes('href="/workspace/attendance"'), "the board is for managers");
  const asManager = await html(await (await browserAs(t, c.manager)).get("/workspace"));
  assert.ok(asManager.includes('href="/workspace/attendance"'));
  assert.ok(!asManager.includes('href="/workspace/import"'), "the import is for admins");
  assert.ok(first.includes("Eve Engineer"));
  assert.ok(!first.includes("Person 100"));
  const next = await html(await me.get("/workspace?offset=100"));
  assert.ok(next.includes("Showing 101–124 of 124"));

  const byName = await html(await me.get("/workspace?q=eve"));
  assert.ok(byName.includes("Showing 1–1 of 1") && byName.includes("Eve Engineer"));
  const byEmail = await html(await me.get(`/workspace?q=${encodeURIComponent(people[6].email!)}`));
  assert.ok(byEmail.includes("Person 007") && byEmail.includes("of 1<"));

  // Sales takes Seoul Sales below it: its manager, the seller and the 30 people.
  const sales = await html(await me.get(`/workspace?dept=${c.sales.id}`));
  assert.ok(sales.includes("Showing 1–32 of 32"), sales.match(/Showing[^<]*/)?.[0]);
  assert.ok(sales.includes("Mina Manager") && !sales.includes("Eve Engineer"));
  const row = (page: string, name: string) =>
    page.match(new RegExp(`<tr[^>]*>(?:(?!</tr>)[\\s\\S])*${name}(?:(?!</tr>)[\\s\\S])*</tr>`))
      ?.[0] ?? "";
  assert.match(
    row(sales, "Mina Manager"),
    /Sales\W*<span class="badge role-teacher">manager</,
    "marked",
  );
  assert.ok(!row(sales, "Sam Seller").includes(">manager<"), "members are not marked");
  assert.ok(sales.includes("Sales / Seoul Sales"), "a department is named by its path");
  const both = await html(await me.get(`/workspace?dept=${c.seoul.id}&q=person 02`));
  assert.ok(both.includes("of 10<"), "search within the department");
  assert.ok(
    both.includes(`href="/workspace?q=person+02&amp;dept=${c.seoul.id}&amp;offset=`) ||
      !both.includes('rel="next"'),
  );

  const none = await html(await me.get("/workspace?q=zzzz"));
  assert.ok(none.includes("No one matches your search."));
  // Another organization's department filters nothing (it is not offered).
  const other = await company(t.kv);
  const foreign = await html(await me.get(`/workspace?dept=${other.sales.id}`));
  assert.ok(foreign.includes("of 124<"));
});

Deno.test("[pages] department pages and the directory speak Korean and Chinese", async () => {
  await using t = await testApp();
  const c = await company(t.kv);
  const admin = await browserAs(t, c.admin);
  const ko = await html(
    await admin.get(`/admin/classes/${c.sales.id}`, { "accept-language": "ko" }),
  );
  assert.ok(ko.includes("부서 정보") && ko.includes("상위 부서") && ko.includes(">부서장<"));
  const zh = await html(await admin.get("/workspace", { "accept-language": "zh-CN" }));
  assert.ok(zh.includes("通讯录") && zh.includes("工作台工具") && zh.includes("按姓名或邮箱搜索"));
  assert.ok(zh.includes(">工作台</a>"), "the nav's workspace link");
});

Deno.test("[pages] a company of hundreds: managers are added by email, not listed", async () => {
  await using t = await testApp();
  const c = await company(t.kv);
  const users = Array.from(
    { length: 210 },
    (_, i) =>
      newUser({
        orgId: c.org.id,
        name: `Worker ${i}`,
        email: `w${i}-${crypto.randomUUID().slice(0, 6)}@corp.example`,
        role: "employee",
      }),
  );
  for (let i = 0; i < users.length; i += 50) {
    const op = t.kv.atomic();
    for (const u of users.slice(i, i + 50)) createUserOps(op, u, false);
    await commit(op);
  }
  const admin = await browserAs(t, c.admin);
  const dash = await html(await admin.get("/admin"));
  const form = dash.slice(dash.indexOf('id="new-department"'));
  assert.ok(!form.includes('name="teacherIds"'));
  assert.ok(form.includes("then add its managers by email on its page"));
  const page = await html(await admin.get(`/admin/classes/${c.sales.id}`));
  const boxes = [...page.matchAll(/name="teacherIds" value="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(boxes, [c.manager.id], "the current managers only");
  assert.ok(page.includes("add another by email"));
});

Deno.test("[pages] a company employee's navigation and Today: a workspace, no classes", async () => {
  await using t = await testApp();
  const c = await company(t.kv);
  const me = await browserAs(t, c.engineer);
  const today = await html(await me.get("/today"));
  const links = navLinks(today);
  assert.ok(links.includes("/workspace"));
  assert.ok(!links.includes("/classes"), "no My classes for a company employee");
  assert.ok(!links.includes("/admin"));
  assert.ok(today.includes("Open the workspace"), "Today points an employee to the workspace");

  // A new company: its admin alone, and an empty department's empty state.
  const fresh = await randomCompany(t.kv);
  const alone = await randomUser(t.kv, fresh.id, "admin");
  const dept = await randomDepartment(t.kv, fresh.id, { name: "Empty" });
  const asAlone = await browserAs(t, alone);
  const page = await html(await asAlone.get("/workspace"));
  assert.ok(page.includes("Showing 1–1 of 1"));
  assert.deepEqual(navLinks(page).filter((h) => h !== "/notifications" && h !== "/account"), [
    "/today",
    "/admin",
    "/workspace",
  ]);
  const emptyDept = await html(await asAlone.get(`/workspace?dept=${dept.id}`));
  assert.ok(emptyDept.includes("No one is in this department yet."));
});

Deno.test("[pages] tenant isolation across a company and a school: 404 both ways", async () => {
  await using t = await testApp();
  const c = await company(t.kv);
  const school = await randomStaffSchool(t.kv);
  const schoolAdmin = await randomUser(t.kv, school.id, "admin");
  const teacher = await randomUser(t.kv, school.id, "teacher");
  const student = await randomUser(t.kv, school.id, "student");
  const cls = await randomClass(t.kv, school.id, { teachers: [teacher], students: [student] });
  const faculty = await randomDepartment(t.kv, school.id, { name: "Faculty", managers: [teacher] });

  const companyAdmin = await browserAs(t, c.admin);
  for (const id of [cls.id, faculty.id]) {
    assert.equal((await companyAdmin.get(`/admin/classes/${id}`)).status, 404);
    const post = await companyAdmin.post(`/admin/classes/${id}`, [["intent", "archive"]]);
    assert.equal(post.status, 404);
  }
  assert.equal((await companyAdmin.get(`/classes/${cls.id}`)).status, 404);
  const dir = await html(await companyAdmin.get(`/workspace?dept=${faculty.id}`));
  assert.ok(!dir.includes(teacher.name), "the school's people are not in the company's directory");

  const admin = await browserAs(t, schoolAdmin);
  for (const id of [c.sales.id, c.seoul.id]) {
    assert.equal((await admin.get(`/admin/classes/${id}`)).status, 404);
    const add = await admin.post(`/admin/classes/${id}`, [["intent", "add"], [
      "email",
      teacher.email!,
    ], ["role", "student"]]);
    assert.equal(add.status, 404);
  }
  const schoolDir = await html(await admin.get("/workspace"));
  assert.ok(schoolDir.includes(teacher.name) && !schoolDir.includes(c.seller.name));
  assert.ok(!schoolDir.includes(student.name), "students are not in the staff directory");
  assert.equal((await (await browserAs(t, student)).get("/workspace")).status, 404);
});

Deno.test("[demo] the demo school's staff workspace and the demo company", async () => {
  await using t = await testApp();
  const info = await seedDemo(t.kv, { iterations: 1000 });
  const school = (await findOrgBySlug(t.kv, info.school))!;
  assert.equal(school.staffWorkspace, true);
  const company = (await findOrgBySlug(t.kv, info.company.code))!;
  assert.equal(company.kind, "company");
  assert.equal(company.timeZone, "Asia/Seoul");

  const admin = await browserAs(t, (await findUserByEmail(t.kv, info.admin))!);
  const dash = await html(await admin.get("/admin"));
  assert.match(dash, /data-depth="1"[\s\S]*Mathematics faculty/, "a nested department");
  const teacher = await browserAs(t, (await findUserByEmail(t.kv, info.teachers[0]))!);
  assert.ok((await html(await teacher.get("/workspace"))).includes("You are: manager"));

  const manager = (await findUserByEmail(t.kv, info.company.manager))!;
  const employee = (await findUserByEmail(t.kv, info.company.employee))!;
  const companyAdmin = (await findUserByEmail(t.kv, info.company.admin))!;
  assert.equal(companyAdmin.role, "admin");
  const sales = (await listClassesByOrg(t.kv, company.id, { kind: "department" }))
    .find((d) => d.name === "Sales")!;
  const asManager = await html(
    await (await browserAs(t, manager)).get(`/workspace?dept=${sales.id}`),
  );
  assert.ok(asManager.includes("You are: manager"));
  assert.ok(asManager.includes(employee.name), "Seoul Sales is inside Sales");
  assert.ok(asManager.includes("Sales / Seoul Sales"));
  const all = await html(await (await browserAs(t, employee)).get("/workspace"));
  assert.ok(all.includes("Showing 1–11 of 11"), all.match(/Showing[^<]*/)?.[0]);
  assert.ok(!navLinks(all).includes("/classes"));
});
