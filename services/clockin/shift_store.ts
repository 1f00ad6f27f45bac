/**
 * Stored shifts and who works them. A shift (shifts.ts) is stored per organization with an id,
 * and assigned to the organization (everyone's default), to a department (its members and the
 * departments below it) or to one person. A person's shift is theirs, else their nearest
 * department's (walking up the parents, one level at a time across all their departments),
 * else the organization's, else none.
 * @module
 */
import { z } from "zod";
import { commit, getRecord, newId } from "../db/kv.ts";
import { AppError, notFound, validateInput } from "../web/errors.ts";
import { listUserClassRoles } from "../classes/members.ts";
import type { Class } from "../classes/classes.ts";
import { getUser } from "../orgs/users.ts";
import { listDepartments } from "../workspace/departments.ts";
import { type StoredShift, StoredShiftSchema } from "./model.ts";
import { type Shift, ShiftSchema } from "./shifts.ts";

/** The key of a stored shift. */
export const shiftKey = (orgId: string, shiftId: string): Deno.KvKey => [
  "clock_shifts",
  orgId,
  shiftId,
];

/** Who a shift is assigned to. */
export const AssignTargetSchema = z.enum(["org", "dept", "user"]);
export type AssignTarget = z.infer<typeof AssignTargetSchema>;

/** The key of an assignment (the organization's own uses its id). */
export const assignKey = (orgId: string, target: AssignTarget, id: string): Deno.KvKey => [
  "clock_shift_assign",
  orgId,
  target,
  id,
];

/** An organization's shifts and assignments, read once (for resolving many people). */
export interface ShiftBook {
  shifts: Map<string, StoredShift>;
  org?: string;
  dept: Map<string, string>;
  user: Map<string, string>;
}

/** Stores a new shift; 400 with the field when the shift does not fit the rules. */
export async function createShift(
  kv: Deno.Kv,
  orgId: string,
  input: unknown,
): Promise<StoredShift> {
  const shift: Shift = validateInput(ShiftSchema, input);
  const stored: StoredShift = { id: newId(), orgId, shift };
  await kv.set(shiftKey(orgId, stored.id), stored);
  return stored;
}

/** One shift of the organization; 404 when it is not there. */
export async function getShift(kv: Deno.Kv, orgId: string, shiftId: string): Promise<StoredShift> {
  const s = await getRecord(kv, StoredShiftSchema, shiftKey(orgId, shiftId));
  if (!s) throw notFound("Shift not found");
  return s;
}

/** Replaces a shift's rules (the whole shift is sent). */
export async function updateShift(
  kv: Deno.Kv,
  orgId: string,
  shiftId: string,
  input: unknown,
): Promise<StoredShift> {
  const shift = validateInput(ShiftSchema, input);
  const entry = await kv.get(shiftKey(orgId, shiftId));
  if (entry.value === null) throw notFound("Shift not found");
  const stored: StoredShift = { id: shiftId, orgId, shift };
  await commit(kv.atomic().check(entry).set(shiftKey(orgId, shiftId), stored));
  return stored;
}

/** Deletes a shift and every assignment of it. */
export async function deleteShift(kv: Deno.Kv, orgId: string, shiftId: string): Promise<void> {
  const entry = await kv.get(shiftKey(orgId, shiftId));
  if (entry.value === null) throw notFound("Shift not found");
  const keys: Deno.KvKey[] = [];
  for await (const e of kv.list<string>({ prefix: ["clock_shift_assign", orgId] })) {
    if (e.value === shiftId) keys.push(e.key);
  }
  for (let i = 0; i < keys.length || i === 0; i += 900) {
    const op = kv.atomic();
    if (i === 0) op.check(entry).delete(shiftKey(orgId, shiftId));
    for (const k of keys.slice(i, i + 900)) op.delete(k);
    await commit(op);
  }
}

/** Every shift of the organization, by name. */
export async function listShifts(kv: Deno.Kv, orgId: string): Promise<StoredShift[]> {
  const out: StoredShift[] = [];
  for await (const e of kv.list({ prefix: ["clock_shifts", orgId] })) {
    out.push(StoredShiftSchema.parse(e.value));
  }
  return out.sort((a, b) => a.shift.name.localeCompare(b.shift.name) || a.id.localeCompare(b.id));
}

