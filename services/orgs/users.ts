/**
 * Users: every person belongs to one organization with one role there. `userIndexOps` is the
 * one writer of a user's keys, so no index goes stale.
 * @module
 */
import { z } from "zod";
import { AppError, notFound, validateInput } from "../web/errors.ts";
import { type ClassMember, renameMemberOps } from "../classes/members.ts";
import { commit, getManyFast, getRecords, listPage, newId, type Page } from "../db/kv.ts";

/** The longest display name, after normalization. */
export const MAX_NAME_LENGTH = 120;

/**
 * A person's role in their organization: a school has admins, teachers and students; a company
 * admins and employees. Everyone but a student is staff (a school's staff workspace holds its
 * admins and teachers; a company's, everyone).
 */
export const ROLES = ["admin", "teacher", "student", "employee"] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export const UserSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  name: z.string().min(1).max(MAX_NAME_LENGTH),
  /** Lower-case, trimmed; unique across the whole install (it signs in). */
  email: z.email().optional(),
  /** Unique within the organization. */
  studentNumber: z.string().min(1).max(40).optional(),
  role: RoleSchema,
  /** Absent until the person sets a password (imported students, link joiners). */
  passwordHash: z.string().optional(),
  joinedVia: z.enum(["seed", "admin", "import", "link"]),
  createdAt: z.string(),
});
export type User = z.infer<typeof UserSchema>;

// Hangul fillers render as nothing: a name made of them looks blank (or like another name).
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\u115F\u1160\u3164\uFFA0]/gu;

/**
 * A display name as stored and shown: NFC (files from macOS often hold decomposed Hangul),
 * whitespace runs (line breaks, tabs, ideographic and no-break spaces included) made one space
 * and trimmed, and characters that draw nothing or reorder text dropped: control characters
 * (NUL included), format characters (zero-width spaces and joiners, bidi overrides and
 * isolates), private-use and lone surrogates, Hangul fillers. Letters and marks of every
 * script stay: 홍길동, 张伟, Zoë, José.
 */
