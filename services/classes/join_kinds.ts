/**
 * Where join links differ by the kind of group they lead into (join_links.ts is the one
 * implementation): a class's link makes students, a department's link invites staff of the
 * workspace (a company's employees; in a school's staff workspace, teachers), who must give an
 * email and a password (staff sign in with them). Who may make a department's links: the
 * workspace admins and the department's managers (with those of the departments above); in a
 * school's staff workspace only its admins, since such an invite makes a teacher account.
 * @module
 */
import { requireClassRole, TEACHERS } from "../auth/access.ts";
import { getOrg, hasWorkspace } from "../orgs/orgs.ts";
import type { Role, User } from "../orgs/users.ts";
import type { Actor } from "../web/define.ts";
import { forbidden } from "../web/errors.ts";
import { requireManages, workspaceAccess } from "../workspace/access.ts";
import { type Class, ClassSchema, groupKind } from "./classes.ts";
import { getRecord } from "../db/kv.ts";

/** Whether a group's link invites staff (a department) rather than students (a class). */
export function invitesStaff(cls: Pick<Class, "kind">): boolean {
  return groupKind(cls) === "department";
}

/**
 * The role of an account a link makes: a student for a class; for a department, an employee
 * of a company or a teacher of a school. Null when the organization has no workspace (a
 * school that switched it off): its department links take nobody.
 */
export async function joinerRole(kv: Deno.Kv, cls: Class): Promise<Role | null> {
  if (!invitesStaff(cls)) return "student";
  const org = await getOrg(kv, cls.orgId);
  if (!hasWorkspace(org)) return null;
  return org.kind === "school" ? "teacher" : "employee";
}

/** Whether an existing account may join the group through its link. */
export function mayJoin(cls: Pick<Class, "kind">, user: Pick<User, "role">): boolean {
  return invitesStaff(cls) ? user.role !== "student" : user.role === "student";
}

/** Where a joiner lands: the class, or the workspace. */
export function groupHome(cls: Pick<Class, "id" | "kind">): string {
  return invitesStaff(cls) ? "/workspace" : `/classes/${cls.id}`;
}

/**
 * 403/404 unless the actor may make and manage the group's join links: a class's teachers and
 * the school's admins; a department's managers and the workspace admins (a school's staff
 * workspace: admins only). Another organization's group is 404.
 */
export async function requireLinkManager(
  kv: Deno.Kv,
  actor: Actor,
  groupId: string,
): Promise<{ cls: Class }> {
  const cls = await getRecord(kv, ClassSchema, ["classes", groupId]);
  if (!cls || cls.orgId !== actor.user.orgId || !invitesStaff(cls)) {
    return await requireClassRole(kv, actor, groupId, TEACHERS);
  }
  const access = await workspaceAccess(kv, actor);
  const dept = requireManages(access, groupId);
  if (access.org.kind === "school" && access.role !== "admin") {
    throw forbidden("Only workspace admins can invite staff: the invite makes a teacher account.");
  }
  return { cls: dept };
}
