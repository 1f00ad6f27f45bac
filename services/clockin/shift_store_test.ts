/** Shift assignments: a person's own, the nearest department walking up, the organization's. */
import assert from "node:assert/strict";
import { randomUser } from "@/tests/fixtures.ts";
import { fixedShift, randomCompany, randomDepartment } from "@/tests/workspace_fixtures.ts";
import { assignShift, createShift, deleteShift, resolveShift } from "./shift_store.ts";
import { createSite, listSitesFor } from "./sites.ts";

Deno.test("resolveShift: theirs, else the nearest department walking up, else the organization's", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const org = await randomCompany(kv);
    const [ann, ben, cat] = await Promise.all(
      ["Ann", "Ben", "Cat"].map((name) => randomUser(kv, org.id, "employee", { name })),
    );
    const top = await randomDepartment(kv, org.id, { name: "Company" });
    const mid = await randomDepartment(kv, org.id, { parentId: top.id, name: "Sales" });
    await randomDepartment(kv, org.id, { parentId: mid.id, name: "Seoul", members: [ann, ben] });
    const orgShift = await createShift(kv, org.id, fixedShift({ name: "Default" }));
    const sales = await createShift(kv, org.id, fixedShift({ name: "Sales" }));
    const own = await createShift(kv, org.id, fixedShift({ name: "Ben's" }));
    assert.equal(await resolveShift(kv, org.id, ann.id), null);
    await assignShift(kv, org.id, { target: "org", shiftId: orgShift.id });
    await assignShift(kv, org.id, { target: "dept", id: mid.id, shiftId: sales.id });
    await assignShift(kv, org.id, { target: "user", id: ben.id, shiftId: own.id });
    assert.equal((await resolveShift(kv, org.id, ann.id))?.shift.name, "Sales");
    assert.equal((await resolveShift(kv, org.id, ben.id))?.shift.name, "Ben's");
    assert.equal((await resolveShift(kv, org.id, cat.id))?.shift.name, "Default");
    await deleteShift(kv, org.id, sales.id);
    assert.equal((await resolveShift(kv, org.id, ann.id))?.shift.name, "Default");
    const other = await randomCompany(kv);
    const stranger = await randomUser(kv, other.id, "employee");
    await assert.rejects(
      assignShift(kv, org.id, { target: "user", id: stranger.id, shiftId: own.id }),
      /not valid/,
    );
    // Sites: everyone's, a department's (reaching those below it), a person's.
    await createSite(kv, org.id, { name: "All", lat: 0, lng: 0 });
    await createSite(kv, org.id, { name: "Sales floor", lat: 0, lng: 0, departmentIds: [mid.id] });
    await createSite(kv, org.id, { name: "Cat's", lat: 0, lng: 0, userIds: [cat.id] });
    const names = async (id: string) => (await listSitesFor(kv, org.id, id)).map((s) => s.name);
    assert.deepEqual(await names(ann.id), ["All", "Sales floor"]);
    assert.deepEqual(await names(cat.id), ["All", "Cat's"]);
  } finally {
    kv.close();
  }
});
