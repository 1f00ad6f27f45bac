/**
 * The roster API: CSV import (preview and commit) and the paged roster, through the app.
 */
import assert from "node:assert/strict";
import { setClassArchived } from "@/services/classes/classes.ts";
import { findUserByEmail } from "@/services/orgs/users.ts";
import {
  bearer,
  browserSessionFor,
  randomClass,
  testApp,
  tokenFor,
  twoSchools,
} from "./helpers.ts";

const CSV = "name,email,student_number\nStudent 1,s1@example.org,1\nStudent 2,s2@example.org,2\n" +
  "Student 3,s3@example.org,3\nStudent 4,s4@example.org,4\nStudent 5,s5@example.org,5\n";

const csvPost = (headers: Record<string, string>, body: BodyInit = CSV): RequestInit => ({
  method: "POST",
  headers: { "content-type": "text/csv", ...headers },
  body,
});

async function countKeys(kv: Deno.Kv, prefix: Deno.KvKey): Promise<number> {
  let n = 0;
  for await (const _ of kv.list({ prefix })) n++;
  return n;
}

async function world() {
  const t = await testApp();
  const { one, two } = await twoSchools(t.kv);
  const empty = await randomClass(t.kv, one.org.id, { teachers: [one.teacherA] });
  const path = (id: string, query = "") => `/api/v1/classes/${id}/roster${query}`;
  return { t, one, two, empty, path };
}

Deno.test("[roster api] dryRun previews the file and writes nothing", async () => {
  const { t, one, empty, path } = await world();
  try {
    const before = await countKeys(t.kv, ["users"]);
    const res = await t.app.request(
      path(empty.id, "?dryRun=true"),
      csvPost(bearer(await tokenFor(t.kv, one.teacherA))),
    );
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type")!, /^application\/json/);
    const body = await res.json();
    assert.equal(body.ok, true);
    assert.equal(body.committed, false);
    assert.equal(body.totalRows, 5);
    assert.deepEqual(body.counts, { create: 5, add: 0, unchanged: 0, invalid: 0 });
    assert.deepEqual(body.rows[0], {
      line: 2,
      name: "Student 1",
      email: "s1@example.org",
      studentNumber: "1",
      role: "student",
      action: "create",
    });
    assert.equal(await countKeys(t.kv, ["users"]), before);
    assert.equal(await countKeys(t.kv, ["class_members", empty.id]), 1);
  } finally {
    t.close();
  }
});

Deno.test("[roster api] commit imports; the same file again is all unchanged", async () => {
  const { t, one, empty, path } = await world();
  try {
    const token = await tokenFor(t.kv, one.admin);
    const res = await t.app.request(path(empty.id), csvPost(bearer(token)));
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type")!, /^application\/json/);
    const body = await res.json();
    assert.equal(body.committed, true);
    assert.deepEqual(body.counts, { create: 5, add: 0, unchanged: 0, invalid: 0 });
    assert.equal(await countKeys(t.kv, ["class_members", empty.id]), 6);
    assert.equal((await findUserByEmail(t.kv, "s3@example.org"))?.orgId, one.org.id);

    const again = await t.app.request(path(empty.id, "?dryRun=false"), csvPost(bearer(token)));
    assert.equal(again.status, 200);
    assert.deepEqual((await again.json()).counts, { create: 0, add: 0, unchanged: 5, invalid: 0 });
    assert.equal(await countKeys(t.kv, ["class_members", empty.id]), 6);
  } finally {
    t.close();
  }
});

Deno.test("[roster api] a bad row is 400 with its line, and nothing is written", async () => {
  const { t, one, empty, path } = await world();
  try {
    const before = await countKeys(t.kv, ["users"]);
    const res = await t.app.request(
      path(empty.id),
      csvPost(
        bearer(await tokenFor(t.kv, one.teacherA)),
        "name,email\nAnn,ann@example.org\nBen,ben-at-example.org\n",
      ),
    );
    assert.equal(res.status, 400);
    assert.match(res.headers.get("content-type")!, /^application\/json/);
    const body = await res.json();
    assert.equal(body.error.code, "validation_failed");
    assert.equal(body.error.message, "The roster has 1 problem; nothing was imported.");
    assert.equal(body.error.details[0].line, 3);
    assert.match(body.error.details[0].message, /not a valid email address/);
    assert.equal(await countKeys(t.kv, ["users"]), before);
  } finally {
    t.close();
  }
});

