import assert from "node:assert/strict";
import { randomOrg, randomUser } from "@/tests/helpers.ts";
import { createClass } from "../classes/classes.ts";
import { getMemberRole } from "../classes/members.ts";
import { findUserByEmail } from "../orgs/users.ts";
import { AppError } from "../web/errors.ts";
import { listDepartments } from "../workspace/departments.ts";
import { analyzeRoster, importRoster } from "./import.ts";

/** A company with an admin, an employee in Engineering, and a person of another company. */
async function setup(kv: Deno.Kv) {
  const org = await randomOrg(kv, { kind: "company" });
  const other = await randomOrg(kv, { kind: "company" });
  const admin = await randomUser(kv, org.id, "admin", { email: "boss@co.example" });
  const known = await randomUser(kv, org.id, "employee", {
    name: "Known Person",
    email: "known@co.example",
  });
  const outsider = await randomUser(kv, other.id, "employee", { email: "out@other.example" });
  const eng = await createClass(kv, org.id, { name: "Engineering", kind: "department" });
  return {
    org,
    other,
    admin,
    known,
    outsider,
    eng,
    scope: { orgId: org.id, workspace: true as const },
  };
}

async function withWorld(fn: (kv: Deno.Kv, w: Awaited<ReturnType<typeof setup>>) => Promise<void>) {
  const kv = await Deno.openKv(":memory:");
  try {
    await fn(kv, await setup(kv));
  } finally {
    kv.close();
  }
}

/** Every key of the store, to prove that a failed import wrote nothing. */
async function snapshot(kv: Deno.Kv): Promise<string[]> {
  const keys: string[] = [];
  for await (const e of kv.list({ prefix: [] })) keys.push(JSON.stringify(e.key));
  return keys.sort();
}

function codes(report: { errors: { line: number; code: string }[] }) {
  return report.errors.map((e) => `${e.line}:${e.code}`);
}

const FILE = [
  "name,email,role,department,manager_email",
  "Lee Platform,lee@co.example,employee,Engineering/Platform,lead@co.example",
  "Park Lead,lead@co.example,,Engineering > Platform,",
  "Kim Sales,kim@co.example,admin,Sales,boss@co.example",
  "Known Person,KNOWN@co.example,,engineering,",
].join("\n");

Deno.test("[workspace import] preview: departments created (nested), managers, existing people matched", async () => {
  await withWorld(async (kv, w) => {
    const report = await analyzeRoster(kv, w.scope, FILE);
    assert.deepEqual(codes(report), []);
    assert.equal(report.ok, true);
    assert.deepEqual(report.counts, {
      create: 3,
      add: 1,
      unchanged: 0,
      invalid: 0,
      departments: 2,
      managers: 2,
    });
    assert.deepEqual(
      report.departments?.map((d) => `${d.path}=${d.action}`),
      ["Engineering=existing", "Engineering / Platform=create", "Sales=create"],
    );
    const rows = report.rows!.map((r) => `${r.line}:${r.role}:${r.department}:${r.action}`);
    assert.deepEqual(rows, [
      "2:employee:Engineering / Platform:create",
      "3:employee:Engineering / Platform:create",
      "4:admin:Sales:create",
      "5:employee:engineering:add",
    ]);
    // A preview writes nothing.
    assert.equal(await findUserByEmail(kv, "lee@co.example"), null);
  });
});

Deno.test("[workspace import] import writes people, departments and managers; the same file again changes nothing", async () => {
  await withWorld(async (kv, w) => {
    const done = await importRoster(kv, w.scope, FILE);
    assert.equal(done.committed, true);
    const depts = await listDepartments(kv, w.org.id);
    const platform = depts.find((d) => d.name === "Platform")!;
    const sales = depts.find((d) => d.name === "Sales")!;
    assert.equal(platform.parentId, w.eng.id, "Platform sits under the existing Engineering");
    assert.equal(depts.length, 3);
    const lee = (await findUserByEmail(kv, "lee@co.example"))!;
    const lead = (await findUserByEmail(kv, "lead@co.example"))!;
    const kim = (await findUserByEmail(kv, "kim@co.example"))!;
    assert.equal(lee.role, "employee");
    assert.equal(lee.joinedVia, "import");
    assert.equal(kim.role, "admin");
    assert.equal(await getMemberRole(kv, platform.id, lee.id), "student");
    assert.equal(await getMemberRole(kv, platform.id, lead.id), "teacher", "the manager leads it");
    assert.equal(await getMemberRole(kv, sales.id, kim.id), "student");
    assert.equal(await getMemberRole(kv, sales.id, w.admin.id), "teacher");
    assert.equal(await getMemberRole(kv, w.eng.id, w.known.id), "student");
    assert.equal((await findUserByEmail(kv, "known@co.example"))!.id, w.known.id, "not duplicated");

    const before = await snapshot(kv);
    const again = await importRoster(kv, w.scope, FILE);
    assert.deepEqual(again.counts, {
      create: 0,
      add: 0,
      unchanged: 4,
      invalid: 0,
      departments: 0,
      managers: 0,
    });
    assert.ok(again.departments!.every((d) => d.action === "existing"));
    assert.deepEqual(await snapshot(kv), before);
  });
});