/** One assignment as the API shows it. */
export interface ShiftAssignment {
  target: AssignTarget;
  id: string;
  shiftId: string;
}

/** Every assignment of the organization. */
export async function listShiftAssignments(
  kv: Deno.Kv,
  orgId: string,
): Promise<ShiftAssignment[]> {
  const out: ShiftAssignment[] = [];
  for await (const e of kv.list<string>({ prefix: ["clock_shift_assign", orgId] })) {
    out.push({ target: e.key[2] as AssignTarget, id: e.key[3] as string, shiftId: e.value });
  }
  return out;
}

/**
 * Assigns a shift to the organization (`id` is ignored), a department or a person; `shiftId`
 * null removes the assignment. 400 with the field when the shift, department or person is not
 * the organization's.
 */
export async function assignShift(
  kv: Deno.Kv,
  orgId: string,
  input: { target: AssignTarget; id?: string; shiftId: string | null },
): Promise<ShiftAssignment | null> {
  const id = input.target === "org" ? orgId : input.id;
  if (!id) {
    throw new AppError("validation_failed", "Some fields are not valid.", [{
      path: ["id"],
      message: "Say which department or person.",
    }]);
  }
  if (input.target === "dept") {
    const ok = (await listDepartments(kv, orgId)).some((d) => d.id === id);
    if (!ok) throw invalid(["id"], "No such department.");
  } else if (input.target === "user") {
    const user = await getUser(kv, id).catch(() => null);
    if (!user || user.orgId !== orgId || user.role === "student") {
      throw invalid(["id"], "No such person in this workspace.");
    }
  }
  const key = assignKey(orgId, input.target, id);
  if (input.shiftId === null) {
    await kv.delete(key);
    return null;
  }
  const shift = await kv.get(shiftKey(orgId, input.shiftId));
  if (shift.value === null) throw invalid(["shiftId"], "No such shift.");
  await commit(kv.atomic().check(shift).set(key, input.shiftId));
  return { target: input.target, id, shiftId: input.shiftId };
}

function invalid(path: string[], message: string): AppError {
  return new AppError("validation_failed", "Some fields are not valid.", [{ path, message }]);
}

/** Reads an organization's shifts and assignments at once. */
export async function loadShiftBook(kv: Deno.Kv, orgId: string): Promise<ShiftBook> {
  const [shifts, assignments] = await Promise.all([
    listShifts(kv, orgId),
    listShiftAssignments(kv, orgId),
  ]);
  const book: ShiftBook = {
    shifts: new Map(shifts.map((s) => [s.id, s])),
    dept: new Map(),
    user: new Map(),
  };
  for (const a of assignments) {
    if (a.target === "org") book.org = a.shiftId;
    else book[a.target].set(a.id, a.shiftId);
  }
  return book;
}

/**
 * A person's shift from a book (pure): theirs, else the nearest department's (their
 * departments first, then the parents of those, and so on; at one level the first of their
 * departments in `mine`'s order wins), else the organization's, else null.
 */
export function resolveShiftIn(
  book: ShiftBook,
  departments: readonly Class[],
  userId: string,
  mine: Iterable<string>,
): StoredShift | null {
  const pick = (id: string | undefined) => (id ? book.shifts.get(id) ?? null : null);
  const own = pick(book.user.get(userId));
  if (own) return own;
  const byId = new Map(departments.map((d) => [d.id, d]));
  let level = [...mine].filter((id) => byId.has(id));
  const seen = new Set<string>();
  while (level.length) {
    for (const id of level) {
      const s = pick(book.dept.get(id));
      if (s) return s;
      seen.add(id);
    }
    level = level.map((id) => byId.get(id)?.parentId).filter((p): p is string =>
      !!p && byId.has(p) && !seen.has(p)
    );
  }
  return pick(book.org);
}

/**
 * A person's shift: theirs, else their nearest department's walking up the parents, else the
 * organization's, else null.
 */
export async function resolveShift(
  kv: Deno.Kv,
  orgId: string,
  userId: string,
): Promise<StoredShift | null> {
  const [book, departments, roles] = await Promise.all([
    loadShiftBook(kv, orgId),
    listDepartments(kv, orgId),
    listUserClassRoles(kv, userId),
  ]);
  return resolveShiftIn(book, departments, userId, roles.map((r) => r.classId));
}
