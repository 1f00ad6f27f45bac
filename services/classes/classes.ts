/**
 * Classes: an organization's groups (a school's classes; later a company's departments).
 * Teachers and students are class members (see members.ts); a class lists no copy of them.
 * @module
 */
import { z } from "zod";
import { AppError, notFound, validateInput } from "../web/errors.ts";
import { commit, getRecord, getRecords, newId } from "../db/kv.ts";
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
  archived: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Class = z.infer<typeof ClassSchema>;

/** What an admin sets on a class. */
export const ClassInputSchema = z.strictObject({
  name: z.string().trim().min(1, "Name is required").max(120),
  grade: z.string().trim().max(40).optional(),
  subject: z.string().trim().max(80).optional(),
  teacherIds: z.array(z.string().max(40)).max(50).optional(),
});
export type ClassInput = z.input<typeof ClassInputSchema>;

/** What an edit may change; absent fields stay as they are. */
export const ClassPatchSchema = ClassInputSchema.partial();
export type ClassPatch = z.input<typeof ClassPatchSchema>;

async function requireTeachers(kv: Deno.Kv, orgId: string, ids: string[]): Promise<User[]> {
  const unique = [...new Set(ids)];
  const users = await getUsers(kv, unique);
  const bad = unique.filter((_, i) => {
    const u = users[i];
    return !u || u.orgId !== orgId || (u.role !== "teacher" && u.role !== "admin");
  });
  if (bad.length) {
    throw new AppError("validation_failed", "Some teachers are not teachers of this school.", [
      { path: ["teacherIds"], message: `Unknown teacher ids: ${bad.join(", ")}` },
    ]);
  }
  return users as User[];
}

/** Creates a class with its teachers in one commit. */
export async function createClass(kv: Deno.Kv, orgId: string, input: ClassInput): Promise<Class> {
  const data = validateInput(ClassInputSchema, input);
  const teachers = await requireTeachers(kv, orgId, data.teacherIds ?? []);
  const now = new Date().toISOString();
  const cls: Class = {
    id: newId(),
    orgId,
    name: data.name,
    grade: data.grade || undefined,
    subject: data.subject || undefined,
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

/** All classes of an organization, newest last; archived ones only when asked. */
export async function listClassesByOrg(
  kv: Deno.Kv,
  orgId: string,
  opts: { includeArchived?: boolean } = {},
): Promise<Class[]> {
  const ids: string[] = [];
  for await (const e of kv.list<string>({ prefix: ["classes_by_org", orgId] })) ids.push(e.value);
  const classes = await getRecords(kv, ClassSchema, ids.map((id) => ["classes", id]));
  return classes.filter((c): c is Class => !!c && (opts.includeArchived || !c.archived));
}

/**
 * The classes a user is a member of in their own organization, with their role in each
 * (archived ones only when asked).
 */
export async function listUserClasses(
  kv: Deno.Kv,
  user: Pick<User, "id" | "orgId">,
  opts: { includeArchived?: boolean } = {},
): Promise<{ cls: Class; role: MemberRole }[]> {
  const roles = await listUserClassRoles(kv, user.id);
  const role = new Map(roles.map((r) => [r.classId, r.role]));
  const classes = await getClasses(kv, roles.map((r) => r.classId));
  return classes
    .filter((cls) => cls.orgId === user.orgId && (opts.includeArchived || !cls.archived))
    .map((cls) => ({ cls, role: role.get(cls.id)! }));
}

/** Reads classes by id (missing ones dropped). */
export async function getClasses(kv: Deno.Kv, ids: string[]): Promise<Class[]> {
  const classes = await getRecords(kv, ClassSchema, ids.map((id) => ["classes", id]));
  return classes.filter((c): c is Class => c !== null);
}
