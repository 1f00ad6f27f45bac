import assert from "node:assert/strict";
import { randomClass, randomOrg, randomUser } from "@/tests/helpers.ts";
import { getSession } from "../auth/sessions.ts";
import { AppError } from "../web/errors.ts";
import { setClassArchived } from "./classes.ts";
import {
  createJoinLink,
  joinAsMember,
  JoinLinkError,
  joinToken,
  joinWithLink,
  linkSecret,
  listJoinLinks,
  resolveJoinToken,
  revokeJoinLink,
} from "./join_links.ts";
import { listClassMembers } from "./members.ts";

const SECRET = "join-link-test-secret-0123456789abcdef";
const TTL = { ttlMs: 3_600_000 };

async function setup() {
  const kv = await Deno.openKv(":memory:");
  const org = await randomOrg(kv);
  const teacher = await randomUser(kv, org.id, "teacher");
  const cls = await randomClass(kv, org.id, { teachers: [teacher] });
  const { link, token } = await createJoinLink(kv, SECRET, {
    orgId: org.id,
    classId: cls.id,
    createdBy: teacher.id,
  });
  return { kv, org, teacher, cls, link, token };
}

/** Runs `fn` and returns the AppError it throws (failing when it does not throw one). */
async function rejection(fn: () => Promise<unknown>): Promise<AppError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  assert.fail("expected an AppError");
}

async function countKeys(kv: Deno.Kv, prefix: Deno.KvKey): Promise<number> {
  let n = 0;
  for await (const _ of kv.list({ prefix })) n++;
  return n;
}

Deno.test("[classes] join links - a signed token resolves to its link and class", async () => {
  const { kv, cls, link, token } = await setup();
  try {
    assert.equal(token, await joinToken(SECRET, link.id));
    assert.match(token, /^[0-9A-Z]{26}\.[A-Za-z0-9_-]{22}$/);
    const got = await resolveJoinToken(kv, SECRET, token);
    assert.equal(got.link.id, link.id);
    assert.equal(got.cls.id, cls.id);
    const week = Date.parse(link.expiresAt) - Date.parse(link.createdAt);
    assert.equal(week, 168 * 3_600_000);
  } finally {
    kv.close();
  }
});

Deno.test("[classes] join links - tampered, foreign and malformed tokens are 404", async () => {
  const { kv, link, token } = await setup();
  try {
    const sig = token.split(".")[1];
    const flipped = `${link.id}.${sig[0] === "A" ? "B" : "A"}${sig.slice(1)}`;
    const otherSecret = await joinToken("another-secret-of-another-install-000", link.id);
    for (
      const bad of [flipped, otherSecret, link.id, `${link.id}.`, "", "../../etc", token + "x"]
    ) {
      const err = await rejection(() => resolveJoinToken(kv, SECRET, bad));
      assert.equal(err.status, 404, bad);
      assert.match(err.message, /not valid/);
    }
    // A correctly signed id that has no record is just as unknown.
    const ghost = await joinToken(SECRET, "01ARZ3NDEKTSV4RRFFQ69G5FAV");
    assert.equal((await rejection(() => resolveJoinToken(kv, SECRET, ghost))).status, 404);
  } finally {
    kv.close();
  }
});

Deno.test("[classes] join links - an expired link is 410 and says when it expired", async () => {
  const { kv, link, token } = await setup();
  try {
    const later = Date.parse(link.expiresAt) + 1;
    const err = await rejection(() => resolveJoinToken(kv, SECRET, token, later));
    assert.equal(err.status, 410);
    assert.equal(err.code, "gone");
    assert.ok(err instanceof JoinLinkError && err.reason === "expired");
    assert.match(err.message, /^This join link expired on \w+ \d+, \d{4}\./);
    // The same through the stored record, with the real clock.
    await kv.set(["join_links", link.id], { ...link, expiresAt: "2020-01-02T03:04:05.000Z" });
    const stored = await rejection(() => resolveJoinToken(kv, SECRET, token));
    assert.equal(stored.status, 410);
    assert.match(stored.message, /expired on January 2, 2020/);
    assert.equal((await listJoinLinks(kv, link.classId))[0].status, "expired");
  } finally {
    kv.close();
  }
});