Deno.test("[roster api] a body that is not text/csv is 415; bytes that are not UTF-8 are 400", async () => {
  const { t, one, empty, path } = await world();
  try {
    const auth = bearer(await tokenFor(t.kv, one.teacherA));
    for (const type of ["application/json", "text/plain", "text/csv; charset=euc-kr"]) {
      const res = await t.app.request(path(empty.id), csvPost({ ...auth, "content-type": type }));
      assert.equal(res.status, 415, type);
      assert.match(res.headers.get("content-type")!, /^application\/json/);
      assert.equal((await res.json()).error.code, "unsupported_media_type");
    }
    // "이름" in EUC-KR (what Excel writes for "CSV" on Korean Windows).
    const euckr = new Uint8Array([0xc0, 0xcc, 0xb8, 0xa7, 0x2c, 0x65, 0x6d, 0x61, 0x69, 0x6c]);
    const res = await t.app.request(path(empty.id), csvPost(auth, euckr));
    assert.equal(res.status, 400);
    const body = await res.json();
    assert.equal(body.error.code, "bad_request");
    assert.match(body.error.message, /not UTF-8/);
  } finally {
    t.close();
  }
});

Deno.test("[roster api] who may import: students 403, other classes and schools 404, no one 401", async () => {
  const { t, one, two, path } = await world();
  try {
    const cases: [string, Record<string, string>, number][] = [
      ["student of the class", bearer(await tokenFor(t.kv, one.studentA)), 403],
      ["teacher of another class", bearer(await tokenFor(t.kv, one.teacherB)), 404],
      ["admin of another school", bearer(await tokenFor(t.kv, two.admin)), 404],
      ["nobody", {}, 401],
    ];
    for (const [who, headers, status] of cases) {
      const res = await t.app.request(path(one.classA.id, "?dryRun=true"), csvPost(headers));
      assert.equal(res.status, status, who);
      assert.match(res.headers.get("content-type")!, /^application\/json/);
      assert.ok((await res.json()).error.code, who);
    }
    assert.equal(await findUserByEmail(t.kv, "s1@example.org"), null);
  } finally {
    t.close();
  }
});

Deno.test("[roster api] a cookie session needs the CSRF header", async () => {
  const { t, one, empty, path } = await world();
  try {
    const { cookie, csrf } = await browserSessionFor(t.kv, one.teacherA);
    const without = await t.app.request(path(empty.id), csvPost({ cookie }));
    assert.equal(without.status, 403);
    assert.equal((await without.json()).error.code, "forbidden");
    assert.equal(await findUserByEmail(t.kv, "s1@example.org"), null);
    const withHeader = await t.app.request(
      path(empty.id),
      csvPost({ cookie, "x-csrf-token": csrf }),
    );
    assert.equal(withHeader.status, 200);
    assert.equal((await withHeader.json()).committed, true);
  } finally {
    t.close();
  }
});

Deno.test("[roster api] an archived class is 409", async () => {
  const { t, one, empty, path } = await world();
  try {
    await setClassArchived(t.kv, one.org.id, empty.id, true);
    const res = await t.app.request(
      path(empty.id),
      csvPost(bearer(await tokenFor(t.kv, one.admin))),
    );
    assert.equal(res.status, 409);
    assert.equal((await res.json()).error.code, "conflict");
  } finally {
    t.close();
  }
});

