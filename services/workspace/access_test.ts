import assert from "node:assert/strict";
import { createClass, listClassesByOrg, updateClass } from "@/services/classes/classes.ts";
import { addMemberOps } from "@/services/classes/members.ts";
import { commit } from "@/services/db/kv.ts";
import { setStaffWorkspace } from "@/services/orgs/orgs.ts";
import type { User } from "@/services/orgs/users.ts";
import { AppError } from "@/services/web/errors.ts";
import type { Actor } from "@/services/web/define.ts";
import { randomOrg, randomUser } from "@/tests/fixtures.ts";
import { requireManages, requireWorkspaceAdmin, workspaceAccess } from "./access.ts";
import { departmentTree, searchDirectory } from "./departments.ts";

const actor = (user: User) => ({ user, session: {} }) as unknown as Actor;

async function status(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err.status;
    throw err;
  }
  throw new Error("expected an error");
}

async function refusal(p: () => Promise<unknown>, includes: string): Promise<AppError> {
  try {
    await p();
  } catch (err) {
    assert.ok(err instanceof AppError, String(err));
    assert.ok(err.message.includes(includes), err.message);
    return err;
  }
  throw new Error(`expected "${includes}"`);
}

async function company(kv: Deno.Kv) {
  const org = await randomOrg(kv, { kind: "company", name: "Acme" });
  const [admin, boss, lead, worker] = await Promise.all([
    randomUser(kv, org.id, "admin"),
    randomUser(kv, org.id, "employee", { name: "Boss" }),
    randomUser(kv, org.id, "employee", { name: "Lead" }),
    randomUser(kv, org.id, "employee", { name: "Worker" }),
  ]);
  const eng = await createClass(kv, org.id, {
    name: "Engineering",
    kind: "department",
    teacherIds: [boss.id],
  });
  const platform = await createClass(kv, org.id, {
    name: "Platform",
    kind: "department",
    parentId: eng.id,
    teacherIds: [lead.id],
  });
  const sales = await createClass(kv, org.id, { name: "Sales", kind: "department" });
  await commit(addMemberOps(kv.atomic(), platform.id, worker, "student"));
  return { org, admin, boss, lead, worker, eng, platform, sales };
}

Deno.test("workspace roles: admins manage all, a manager their department and those below", async () => {
  using kv = await Deno.openKv(":memory:");
  const c = await company(kv);
  const admin = await workspaceAccess(kv, actor(c.admin));
  assert.deepEqual(admin.role, "admin");
  assert.deepEqual(admin.managed.size, 3);
  const boss = await workspaceAccess(kv, actor(c.boss));
  assert.deepEqual(boss.role, "manager");
  assert.deepEqual([...boss.managed].sort(), [c.eng.id, c.platform.id].sort());
  const lead = await workspaceAccess(kv, actor(c.lead));
  assert.deepEqual([...lead.managed], [c.platform.id]);
  assert.deepEqual(requireManages(lead, c.platform.id).name, "Platform");
  assert.deepEqual(await status(Promise.resolve().then(() => requireManages(lead, c.eng.id))), 403);
  const worker = await workspaceAccess(kv, actor(c.worker));
  assert.deepEqual(worker.role, "employee");
  assert.deepEqual(worker.mine.map((d) => d.name), ["Platform"]);
  assert.deepEqual(await status(requireWorkspaceAdmin(kv, actor(c.worker))), 403);
});

Deno.test("workspace access: another organization's department is 404; a school needs its staff workspace", async () => {
  using kv = await Deno.openKv(":memory:");
  const c = await company(kv);
  const school = await randomOrg(kv);
  const [principal, teacher, student] = await Promise.all([
    randomUser(kv, school.id, "admin"),
    randomUser(kv, school.id, "teacher"),
    randomUser(kv, school.id, "student"),
  ]);
  assert.deepEqual(await status(workspaceAccess(kv, actor(teacher))), 404);
  await refusal(
    () => createClass(kv, school.id, { name: "Office", kind: "department" }),
    "staff workspace",
  );
  await setStaffWorkspace(kv, school.id, true);
  const office = await createClass(kv, school.id, {
    name: "Office",
    kind: "department",
    teacherIds: [teacher.id],
  });
  assert.deepEqual((await workspaceAccess(kv, actor(teacher))).role, "manager");
  assert.deepEqual((await workspaceAccess(kv, actor(principal))).role, "admin");
  assert.deepEqual(await status(workspaceAccess(kv, actor(student))), 404);
  // Across kinds: the school's admin does not reach the company's department, nor back.
  const schoolAdmin = await workspaceAccess(kv, actor(principal));
  assert.deepEqual(
    await status(Promise.resolve().then(() => requireManages(schoolAdmin, c.eng.id))),
    404,
  );
  const companyAdmin = await workspaceAccess(kv, actor(c.admin));
  assert.deepEqual(
    await status(Promise.resolve().then(() => requireManages(companyAdmin, office.id))),
    404,
  );
  // A company cannot switch its workspace off; departments are not classes.
  assert.deepEqual(await status(setStaffWorkspace(kv, c.org.id, false)), 409);
  assert.deepEqual((await listClassesByOrg(kv, school.id)).length, 0);
  assert.deepEqual((await listClassesByOrg(kv, school.id, { kind: "department" })).length, 1);
});

Deno.test("departments nest, refuse cycles and other organizations' parents, and read as a tree", async () => {
  using kv = await Deno.openKv(":memory:");
  const c = await company(kv);
  const other = await company(kv);
  const err = await refusal(
    () => updateClass(kv, c.org.id, c.eng.id, { parentId: c.platform.id }),
    "inside itself",
  );
  assert.deepEqual(err.details?.[0].path, ["parentId"]);
  await refusal(
    () => createClass(kv, c.org.id, { name: "X", kind: "department", parentId: other.eng.id }),
    "does not exist",
  );
  let parent = c.platform.id;
  for (let depth = 3; depth <= 6; depth++) {
    parent =
      (await createClass(kv, c.org.id, { name: `L${depth}`, kind: "department", parentId: parent }))
        .id;
  }
  await refusal(
    () => createClass(kv, c.org.id, { name: "L7", kind: "department", parentId: parent }),
    "6 levels",
  );
  const tree = departmentTree(await listClassesByOrg(kv, c.org.id, { kind: "department" }));
  assert.deepEqual(tree.map((n) => `${n.depth}:${n.dept.name}`).slice(0, 4), [
    "0:Engineering",
    "1:Platform",
    "2:L3",
    "3:L4",
  ]);
  assert.deepEqual(tree.at(-1)!.path, ["Sales"]);
  const moved = await updateClass(kv, c.org.id, c.sales.id, { parentId: c.eng.id });
  assert.deepEqual(moved.parentId, c.eng.id);
});

Deno.test("the directory lists staff with their departments, searchable and filtered by department", async () => {
  using kv = await Deno.openKv(":memory:");
  const c = await company(kv);
  const access = await workspaceAccess(kv, actor(c.admin));
  const all = await searchDirectory(kv, c.org.id, access.departments);
  assert.deepEqual(all.total, 4);
  const worker = await searchDirectory(kv, c.org.id, access.departments, { q: "work" });
  assert.deepEqual(worker.items.map((e) => e.user.name), ["Worker"]);
  assert.deepEqual(worker.items[0].departments, [{ id: c.platform.id, manager: false }]);
  const platform = await searchDirectory(kv, c.org.id, access.departments, {
    departmentIds: new Set([c.platform.id]),
  });
  assert.deepEqual(platform.items.map((e) => e.user.name), ["Lead", "Worker"]);
  assert.ok(platform.items[0].departments[0].manager);
});