Deno.test("[workspace import] a bad line writes nothing: manager rules, role rules, email required", async () => {
  await withWorld(async (kv, w) => {
    const csv = [
      "name,email,role,department,manager_email",
      "Ok Person,ok@co.example,,Ops,boss@co.example",
      "Two Managers,two@co.example,,ops,known@co.example",
      "Ghost Manager,ghost@co.example,,Ops/Night,nobody@co.example",
      "Foreign Manager,foreign@co.example,,HR,out@other.example",
      "No Dept,nodept@co.example,,,boss@co.example",
      "A Student,stud@co.example,student,,",
      "A Teacher,teach@co.example,teacher,,",
      "No Email,,,,",
      "Bad Path,bad@co.example,,Eng//Platform,",
      "Too Deep,deep@co.example,,A/B/C/D/E/F/G,",
      "Wrong Role,known@co.example,admin,,",
      "Bad Manager Email,bm@co.example,,Ops,not-an-email",
    ].join("\n");
    const before = await snapshot(kv);
    const report = await analyzeRoster(kv, w.scope, csv);
    assert.equal(report.ok, false);
    assert.deepEqual(codes(report), [
      "3:managerTwice",
      "4:managerUnknown",
      "5:managerUnknown",
      "6:managerNoDepartment",
      "7:roleCompany",
      "8:roleCompany",
      "9:emailMissing",
      "10:departmentEmpty",
      "11:departmentTooDeep",
      "12:staffRoleMismatch",
      "13:managerEmailInvalid",
    ]);
    const twice = report.errors.find((e) => e.code === "managerTwice")!;
    assert.deepEqual(twice.params, { department: "ops", email: "boss@co.example", other: 2 });
    assert.equal(twice.column, "manager_email");
    assert.equal(report.counts.invalid, 11);
    await assert.rejects(
      () => importRoster(kv, w.scope, csv),
      (e) => e instanceof AppError && e.code === "validation_failed",
    );
    assert.deepEqual(await snapshot(kv), before, "nothing was written");
  });
});

Deno.test("[workspace import] a school's staff workspace takes admins and teachers, never students", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const school = await randomOrg(kv, { staffWorkspace: true });
    const student = await randomUser(kv, school.id, "student", { email: "kid@school.example" });
    const scope = { orgId: school.id, workspace: true as const };
    const report = await analyzeRoster(
      kv,
      scope,
      [
        "이름,이메일,역할,부서,관리자 이메일",
        "새 교사,t1@school.example,,교무부,",
        "Employee Row,e1@school.example,employee,,",
        "학생,kid@school.example,,,",
        "담임,t2@school.example,교사,교무부/1학년,kid@school.example",
      ].join("\n"),
    );
    assert.deepEqual(codes(report), [
      "3:roleSchoolStaff",
      "4:staffRoleMismatch",
      "5:managerNotStaff",
    ]);
    const ok = await importRoster(kv, scope, "name,email\nNew Teacher,t3@school.example");
    assert.equal(ok.counts.create, 1);
    assert.equal((await findUserByEmail(kv, "t3@school.example"))!.role, "teacher");
    assert.equal((await findUserByEmail(kv, "kid@school.example"))!.id, student.id);

    const plain = await randomOrg(kv);
    await assert.rejects(
      () => analyzeRoster(kv, { orgId: plain.id, workspace: true }, "name,email\nA,a@x.example"),
      (e) => e instanceof AppError && e.code === "not_found",
    );
  } finally {
    kv.close();
  }
});

Deno.test("[workspace import] headers in Chinese; student_number is not a workspace column; email column required", async () => {
  await withWorld(async (kv, w) => {
    const zh = await analyzeRoster(
      kv,
      w.scope,
      "姓名,邮箱,角色,部门,主管邮箱,学号\n王伟,wang@co.example,员工,研发 > 平台,boss@co.example,123",
    );
    assert.deepEqual(codes(zh), []);
    assert.deepEqual(zh.warnings.map((x) => x.code), ["unknownColumnStaff"]);
    assert.equal(zh.rows![0].department, "研发 / 平台");
    const noEmail = await analyzeRoster(kv, w.scope, "name,student_number\nA,1");
    assert.deepEqual(codes(noEmail), ["1:noEmailColumn"]);
    // Another organization's person is never matched: their email is taken.
    const taken = await analyzeRoster(kv, w.scope, "name,email\nOut,out@other.example");
    assert.deepEqual(codes(taken), ["2:emailTaken"]);
  });
});