Deno.test("[classes] join links - revoking turns a link off (410), idempotently", async () => {
  const { kv, org, cls, link, token } = await setup();
  try {
    const revoked = await revokeJoinLink(kv, org.id, cls.id, link.id);
    assert.ok(revoked.revokedAt);
    const again = await revokeJoinLink(kv, org.id, cls.id, link.id);
    assert.equal(again.revokedAt, revoked.revokedAt);
    const err = await rejection(() => resolveJoinToken(kv, SECRET, token));
    assert.equal(err.status, 410);
    assert.match(err.message, /turned off by your teacher/);
    const joined = await rejection(() => joinWithLink(kv, SECRET, token, { name: "Late" }, TTL));
    assert.equal(joined.status, 410);
    assert.equal((await listClassMembers(kv, cls.id, { role: "student" })).total, 0);
    // Another class's or another school's link id is not found.
    const other = await randomClass(kv, org.id);
    assert.equal(
      (await rejection(() => revokeJoinLink(kv, org.id, other.id, link.id))).status,
      404,
    );
    assert.equal((await rejection(() => revokeJoinLink(kv, "X", cls.id, link.id))).status, 404);
  } finally {
    kv.close();
  }
});

Deno.test("[classes] join links - an archived class takes nobody (410) and gets no new links", async () => {
  const { kv, org, teacher, cls, token } = await setup();
  try {
    await setClassArchived(kv, org.id, cls.id, true);
    const err = await rejection(() => resolveJoinToken(kv, SECRET, token));
    assert.equal(err.status, 410);
    assert.match(err.message, /archived/);
    const create = await rejection(() =>
      createJoinLink(kv, SECRET, { orgId: org.id, classId: cls.id, createdBy: teacher.id })
    );
    assert.equal(create.status, 409);
  } finally {
    kv.close();
  }
});

Deno.test("[classes] join links - lifetimes outside 1..720 hours are refused", async () => {
  const { kv, org, teacher, cls } = await setup();
  try {
    for (const expiresInHours of [0, 721, 1.5]) {
      const err = await rejection(() =>
        createJoinLink(kv, SECRET, {
          orgId: org.id,
          classId: cls.id,
          createdBy: teacher.id,
          expiresInHours,
        })
      );
      assert.equal(err.status, 400);
      assert.deepEqual(err.details?.[0].path, ["expiresInHours"]);
    }
    const other = await randomOrg(kv);
    const foreign = await rejection(() =>
      createJoinLink(kv, SECRET, { orgId: other.id, classId: cls.id, createdBy: teacher.id })
    );
    assert.equal(foreign.status, 404);
  } finally {
    kv.close();
  }
});

Deno.test("[classes] join links - joining creates one student, one membership, one use", async () => {
  const { kv, org, cls, link, token } = await setup();
  try {
    const usersBefore = await countKeys(kv, ["users"]);
    const res = await joinWithLink(kv, SECRET, token, { name: "  Minji Kim " }, TTL);
    assert.equal(res.user.name, "Minji Kim");
    assert.equal(res.user.role, "student");
    assert.equal(res.user.joinedVia, "link");
    assert.equal(res.user.orgId, org.id);
    assert.equal(res.user.passwordHash, undefined);
    assert.equal(await countKeys(kv, ["users"]), usersBefore + 1);
    const roster = await listClassMembers(kv, cls.id, { role: "student" });
    assert.deepEqual(roster.items.map((m) => m.userId), [res.user.id]);
    const [summary] = await listJoinLinks(kv, cls.id);
    assert.equal(summary.id, link.id);
    assert.equal(summary.uses, 1);
    assert.equal(summary.status, "active");
    // No password: a device session that outlives a normal one.
    assert.equal(res.session.kind, "device");
    assert.ok(Date.parse(res.session.expiresAt) - Date.now() > 29 * 24 * 3_600_000);
    assert.equal((await getSession(kv, res.token))?.userId, res.user.id);
  } finally {
    kv.close();
  }
});

Deno.test("[classes] join links - with email and password: a browser session", async () => {
  const { kv, token } = await setup();
  try {
    const res = await joinWithLink(
      kv,
      SECRET,
      token,
      { name: "Wei", email: " Wei@Example.ORG ", password: "long enough pass" },
      TTL,
    );
    assert.equal(res.user.email, "wei@example.org");
    assert.ok(res.user.passwordHash?.startsWith("pbkdf2-sha256$"));
    assert.equal(res.session.kind, "browser");
    const ttl = Date.parse(res.session.expiresAt) - Date.parse(res.session.createdAt);
    assert.equal(ttl, TTL.ttlMs);
  } finally {
    kv.close();
  }
});

