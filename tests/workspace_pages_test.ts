/**
 * Departments on the admin's group pages, through the app as a browser uses them: create,
 * rename, move (cycle and depth errors on the field), managers, people, archive; the staff
 * workspace switch; the words in Korean and Chinese; a company of hundreds.
 */
import assert from "node:assert/strict";
import { getClass, listClassesByOrg } from "@/services/classes/classes.ts";
import { getMemberRole } from "@/services/classes/members.ts";
import { commit } from "@/services/db/kv.ts";
import { getOrg } from "@/services/orgs/orgs.ts";
import { createUserOps, newUser } from "@/services/orgs/users.ts";
import { randomClass, randomOrg, randomUser, testApp } from "./helpers.ts";
import { randomCompany } from "./workspace_fixtures.ts";
import { browserAs, company, html, navLinks } from "./workspace_pages.ts";

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

  const early = await html(
    await admin.post("/admin", [["kind", "department"], ["name", "X"]]),
    409,
  );
  assert.ok(early.includes("Switch the staff workspace on before adding departments."));

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
