/**
 * The clock-in API through the app: the admin's settings, sites and shifts (bad radius, NaN,
 * other organizations' departments), and punches for oneself: off (403), the accuracy limit at
 * the boundary, bad coordinates, an office network, a remote day, uncertain (409) then
 * confirmed as outside, the remark and photo rules, the same minute twice, quick clock-in and
 * its undo, and 404 across a company and a school's staff workspace.
 */
import assert from "node:assert/strict";
import { EARTH_RADIUS_M } from "@/services/clockin/geo.ts";
import type { User } from "@/services/orgs/users.ts";
import { bearer, randomOrg, randomUser, testApp, tokenFor } from "./helpers.ts";
import {
  fixedShift,
  randomCompany,
  randomDepartment,
  randomStaffSchool,
  remoteEveryDay,
} from "./workspace_fixtures.ts";

/** Metres north of a point, in degrees of latitude (distance along a meridian). */
const north = (m: number) => m / (EARTH_RADIUS_M * Math.PI / 180);
const SITE = { lat: 37.5665, lng: 126.978 };

async function world() {
  const t = await testApp();
  const org = await randomCompany(t.kv);
  const admin = await randomUser(t.kv, org.id, "admin");
  const alice = await randomUser(t.kv, org.id, "employee");
  const bob = await randomUser(t.kv, org.id, "employee");
  const tokens = new Map<User, string>();
  const call = async (user: User, method: string, path: string, body?: unknown, headers = {}) => {
    if (!tokens.has(user)) tokens.set(user, await tokenFor(t.kv, user));
    const res = await t.app.request(path, {
      method,
      headers: bearer(tokens.get(user)!, { "content-type": "application/json", ...headers }),
      ...(body !== undefined && { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  };
  const settings = async (s: Record<string, unknown>) => {
    const r = await call(admin, "PUT", "/api/v1/clockin/settings", s);
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  const site = await call(admin, "POST", "/api/v1/clockin/sites", {
    name: "Main Campus",
    ...SITE,
    radiusM: 100,
    networks: ["203.0.113.0/24"],
  });
  assert.equal(site.status, 201);
  const at = (m: number, accuracy: number) => ({
    lat: SITE.lat + north(m),
    lng: SITE.lng,
    accuracy,
  });
  const punch = (user: User, body: unknown, headers = {}) =>
    call(user, "POST", "/api/v1/clockin/punches", body, headers);
  return { t, org, admin, alice, bob, call, settings, site: site.body, at, punch };
}

const paths = (body: { error: { details?: { path?: unknown[] }[] } }) =>
  (body.error.details ?? []).map((d) => (d.path ?? []).join("."));

Deno.test("settings: defaults when none saved, partial saves, bad values named, admins only", async () => {
  const w = await world();
  try {
    const r = await w.call(w.admin, "GET", "/api/v1/clockin/settings");
    assert.equal(r.status, 200);
    assert.equal(r.body.enabled, false);
    assert.equal(r.body.retentionDays, 30);
    await w.settings({ enabled: true, accuracyLimitM: 200 });
    const again = await w.call(w.admin, "GET", "/api/v1/clockin/settings");
    assert.equal(again.body.enabled, true);
    assert.equal(again.body.accuracyLimitM, 200);
    assert.equal(again.body.outsideRemark, true, "a field left out keeps its value");
    const bad = await w.call(w.admin, "PUT", "/api/v1/clockin/settings", { retentionDays: 0 });
    assert.equal(bad.status, 400);
    assert.deepEqual(paths(bad.body), ["retentionDays"]);
    const employee = await w.call(w.alice, "PUT", "/api/v1/clockin/settings", { enabled: false });
    assert.equal(employee.status, 403);
  } finally {
    w.t.close();
  }
});

Deno.test("sites: radius 0 and 100 km, NaN and out-of-range points, bad networks and assignees get 400 with the field", async () => {
  const w = await world();
  try {
    const post = (body: unknown) => w.call(w.admin, "POST", "/api/v1/clockin/sites", body);
    const def = await post({ name: "Depot", ...SITE });
    assert.equal(def.status, 201);
    assert.equal(def.body.radiusM, 1000, "the default radius");
    for (const radiusM of [0, 100_000, 49, 3001]) {
      const r = await post({ name: "X", ...SITE, radiusM });
      assert.equal(r.status, 400, `radius ${radiusM}`);
      assert.deepEqual(paths(r.body), ["radiusM"]);
      assert.match(r.body.error.details[0].message, /50 to 3000 metres/);
    }
    const nan = await post(`{"name":"X","lat":"NaN","lng":126.9}`);
    assert.equal(nan.status, 400);
    assert.deepEqual(paths(nan.body), ["lat"]);
    const nul = await post({ name: "X", lat: 37.5, lng: null });
    assert.deepEqual(paths(nul.body), ["lng"]);
    const far = await post({ name: "X", lat: 91, lng: 0 });
    assert.deepEqual(paths(far.body), ["lat"]);
    const net = await post({ name: "X", ...SITE, networks: ["10.0.0.0/8", "not a range"] });
    assert.deepEqual(paths(net.body), ["networks.1"]);
    const other = await randomCompany(w.t.kv);
    const foreign = await randomDepartment(w.t.kv, other.id);
    const stranger = await randomUser(w.t.kv, other.id, "employee");
    const who = await post({
      name: "X",
      ...SITE,
      departmentIds: [foreign.id],
      userIds: [stranger.id],
    });
    assert.equal(who.status, 400);
    assert.deepEqual(paths(who.body), ["departmentIds.0", "userIds.0"]);
    const patch = await w.call(w.admin, "PATCH", `/api/v1/clockin/sites/${def.body.id}`, {
      radiusM: 300,
    });
    assert.equal(patch.status, 200);
    assert.equal(patch.body.radiusM, 300);
    assert.equal(patch.body.name, "Depot");
    // Another organization's admin: 404.
    const otherAdmin = await randomUser(w.t.kv, other.id, "admin");
    const cross = await w.call(otherAdmin, "GET", `/api/v1/clockin/sites/${def.body.id}`);
    assert.equal(cross.status, 404);
    const del = await w.call(w.admin, "DELETE", `/api/v1/clockin/sites/${def.body.id}`);
    assert.equal(del.status, 204);
  } finally {
    w.t.close();
  }
});

Deno.test("shifts: created, assigned to a department above the person, shown on today's page", async () => {
  const w = await world();
  try {
    await w.settings({ enabled: true });
    const top = await randomDepartment(w.t.kv, w.org.id);
    await randomDepartment(w.t.kv, w.org.id, { parentId: top.id, members: [w.alice] });
    const bad = await w.call(w.admin, "POST", "/api/v1/clockin/shifts", {
      ...fixedShift(),
      lateGraceMin: 500,
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(paths(bad.body), ["lateGraceMin"]);
    const s = await w.call(
      w.admin,
      "POST",
      "/api/v1/clockin/shifts",
      fixedShift({ name: "Office" }),
    );
    assert.equal(s.status, 201);
    const a = await w.call(w.admin, "PUT", "/api/v1/clockin/shift-assignments", {
      target: "dept",
      id: top.id,
      shiftId: s.body.id,
    });
    assert.equal(a.status, 200);
    const today = await w.call(w.alice, "GET", "/api/v1/clockin/today");
    assert.equal(today.status, 200);
    assert.equal(today.body.shift.name, "Office");
    assert.deepEqual(today.body.sites.map((x: { name: string }) => x.name), ["Main Campus"]);
    const bobs = await w.call(w.bob, "GET", "/api/v1/clockin/today");
    assert.equal(bobs.body.shift, null, "bob is in no department and the organization has none");
  } finally {
    w.t.close();
  }
});

Deno.test("punch: 403 while off; the accuracy limit at the boundary; bad positions named", async () => {
  const w = await world();
  try {
    const off = await w.punch(w.alice, { position: w.at(0, 10) });
    assert.equal(off.status, 403);
    assert.match(off.body.error.message, /^Clock-in is not switched on for your organization/);
    assert.deepEqual((await w.call(w.alice, "GET", "/api/v1/clockin/today")).body, {
      enabled: false,
    });
    await w.settings({ enabled: true, accuracyLimitM: 50 });
    const over = await w.punch(w.alice, { position: w.at(0, 50.001) });
    assert.equal(over.status, 400);
    assert.deepEqual(paths(over.body), ["position.accuracy"]);
    assert.match(over.body.error.details[0].message, /precise location|outdoors|wait/);
    const ko = await w.punch(w.alice, { position: w.at(0, 50.001) }, { "accept-language": "ko" });
    assert.match(ko.body.error.details[0].message, /정확한 위치/, "in the asker's language");
    const bad = [
      [`{"position":{"lat":"NaN","lng":126.9,"accuracy":10}}`, "position.lat"],
      [{ position: { lat: null, lng: 126.9, accuracy: 10 } }, "position.lat"],
      [{ position: { lat: 37.5, lng: 181, accuracy: 10 } }, "position.lng"],
      [{ position: { lat: 37.5, lng: 126.9 } }, "position.accuracy"],
      [{ position: { lat: 37.5, lng: 126.9, accuracy: -1 } }, "position.accuracy"],
      [{}, "position"],
      [{ position: w.at(0, 10), userId: w.bob.id }, ""],
    ] as const;
    for (const [body, path] of bad) {
      const r = await w.punch(w.alice, body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.deepEqual(paths(r.body), [path], JSON.stringify(body));
    }
    const exact = await w.punch(w.alice, { position: w.at(0, 50) });
    assert.equal(exact.status, 201, "an accuracy equal to the limit is accepted");
    assert.equal(exact.body.punch.verdict, "inside");
    assert.equal(exact.body.label.kind, "site");
    assert.equal(exact.body.label.siteName, "Main Campus");
    assert.ok(exact.headers.get("set-cookie")?.startsWith("mirae_device="));
    const again = await w.punch(w.alice, { position: w.at(0, 10) });
    const minute = (iso: string) => Math.floor(Date.parse(iso) / 60_000);
    if (minute(exact.body.punch.at) === Math.floor(Date.now() / 60_000)) {
      assert.equal(again.status, 200, "the same minute answers the first punch");
      assert.equal(again.body.punch.id, exact.body.punch.id);
    } // else the clock passed a minute between the two (punches_test.ts fixes the time)
    const today = await w.call(w.alice, "GET", "/api/v1/clockin/today");
    assert.equal(today.body.punches[0].id, exact.body.punch.id);
    const me = await w.call(w.alice, "GET", "/api/v1/clockin/me");
    assert.equal(me.status, 200);
    assert.equal(me.body.punches[0].id, exact.body.punch.id);
    assert.equal(typeof me.body.punches[0].lat, "number", "she sees the raw reading stored");
    assert.equal(me.body.punches[0].device.length, 32, "a hash, not the cookie");
    const badMonth = await w.call(w.alice, "GET", "/api/v1/clockin/me?month=2026-13");
    assert.equal(badMonth.status, 400);
    assert.deepEqual(paths(badMonth.body), ["month"]);
    const empty = await w.call(w.alice, "GET", "/api/v1/clockin/me?month=2001-02");
    assert.deepEqual(empty.body, { punches: [], corrections: [], makeupRequests: [] });
  } finally {
    w.t.close();
  }
});

Deno.test("punch: the office network needs no position; a remote day takes any position", async () => {
  const w = await world();
  try {
    await w.settings({ enabled: true });
    const net = await w.punch(w.alice, {}, { "x-mirae-client-ip": "203.0.113.77" });
    assert.equal(net.status, 201);
    assert.equal(net.body.punch.verdict, "network");
    assert.equal(net.body.punch.lat, undefined);
    assert.deepEqual(net.body.label, { kind: "network", siteName: "Main Campus" });
    const s = await w.call(w.admin, "POST", "/api/v1/clockin/shifts", remoteEveryDay());
    await w.call(w.admin, "PUT", "/api/v1/clockin/shift-assignments", {
      target: "user",
      id: w.bob.id,
      shiftId: s.body.id,
    });
    const home = await w.punch(w.bob, { position: { lat: 35.1796, lng: 129.0756, accuracy: 30 } });
    assert.equal(home.status, 201, JSON.stringify(home.body));
    assert.equal(home.body.punch.verdict, "remote");
    assert.equal(home.body.label.kind, "place", "still labelled");
  } finally {
    w.t.close();
  }
});

Deno.test("punch: uncertain is 409 until confirmed as outside; the remark and photo rules", async () => {
  const w = await world();
  try {
    await w.settings({ enabled: true, outsidePhoto: "required" });
    const unsure = w.at(90, 30); // 60..120 m from a 100 m site
    const first = await w.punch(w.alice, { position: unsure });
    assert.equal(first.status, 409);
    assert.equal(first.body.error.code, "conflict");
    assert.deepEqual(paths(first.body), ["outsideConfirmed"]);
    const noRemark = await w.punch(w.alice, { position: unsure, outsideConfirmed: true });
    assert.equal(noRemark.status, 400);
    assert.deepEqual(paths(noRemark.body), ["remark"]);
    const noPhoto = await w.punch(w.alice, {
      position: unsure,
      outsideConfirmed: true,
      remark: "At the client's",
    });
    assert.deepEqual(paths(noPhoto.body), ["photoFileId"]);
    const notMine = await w.punch(w.alice, {
      position: unsure,
      outsideConfirmed: true,
      remark: "At the client's",
      photoFileId: "01NOSUCHFILE",
    });
    assert.deepEqual(paths(notMine.body), ["photoFileId"]);
    await w.settings({ outsidePhoto: "optional" });
    const ok = await w.punch(w.alice, {
      position: unsure,
      outsideConfirmed: true,
      remark: "At the client's",
    });
    assert.equal(ok.status, 201);
    assert.equal(ok.body.punch.verdict, "outside");
    assert.equal(ok.body.punch.remark, "At the client's");
    const farAway = await w.punch(w.bob, { position: w.at(5000, 20) });
    assert.equal(farAway.status, 400, "clearly outside: no confirmation, but a remark");
    assert.deepEqual(paths(farAway.body), ["remark"]);
  } finally {
    w.t.close();
  }
});

Deno.test("quick clock-in: only when on and inside; undone by its owner within 5 minutes, else 404", async () => {
  const w = await world();
  try {
    await w.settings({ enabled: true });
    const refused = await w.punch(w.alice, { position: w.at(0, 10), source: "quick" });
    assert.deepEqual(paths(refused.body), ["source"]);
    await w.settings({ quick: true });
    const q = await w.punch(w.alice, { position: w.at(0, 10), source: "quick" });
    assert.equal(q.status, 201);
    const id = q.body.punch.id;
    const bobs = await w.call(w.bob, "POST", `/api/v1/clockin/punches/${id}/undo`);
    assert.equal(bobs.status, 404, "another person's punch");
    const undo = await w.call(w.alice, "POST", `/api/v1/clockin/punches/${id}/undo`);
    assert.equal(undo.status, 200);
    assert.ok(undo.body.punch.undoneAt);
    const twice = await w.call(w.alice, "POST", `/api/v1/clockin/punches/${id}/undo`);
    assert.equal(twice.status, 404);
    const today = await w.call(w.alice, "GET", "/api/v1/clockin/today");
    assert.equal(today.body.next, "in", "an undone clock-in does not count");
  } finally {
    w.t.close();
  }
});

Deno.test("404 across organizations and kinds: a school's staff workspace, a company, a school without one", async () => {
  const w = await world();
  try {
    await w.settings({ enabled: true });
    const school = await randomStaffSchool(w.t.kv);
    const teacher = await randomUser(w.t.kv, school.id, "teacher");
    const student = await randomUser(w.t.kv, school.id, "student");
    const schoolAdmin = await randomUser(w.t.kv, school.id, "admin");
    const plain = await randomOrg(w.t.kv);
    const plainTeacher = await randomUser(w.t.kv, plain.id, "teacher");
    // The school's staff use their own workspace: clock-in is off there until their admin says.
    const staff = await w.call(teacher, "GET", "/api/v1/clockin/today");
    assert.equal(staff.status, 200);
    assert.equal(staff.body.enabled, false);
    for (
      const [user, method, path] of [
        [student, "GET", "/api/v1/clockin/today"],
        [student, "POST", "/api/v1/clockin/punches"],
        [plainTeacher, "GET", "/api/v1/clockin/today"],
        [plainTeacher, "GET", "/api/v1/clockin/me"],
        [schoolAdmin, "GET", `/api/v1/clockin/sites/${w.site.id}`],
        [schoolAdmin, "PATCH", `/api/v1/clockin/sites/${w.site.id}`],
        [schoolAdmin, "DELETE", `/api/v1/clockin/sites/${w.site.id}`],
      ] as const
    ) {
      const r = await w.call(
        user,
        method,
        path,
        method === "GET" || method === "DELETE" ? undefined : {},
      );
      assert.equal(r.status, 404, `${user.role} ${method} ${path}`);
    }
    const a = await w.punch(w.alice, { position: w.at(0, 10) });
    assert.equal(a.status, 201);
    const undo = await w.call(teacher, "POST", `/api/v1/clockin/punches/${a.body.punch.id}/undo`);
    assert.equal(undo.status, 404);
  } finally {
    w.t.close();
  }
});
