/**
 * Who may do what. Every lookup is scoped to the asker's organization: anything of another
 * organization is "not found" (404), never "forbidden", so its existence does not leak.
 * @module
 */
import type { Actor, State } from "../web/define.ts";
import { AppError, forbidden } from "../web/errors.ts";
import { type Class, getClass } from "../classes/classes.ts";
import { getMemberRole, type MemberRole } from "../classes/members.ts";

/** The asker's standing in one class. */
export type ClassRole = "admin" | "teacher" | "student";

/** Who runs a class's lectures and coursework: its teachers and the school's admins. */
export const TEACHERS: ClassRole[] = ["admin", "teacher"];

/** The signed-in actor, or 401. */
export function requireActor(state: State): Actor {
  if (!state.actor) throw new AppError("unauthorized", "Sign in first.");
  return state.actor;
}

/** The signed-in actor if they are an admin of their organization; 401/403 otherwise. */
export function requireAdmin(state: State): Actor {
  const actor = requireActor(state);
  if (actor.user.role !== "admin") throw forbidden("Only school admins can do this.");
  return actor;
}

/**
 * Loads a class for the actor and says in what role they see it. Another organization's
 * class, or a class of their own organization they are not in, is 404.
 */
export async function classAccess(
  kv: Deno.Kv,
  actor: Actor,
  classId: string,
): Promise<{ cls: Class; role: ClassRole }> {
  const cls = await getClass(kv, actor.user.orgId, classId);
  const role = classRole(
    actor,
    actor.user.role === "admin" ? null : await getMemberRole(kv, classId, actor.user.id),
  );
  if (!role) throw new AppError("not_found", "Class not found");
  return { cls, role };
}

/**
 * The actor's standing in a class of their organization, from their membership role there
 * (null when not a member): school admins administer every class.
 */
export function classRole(actor: Actor, memberRole: MemberRole | null): ClassRole | null {
  return actor.user.role === "admin" ? "admin" : memberRole;
}

/** 403 unless `role` (from `classAccess`) is one of `allowed`. */
export function requireRoleIn(role: ClassRole, allowed: ClassRole[]): void {
  if (!allowed.includes(role)) {
    throw forbidden(
      allowed.includes("teacher")
        ? "Only this class's teachers and school admins can do this."
        : "Only school admins can do this.",
    );
  }
}

/** Like `classAccess`, and 403 unless the actor's role is one of `allowed`. */
export async function requireClassRole(
  kv: Deno.Kv,
  actor: Actor,
  classId: string,
  allowed: ClassRole[],
): Promise<{ cls: Class; role: ClassRole }> {
  const access = await classAccess(kv, actor, classId);
  requireRoleIn(access.role, allowed);
  return access;
}
