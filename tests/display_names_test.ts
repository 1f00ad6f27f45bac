/**
 * Display names (issue 10 §3.3): one schema normalizes every name a person enters (NFC, one
 * space, no control, format or bidi characters, bounded), and a student may not take a
 * teacher's name in the same school.
 */
import assert from "node:assert/strict";
import { createJoinLink, linkSecret } from "@/services/classes/join_links.ts";
import { listClassMembers } from "@/services/classes/members.ts";
import {
  DisplayNameSchema,
  getUser,
  MAX_NAME_LENGTH,
  nameKey,
  normalizeDisplayName,
} from "@/services/orgs/users.ts";
import { importRoster } from "@/services/roster/import.ts";
import {
  bearer,
  browserSessionFor,
  randomClass,
  randomOrg,
  randomUser,
  testApp,
  tokenFor,
} from "./helpers.ts";

Deno.test("[names] normalize - invisible, bidi and control characters go; scripts stay", () => {
  const cases: [string, string][] = [
    ["Kim\u200BMinji", "KimMinji"], // zero-width space
    ["\u202EnimdA", "nimdA"], // right-to-left override
    ["Lee\u0000 Jun", "Lee Jun"], // NUL
    ["Park\u2066\u2069 Ji\uFEFFho", "Park Jiho"], // isolates, BOM
    ["  Choi \t\n  Yuna\u3000 ", "Choi Yuna"], // whitespace runs, ideographic space
    ["\u1112\u1169\u11BC\u1100\u1175\u11AF\u1103\u1169\u11BC", "홍길동"], // decomposed Hangul
    ["\u3164", ""], // a Hangul filler alone is blank
    ["张伟", "张伟"],
    ["José Müller", "José Müller"],
    ["Zoe\u0308", "Zoë"],
  ];
  for (const [raw, want] of cases) {
    assert.equal(normalizeDisplayName(raw), want, JSON.stringify(raw));
  }
  assert.equal(nameKey("KIM\u200B minji"), nameKey("kim Minji"));
  assert.equal(DisplayNameSchema.safeParse("\u200B\u202E").success, false);
  assert.equal(DisplayNameSchema.safeParse("x".repeat(MAX_NAME_LENGTH + 1)).success, false);
  assert.equal(DisplayNameSchema.parse(" 홍길동 "), "홍길동");
});

async function joinLink(t: Awaited<ReturnType<typeof testApp>>) {
  const org = await randomOrg(t.kv);
  const teacher = await randomUser(t.kv, org.id, "teacher", { name: "Kim Minji" });
  const admin = await randomUser(t.kv, org.id, "admin", { name: "박지호" });
  const cls = await randomClass(t.kv, org.id, { teachers: [teacher] });
  const secret = await linkSecret(t.kv, t.config);
  const { token } = await createJoinLink(t.kv, secret, {
    orgId: org.id,
    classId: cls.id,
    createdBy: teacher.id,
  });
  const join = (name: string) =>
    t.app.request(`/join/${token}`, {
      method: "POST",
      headers: { "x-mirae-client-ip": `10.1.${Math.floor(Math.random() * 250)}.1` },
      body: new URLSearchParams({ name }),
    });
  return { org, teacher, admin, cls, join };
}

Deno.test("[names] join link - a name is stored normalized", async () => {
  await using t = await testApp();
  const { cls, join } = await joinLink(t);
  const res = await join("  Lee\u200B\u202E  Jun\u0000 ");
  assert.equal(res.status, 303, await res.clone().text());
  const roster = await listClassMembers(t.kv, cls.id, { role: "student" });
  assert.deepEqual(roster.items.map((m) => m.name), ["Lee Jun"]);
});

Deno.test("[names] join link - a student may not take a teacher's or an admin's name (409)", async () => {
  await using t = await testApp();
  const { cls, join } = await joinLink(t);
  for (const name of ["Kim Minji", "kim  MINJI", "Kim\u200B Minji", "\u202DKim Minji", "박지호"]) {
    const res = await join(name);
    assert.equal(res.status, 409, JSON.stringify(name));
    assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(await res.text(), /A teacher of this school has this name/);
  }
  assert.equal((await listClassMembers(t.kv, cls.id, { role: "student" })).total, 0);
  // Another school's teacher's name is no conflict here, and a different name is fine.
  const res = await join("Kim Minjun");
  assert.equal(res.status, 303);
  await res.body?.cancel();
});

Deno.test("[names] roster import - real names stay, invisible characters go", async () => {
  await using t = await testApp();
  const org = await randomOrg(t.kv);
  const cls = await randomClass(t.kv, org.id);
  const csv = "name,student_number\n" +
    '홍길동,K1\n张伟,C1\nJosé Müller,E1\n"Zoë\u200B\nO\u202E\'Brien",E2\n';
  await importRoster(t.kv, { orgId: org.id, classId: cls.id, by: "admin" }, csv);
  const names = (await listClassMembers(t.kv, cls.id, { role: "student" })).items.map((m) => m.name)
    .sort();
  assert.deepEqual(names, ["José Müller", "Zoë O'Brien", "张伟", "홍길동"].sort());
});

Deno.test("[names] rename - normalized everywhere the name is copied; a student may not take a teacher's name", async () => {
  await using t = await testApp();
  const org = await randomOrg(t.kv);
  const teacher = await randomUser(t.kv, org.id, "teacher", { name: "Kim Minji" });
  const student = await randomUser(t.kv, org.id, "student", { name: "Lee Jun" });
  const cls = await randomClass(t.kv, org.id, { teachers: [teacher], students: [student] });
  const rename = (token: string, name: string) =>
    t.app.request("/api/v1/me", {
      method: "PATCH",
      headers: { ...bearer(token), "content-type": "application/json" },
      body: JSON.stringify({ name }),
    });
  const studentToken = await tokenFor(t.kv, student);

  for (const name of ["kim minji", "Kim\u200B Minji", "\u202EKim Minji"]) {
    const res = await rename(studentToken, name);
    assert.equal(res.status, 409, JSON.stringify(name));
    const err = (await res.json()).error;
    assert.equal(err.code, "conflict");
    assert.match(err.message, /A teacher of this school has this name/);
    assert.deepEqual(err.details[0].path, ["name"]);
  }
  const blank = await rename(studentToken, "\u200B\u2066 ");
  assert.equal(blank.status, 400);
  assert.deepEqual((await blank.json()).error.details[0].path, ["name"]);

  const ok = await rename(studentToken, " Lee\u200B  Junho\u0000");
  assert.equal(ok.status, 200);
  assert.equal((await ok.json()).name, "Lee Junho");
  assert.equal((await getUser(t.kv, student.id))?.name, "Lee Junho");
  const roster = await listClassMembers(t.kv, cls.id, { role: "student" });
  assert.deepEqual(roster.items.map((m) => m.name), ["Lee Junho"], "the roster copy follows");

  // Staff rename freely (within the schema); the page says the same in the reader's language.
  const teacherRes = await rename(await tokenFor(t.kv, teacher), "Kim Minji (3-1)");
  assert.equal(teacherRes.status, 200);
  await teacherRes.body?.cancel();
  const s = await browserSessionFor(t.kv, student);
  const page = await t.app.request("/account", {
    method: "POST",
    headers: {
      cookie: s.cookie,
      "content-type": "application/x-www-form-urlencoded",
      "accept-language": "ko",
    },
    body: new URLSearchParams({ _csrf: s.csrf, intent: "name", name: "KIM MINJI (3-1)" }),
  });
  assert.equal(page.status, 409);
  assert.match(await page.text(), /이 학교 선생님 중에 같은 이름이 있습니다/);
});