Deno.test("[classes] join links - a taken email is 409 and writes nothing", async () => {
  const { kv, org, cls, link, token } = await setup();
  try {
    const existing = await randomUser(kv, org.id, "student");
    const usersBefore = await countKeys(kv, ["users"]);
    const err = await rejection(() =>
      joinWithLink(
        kv,
        SECRET,
        token,
        { name: "Copy", email: existing.email!.toUpperCase(), password: "long enough pass" },
        TTL,
      )
    );
    assert.equal(err.status, 409);
    assert.match(err.message, /already used/);
    assert.equal(await countKeys(kv, ["users"]), usersBefore);
    assert.equal(await countKeys(kv, ["class_members", cls.id]), 1); // the teacher only
    assert.equal(await countKeys(kv, ["join_link_uses", link.id]), 0);
  } finally {
    kv.close();
  }
});

Deno.test("[classes] join links - two joins racing for one email: one wins, one is 409", async () => {
  const { kv, cls, link, token } = await setup();
  try {
    const input = { name: "Twin", email: "twin@example.org", password: "long enough pass" };
    const results = await Promise.allSettled([
      joinWithLink(kv, SECRET, token, input, TTL),
      joinWithLink(kv, SECRET, token, input, TTL),
    ]);
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
    const failed = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    assert.equal((failed.reason as AppError).status, 409);
    assert.equal((await listClassMembers(kv, cls.id, { role: "student" })).total, 1);
    assert.equal((await listJoinLinks(kv, cls.id))[0].uses, 1);
    assert.equal(link.classId, cls.id);
  } finally {
    kv.close();
  }
});

Deno.test("[classes] join links - invalid input is 400 with the field", async () => {
  const { kv, token } = await setup();
  try {
    const cases = [
      [{ name: "  " }, "name"],
      [{ name: "A", password: "short1", email: "a@example.org" }, "password"],
      [{ name: "A", password: "long enough pass" }, "email"],
      [{ name: "A", email: "a@example.org" }, "password"],
      [{ name: "A", email: "not-an-email", password: "long enough pass" }, "email"],
    ] as const;
    for (const [input, field] of cases) {
      const err = await rejection(() => joinWithLink(kv, SECRET, token, input, TTL));
      assert.equal(err.status, 400, JSON.stringify(input));
      assert.equal(err.details?.[0].path?.[0], field, JSON.stringify(input));
    }
  } finally {
    kv.close();
  }
});

Deno.test("[classes] join links - signed-in students join once; staff and other schools do not", async () => {
  const { kv, org, cls, link, token, teacher } = await setup();
  try {
    const student = await randomUser(kv, org.id, "student");
    assert.equal((await joinAsMember(kv, SECRET, token, student)).joined, true);
    assert.equal((await joinAsMember(kv, SECRET, token, student)).joined, false);
    assert.equal((await listJoinLinks(kv, cls.id))[0].uses, 1);
    // The class's own teacher stays a teacher.
    assert.equal((await joinAsMember(kv, SECRET, token, teacher)).joined, false);
    const roles = (await listClassMembers(kv, cls.id)).items.map((m) => [m.userId, m.role]);
    assert.deepEqual(
      new Map(roles as [string, string][]),
      new Map([[teacher.id, "teacher"], [student.id, "student"]]),
    );
    const admin = await randomUser(kv, org.id, "admin");
    assert.equal((await rejection(() => joinAsMember(kv, SECRET, token, admin))).status, 403);
    const other = await randomOrg(kv);
    const outsider = await randomUser(kv, other.id, "student");
    assert.equal((await rejection(() => joinAsMember(kv, SECRET, token, outsider))).status, 404);
    assert.equal(await countKeys(kv, ["classes_by_user", outsider.id]), 0);
    assert.equal(link.classId, cls.id);
  } finally {
    kv.close();
  }
});

Deno.test("[classes] join links - the development secret is made once and kept", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    assert.equal(await linkSecret(kv, { secret: "from-the-environment" }), "from-the-environment");
    const [a, b] = await Promise.all([linkSecret(kv, {}), linkSecret(kv, {})]);
    assert.equal(a, b);
    assert.match(a, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(await linkSecret(kv, {}), a);
    assert.equal((await kv.get(["settings", "link_secret"])).value, a);
  } finally {
    kv.close();
  }
});
