/**
 * Test fixtures built from the services alone (no web app loaded): random organizations,
 * users and classes with overrides. Hashes use few PBKDF2 iterations here only for speed;
 * the real cost is tested in services/auth/passwords_test.ts.
 * @module
 */
import { hashPassword } from "@/services/auth/passwords.ts";
import { type Class, createClass } from "@/services/classes/classes.ts";
import { addMemberOps } from "@/services/classes/members.ts";
import { commit } from "@/services/db/kv.ts";
import { createOrg, type Org } from "@/services/orgs/orgs.ts";
import { createUser, newUser, type Role, type User } from "@/services/orgs/users.ts";

export const TEST_PASSWORD = "correct horse battery";
let fastHash: Promise<string> | undefined;
/** A hash of TEST_PASSWORD made with few iterations (upgraded on sign-in like any old hash). */
export function testPasswordHash(): Promise<string> {
  return fastHash ??= hashPassword(TEST_PASSWORD, 1000);
}

const rand = () => crypto.randomUUID().slice(0, 8);

/**
 * The calendar date `days` from now on a clock (`YYYY-MM-DD`): tests build due dates and
 * lecture times from it, never from the calendar, so they pass on any day.
 */
export function dayFromNow(days: number, timeZone = "UTC", now = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, dateStyle: "short" })
    .format(new Date(now.getTime() + days * 86_400_000));
}

/** A school with a random code. */
export function randomOrg(kv: Deno.Kv, overrides: Partial<Org> = {}): Promise<Org> {
  return createOrg(kv, {
    name: `School ${rand()}`,
    kind: "school",
    slug: `s-${rand()}`,
    ...overrides,
  });
}

/** A user of `orgId` with a password (TEST_PASSWORD) and a random email. */
export async function randomUser(
  kv: Deno.Kv,
  orgId: string,
  role: Role,
  overrides: Partial<User> = {},
): Promise<User> {
  return await createUser(
    kv,
    newUser({
      orgId,
      name: `${role} ${rand()}`,
      email: `${role}-${rand()}@example.org`,
      role,
      passwordHash: await testPasswordHash(),
      ...overrides,
    }),
  );
}

/** A class of `orgId`, optionally with teachers and students. */
export async function randomClass(
  kv: Deno.Kv,
  orgId: string,
  opts: { teachers?: User[]; students?: User[]; name?: string } = {},
): Promise<Class> {
  const cls = await createClass(kv, orgId, {
    name: opts.name ?? `Class ${rand()}`,
    teacherIds: (opts.teachers ?? []).map((t) => t.id),
  });
  if (opts.students?.length) {
    const op = kv.atomic();
    for (const s of opts.students) addMemberOps(op, cls.id, s, "student");
    await commit(op);
  }
  return cls;
}

/**
 * A whole little world for authorization tests: two schools, each with an admin, a teacher of
 * class A, a teacher of class B, and a student in each class.
 */
export async function twoSchools(kv: Deno.Kv) {
  const make = async () => {
    const org = await randomOrg(kv);
    const admin = await randomUser(kv, org.id, "admin");
    const teacherA = await randomUser(kv, org.id, "teacher");
    const teacherB = await randomUser(kv, org.id, "teacher");
    const studentA = await randomUser(kv, org.id, "student");
    const studentB = await randomUser(kv, org.id, "student");
    const classA = await randomClass(kv, org.id, { teachers: [teacherA], students: [studentA] });
    const classB = await randomClass(kv, org.id, { teachers: [teacherB], students: [studentB] });
    return { org, admin, teacherA, teacherB, studentA, studentB, classA, classB };
  };
  return { one: await make(), two: await make() };
}
