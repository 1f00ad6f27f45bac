/** An archived class's coursework can be read but not changed, through every API. */
import assert from "node:assert/strict";
import { bearer, randomClass, randomOrg, randomUser, testApp, tokenFor } from "./helpers.ts";

Deno.test("[coursework] an archived class is read-only: no submissions, grades or edits", async () => {
  await using t = await testApp();
  const org = await randomOrg(t.kv);
  const admin = await tokenFor(t.kv, await randomUser(t.kv, org.id, "admin"));
  const teacherUser = await randomUser(t.kv, org.id, "teacher");
  const studentUser = await randomUser(t.kv, org.id, "student");
  const cls = await randomClass(t.kv, org.id, { teachers: [teacherUser], students: [studentUser] });
  const teacher = await tokenFor(t.kv, teacherUser);
  const student = await tokenFor(t.kv, studentUser);
  const json = (token: string, body: unknown) => ({
    method: "POST",
    headers: bearer(token, { "content-type": "application/json" }),
    body: JSON.stringify(body),
  });

  const created = await t.app.request(
    `/api/v1/classes/${cls.id}/assignments`,
    json(teacher, { title: "Essay", points: 10, due: { date: "2099-01-01", time: "09:00" } }),
  );
  assert.equal(created.status, 201);
  const { id } = await created.json();
  assert.equal(
    (await t.app.request(`/api/v1/assignments/${id}/publish`, json(teacher, {}))).status,
    200,
  );
  const before = await t.app.request(
    `/api/v1/assignments/${id}/submissions`,
    json(student, { text: "v1" }),
  );
  assert.equal(before.status, 201);

  const archived = await t.app.request(
    `/api/v1/classes/${cls.id}/archive`,
    json(admin, { archived: true }),
  );
  assert.equal(archived.status, 200);

  const submit = await t.app.request(
    `/api/v1/assignments/${id}/submissions`,
    json(student, { text: "v2" }),
  );
  assert.equal(submit.status, 409);
  assert.match((await submit.json()).error.message, /archived/);
  const grade = await t.app.request(`/api/v1/assignments/${id}/grades/${studentUser.id}`, {
    method: "PUT",
    headers: bearer(teacher, { "content-type": "application/json" }),
    body: JSON.stringify({ points: 5 }),
  });
  assert.equal(grade.status, 409);
  const edit = await t.app.request(`/api/v1/assignments/${id}`, {
    method: "PATCH",
    headers: bearer(teacher, { "content-type": "application/json" }),
    body: JSON.stringify({ title: "Changed" }),
  });
  assert.equal(edit.status, 409);
  // Reading still works, and the first submission is still there.
  const read = await t.app.request(`/api/v1/assignments/${id}/submissions`, {
    headers: bearer(teacher),
  });
  assert.equal(read.status, 200);
  assert.match(await read.text(), /"text":"v1"/);
});
