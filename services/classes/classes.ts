/**
 * Groups of an organization: a school's classes and a workspace's departments are one record
 * (`kind`), with one membership model (members.ts; a group lists no copy of its people). A
 * group's leads have the member role `teacher` (a class's teachers, a department's managers),
 * everyone else `student` (a class's students, a department's people); pages name the roles by
 * the group's kind. Departments nest (`parentId`, at most `MAX_DEPARTMENT_DEPTH` levels).
 * @module
 */
import { z } from "zod";
import { AppError, notFound, validateInput } from "../web/errors.ts";
import { commit, getRecord, getRecords, newId } from "../db/kv.ts";
import { getOrg, hasWorkspace } from "../orgs/orgs.ts";
import { getUsers, type User } from "../orgs/users.ts";
import {
  addMemberOps,
  listMemberIds,
  listUserClassRoles,
  type MemberRole,
  removeMemberOps,
} from "./members.ts";

export const ClassSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  name: z.string().trim().min(1).max(120),
  grade: z.string().trim().max(40).optional(),
  subject: z.string().trim().max(80).optional(),
  /** Absent on classes written before departments existed. */
  kind: z.enum(["class", "department"]).optional(),
  /** A department's parent department (absent: top level). */
  parentId: z.string().optional(),
  archived: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Class = z.infer<typeof ClassSchema>;
export type GroupKind = NonNullable<Class["kind"]>;

/** How deep departments may nest (a company, its divisions, their teams, ...). */
export const MAX_DEPARTMENT_DEPTH = 6;

/** A group's kind (records from before departments are classes). */
export function groupKind(cls: Pick<Class, "kind">): GroupKind {
  return cls.kind ?? "class";
}

/** What an admin sets on a class. */
export const ClassInputSchema = z.strictObject({
  name: z.string().trim().min(1, "Name is required").max(120),
  grade: z.string().trim().max(40).optional(),
  subject: z.string().trim().max(80).optional(),
  teacherIds: z.array(z.string().max(40)).max(50).optional(),
  kind: z.enum(["class", "department"]).optional(),
  /** A department's parent (departments only; empty: top level). */
  parentId: z.string().max(40).optional(),
});
export type ClassInput = z.input<typeof ClassInputSchema>;

/** What an edit may change; absent fields stay as they are. */
export const ClassPatchSchema = ClassInputSchema.omit({ kind: true }).partial();
export type ClassPatch = z.input<typeof ClassPatchSchema>;

async function requireTeachers(kv: Deno.Kv, orgId: string, ids: string[]): Promise<User[]> {
  const unique = [...new Set(ids)];
  const users = await getUsers(kv, unique);
  const bad = unique.filter((_, i) => {
    const u = users[i];
    return !u || u.orgId !== orgId || u.role === "student";
  });
  if (bad.length) {
    throw new AppError("validation_failed", "Some leads are not staff of this organization.", [
      { path: ["teacherIds"], message: `Unknown staff ids: ${bad.join(", ")}` },
    ]);
  }
  return users as User[];
}

/**
 * 400 unless `parentId` may hold a department `childId` (none when creating): a department of
 * the same organization, not the child or one of its descendants, and no deeper than
 * `MAX_DEPARTMENT_DEPTH` levels with the child's own subtree.
 */
async function requireParent(
  kv: Deno.Kv,
  orgId: string,
  parentId: string,
  childId?: string,
): Promise<void> {
  const fail = (message: string) => {
    throw new AppError("validation_failed", message, [{ path: ["parentId"], message }]);
  };
  const chain: string[] = [];
  for (let id: string | undefined = parentId; id;) {
    if (id === childId) fail("A department cannot be placed inside itself.");
    const cls: Class | null = await getRecord(kv, ClassSchema, ["classes", id]);
    if (!cls || cls.orgId !== orgId || groupKind(cls) !== "department") {
      fail("The parent department does not exist.");
    }
    chain.push(id);
    if (chain.length > MAX_DEPARTMENT_DEPTH) break;
    id = cls!.parentId;
  }
  const below = childId ? await subtreeDepth(kv, orgId, childId) : 1;
  if (chain.length + below > MAX_DEPARTMENT_DEPTH) {
    fail(`Departments nest at most ${MAX_DEPARTMENT_DEPTH} levels deep.`);
  }
}

/** Levels of a department and the ones below it (1: no sub-departments). */
async function subtreeDepth(kv: Deno.Kv, orgId: string, id: string): Promise<number> {
  const all = await listClassesByOrg(kv, orgId, { kind: "department", includeArchived: true });
  const depth = (at: string, seen: number): number => {
    if (seen > MAX_DEPARTMENT_DEPTH) return seen;
    const kids = all.filter((d) => d.parentId === at);
    return 1 + Math.max(0, ...kids.map((k) => depth(k.id, seen + 1)));
  };
  return depth(id, 1);
}