Deno.test("[roster api] GET pages the roster; students see names and roles only", async () => {
  const { t, one, two, empty, path } = await world();
  try {
    const teacher = await tokenFor(t.kv, one.teacherA);
    assert.equal((await t.app.request(path(empty.id), csvPost(bearer(teacher)))).status, 200);

    const res = await t.app.request(path(empty.id, "?role=student&offset=2&limit=2"), {
      headers: bearer(teacher),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type")!, /^application\/json/);
    const page = await res.json();
    assert.equal(page.total, 5);
    assert.equal(page.offset, 2);
    assert.equal(page.limit, 2);
    assert.deepEqual(
      page.items.map((m: { name: string; email: string; studentNumber: string }) => [
        m.name,
        m.email,
        m.studentNumber,
      ]),
      [["Student 3", "s3@example.org", "3"], ["Student 4", "s4@example.org", "4"]],
    );

    const all = await (await t.app.request(path(empty.id), { headers: bearer(teacher) })).json();
    assert.equal(all.total, 6);
    assert.equal(all.items[0].role, "teacher");

    const student = await tokenFor(t.kv, (await findUserByEmail(t.kv, "s1@example.org"))!);
    const seen = await (await t.app.request(path(empty.id), { headers: bearer(student) })).json();
    assert.equal(seen.total, 6);
    for (const item of seen.items) {
      assert.deepEqual(Object.keys(item).sort(), ["name", "role", "userId"]);
    }
    // A student's search matches names, never the emails they cannot see.
    const byEmail = await (await t.app.request(path(empty.id, "?q=s3%40example"), {
      headers: bearer(student),
    })).json();
    assert.equal(byEmail.total, 0);
    const byName = await (await t.app.request(path(empty.id, "?q=student%203"), {
      headers: bearer(student),
    })).json();
    assert.deepEqual(byName.items.map((m: { name: string }) => m.name), ["Student 3"]);
    const teacherSearch = await (await t.app.request(path(empty.id, "?q=s3%40example"), {
      headers: bearer(teacher),
    })).json();
    assert.equal(teacherSearch.total, 1);

    const bad = await t.app.request(path(empty.id, "?limit=501"), { headers: bearer(teacher) });
    assert.equal(bad.status, 400);
    const outsider = await t.app.request(path(empty.id), {
      headers: bearer(await tokenFor(t.kv, two.admin)),
    });
    assert.equal(outsider.status, 404);
  } finally {
    t.close();
  }
});

Deno.test("[roster api] teacher rows are for admins: a teacher's file fails at preview by line, an admin's imports", async () => {
  const { t, one, empty, path } = await world();
  try {
    const csv = "name,email,role\nStudent 1,s1@example.org,student\n" +
      "Co Teacher,co.teacher@example.org,teacher\n";
    const teacher = bearer(await tokenFor(t.kv, one.teacherA));
    const before = await countKeys(t.kv, ["users"]);
    for (const query of ["?dryRun=true", ""]) {
      const res = await t.app.request(path(empty.id, query), csvPost(teacher, csv));
      const body = await res.json();
      if (query) {
        assert.equal(res.status, 200);
        assert.equal(body.ok, false);
        assert.deepEqual(
          body.errors.map(({ line, column, message }: Record<string, unknown>) => ({
            line,
            column,
            message,
          })),
          [{
            line: 3,
            column: "role",
            message: "Only school admins can add teachers to a class. Remove this row or make " +
              "it a student, or ask a school admin to import the file.",
          }],
        );
      } else {
        assert.equal(res.status, 400);
        assert.equal(body.error.code, "validation_failed");
        assert.deepEqual(body.error.details.map((d: { line: number }) => d.line), [3]);
      }
    }
    assert.equal(await countKeys(t.kv, ["users"]), before, "nothing written");
    assert.equal(await findUserByEmail(t.kv, "co.teacher@example.org"), null);

    const admin = bearer(await tokenFor(t.kv, one.admin));
    const res = await t.app.request(path(empty.id), csvPost(admin, csv));
    assert.equal(res.status, 200);
    assert.deepEqual((await res.json()).counts, { create: 2, add: 0, unchanged: 0, invalid: 0 });
    const co = await findUserByEmail(t.kv, "co.teacher@example.org");
    assert.equal(co?.role, "teacher");
    // The new co-teacher reaches the class's gradebook, as an admin's import means.
    const gradebook = await t.app.request(`/api/v1/classes/${empty.id}/gradebook`, {
      headers: bearer(await tokenFor(t.kv, co!)),
    });
    assert.equal(gradebook.status, 200);
  } finally {
    t.close();
  }
});

Deno.test("[roster api] the class page tells a teacher that teacher rows need an admin", async () => {
  const { t, one } = await world();
  try {
    const note = "Rows with the role teacher can only be imported by a school admin";
    const page = async (user: typeof one.admin) => {
      const { cookie } = await browserSessionFor(t.kv, user);
      const res = await t.app.request(`/classes/${one.classA.id}`, { headers: { cookie } });
      assert.equal(res.status, 200);
      return await res.text();
    };
    assert.ok((await page(one.teacherA)).includes(note));
    assert.ok(!(await page(one.admin)).includes(note));
  } finally {
    t.close();
  }
});

Deno.test("[roster api] row errors and warnings come in the page's language (text), the message stays English", async () => {
  const { t, one, empty, path } = await world();
  try {
    const auth = bearer(await tokenFor(t.kv, one.teacherA));
    // Line 2: no name; line 3: a role nobody knows; line 4: a teacher row in a teacher's file.
    const csv =
      "이름,학번,역할,메모\n,2026801,학생,\n홍길동,2026802,학부모,\n김선생,2026803,교사,\n";
    const cases = [
      { lang: "ko", missing: "이름이 없습니다.", role: "역할 “학부모”을(를) 알 수 없습니다." },
      { lang: "zh", missing: "缺少姓名。", role: "无法识别角色“学部母”" },
    ] as const;
    for (const c of cases) {
      const res = await t.app.request(
        path(empty.id, "?dryRun=true"),
        csvPost(
          { ...auth, cookie: `mirae_lang=${c.lang}` },
          c.lang === "zh" ? csv.replace("학부모", "学部母") : csv,
        ),
      );
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.deepEqual(
        body.errors.map((e: { line: number; code: string }) => [e.line, e.code]),
        [[2, "nameMissing"], [3, "roleUnknown"], [4, "teacherRowByTeacher"]],
      );
      assert.equal(body.errors[0].message, "The name is missing.");
      assert.equal(body.errors[0].text, c.missing);
      assert.ok(body.errors[1].text.startsWith(c.role), body.errors[1].text);
      assert.match(body.errors[2].message, /^Only school admins/);
      assert.doesNotMatch(body.errors[2].text, /[A-Za-z]{4}/, "translated");
      // The unknown column 메모 is a warning, translated too.
      assert.equal(body.warnings[0].code, "unknownColumn");
      assert.match(body.warnings[0].text, /메모/);
      assert.doesNotMatch(body.warnings[0].text, /Unknown column/);
    }
  } finally {
    t.close();
  }
});