export function normalizeDisplayName(raw: string): string {
  return raw.normalize("NFC")
    .replace(/[\t\n\v\f\r\u0085\u2028\u2029]/g, " ") // line breaks and tabs separate words
    .replace(INVISIBLE, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** The one schema for a person's name wherever one is entered (forms, API, roster files). */
export const DisplayNameSchema = z.string().transform(normalizeDisplayName).pipe(
  z.string()
    .min(1, "Enter your name.")
    .max(MAX_NAME_LENGTH, `Use at most ${MAX_NAME_LENGTH} characters.`),
);

/** How two names compare for "is this the same name": normalized, case-folded. */
export function nameKey(name: string): string {
  return normalizeDisplayName(name).toLocaleLowerCase("und").normalize("NFC");
}

/**
 * 409 when `name` is, after normalization and case-insensitively, the name of a teacher or an
 * admin of the school: a student may not appear under their teacher's name (in the roster,
 * the chat, the lecture room).
 */
export async function requireNameNotStaff(
  kv: Deno.Kv,
  orgId: string,
  name: string,
  path: (string | number)[] = ["name"],
): Promise<void> {
  const key = nameKey(name);
  const ids: string[] = [];
  for (const role of ["teacher", "admin"] as const) {
    for await (const e of kv.list<string>({ prefix: ["users_by_org_role", orgId, role] })) {
      ids.push(e.value);
    }
  }
  const staff = await getUsers(kv, ids);
  if (staff.some((u) => u && nameKey(u.name) === key)) {
    const message = "A teacher of this school has this name. Use a name that tells you apart, " +
      "e.g. with your class number or a family name.";
    throw new AppError("conflict", message, [{ path, message }]);
  }
}

/** Normalises an email for storage and comparison: trimmed, lower-case. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Builds a user record with a new id. */
export function newUser(
  input: Omit<User, "id" | "createdAt" | "joinedVia"> & { joinedVia?: User["joinedVia"] },
): User {
  return UserSchema.parse({
    joinedVia: "admin",
    ...input,
    name: DisplayNameSchema.parse(input.name),
    email: input.email ? normalizeEmail(input.email) : undefined,
    studentNumber: input.studentNumber?.trim() || undefined,
    id: newId(),
    createdAt: new Date().toISOString(),
  });
}

/**
 * Adds the writes that create `user` to `op`: the record and its indexes, with uniqueness
 * checks on the email (install-wide) and the student number (per organization).
 */
export function createUserOps(op: Deno.AtomicOperation, user: User, checks = true) {
  op.set(["users", user.id], user)
    .set(["users_by_org", user.orgId, user.id], user.id)
    .set(["users_by_org_role", user.orgId, user.role, user.id], user.id);
  if (user.email) {
    if (checks) op.check({ key: ["users_by_email", user.email], versionstamp: null });
    op.set(["users_by_email", user.email], user.id);
  }
  if (user.studentNumber) {
    if (checks) {
      op.check({ key: ["users_by_number", user.orgId, user.studentNumber], versionstamp: null });
    }
    op.set(["users_by_number", user.orgId, user.studentNumber], user.id);
  }
  return op;
}

/** The keys `createUserOps` writes, for undoing a partly written bulk import. */
export function userKeys(user: User): Deno.KvKey[] {
  const keys: Deno.KvKey[] = [
    ["users", user.id],
    ["users_by_org", user.orgId, user.id],
    ["users_by_org_role", user.orgId, user.role, user.id],
  ];
  if (user.email) keys.push(["users_by_email", user.email]);
  if (user.studentNumber) keys.push(["users_by_number", user.orgId, user.studentNumber]);
  return keys;
}

/** Creates one user; 409 when the email or student number is taken. */
export async function createUser(kv: Deno.Kv, user: User): Promise<User> {
  await commit(
    createUserOps(kv.atomic(), user),
    "This email or student number is already used by another account.",
  );
  return user;
}

/** Reads a user; null when absent. */
export async function getUser(kv: Deno.Kv, id: string): Promise<User | null> {
  const [e] = await getManyFast(kv, [["users", id]], ([e]) => e.value === null);
  return e.value === null ? null : UserSchema.parse(e.value);
}

/** Reads a user of one organization; 404 for a missing user or one of another organization. */
export async function getOrgUser(kv: Deno.Kv, orgId: string, id: string): Promise<User> {
  const user = await getUser(kv, id);
  if (!user || user.orgId !== orgId) throw notFound("Member not found");
  return user;
}

/** Reads many users by id, in order; null for missing ones. */
export async function getUsers(kv: Deno.Kv, ids: string[]): Promise<(User | null)[]> {
  return await getRecords(kv, UserSchema, ids.map((id) => ["users", id]));
}

/** Finds a user by email, install-wide. */
export async function findUserByEmail(kv: Deno.Kv, email: string): Promise<User | null> {
  const id = (await kv.get<string>(["users_by_email", normalizeEmail(email)])).value;
  return id ? await getUser(kv, id) : null;
}

/** Finds a user by student number within one organization. */
export async function findUserByNumber(
  kv: Deno.Kv,
  orgId: string,
  studentNumber: string,
): Promise<User | null> {
  const id = (await kv.get<string>(["users_by_number", orgId, studentNumber.trim()])).value;
  return id ? await getUser(kv, id) : null;
}

/** Reads a user's record with its versionstamp, for a read-check-write; 404 when absent. */
export async function getUserEntry(kv: Deno.Kv, userId: string): Promise<Deno.KvEntry<User>> {
  const entry = await kv.get<User>(["users", userId]);
  if (!entry.value) throw notFound("Member not found");
  return { ...entry, value: UserSchema.parse(entry.value) } as Deno.KvEntry<User>;
}

/**
 * Adds the writes that give the user of `entry` the password `hash` (none: they sign in only
 * with a one-time code then) to `op`, checked against `entry` so a concurrent change is not
 * lost.
 */
export function passwordHashOps(
  op: Deno.AtomicOperation,
  entry: Deno.KvEntry<User>,
  hash: string | undefined,
): Deno.AtomicOperation {
  const { passwordHash: _old, ...rest } = entry.value;
  return op.check(entry).set(entry.key, hash ? { ...rest, passwordHash: hash } : rest);
}

/** Changes a user's password hash (read-check-write, so a concurrent change is not lost). */
export async function setPasswordHash(kv: Deno.Kv, userId: string, hash: string): Promise<void> {
  await commit(passwordHashOps(kv.atomic(), await getUserEntry(kv, userId), hash));
}

/**
 * Renames a person: their record and the display copies in their classes' rosters, in one
 * commit (a person is in a few dozen classes at most). The name goes through
 * `DisplayNameSchema` (400); a student may not take a teacher's or admin's name (409).
 */
export async function renameUser(kv: Deno.Kv, userId: string, rawName: string): Promise<User> {
  const { name } = validateInput(z.object({ name: DisplayNameSchema }), { name: rawName });
  const entry = await getUserEntry(kv, userId);
  if (entry.value.role === "student") await requireNameNotStaff(kv, entry.value.orgId, name);
  const op = kv.atomic().check(entry).set(entry.key, { ...entry.value, name });
  for await (const c of kv.list({ prefix: ["classes_by_user", userId] })) {
    const member = await kv.get<ClassMember>(["class_members", c.key[2] as string, userId]);
    if (member.value) renameMemberOps(op, member as Deno.KvEntry<ClassMember>, name);
  }
  await commit(op, "Your account changed meanwhile. Try again.");
  return { ...entry.value, name };
}

/** One page of an organization's members (of one role when `role` is given), oldest first. */
export async function listOrgUsers(
  kv: Deno.Kv,
  orgId: string,
  opts: { cursor?: string; limit?: number; role?: Role } = {},
): Promise<Page<User>> {
  const prefix = opts.role ? ["users_by_org_role", orgId, opts.role] : ["users_by_org", orgId];
  const page = await listPage<string>(kv, prefix, opts);
  const users = await getUsers(kv, page.items.map((e) => e.value));
  return { items: users.filter((u): u is User => u !== null), cursor: page.cursor };
}

/**
 * The organization's teachers and employees, sorted by name (for the pickers of a class's
 * teachers and a department's managers).
 */
export async function listOrgTeachers(kv: Deno.Kv, orgId: string): Promise<User[]> {
  const ids: string[] = [];
  for (const role of ["teacher", "employee"] as const) {
    for await (const e of kv.list<string>({ prefix: ["users_by_org_role", orgId, role] })) {
      ids.push(e.value);
    }
  }
  const teachers = (await getUsers(kv, ids)).filter((u): u is User => u !== null);
  const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });
  return teachers.sort((a, b) => collator.compare(a.name, b.name));
}
