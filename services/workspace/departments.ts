/**
 * A workspace's departments and its member directory. Departments are groups of kind
 * `department` (services/classes/classes.ts creates, edits and archives them as it does
 * classes); this module reads them as a tree and lists the people of a workspace.
 * @module
 */
import { type Class, listClassesByOrg } from "../classes/classes.ts";
import { type ClassMember, ClassMemberSchema } from "../classes/members.ts";
import { getUsers, type User } from "../orgs/users.ts";

/** The organization's departments (archived ones only when asked), in creation order. */
export async function listDepartments(
  kv: Deno.Kv,
  orgId: string,
  opts: { includeArchived?: boolean } = {},
): Promise<Class[]> {
  return await listClassesByOrg(kv, orgId, { ...opts, kind: "department" });
}

/** A department in tree order, with its depth (0: top level) and its path of names. */
export interface DepartmentNode {
  dept: Class;
  depth: number;
  /** Names from the top level down to this department. */
  path: string[];
}

/**
 * Departments in tree order: each after its parent, siblings by name. A department whose
 * parent is missing (archived) is shown at the top level.
 */
export function departmentTree(departments: Class[], locale?: string): DepartmentNode[] {
  const collator = new Intl.Collator(locale, { numeric: true, sensitivity: "base" });
  const ids = new Set(departments.map((d) => d.id));
  const kids = new Map<string | undefined, Class[]>();
  for (const d of departments) {
    const parent = d.parentId && ids.has(d.parentId) ? d.parentId : undefined;
    kids.set(parent, [...(kids.get(parent) ?? []), d]);
  }
  const out: DepartmentNode[] = [];
  const walk = (parent: string | undefined, depth: number, path: string[]) => {
    const list = (kids.get(parent) ?? []).sort((a, b) => collator.compare(a.name, b.name));
    for (const dept of list) {
      if (out.some((n) => n.dept.id === dept.id)) continue; // a cycle written by hand
      const here = [...path, dept.name];
      out.push({ dept, depth, path: here });
      walk(dept.id, depth + 1, here);
    }
  };
  walk(undefined, 0, []);
  return out;
}

/** "Engineering / Platform": a department's path of names. */
export function departmentLabel(nodes: DepartmentNode[], id: string): string | undefined {
  return nodes.find((n) => n.dept.id === id)?.path.join(" / ");
}

/** One person of the directory, with their departments. */
export interface DirectoryEntry {
  user: User;
  /** The departments they are in, with whether they manage it. */
  departments: { id: string; manager: boolean }[];
}

/** Query for one page of the member directory. */
export interface DirectoryQuery {
  /** Matches name or email, case-insensitively. */
  q?: string;
  /** Only the people of this department and the ones below it. */
  departmentIds?: Set<string>;
  offset?: number;
  limit?: number;
}

/**
 * One page of a workspace's people (staff only: a school's students are not in it), sorted by
 * name, with the total that matched.
 */
export async function searchDirectory(
  kv: Deno.Kv,
  orgId: string,
  departments: Class[],
  query: DirectoryQuery = {},
): Promise<{ items: DirectoryEntry[]; total: number; offset: number; limit: number }> {
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 500);
  const offset = Math.max(query.offset ?? 0, 0);
  const q = query.q?.trim().toLowerCase();
  const memberships = new Map<string, DirectoryEntry["departments"]>();
  await Promise.all(departments.map(async (d) => {
    for await (const e of kv.list<ClassMember>({ prefix: ["class_members", d.id] })) {
      const m = ClassMemberSchema.parse(e.value);
      const list = memberships.get(m.userId) ?? [];
      list.push({ id: d.id, manager: m.role === "teacher" });
      memberships.set(m.userId, list);
    }
  }));
  const ids: string[] = [];
  for (const role of ["admin", "teacher", "employee"] as const) {
    for await (const e of kv.list<string>({ prefix: ["users_by_org_role", orgId, role] })) {
      ids.push(e.value);
    }
  }
  const users = (await getUsers(kv, ids)).filter((u): u is User => u !== null);
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  const rows = users
    .map((user) => ({ user, departments: memberships.get(user.id) ?? [] }))
    .filter((r) =>
      (!q || r.user.name.toLowerCase().includes(q) || !!r.user.email?.includes(q)) &&
      (!query.departmentIds || r.departments.some((d) => query.departmentIds!.has(d.id)))
    )
    .sort((a, b) => collator.compare(a.user.name, b.user.name));
  return { items: rows.slice(offset, offset + limit), total: rows.length, offset, limit };
}

/** The ids of the people in `departmentIds` (members and managers). */
export async function peopleOf(kv: Deno.Kv, departmentIds: Iterable<string>): Promise<string[]> {
  const ids = new Set<string>();
  for (const id of departmentIds) {
    for await (const e of kv.list<ClassMember>({ prefix: ["class_members", id] })) {
      ids.add(e.value.userId);
    }
  }
  return [...ids];
}
