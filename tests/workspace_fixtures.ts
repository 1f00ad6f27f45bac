/**
 * Workspace fixtures: a company with departments, a school with its staff workspace on, and a
 * shift to assign. Built from the services alone, like fixtures.ts (import that for users).
 * @module
 */
import { type Class, createClass } from "@/services/classes/classes.ts";
import { addMemberOps } from "@/services/classes/members.ts";
import { commit } from "@/services/db/kv.ts";
import type { Org } from "@/services/orgs/orgs.ts";
import type { User } from "@/services/orgs/users.ts";
import type { Shift } from "@/services/clockin/shifts.ts";
import { randomOrg } from "./fixtures.ts";

const rand = () => crypto.randomUUID().slice(0, 8);

/** A company (always has its workspace) with a random code. */
export function randomCompany(kv: Deno.Kv, overrides: Partial<Org> = {}): Promise<Org> {
  return randomOrg(kv, {
    kind: "company",
    name: `Company ${rand()}`,
    slug: `c-${rand()}`,
    ...overrides,
  });
}

/** A school whose staff workspace is on. */
export function randomStaffSchool(kv: Deno.Kv, overrides: Partial<Org> = {}): Promise<Org> {
  return randomOrg(kv, { staffWorkspace: true, ...overrides });
}

/** A department of `orgId` (under `parentId`), with managers and members. */
export async function randomDepartment(
  kv: Deno.Kv,
  orgId: string,
  opts: { parentId?: string; managers?: User[]; members?: User[]; name?: string } = {},
): Promise<Class> {
  const dept = await createClass(kv, orgId, {
    name: opts.name ?? `Dept ${rand()}`,
    kind: "department",
    parentId: opts.parentId,
    teacherIds: (opts.managers ?? []).map((m) => m.id),
  });
  if (opts.members?.length) {
    const op = kv.atomic();
    for (const m of opts.members) addMemberOps(op, dept.id, m, "student");
    await commit(op);
  }
  return dept;
}

/** A fixed 09:00-18:00 shift Monday to Friday (override any field). */
export function fixedShift(overrides: Partial<Extract<Shift, { kind: "fixed" }>> = {}): Shift {
  const h = { start: "09:00", end: "18:00" };
  return {
    kind: "fixed",
    name: `Shift ${rand()}`,
    days: { mon: h, tue: h, wed: h, thu: h, fri: h, sat: null, sun: null },
    lateGraceMin: 0,
    earlyGraceMin: 0,
    remoteDays: [],
    ...overrides,
  };
}

/** Every weekday a remote day (for tests on "today", whatever the weekday). */
export function remoteEveryDay(): Shift {
  const h = { start: "09:00", end: "18:00" };
  return fixedShift({
    days: { mon: h, tue: h, wed: h, thu: h, fri: h, sat: h, sun: h },
    remoteDays: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
  });
}
