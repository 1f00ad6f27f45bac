/**
 * Invite links for a department (the class join links, for a workspace): who may make them,
 * what opening one makes (an employee of a company, a teacher of a school's staff workspace,
 * in that department), sign-in afterwards, approval and revocation; a class's link unchanged.
 */
import assert from "node:assert/strict";
import { createClass } from "@/services/classes/classes.ts";
import { approveJoinRequests } from "@/services/classes/join_requests.ts";
import { createJoinLink, linkSecret, removeLinkJoiners } from "@/services/classes/join_links.ts";
import { addMemberOps, getMemberRole } from "@/services/classes/members.ts";
import { commit } from "@/services/db/kv.ts";
import { findUserByEmail } from "@/services/orgs/users.ts";
import {
  bearer,
  browserSessionFor,
  randomClass,
  randomOrg,
  randomUser,
  testApp,
  tokenFor,
} from "./helpers.ts";

const form = (fields: Record<string, string>) => new URLSearchParams(fields);
const PASSWORD = "long enough pass";

async function world() {
  const t = await testApp();
  const company = await randomOrg(t.kv, { kind: "company" });
  const admin = await randomUser(t.kv, company.id, "admin");
  const manager = await randomUser(t.kv, company.id, "employee");
  const employee = await randomUser(t.kv, company.id, "employee");
  const eng = await createClass(t.kv, company.id, { name: "Engineering", kind: "department" });
  const dept = await createClass(t.kv, company.id, {
    name: "Platform",
    kind: "department",
    parentId: eng.id,
    teacherIds: [manager.id],
  });
  await commit(addMemberOps(t.kv.atomic(), dept.id, employee, "student"));
  const other = await randomOrg(t.kv, { kind: "company" });
  const otherAdmin = await randomUser(t.kv, other.id, "admin");
  return { t, company, admin, manager, employee, eng, dept, other, otherAdmin };
}

async function tokenOf(t: Awaited<ReturnType<typeof testApp>>, res: Response) {
  const body = await res.json();
  return (body.url as string).replace(`${t.config.publicUrl}/join/`, "");
}

Deno.test("[workspace invite] admins and the department's managers make links; others 403, another company 404", async () => {
  const w = await world();
  await using _ = w.t;
  const path = (id: string) => `/api/v1/classes/${id}/join-links`;
  const make = async (user: typeof w.admin, id = w.dept.id) => {
    const res = await w.t.app.request(path(id), {
      method: "POST",
      headers: bearer(await tokenFor(w.t.kv, user)),
    });
    if (res.status !== 201) await res.body?.cancel();
    return res;
  };
  assert.equal((await make(w.admin)).status, 201);
  const byManager = await make(w.manager);
  assert.equal(byManager.status, 201);
  assert.equal((await byManager.json()).status, "active");
  assert.equal((await make(w.manager, w.eng.id)).status, 403, "not the manager of the parent");
  assert.equal((await make(w.employee)).status, 403);
  assert.equal((await make(w.otherAdmin)).status, 404);
  const list = await w.t.app.request(path(w.dept.id), {
    headers: bearer(await tokenFor(w.t.kv, w.manager)),
  });
  assert.equal(list.status, 200);
  assert.equal((await list.json()).items.length, 2);
});

Deno.test("[workspace invite] opening the link makes an employee in the department, who then signs in", async () => {
  const w = await world();
  await using _ = w.t;
  const res = await w.t.app.request(`/api/v1/classes/${w.dept.id}/join-links`, {
    method: "POST",
    headers: bearer(await tokenFor(w.t.kv, w.manager)),
  });
  const token = await tokenOf(w.t, res);
  const page = await w.t.app.request(`/join/${token}`);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.ok(html.includes("Platform") && html.includes(w.company.name));
  assert.ok(!html.includes('name="intent"'), "no class-list claim on an invite");
  assert.match(html, /Join the workspace/);

  const noEmail = await w.t.app.request(`/join/${token}`, {
    method: "POST",
    body: form({ name: "Ada Park" }),
  });
  assert.equal(noEmail.status, 400);
  assert.match(await noEmail.text(), /Enter your email too/);

  const joined = await w.t.app.request(`/join/${token}`, {
    method: "POST",
    body: form({ name: "Ada Park", email: "Ada@Co.example", password: PASSWORD }),
  });
  assert.equal(joined.status, 303);
  assert.equal(joined.headers.get("location"), "/workspace");
  assert.match(joined.headers.get("set-cookie") ?? "", /^mirae_session=/);
  const ada = (await findUserByEmail(w.t.kv, "ada@co.example"))!;
  assert.equal(ada.orgId, w.company.id);
  assert.equal(ada.role, "employee");
  assert.equal(await getMemberRole(w.t.kv, w.dept.id, ada.id), "student", "a member of Platform");
  assert.equal(await getMemberRole(w.t.kv, w.eng.id, ada.id), null);

  const signin = await w.t.app.request("/signin", {
    method: "POST",
    body: form({ login: "ada@co.example", password: PASSWORD }),
  });
  assert.equal(signin.status, 303);
  const cookie = (signin.headers.get("set-cookie") ?? "").split(";")[0];
  // Signed in, in the workspace: the import page is an admin's (403), not "no workspace" (404).
  const inside = await w.t.app.request("/workspace/import", { headers: { cookie } });
  assert.equal(inside.status, 403);
  await inside.body?.cancel();

  // The same address again is an account already: a clear answer on the email field.
  const again = await w.t.app.request(`/join/${token}`, {
    method: "POST",
    body: form({ name: "Someone Else", email: "ada@co.example", password: PASSWORD }),
  });
  assert.equal(again.status, 409);
  assert.match(await again.text(), /already has an account/);
});

