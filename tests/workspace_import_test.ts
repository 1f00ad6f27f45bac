/**
 * The workspace import API (POST /api/v1/workspace/import) and its page: workspace admins
 * only, 404 without a workspace; people, departments and managers from one file.
 */
import assert from "node:assert/strict";
import { getMemberRole } from "@/services/classes/members.ts";
import { findUserByEmail } from "@/services/orgs/users.ts";
import { listDepartments } from "@/services/workspace/departments.ts";
import { bearer, browserSessionFor, randomOrg, randomUser, testApp, tokenFor } from "./helpers.ts";

const CSV = "name,email,role,department,manager_email\n" +
  "Lee,lee@co.example,,Engineering/Platform,lead@co.example\n" +
  "Lead,lead@co.example,,Engineering,\n";

const post = (token: string, query = "", body: BodyInit = CSV): [string, RequestInit] => [
  `/api/v1/workspace/import${query}`,
  { method: "POST", headers: bearer(token, { "content-type": "text/csv" }), body },
];

async function world() {
  const t = await testApp();
  const company = await randomOrg(t.kv, { kind: "company" });
  const admin = await randomUser(t.kv, company.id, "admin");
  const employee = await randomUser(t.kv, company.id, "employee");
  const other = await randomOrg(t.kv, { kind: "company" });
  const otherAdmin = await randomUser(t.kv, other.id, "admin");
  const school = await randomOrg(t.kv);
  const schoolAdmin = await randomUser(t.kv, school.id, "admin");
  return { t, company, admin, employee, other, otherAdmin, school, schoolAdmin };
}

Deno.test("[workspace import api] preview, then import; the same file again changes nothing", async () => {
  const w = await world();
  await using _ = w.t;
  const token = await tokenFor(w.t.kv, w.admin);
  const preview = await w.t.app.request(...post(token, "?dryRun=true"));
  assert.equal(preview.status, 200);
  const report = await preview.json();
  assert.equal(report.committed, false);
  assert.equal(report.ok, true);
  assert.equal(report.counts.departments, 2);
  assert.deepEqual(
    report.departments.map((d: { path: string; action: string }) => `${d.path}:${d.action}`),
    ["Engineering:create", "Engineering / Platform:create"],
  );
  assert.equal(await findUserByEmail(w.t.kv, "lee@co.example"), null);

  const res = await w.t.app.request(...post(token));
  assert.equal(res.status, 200);
  const done = await res.json();
  assert.equal(done.committed, true);
  assert.equal(done.counts.create, 2);
  const depts = await listDepartments(w.t.kv, w.company.id);
  const platform = depts.find((d) => d.name === "Platform")!;
  const lee = (await findUserByEmail(w.t.kv, "lee@co.example"))!;
  const lead = (await findUserByEmail(w.t.kv, "lead@co.example"))!;
  assert.equal(lee.orgId, w.company.id);
  assert.equal(lee.role, "employee");
  assert.equal(await getMemberRole(w.t.kv, platform.id, lee.id), "student");
  assert.equal(await getMemberRole(w.t.kv, platform.id, lead.id), "teacher");

  const again = await (await w.t.app.request(...post(token))).json();
  assert.deepEqual(
    { ...again.counts },
    { create: 0, add: 0, unchanged: 2, invalid: 0, departments: 0, managers: 0 },
  );
});

Deno.test("[workspace import api] line errors in the asker's language; nothing written", async () => {
  const w = await world();
  await using _ = w.t;
  const token = await tokenFor(w.t.kv, w.admin);
  const bad =
    "이름,이메일,부서,관리자 이메일\n가,a@co.example,영업,x@co.example\n나,b@co.example,영업,y@co.example\n";
  const [url, init] = post(token, "", bad);
  const res = await w.t.app.request(url, {
    ...init,
    headers: { ...init.headers as Record<string, string>, cookie: "lang=ko" },
  });
  assert.equal(res.status, 400);
  const body = await res.json();
  assert.equal(body.error.code, "validation_failed");
  assert.deepEqual(body.error.details.map((d: { line: number }) => d.line), [2, 3]);
  assert.equal(await findUserByEmail(w.t.kv, "a@co.example"), null);
  assert.equal((await listDepartments(w.t.kv, w.company.id)).length, 0);

  const preview = await (await w.t.app.request(url.replace("import", "import?dryRun=true"), {
    ...init,
    body: bad,
    headers: { ...init.headers as Record<string, string>, cookie: "lang=ko" },
  })).json();
  const codes = preview.errors.map((e: { code: string }) => e.code);
  assert.deepEqual(codes, ["managerUnknown", "managerTwice"]);
  assert.match(preview.errors[1].text, /영업.*y@co\.example|영업.*x@co\.example/);
  assert.match(preview.errors[1].text, /[가-힣]/);
});

Deno.test("[workspace import api] 403 for an employee; 404 for a school without a staff workspace; another company's admin imports into their own", async () => {
  const w = await world();
  await using _ = w.t;
  const asEmployee = await w.t.app.request(...post(await tokenFor(w.t.kv, w.employee)));
  assert.equal(asEmployee.status, 403);
  const asSchool = await w.t.app.request(...post(await tokenFor(w.t.kv, w.schoolAdmin)));
  assert.equal(asSchool.status, 404);

  // An admin of another company: their own workspace, never this one's people.
  const adminEmail = w.admin.email!;
  const other = await w.t.app.request(
    ...post(await tokenFor(w.t.kv, w.otherAdmin), "?dryRun=true", `name,email\nX,${adminEmail}\n`),
  );
  assert.equal(other.status, 200);
  const report = await other.json();
  assert.deepEqual(report.errors.map((e: { code: string }) => e.code), ["emailTaken"]);

  const page = await w.t.app.request("/workspace/import", {
    headers: { cookie: (await browserSessionFor(w.t.kv, w.employee)).cookie },
  });
  assert.equal(page.status, 403);
  await page.body?.cancel();
  const schoolPage = await w.t.app.request("/workspace/import", {
    headers: { cookie: (await browserSessionFor(w.t.kv, w.schoolAdmin)).cookie },
  });
  assert.equal(schoolPage.status, 404);
  await schoolPage.body?.cancel();
  const ok = await w.t.app.request("/workspace/import", {
    headers: { cookie: (await browserSessionFor(w.t.kv, w.admin)).cookie },
  });
  assert.equal(ok.status, 200);
  const html = await ok.text();
  assert.match(html, /manager_email/);
});
