/**
 * Class membership: who teaches and who studies in a class. Each membership is two keys,
 * `["class_members", classId, userId]` (with the display fields the roster page shows) and
 * `["classes_by_user", userId, classId]`; `addMemberOps` / `removeMemberOps` write both.
 * @module
 */
import { z } from "zod";
import type { User } from "../orgs/users.ts";

export const MemberRoleSchema = z.enum(["teacher", "student"]);
export type MemberRole = z.infer<typeof MemberRoleSchema>;

export const ClassMemberSchema = z.object({
  userId: z.string(),
  classId: z.string(),
  role: MemberRoleSchema,
  name: z.string(),
  email: z.string().optional(),
  studentNumber: z.string().optional(),
  addedAt: z.string(),
});
export type ClassMember = z.infer<typeof ClassMemberSchema>;

/** Adds the writes that put `user` in a class with `role` to `op`. */
export function addMemberOps(
  op: Deno.AtomicOperation,
  classId: string,
  user: User,
  role: MemberRole,
): Deno.AtomicOperation {
  const member: ClassMember = {
    userId: user.id,
    classId,
    role,
    name: user.name,
    email: user.email,
    studentNumber: user.studentNumber,
    addedAt: new Date().toISOString(),
  };
  return op
    .set(["class_members", classId, user.id], member)
    .set(["classes_by_user", user.id, classId], role);
}

/** Adds the writes that take a user out of a class to `op`. */
export function removeMemberOps(
  op: Deno.AtomicOperation,
  classId: string,
  userId: string,
): Deno.AtomicOperation {
  return op.delete(["class_members", classId, userId]).delete(["classes_by_user", userId, classId]);
}

/** The keys `addMemberOps` writes, for undoing a partly written bulk import. */
export function memberKeys(classId: string, userId: string): Deno.KvKey[] {
  return [["class_members", classId, userId], ["classes_by_user", userId, classId]];
}

/** A user's role in a class, or null when not a member. */
export async function getMemberRole(
  kv: Deno.Kv,
  classId: string,
  userId: string,
): Promise<MemberRole | null> {
  return (await kv.get<MemberRole>(["classes_by_user", userId, classId])).value;
}

/** Ids of a class's members, optionally of one role. */
export async function listMemberIds(
  kv: Deno.Kv,
  classId: string,
  role?: MemberRole,
): Promise<string[]> {
  const ids: string[] = [];
  for await (const e of kv.list<ClassMember>({ prefix: ["class_members", classId] })) {
    if (!role || e.value.role === role) ids.push(e.value.userId);
  }
  return ids;
}

/** A user's classes with their role in each. */
export async function listUserClassRoles(
  kv: Deno.Kv,
  userId: string,
): Promise<{ classId: string; role: MemberRole }[]> {
  const out: { classId: string; role: MemberRole }[] = [];
  for await (const e of kv.list<MemberRole>({ prefix: ["classes_by_user", userId] })) {
    out.push({ classId: e.key[2] as string, role: e.value });
  }
  return out;
}

/** Query for one page of a roster. */
export interface RosterQuery {
  /** Matches name, email or student number, case-insensitively. */
  q?: string;
  /** Match `q` against names only (for askers who may not see emails and numbers). */
  namesOnly?: boolean;
  role?: MemberRole;
  /** Offset of the first row (rosters are sorted by name, so paging is by position). */
  offset?: number;
  limit?: number;
}

/** One page of a class roster sorted by name, with the total that matched. */
export async function listClassMembers(
  kv: Deno.Kv,
  classId: string,
  query: RosterQuery = {},
): Promise<{ items: ClassMember[]; total: number; offset: number; limit: number }> {
  const q = query.q?.trim().toLowerCase();
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 500);
  const offset = Math.max(query.offset ?? 0, 0);
  const rows: ClassMember[] = [];
  // A class holds at most a few thousand members: one prefix scan, filter and sort in memory.
  for await (const e of kv.list<ClassMember>({ prefix: ["class_members", classId] })) {
    const m = e.value;
    if (query.role && m.role !== query.role) continue;
    if (
      q && !m.name.toLowerCase().includes(q) &&
      (query.namesOnly || (!m.email?.includes(q) && !m.studentNumber?.toLowerCase().includes(q)))
    ) continue;
    rows.push(m);
  }
  const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });
  rows.sort((a, b) =>
    a.role === b.role ? collator.compare(a.name, b.name) : a.role === "teacher" ? -1 : 1
  );
  return { items: rows.slice(offset, offset + limit), total: rows.length, offset, limit };
}
