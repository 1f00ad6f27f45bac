import assert from "node:assert/strict";
import { randomClass, randomOrg, randomUser } from "@/tests/helpers.ts";
import { signIn } from "../auth/signin.ts";
import { getSession } from "../auth/sessions.ts";
import { findUserByEmail } from "../orgs/users.ts";
import { AppError } from "../web/errors.ts";
import { setClassArchived } from "./classes.ts";
import { analyzeRoster, importRoster } from "../roster/import.ts";
import {
  createJoinLink,
  FLOOR_MAX_USES,
  JOIN_IP_LIMIT,
  joinAsMember,
  JoinLinkError,
  joinToken,
  joinWithLink,
  linkSecret,
  listJoinLinks,
  removeLinkJoiners,
  resolveJoinToken,
  revokeJoinLink,
  setJoinLinkMaxUses,
  suggestedMaxUses,
} from "./join_links.ts";
import {
  approveJoinRequests,
  denyJoinRequests,
  getJoinRequest,
  listJoinRequests,
} from "./join_requests.ts";
import { getMemberRole, listClassMembers } from "./members.ts";
import { getUnconfirmedEmail } from "./unconfirmed_emails.ts";

const SECRET = "join-link-test-secret-0123456789abcdef";
const TTL = { ip: "198.51.100.7" };

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

Deno.test("[classes] join links - an email given at sign-up stays unconfirmed: it signs nobody in", async () => {
  const { kv, org, token } = await setup();
  try {
    const res = await joinWithLink(
      kv,
      SECRET,
      token,
      { name: "Wei", email: " Wei@Example.ORG ", password: "long enough pass" },
      TTL,
    );
    assert.equal(res.user.email, undefined, "not the account's (confirmed) email");
    assert.equal(await getUnconfirmedEmail(kv, res.user.id), "wei@example.org");
    assert.equal(await findUserByEmail(kv, "wei@example.org"), null);
    assert.ok(res.user.passwordHash?.startsWith("pbkdf2-sha256$"), "kept for when it is");
    // This browser is their way in until then: a device session.
    assert.equal(res.session.kind, "device");
    const signin = await rejection(() =>
      signIn(kv, { login: "wei@example.org", password: "long enough pass" }, {
        ip: "x",
        ipLimit: 100,
        ttlMs: 3_600_000,
      })
    );
    assert.equal(signin.status, 401);
    assert.equal(res.user.orgId, org.id);
  } finally {
    kv.close();
  }
});

Deno.test("[classes] join links - a taken email gets the same answer as a free one", async () => {
  const { kv, org, cls, token } = await setup();
  try {
    const existing = await randomUser(kv, org.id, "student");
    const input = (email: string) => ({ name: "Copy", email, password: "long enough pass" });
    const taken = await joinWithLink(kv, SECRET, token, input(existing.email!.toUpperCase()), TTL);
    const free = await joinWithLink(kv, SECRET, token, input("free-address@example.org"), TTL);
    for (const res of [taken, free]) {
      assert.equal(res.outcome, "joined");
      assert.equal(res.session.kind, "device");
      assert.equal(res.user.email, undefined);
    }
    // The owner's account is untouched, and the copy cannot use the address.
    assert.equal((await findUserByEmail(kv, existing.email!))?.id, existing.id);
    assert.equal((await listClassMembers(kv, cls.id, { role: "student" })).total, 2);
  } finally {
    kv.close();
  }
});