/** Creates a class with its teachers in one commit. */
export async function createClass(kv: Deno.Kv, orgId: string, input: ClassInput): Promise<Class> {
  const data = validateInput(ClassInputSchema, input);
  const teachers = await requireTeachers(kv, orgId, data.teacherIds ?? []);
  const kind = data.kind ?? "class";
  const parentId = kind === "department" ? data.parentId || undefined : undefined;
  if (kind === "department" && !hasWorkspace(await getOrg(kv, orgId))) {
    throw new AppError("conflict", "Switch on the staff workspace before adding departments.");
  }
  if (parentId) await requireParent(kv, orgId, parentId);
  const now = new Date().toISOString();
  const cls: Class = {
    id: newId(),
    orgId,
    name: data.name,
    grade: data.grade || undefined,
    subject: data.subject || undefined,
    ...(kind === "department" ? { kind, ...(parentId ? { parentId } : {}) } : {}),
    archived: false,
    createdAt: now,
    updatedAt: now,
  };
  const op = kv.atomic().set(["classes", cls.id], cls).set(
    ["classes_by_org", orgId, cls.id],
    cls.id,
  );
  for (const t of teachers) addMemberOps(op, cls.id, t, "teacher");
  await commit(op);
  return cls;
}

/** Reads a class of one organization; 404 for a missing class or another organization's. */
export async function getClass(kv: Deno.Kv, orgId: string, id: string): Promise<Class> {
  const cls = await getRecord(kv, ClassSchema, ["classes", id]);
  if (!cls || cls.orgId !== orgId) throw notFound("Class not found");
  return cls;
}

/** 409 unless the class is active: an archived class's records are read-only. */
export async function requireActiveClass(kv: Deno.Kv, classId: string): Promise<Class> {
  const cls = await getRecord(kv, ClassSchema, ["classes", classId]);
  if (!cls) throw notFound("Class not found");
  if (cls.archived) {
    throw new AppError(
      "conflict",
      "This class is archived: its records can be read but not changed.",
    );
  }
  return cls;
}

/**
 * Edits a class: the fields given, and (when `teacherIds` is given) its set of teachers, in
 * one commit. An empty grade or subject clears it.
 */
export async function updateClass(
  kv: Deno.Kv,
  orgId: string,
  id: string,
  input: ClassPatch,
): Promise<Class> {
  const data = validateInput(ClassPatchSchema, input);
  const entry = await kv.get<Class>(["classes", id]);
  if (!entry.value || entry.value.orgId !== orgId) throw notFound("Class not found");
  const cls: Class = { ...entry.value, updatedAt: new Date().toISOString() };
  if (data.name !== undefined) cls.name = data.name;
  if (data.grade !== undefined) cls.grade = data.grade || undefined;
  if (data.subject !== undefined) cls.subject = data.subject || undefined;
  if (data.parentId !== undefined && groupKind(cls) === "department") {
    if (data.parentId) await requireParent(kv, orgId, data.parentId, id);
    cls.parentId = data.parentId || undefined;
  }
  const op = kv.atomic().check(entry).set(entry.key, cls);
  if (data.teacherIds) {
    const teachers = await requireTeachers(kv, orgId, data.teacherIds);
    const current = new Set(await listMemberIds(kv, id, "teacher"));
    const wanted = new Set(teachers.map((t) => t.id));
    for (const t of teachers) if (!current.has(t.id)) addMemberOps(op, id, t, "teacher");
    for (const tid of current) if (!wanted.has(tid)) removeMemberOps(op, id, tid);
  }
  await commit(op);
  return cls;
}

/** Archives (or restores) a class. Archived classes keep their data and leave the lists. */
export async function setClassArchived(
  kv: Deno.Kv,
  orgId: string,
  id: string,
  archived: boolean,
): Promise<Class> {
  const entry = await kv.get<Class>(["classes", id]);
  if (!entry.value || entry.value.orgId !== orgId) throw notFound("Class not found");
  const cls = { ...entry.value, archived, updatedAt: new Date().toISOString() };
  await commit(kv.atomic().check(entry).set(entry.key, cls));
  return cls;
}

/**
 * All groups of one kind (classes unless asked) of an organization, newest last; archived ones
 * only when asked.
 */
export async function listClassesByOrg(
  kv: Deno.Kv,
  orgId: string,
  opts: { includeArchived?: boolean; kind?: GroupKind } = {},
): Promise<Class[]> {
  const ids: string[] = [];
  for await (const e of kv.list<string>({ prefix: ["classes_by_org", orgId] })) ids.push(e.value);
  const classes = await getRecords(kv, ClassSchema, ids.map((id) => ["classes", id]));
  const kind = opts.kind ?? "class";
  return classes.filter((c): c is Class =>
    !!c && groupKind(c) === kind && (opts.includeArchived || !c.archived)
  );
}

/**
 * The classes a user is a member of in their own organization, with their role in each
 * (archived ones only when asked).
 */
export async function listUserClasses(
  kv: Deno.Kv,
  user: Pick<User, "id" | "orgId">,
  opts: { includeArchived?: boolean; kind?: GroupKind } = {},
): Promise<{ cls: Class; role: MemberRole }[]> {
  const roles = await listUserClassRoles(kv, user.id);
  const role = new Map(roles.map((r) => [r.classId, r.role]));
  const classes = await getClasses(kv, roles.map((r) => r.classId));
  const kind = opts.kind ?? "class";
  return classes
    .filter((cls) =>
      cls.orgId === user.orgId && groupKind(cls) === kind && (opts.includeArchived || !cls.archived)
    )
    .map((cls) => ({ cls, role: role.get(cls.id)! }));
}

/** Reads classes by id (missing ones dropped). */
export async function getClasses(kv: Deno.Kv, ids: string[]): Promise<Class[]> {
  const classes = await getRecords(kv, ClassSchema, ids.map((id) => ["classes", id]));
  return classes.filter((c): c is Class => c !== null);
}