Deno.test("[workspace invite] approval, a signed-in colleague joins, a student is refused, revocation removes who came", async () => {
  const w = await world();
  await using _ = w.t;
  const secret = await linkSecret(w.t.kv, w.t.config);
  const { token, link } = await createJoinLink(w.t.kv, secret, {
    orgId: w.company.id,
    classId: w.dept.id,
    createdBy: w.admin.id,
    approval: true,
  });
  const res = await w.t.app.request(`/join/${token}`, {
    method: "POST",
    body: form({ name: "Bo Kim", email: "bo@co.example", password: PASSWORD }),
  });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), `/join/${token}?waiting=1`);
  const bo = (await findUserByEmail(w.t.kv, "bo@co.example"))!;
  assert.equal(await getMemberRole(w.t.kv, w.dept.id, bo.id), null, "waits for approval");
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0];
  const waiting = await w.t.app.request(`/join/${token}?waiting=1`, { headers: { cookie } });
  assert.equal(waiting.status, 200);
  assert.match(await waiting.text(), /Waiting for approval/);
  assert.deepEqual(await approveJoinRequests(w.t.kv, w.company.id, w.dept.id, "all"), {
    approved: 1,
  });
  assert.equal(await getMemberRole(w.t.kv, w.dept.id, bo.id), "student");
  const moved = await w.t.app.request(`/join/${token}?waiting=1`, { headers: { cookie } });
  assert.equal(moved.status, 303);
  assert.equal(moved.headers.get("location"), "/workspace");

  // A colleague already signed in joins through an open link.
  const open = await createJoinLink(w.t.kv, secret, {
    orgId: w.company.id,
    classId: w.eng.id,
    createdBy: w.admin.id,
  });
  const session = await browserSessionFor(w.t.kv, w.employee);
  const join = await w.t.app.request(`/join/${open.token}`, {
    method: "POST",
    headers: { cookie: session.cookie },
    body: form({ _csrf: session.csrf }),
  });
  assert.equal(join.status, 303);
  assert.equal(await getMemberRole(w.t.kv, w.eng.id, w.employee.id), "student");

  // Turning the approval link off and removing who came deletes the account it made.
  assert.deepEqual(await removeLinkJoiners(w.t.kv, w.company.id, w.dept.id, link.id), {
    removed: 1,
    deleted: 1,
  });
  assert.equal(await findUserByEmail(w.t.kv, "bo@co.example"), null);
});

Deno.test("[workspace invite] a school's staff workspace: admins only, and an invite makes a teacher; a class link still makes students", async () => {
  const w = await world();
  await using _ = w.t;
  const school = await randomOrg(w.t.kv, { staffWorkspace: true });
  const admin = await randomUser(w.t.kv, school.id, "admin");
  const lead = await randomUser(w.t.kv, school.id, "teacher");
  const student = await randomUser(w.t.kv, school.id, "student");
  const office = await createClass(w.t.kv, school.id, {
    name: "교무부",
    kind: "department",
    teacherIds: [lead.id],
  });
  const post = async (user: typeof admin, id: string) =>
    await w.t.app.request(`/api/v1/classes/${id}/join-links`, {
      method: "POST",
      headers: bearer(await tokenFor(w.t.kv, user)),
    });
  const byLead = await post(lead, office.id);
  assert.equal(byLead.status, 403, "a teacher account is the admins' to hand out");
  await byLead.body?.cancel();
  const made = await post(admin, office.id);
  assert.equal(made.status, 201);
  const token = await tokenOf(w.t, made);

  const asStudent = await browserSessionFor(w.t.kv, student);
  const refused = await w.t.app.request(`/join/${token}`, {
    method: "POST",
    headers: { cookie: asStudent.cookie },
    body: form({ _csrf: asStudent.csrf }),
  });
  assert.equal(refused.status, 403);
  assert.match(await refused.text(), /This invite is for staff/);

  const joined = await w.t.app.request(`/join/${token}`, {
    method: "POST",
    headers: { cookie: "lang=ko" },
    body: form({ name: "새 선생님", email: "new@school.example", password: PASSWORD }),
  });
  assert.equal(joined.status, 303);
  const teacher = (await findUserByEmail(w.t.kv, "new@school.example"))!;
  assert.equal(teacher.role, "teacher");
  assert.equal(await getMemberRole(w.t.kv, office.id, teacher.id), "student");

  // The school's class link is as it was: a student, a class page.
  const cls = await randomClass(w.t.kv, school.id, { teachers: [lead] });
  const classLink = await post(lead, cls.id);
  assert.equal(classLink.status, 201);
  const kid = await w.t.app.request(`/join/${await tokenOf(w.t, classLink)}`, {
    method: "POST",
    body: form({ name: "Kid Lee" }),
  });
  assert.equal(kid.status, 303);
  assert.equal(kid.headers.get("location"), `/classes/${cls.id}`);
});