Deno.test("[classes] join links - two sign-ups giving one email both join; neither owns it", async () => {
  const { kv, cls, token } = await setup();
  try {
    const input = { name: "Twin", email: "twin@example.org", password: "long enough pass" };
    const results = await Promise.all([
      joinWithLink(kv, SECRET, token, input, TTL),
      joinWithLink(kv, SECRET, token, input, TTL),
    ]);
    assert.equal((await listClassMembers(kv, cls.id, { role: "student" })).total, 2);
    assert.equal((await listJoinLinks(kv, cls.id))[0].uses, 2);
    for (const r of results) {
      assert.equal(await getUnconfirmedEmail(kv, r.user.id), "twin@example.org");
    }
    assert.equal(await findUserByEmail(kv, "twin@example.org"), null);
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
    assert.equal((await joinAsMember(kv, SECRET, token, student)).changed, true);
    assert.equal((await joinAsMember(kv, SECRET, token, student)).changed, false);
    assert.equal((await listJoinLinks(kv, cls.id))[0].uses, 1);
    // The class's own teacher stays a teacher.
    assert.equal((await joinAsMember(kv, SECRET, token, teacher)).changed, false);
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

/** A link for a new class with `opts`, and what `setup` gives. */
async function linkWith(opts: { maxUses?: number; approval?: boolean }) {
  const kv = await Deno.openKv(":memory:");
  const org = await randomOrg(kv);
  const teacher = await randomUser(kv, org.id, "teacher");
  const cls = await randomClass(kv, org.id, { teachers: [teacher] });
  const { link, token } = await createJoinLink(kv, SECRET, {
    orgId: org.id,
    classId: cls.id,
    createdBy: teacher.id,
    ...opts,
  });
  return { kv, org, teacher, cls, link, token };
}

Deno.test("[classes] join links - the default limit is a little above the class's size", async () => {
  const { kv, org, teacher, cls, link } = await setup();
  try {
    assert.equal(link.maxUses, FLOOR_MAX_USES, "an empty class gets the floor");
    assert.equal(suggestedMaxUses(0), FLOOR_MAX_USES);
    assert.equal(suggestedMaxUses(40), 49);
    assert.equal(suggestedMaxUses(1_000_000), 2000);
    const students = await Promise.all(
      Array.from({ length: 40 }, () => randomUser(kv, org.id, "student", { email: undefined })),
    );
    const big = await randomClass(kv, org.id, { teachers: [teacher], students });
    const made = await createJoinLink(kv, SECRET, {
      orgId: org.id,
      classId: big.id,
      createdBy: teacher.id,
    });
    assert.equal(made.link.maxUses, 49);
    for (const maxUses of [0, 2001, 2.5]) {
      const err = await rejection(() =>
        createJoinLink(kv, SECRET, {
          orgId: org.id,
          classId: cls.id,
          createdBy: teacher.id,
          maxUses,
        })
      );
      assert.equal(err.status, 400);
      assert.deepEqual(err.details?.[0].path, ["maxUses"]);
    }
  } finally {
    kv.close();
  }
});

Deno.test("[classes] join links - 50 concurrent sign-ups against a limit of 10: exactly 10 join", async () => {
  const { kv, cls, link, token } = await linkWith({ maxUses: 10 });
  try {
    const results = await Promise.allSettled(
      Array.from(
        { length: 50 },
        (_, i) => joinWithLink(kv, SECRET, token, { name: `Bot ${i}` }, { ip: `10.0.0.${i}` }),
      ),
    );
    const ok = results.filter((r) => r.status === "fulfilled");
    assert.equal(ok.length, 10);
    for (const r of results) {
      if (r.status === "fulfilled") continue;
      const err = r.reason;
      assert.ok(err instanceof JoinLinkError, String(err));
      assert.equal(err.reason, "full");
      assert.equal(err.status, 409);
      assert.equal(
        err.message,
        "This link has been used 10 times, its limit. Ask your teacher for a new one.",
      );
    }
    assert.equal((await listClassMembers(kv, cls.id, { role: "student" })).total, 10);
    const [summary] = await listJoinLinks(kv, cls.id);
    assert.deepEqual([summary.uses, summary.maxUses, summary.joined], [10, 10, 10]);
    assert.equal(await countKeys(kv, ["users_by_org_role", link.orgId, "student"]), 10);
    // A signed-in student cannot squeeze in either; raising the limit opens it again.
    const late = await randomUser(kv, link.orgId, "student");
    const full = await rejection(() => joinAsMember(kv, SECRET, token, late));
    assert.ok(full instanceof JoinLinkError && full.reason === "full");
    await setJoinLinkMaxUses(kv, link.orgId, cls.id, link.id, 11);
    assert.equal((await joinAsMember(kv, SECRET, token, late)).outcome, "joined");
    assert.equal((await listJoinLinks(kv, cls.id))[0].uses, 11);
  } finally {
    kv.close();
  }
});

Deno.test("[classes] join links - sign-ups per address per link are rate-limited (429)", async () => {
  const { kv, org, teacher, cls, token } = await linkWith({ maxUses: 100 });
  try {
    const limit = { scope: "join_link_ip", max: 3, windowMs: 10 * 60_000 };
    for (let i = 0; i < 3; i++) {
      await joinWithLink(kv, SECRET, token, { name: `Kid ${i}` }, {
        ip: "203.0.113.9",
        ipLimit: limit,
      });
    }
    const err = await rejection(() =>
      joinWithLink(kv, SECRET, token, { name: "Kid 4" }, { ip: "203.0.113.9", ipLimit: limit })
    );
    assert.equal(err.status, 429);
    assert.match(err.message, /^Too many sign-ups from your network through this link/);
    assert.ok(Number(err.headers?.["retry-after"]) > 0);
    // Another address, and another link from the same address, go on.
    await joinWithLink(kv, SECRET, token, { name: "Other" }, {
      ip: "203.0.113.10",
      ipLimit: limit,
    });
    const second = await createJoinLink(kv, SECRET, {
      orgId: org.id,
      classId: cls.id,
      createdBy: teacher.id,
    });
    await joinWithLink(kv, SECRET, second.token, { name: "Kid 5" }, {
      ip: "203.0.113.9",
      ipLimit: limit,
    });
    assert.equal((await listClassMembers(kv, cls.id, { role: "student" })).total, 5);
    // The default lets a class of 40 behind one address in.
    assert.ok(JOIN_IP_LIMIT.max >= 40);
  } finally {
    kv.close();
  }
});

Deno.test("[classes] join links - with approval a sign-up waits; approving lets them in", async () => {
  const { kv, org, cls, link, token } = await linkWith({ approval: true });
  try {
    const res = await joinWithLink(kv, SECRET, token, { name: "Waiting Wu" }, TTL);
    assert.equal(res.outcome, "pending");
    assert.equal(res.session.kind, "device");
    assert.equal(await getMemberRole(kv, cls.id, res.user.id), null, "not a member yet");
    const pending = await listJoinRequests(kv, cls.id);
    assert.deepEqual(pending.map((r) => [r.userId, r.name, r.linkId]), [[
      res.user.id,
      "Waiting Wu",
      link.id,
    ]]);
    assert.equal((await listJoinLinks(kv, cls.id))[0].uses, 1);
    // A rename while waiting shows (the request holds an id, the name is read fresh).
    await kv.set(["users", res.user.id], { ...res.user, name: "Wu Renamed" });
    assert.equal((await listJoinRequests(kv, cls.id))[0].name, "Wu Renamed");
    // A signed-in student asks too, once.
    const student = await randomUser(kv, org.id, "student");
    assert.equal((await joinAsMember(kv, SECRET, token, student)).outcome, "pending");
    assert.deepEqual(await joinAsMember(kv, SECRET, token, student), {
      cls: (await joinAsMember(kv, SECRET, token, student)).cls,
      outcome: "pending",
      changed: false,
    });
    assert.equal((await listJoinLinks(kv, cls.id))[0].uses, 2);

    assert.deepEqual(await approveJoinRequests(kv, org.id, cls.id, [res.user.id]), { approved: 1 });
    assert.equal(await getMemberRole(kv, cls.id, res.user.id), "student");
    assert.equal(await getJoinRequest(kv, cls.id, res.user.id), null);
    // Approving again changes nothing.
    assert.deepEqual(await approveJoinRequests(kv, org.id, cls.id, [res.user.id]), { approved: 0 });
    assert.deepEqual(
      (await listJoinRequests(kv, cls.id)).map((r) => r.userId),
      [student.id],
    );
  } finally {
    kv.close();
  }
});

Deno.test("[classes] join links - denying deletes the account the sign-up made, not others", async () => {
  const { kv, org, cls, token } = await linkWith({ approval: true });
  try {
    const made = await joinWithLink(
      kv,
      SECRET,
      token,
      { name: "Stranger", email: "s@example.org", password: "long enough pass" },
      TTL,
    );
    const student = await randomUser(kv, org.id, "student");
    await joinAsMember(kv, SECRET, token, student);
    const denied = await denyJoinRequests(kv, org.id, cls.id, [made.user.id, student.id]);
    assert.deepEqual(denied, { denied: 2 });
    assert.deepEqual(await listJoinRequests(kv, cls.id), []);
    assert.equal((await kv.get(["users", made.user.id])).value, null, "the link's account goes");
    assert.equal(await getUnconfirmedEmail(kv, made.user.id), null);
    assert.equal(await countKeys(kv, ["unconfirmed_email_claims", "s@example.org"]), 0);
    assert.equal(await getSession(kv, made.token), null, "and its session");
    assert.ok((await kv.get(["users", student.id])).value, "an existing student stays");
    assert.equal(await getMemberRole(kv, cls.id, student.id), null);
    // Denying what was decided already changes nothing.
    assert.deepEqual(await denyJoinRequests(kv, org.id, cls.id, [student.id]), { denied: 0 });
  } finally {
    kv.close();
  }
});

Deno.test("[classes] join links - approve all takes more requests than one commit holds", async () => {
  const { kv, org, cls, token } = await linkWith({ approval: true, maxUses: 100 });
  try {
    for (let i = 0; i < 95; i++) {
      await joinWithLink(kv, SECRET, token, { name: `Kid ${i}` }, { ip: `10.1.0.${i}` });
    }
    assert.equal((await listJoinRequests(kv, cls.id)).length, 95);
    assert.deepEqual(await approveJoinRequests(kv, org.id, cls.id, "all"), { approved: 95 });
    assert.equal((await listClassMembers(kv, cls.id, { role: "student" })).total, 95);
    assert.deepEqual(await listJoinRequests(kv, cls.id), []);
    await setClassArchived(kv, org.id, cls.id, true);
    const archived = await rejection(() => approveJoinRequests(kv, org.id, cls.id, "all"));
    assert.equal(archived.status, 409);
  } finally {
    kv.close();
  }
});

Deno.test("[classes] join links - revoking can remove who came through the link", async () => {
  const { kv, org, teacher, cls, link, token } = await linkWith({ maxUses: 100 });
  try {
    const a = await joinWithLink(kv, SECRET, token, {
      name: "Bot A",
      email: "a@example.org",
      password: "long enough pass",
    }, TTL);
    const b = await joinWithLink(kv, SECRET, token, { name: "Bot B" }, TTL);
    const existing = await randomUser(kv, org.id, "student");
    await joinAsMember(kv, SECRET, token, existing);
    // B is also in another class (an admin added them): B keeps the account.
    const other = await randomClass(kv, org.id, { teachers: [teacher] });
    await kv.atomic().set(["classes_by_user", b.user.id, other.id], "student").commit();
    const keep = await randomUser(kv, org.id, "student");
    await randomClass(kv, org.id, { students: [keep] });
    const classmate = await randomUser(kv, org.id, "student");
    await kv.atomic().set(["class_members", cls.id, classmate.id], {
      userId: classmate.id,
      classId: cls.id,
      role: "student",
      name: classmate.name,
      addedAt: new Date().toISOString(),
    }).set(["classes_by_user", classmate.id, cls.id], "student").commit();
    assert.equal((await listJoinLinks(kv, cls.id))[0].joined, 3);

    await revokeJoinLink(kv, org.id, cls.id, link.id);
    const res = await removeLinkJoiners(kv, org.id, cls.id, link.id);
    assert.deepEqual(res, { removed: 3, deleted: 1 });
    const left = (await listClassMembers(kv, cls.id, { role: "student" })).items.map((m) =>
      m.userId
    );
    assert.deepEqual(left, [classmate.id], "only the one who did not come by the link stays");
    assert.equal((await kv.get(["users", a.user.id])).value, null);
    assert.equal(await getUnconfirmedEmail(kv, a.user.id), null);
    assert.ok((await kv.get(["users", b.user.id])).value, "in another class: kept");
    assert.ok((await kv.get(["users", existing.id])).value, "not made by the link: kept");
    assert.equal((await listJoinLinks(kv, cls.id))[0].joined, 0);
    assert.deepEqual(await removeLinkJoiners(kv, org.id, cls.id, link.id), {
      removed: 0,
      deleted: 0,
    });
    const foreign = await rejection(() => removeLinkJoiners(kv, org.id, other.id, link.id));
    assert.equal(foreign.status, 404);
  } finally {
    kv.close();
  }
});

Deno.test("[classes] join links - a roster import reclaims an unconfirmed email", async () => {
  const { kv, org, cls, token } = await setup();
  try {
    const impostor = await joinWithLink(
      kv,
      SECRET,
      token,
      { name: "Impostor", email: "real.owner@example.org", password: "long enough pass" },
      TTL,
    );
    const other = await randomClass(kv, org.id);
    const csv = "name,email\nReal Owner,real.owner@example.org\n";
    const scope = { orgId: org.id, classId: other.id, by: "admin" as const };
    const preview = await analyzeRoster(kv, scope, csv);
    assert.deepEqual(preview.counts.create, 1, "never matched to the link account");
    assert.deepEqual(preview.reclaimed, [{ line: 2, email: "real.owner@example.org" }]);
    assert.match(preview.warnings[0].message, /joining by link/);
    const done = await importRoster(kv, scope, csv);
    assert.deepEqual(done.reclaimed, [{ line: 2, email: "real.owner@example.org" }]);
    const owner = await findUserByEmail(kv, "real.owner@example.org");
    assert.ok(owner && owner.id !== impostor.user.id && owner.joinedVia === "import");
    assert.equal(await getMemberRole(kv, other.id, impostor.user.id), null);
    assert.equal(await getUnconfirmedEmail(kv, impostor.user.id), null, "the link account lost it");
    assert.equal(await countKeys(kv, ["unconfirmed_email_claims", "real.owner@example.org"]), 0);
    assert.equal(
      await getMemberRole(kv, cls.id, impostor.user.id),
      "student",
      "still in its class",
    );
  } finally {
    kv.close();
  }
});
