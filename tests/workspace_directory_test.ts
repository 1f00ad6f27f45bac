/**
 * The workspace home through the app: the member directory (search, department filter,
 * paging), the navigation and Today by what a person has, tenant isolation across a company
 * and a school, and the demo's workspaces.
 */
import assert from "node:assert/strict";
import { listClassesByOrg } from "@/services/classes/classes.ts";
import { addMemberOps } from "@/services/classes/members.ts";
import { commit } from "@/services/db/kv.ts";
import { seedDemo } from "@/services/demo/seed.ts";
import { findOrgBySlug } from "@/services/orgs/orgs.ts";
import { createUserOps, findUserByEmail, newUser } from "@/services/orgs/users.ts";
import { randomClass, randomUser, testApp } from "./helpers.ts";
import { randomCompany, randomDepartment, randomStaffSchool } from "./workspace_fixtures.ts";
import { browserAs, company, html, navLinks } from "./workspace_pages.ts";

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
