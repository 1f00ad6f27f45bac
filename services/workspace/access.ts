/**
 * Who sees what in a workspace. A workspace is an organization's staff face: a company's
 * everyone, a school's admins and teachers once its staff workspace is on
 * (`hasWorkspace`). Roles there: the organization's admins are workspace admins; whoever leads a
 * department (member role `teacher` of a department group) manages it and every department
 * below it; everyone else is an employee. As everywhere, another organization's workspace (or
 * none at all) is 404, never 403.
 * @module
 */
import type { Actor } from "../web/define.ts";
import { AppError, forbidden } from "../web/errors.ts";
import { getOrg, hasWorkspace, type Org } from "../orgs/orgs.ts";
import { listUserClassRoles } from "../classes/members.ts";
import { type Class, groupKind } from "../classes/classes.ts";
import { listDepartments } from "./departments.ts";

export type WorkspaceRole = "admin" | "manager" | "employee";

export interface WorkspaceAccess {
  org: Org;
  role: WorkspaceRole;
  /** The departments the asker manages, with every department below them (admins: all). */
  managed: Set<string>;
  /** The departments the asker belongs to (as member or manager). */
  mine: Class[];
  /** Every department of the organization (not archived). */
  departments: Class[];
}

/** Whether a person of `org` is in its workspace: a company's everyone, a school's staff. */
export function inWorkspace(org: Org, user: Actor["user"]): boolean {
  return hasWorkspace(org) && user.orgId === org.id && user.role !== "student";
}

/**
 * The asker's standing in their organization's workspace; 404 when the organization has none
 * or the asker is a student.
 */
export async function workspaceAccess(kv: Deno.Kv, actor: Actor): Promise<WorkspaceAccess> {
  const [org, roles, departments] = await Promise.all([
    getOrg(kv, actor.user.orgId),
    listUserClassRoles(kv, actor.user.id),
    listDepartments(kv, actor.user.orgId),
  ]);
  if (!inWorkspace(org, actor.user)) throw new AppError("not_found", "Workspace not found");
  const byId = new Map(departments.map((d) => [d.id, d]));
  const mine = roles.map((r) => byId.get(r.classId)).filter((d): d is Class => !!d);
  const leads = roles.filter((r) => r.role === "teacher" && byId.has(r.classId))
    .map((r) => r.classId);
  const admin = actor.user.role === "admin";
  const managed = admin
    ? new Set(departments.map((d) => d.id))
    : withDescendants(departments, leads);
  const role: WorkspaceRole = admin ? "admin" : managed.size ? "manager" : "employee";
  return { org, role, managed, mine, departments };
}

/** Like `workspaceAccess`, and 403 unless the asker is a workspace admin. */
export async function requireWorkspaceAdmin(
  kv: Deno.Kv,
  actor: Actor,
): Promise<WorkspaceAccess> {
  const access = await workspaceAccess(kv, actor);
  if (access.role !== "admin") throw forbidden("Only workspace admins can do this.");
  return access;
}

/** Like `workspaceAccess`, and 403 unless the asker manages a department (or is an admin). */
export async function requireManager(kv: Deno.Kv, actor: Actor): Promise<WorkspaceAccess> {
  const access = await workspaceAccess(kv, actor);
  if (access.role === "employee") {
    throw forbidden("Only managers and workspace admins can do this.");
  }
  return access;
}

/**
 * 404 unless `departmentId` is a department of the asker's workspace, 403 unless they manage
 * it.
 */
export function requireManages(access: WorkspaceAccess, departmentId: string): Class {
  const dept = access.departments.find((d) => d.id === departmentId);
  if (!dept || groupKind(dept) !== "department") {
    throw new AppError("not_found", "Department not found");
  }
  if (!access.managed.has(dept.id)) {
    throw forbidden("Only this department's managers and workspace admins can do this.");
  }
  return dept;
}

/** `ids` and every department below them. */
export function withDescendants(departments: Class[], ids: Iterable<string>): Set<string> {
  const out = new Set<string>();
  const kids = new Map<string, string[]>();
  for (const d of departments) {
    if (d.parentId) kids.set(d.parentId, [...(kids.get(d.parentId) ?? []), d.id]);
  }
  const stack = [...ids];
  while (stack.length) {
    const id = stack.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    stack.push(...(kids.get(id) ?? []));
  }
  return out;
}
