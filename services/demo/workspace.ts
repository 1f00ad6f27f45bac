/**
 * The demo's workspaces: the demo school's staff workspace (on, with a department and one
 * inside it, a teacher managing it), and a demo company in Seoul with an admin, managers and
 * employees in nested departments (Sales > Seoul Sales, Engineering > Platform). Called by
 * seed.ts; development only.
 * @module
 */
import { createClass } from "../classes/classes.ts";
import { addMemberOps } from "../classes/members.ts";
import { commit } from "../db/kv.ts";
import { createOrg, findOrgBySlug, type Org, setStaffWorkspace } from "../orgs/orgs.ts";
import { createUserOps, newUser, type User } from "../orgs/users.ts";

export const DEMO_COMPANY_SLUG = "demo-co";
export const DEMO_COMPANY_ADMIN = "admin@demo-co.mirae.test";
export const DEMO_COMPANY_MANAGER = "manager@demo-co.mirae.test";
export const DEMO_COMPANY_EMPLOYEE = "jiwoo.park@demo-co.mirae.test";

/** True when the demo company exists (stores seeded before it came have none). */
export async function hasDemoCompany(kv: Deno.Kv): Promise<boolean> {
  return (await findOrgBySlug(kv, DEMO_COMPANY_SLUG)) !== null;
}

/** A department with its managers and members, written in one commit after its creation. */
async function department(
  kv: Deno.Kv,
  orgId: string,
  name: string,
  people: { managers?: User[]; members?: User[]; parentId?: string },
): Promise<string> {
  const dept = await createClass(kv, orgId, {
    name,
    kind: "department",
    parentId: people.parentId,
    teacherIds: (people.managers ?? []).map((u) => u.id),
  });
  if (people.members?.length) {
    const op = kv.atomic();
    for (const u of people.members) addMemberOps(op, dept.id, u, "student");
    await commit(op);
  }
  return dept.id;
}

/**
 * Switches the demo school's staff workspace on: Academic Affairs with the Mathematics
 * faculty inside it, managed by `manager` (the school's admin is the workspace admin).
 */
export async function seedSchoolWorkspace(
  kv: Deno.Kv,
  org: Org,
  manager: User,
  member: User,
): Promise<void> {
  await setStaffWorkspace(kv, org.id, true);
  const affairs = await department(kv, org.id, "교무부 Academic Affairs", { members: [member] });
  await department(kv, org.id, "수학과 Mathematics faculty", {
    parentId: affairs,
    managers: [manager],
  });
}

const EMPLOYEES: { name: string; email: string; dept: "seoul" | "platform" | "eng" }[] = [
  { name: "박지우", email: DEMO_COMPANY_EMPLOYEE, dept: "seoul" },
  { name: "이도현", email: "dohyun.lee@demo-co.mirae.test", dept: "seoul" },
  { name: "최유나", email: "yuna.choi@demo-co.mirae.test", dept: "seoul" },
  { name: "Daniel Kang", email: "daniel.kang@demo-co.mirae.test", dept: "seoul" },
  { name: "정하린", email: "harin.jung@demo-co.mirae.test", dept: "platform" },
  { name: "Chen Wei", email: "chen.wei@demo-co.mirae.test", dept: "platform" },
  { name: "윤서진", email: "seojin.yoon@demo-co.mirae.test", dept: "platform" },
  { name: "Laura Kim", email: "laura.kim@demo-co.mirae.test", dept: "eng" },
];

/**
 * The demo company (Asia/Seoul): an admin, a Sales manager (who manages Seoul Sales below it
 * too), an Engineering manager and eight employees; the password hash is the demo's.
 */
export async function seedDemoCompany(kv: Deno.Kv, passwordHash: string): Promise<Org> {
  const org = await createOrg(kv, {
    name: "Mirae Demo Co.",
    kind: "company",
    slug: DEMO_COMPANY_SLUG,
    timeZone: "Asia/Seoul",
  });
  const person = (name: string, email: string, role: "admin" | "employee") =>
    newUser({ orgId: org.id, name, email, role, passwordHash, joinedVia: "seed" });
  const admin = person("Demo Co. Admin", DEMO_COMPANY_ADMIN, "admin");
  const sales = person("김영업", DEMO_COMPANY_MANAGER, "employee");
  const cto = person("Grace Han", "grace.han@demo-co.mirae.test", "employee");
  const staff = EMPLOYEES.map((e) => ({ ...e, user: person(e.name, e.email, "employee") }));
  const op = kv.atomic();
  for (const u of [admin, sales, cto, ...staff.map((s) => s.user)]) createUserOps(op, u);
  await commit(op);
  const of = (dept: string) => staff.filter((s) => s.dept === dept).map((s) => s.user);
  const salesId = await department(kv, org.id, "Sales", { managers: [sales] });
  await department(kv, org.id, "Seoul Sales", { parentId: salesId, members: of("seoul") });
  const engId = await department(kv, org.id, "Engineering", {
    managers: [cto],
    members: of("eng"),
  });
  await department(kv, org.id, "Platform", { parentId: engId, members: of("platform") });
  return org;
}
