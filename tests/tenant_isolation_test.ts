/**
 * The tenant-isolation matrix: each role x (own class, another class of the same school,
 * a class of another school) x (read, write). Another school's data is always 404.
 */
import assert from "node:assert/strict";
import { bearer, testApp, tokenFor, twoSchools } from "./helpers.ts";

type Actor = "admin" | "teacher" | "student";
type Target = "own" | "otherClass" | "otherSchool";

interface Case {
  name: string;
  method: string;
  path: (classId: string) => string;
  body?: string;
  contentType?: string;
  expect: Record<Actor, Record<Target, number>>;
}

const readAll = { own: 200, otherClass: 200, otherSchool: 404 };
const memberRead = {
  admin: readAll,
  teacher: { own: 200, otherClass: 404, otherSchool: 404 },
  student: { own: 200, otherClass: 404, otherSchool: 404 },
};
const adminWrite = {
  admin: readAll,
  teacher: { own: 403, otherClass: 404, otherSchool: 404 },
  student: { own: 403, otherClass: 404, otherSchool: 404 },
};
const teacherWrite = {
  admin: readAll,
  teacher: { own: 200, otherClass: 404, otherSchool: 404 },
  student: { own: 403, otherClass: 404, otherSchool: 404 },
};

const CASES: Case[] = [
  { name: "read class", method: "GET", path: (id) => `/api/v1/classes/${id}`, expect: memberRead },
  {
    name: "edit class",
    method: "PATCH",
    path: (id) => `/api/v1/classes/${id}`,
    body: JSON.stringify({ name: "Renamed" }),
    expect: adminWrite,
  },
  {
    name: "archive class",
    method: "POST",
    path: (id) => `/api/v1/classes/${id}/archive`,
    body: JSON.stringify({ archived: false }),
    expect: adminWrite,
  },
  {
    name: "read roster",
    method: "GET",
    path: (id) => `/api/v1/classes/${id}/roster`,
    expect: memberRead,
  },
  {
    name: "preview roster import",
    method: "POST",
    path: (id) => `/api/v1/classes/${id}/roster?dryRun=true`,
    body: "name,email\nNew Student,new.student@example.org\n",
    contentType: "text/csv",
    expect: teacherWrite,
  },
  {
    name: "list join links",
    method: "GET",
    path: (id) => `/api/v1/classes/${id}/join-links`,
    expect: teacherWrite,
  },
  {
    name: "create join link",
    method: "POST",
    path: (id) => `/api/v1/classes/${id}/join-links`,
    body: JSON.stringify({ expiresInHours: 24 }),
    expect: {
      ...teacherWrite,
      admin: { own: 201, otherClass: 201, otherSchool: 404 },
      teacher: { own: 201, otherClass: 404, otherSchool: 404 },
    },
  },
  {
    name: "list join requests",
    method: "GET",
    path: (id) => `/api/v1/classes/${id}/join-requests`,
    expect: teacherWrite,
  },
  {
    name: "approve all join requests",
    method: "POST",
    path: (id) => `/api/v1/classes/${id}/join-requests/approve`,
    body: JSON.stringify({ all: true }),
    expect: teacherWrite,
  },
  { name: "class page", method: "GET", path: (id) => `/classes/${id}`, expect: memberRead },
  {
    name: "read stream",
    method: "GET",
    path: (id) => `/api/v1/classes/${id}/posts`,
    expect: memberRead,
  },
  {
    name: "post announcement",
    method: "POST",
    path: (id) => `/api/v1/classes/${id}/posts`,
    body: JSON.stringify({ body: "Announcement" }),
    expect: {
      ...teacherWrite,
      admin: { own: 201, otherClass: 201, otherSchool: 404 },
      teacher: { own: 201, otherClass: 404, otherSchool: 404 },
    },
  },
  {
    name: "set stream settings",
    method: "PATCH",
    path: (id) => `/api/v1/classes/${id}/posts/settings`,
    body: JSON.stringify({ commentsOff: false }),
    expect: teacherWrite,
  },
];

Deno.test("[security] tenant isolation matrix", async (t) => {
  await using ctx = await testApp();
  const { one, two } = await twoSchools(ctx.kv);
  const actors: Record<Actor, string> = {
    admin: await tokenFor(ctx.kv, one.admin),
    teacher: await tokenFor(ctx.kv, one.teacherA),
    student: await tokenFor(ctx.kv, one.studentA),
  };
  const targets: Record<Target, string> = {
    own: one.classA.id,
    otherClass: one.classB.id,
    otherSchool: two.classA.id,
  };
  for (const c of CASES) {
    for (const actor of Object.keys(actors) as Actor[]) {
      for (const target of Object.keys(targets) as Target[]) {
        const want = c.expect[actor][target];
        await t.step(`${actor} ${c.name} of ${target} -> ${want}`, async () => {
          const res = await ctx.app.request(c.path(targets[target]), {
            method: c.method,
            headers: bearer(
              actors[actor],
              c.body ? { "content-type": c.contentType ?? "application/json" } : {},
            ),
            body: c.body,
          });
          const text = await res.text();
          assert.equal(
            res.status,
            want,
            `${c.method} ${c.path(targets[target])}: ${text.slice(0, 200)}`,
          );
          // Nothing of another school leaks into any answer.
          assert.ok(!text.includes(two.org.id), "response mentions the other school's id");
          assert.ok(!text.includes(two.classA.name), "response mentions the other school's class");
        });
      }
    }
  }
});

Deno.test("[security] a school's member list and class list hold only its own people", async () => {
  await using ctx = await testApp();
  const { one, two } = await twoSchools(ctx.kv);
  const admin = await tokenFor(ctx.kv, one.admin);
  const members = await (await ctx.app.request("/api/v1/members", { headers: bearer(admin) }))
    .json();
  const ids = members.items.map((u: { id: string }) => u.id).sort();
  const mine = [one.admin, one.teacherA, one.teacherB, one.studentA, one.studentB].map((u) => u.id)
    .sort();
  assert.deepEqual(ids, mine);
  const classes = await (await ctx.app.request("/api/v1/classes", { headers: bearer(admin) }))
    .json();
  assert.deepEqual(
    classes.items.map((c: { id: string }) => c.id).sort(),
    [one.classA.id, one.classB.id].sort(),
  );
  const student = await tokenFor(ctx.kv, one.studentA);
  const theirs = await (await ctx.app.request("/api/v1/classes", { headers: bearer(student) }))
    .json();
  assert.deepEqual(theirs.items.map((c: { id: string }) => c.id), [one.classA.id]);
  assert.equal(
    (await ctx.app.request("/api/v1/members", { headers: bearer(student) })).status,
    403,
  );
  void two;
});

Deno.test("[security] an admin cannot make another school's teacher teach a class", async () => {
  await using ctx = await testApp();
  const { one, two } = await twoSchools(ctx.kv);
  const res = await ctx.app.request(`/api/v1/classes/${one.classA.id}`, {
    method: "PATCH",
    headers: bearer(await tokenFor(ctx.kv, one.admin), { "content-type": "application/json" }),
    body: JSON.stringify({ name: "Maths", teacherIds: [two.teacherA.id] }),
  });
  assert.equal(res.status, 400);
  const body = await res.json();
  assert.equal(body.error.code, "validation_failed");
  assert.deepEqual(body.error.details[0].path, ["teacherIds"]);
});
