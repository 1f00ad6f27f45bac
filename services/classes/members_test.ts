import assert from "node:assert/strict";
import { commit } from "../db/kv.ts";
import { randomClass, randomOrg, randomUser } from "@/tests/helpers.ts";
import { updateClass } from "./classes.ts";
import { addMemberOps, listClassMembers, memberKeys } from "./members.ts";

Deno.test("[classes] roster - teachers first, then names in order; search and paging", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const org = await randomOrg(kv);
    const teacher = await randomUser(kv, org.id, "teacher", { name: "Zed Teacher" });
    const students = await Promise.all(
      ["김민준", "Ava", "bob", "이서연", "Émile"].map((name, i) =>
        randomUser(kv, org.id, "student", { name, email: `s${i}@example.org` })
      ),
    );
    const cls = await randomClass(kv, org.id, { teachers: [teacher], students });
    const all = await listClassMembers(kv, cls.id);
    assert.deepEqual(all.items.map((m) => m.name), [
      "Zed Teacher",
      "Ava",
      "bob",
      "Émile",
      "김민준",
      "이서연",
    ]);
    assert.equal(all.total, 6);
    const page = await listClassMembers(kv, cls.id, { offset: 4, limit: 1 });
    assert.deepEqual(page.items.map((m) => m.name), ["김민준"]);
    assert.equal((await listClassMembers(kv, cls.id, { q: "s2@example" })).total, 1);
    assert.equal(
      (await listClassMembers(kv, cls.id, { q: "s2@example", namesOnly: true })).total,
      0,
    );
    assert.equal((await listClassMembers(kv, cls.id, { role: "teacher" })).total, 1);
  } finally {
    kv.close();
  }
});

Deno.test("[classes] roster - every membership change shows at once (the cache follows KV)", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const org = await randomOrg(kv);
    const teacher = await randomUser(kv, org.id, "teacher");
    const cls = await randomClass(kv, org.id, { teachers: [teacher] });
    assert.equal((await listClassMembers(kv, cls.id)).total, 1);
    const s = await randomUser(kv, org.id, "student");
    await commit(addMemberOps(kv.atomic(), cls.id, s, "student"));
    assert.equal((await listClassMembers(kv, cls.id)).total, 2);
    await updateClass(kv, org.id, cls.id, { teacherIds: [] });
    assert.deepEqual((await listClassMembers(kv, cls.id)).items.map((m) => m.userId), [s.id]);
    // Undoing an import deletes the member keys, the revision with them.
    const op = kv.atomic();
    for (const key of memberKeys(cls.id, s.id)) op.delete(key);
    await commit(op);
    assert.equal((await listClassMembers(kv, cls.id)).total, 0);
  } finally {
    kv.close();
  }
});

Deno.test("[classes] roster - readers that arrive during a rebuild share it", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const org = await randomOrg(kv);
    const students = await Promise.all(
      [1, 2, 3].map(() => randomUser(kv, org.id, "student")),
    );
    const cls = await randomClass(kv, org.id, { students });
    const list = kv.list.bind(kv);
    let scans = 0;
    kv.list = ((selector: Deno.KvListSelector, options?: Deno.KvListOptions) => {
      if ("prefix" in selector && selector.prefix[0] === "class_members") scans++;
      return list(selector, options);
    }) as typeof kv.list;
    const pages = await Promise.all(
      Array.from({ length: 20 }, () => listClassMembers(kv, cls.id)),
    );
    assert.ok(pages.every((p) => p.total === 3));
    assert.equal(scans, 1);
  } finally {
    kv.close();
  }
});
