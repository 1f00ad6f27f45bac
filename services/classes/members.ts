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

/**
 * A key rewritten with every membership change of a class: its versionstamp tells a cached
 * roster whether it is still current.
 */
function rosterRevKey(classId: string): Deno.KvKey {
  return ["class_roster_rev", classId];
}

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
    .set(["classes_by_user", user.id, classId], role)
    .set(rosterRevKey(classId), true);
}

/** Adds the writes that give a membership's display copy a new name to `op`. */
export function renameMemberOps(
  op: Deno.AtomicOperation,
  entry: Deno.KvEntry<ClassMember>,
  name: string,
): Deno.AtomicOperation {
  return op.check(entry)
    .set(entry.key, { ...entry.value, name })
    .set(rosterRevKey(entry.value.classId), true);
}

/** Adds the writes that take a user out of a class to `op`. */
export function removeMemberOps(
  op: Deno.AtomicOperation,
  classId: string,
  userId: string,
): Deno.AtomicOperation {
  return op
    .delete(["class_members", classId, userId])
    .delete(["classes_by_user", userId, classId])
    .set(rosterRevKey(classId), true);
}

/**
 * The keys `addMemberOps` writes, for undoing a partly written bulk import (deleting the
 * roster revision too, so cached rosters are rebuilt).
 */
export function memberKeys(classId: string, userId: string): Deno.KvKey[] {
  return [
    ["class_members", classId, userId],
    ["classes_by_user", userId, classId],
    rosterRevKey(classId),
  ];
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

/**
 * Whether `teacherId` teaches a class in which `studentId` is a student (a teacher's say over
 * a student's account: resetting their sign-in, merging their accounts).
 */
export async function teachesStudent(
  kv: Deno.Kv,
  teacherId: string,
  studentId: string,
): Promise<boolean> {
  const classIds = (await listUserClassRoles(kv, studentId))
    .filter((c) => c.role === "student").map((c) => c.classId);
  for (let i = 0; i < classIds.length; i += 10) {
    const roles = await kv.getMany<MemberRole[]>(
      classIds.slice(i, i + 10).map((id) => ["classes_by_user", teacherId, id]),
    );
    if (roles.some((r) => r.value === "teacher")) return true;
  }
  return false;
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

const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });

/** Rosters sorted once (teachers first, then by name), per KV handle, with their revision. */
interface CachedRoster {
  rev: string;
  /** Shared by every request that asks while it is being built (no herd of rebuilds). */
  rows: Promise<ClassMember[]>;
  size: number;
}

/** Rosters sorted once (teachers first, then by name), per KV handle, with their revision. */
const rosterCache = new WeakMap<Deno.Kv, Map<string, CachedRoster>>();
/** Members kept in the cache across all classes before the least recently used are dropped. */
const ROSTER_CACHE_ROWS = 200_000;

async function buildRoster(kv: Deno.Kv, classId: string): Promise<ClassMember[]> {
  const rows: ClassMember[] = [];
  for await (const e of kv.list<ClassMember>({ prefix: ["class_members", classId] })) {
    rows.push(e.value);
  }
  const keyed = rows.map((m) => ({ m, rank: m.role === "teacher" ? 0 : 1 }));
  keyed.sort((a, b) => a.rank - b.rank || collator.compare(a.m.name, b.m.name));
  return keyed.map((k) => k.m);
}

/**
 * A class's whole roster, sorted. Rebuilt from KV when the class's roster revision changed
 * (so several app instances stay correct); otherwise served from memory, because the class
 * page of a 2,000-student lecture is read far more often than its roster changes. Requests
 * that arrive while a rebuild runs share it.
 */
async function sortedRoster(kv: Deno.Kv, classId: string): Promise<ClassMember[]> {
  let cache = rosterCache.get(kv);
  if (!cache) rosterCache.set(kv, cache = new Map());
  // Read the revision before the scan: a change during the scan makes the next read rebuild.
  const rev = (await kv.get(rosterRevKey(classId))).versionstamp ?? "none";
  let entry = cache.get(classId);
  if (!entry || entry.rev !== rev) {
    const built: CachedRoster = { rev, rows: buildRoster(kv, classId), size: 0 };
    entry = built;
    built.rows.then((rows) => {
      built.size = rows.length;
      evict(cache, classId);
    }, () => {
      if (cache.get(classId) === built) cache.delete(classId);
    });
  }
  cache.delete(classId);
  cache.set(classId, entry); // most recently used last
  return await entry.rows;
}

/** Drops the least recently used rosters while the cache holds too many members. */
function evict(cache: Map<string, CachedRoster>, keep: string): void {
  let total = 0;
  for (const entry of cache.values()) total += entry.size;
  for (const [id, entry] of cache) {
    if (total <= ROSTER_CACHE_ROWS) break;
    if (id === keep) continue;
    cache.delete(id);
    total -= entry.size;
  }
}

/** One page of a class roster (teachers first, then by name), with the total that matched. */
export async function listClassMembers(
  kv: Deno.Kv,
  classId: string,
  query: RosterQuery = {},
): Promise<{ items: ClassMember[]; total: number; offset: number; limit: number }> {
  const q = query.q?.trim().toLowerCase();
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 500);
  const offset = Math.max(query.offset ?? 0, 0);
  const all = await sortedRoster(kv, classId);
  const rows = !q && !query.role ? all : all.filter((m) =>
    (!query.role || m.role === query.role) &&
    (!q || m.name.toLowerCase().includes(q) ||
      (!query.namesOnly &&
        (!!m.email?.includes(q) || !!m.studentNumber?.toLowerCase().includes(q))))
  );
  return { items: rows.slice(offset, offset + limit), total: rows.length, offset, limit };
}
