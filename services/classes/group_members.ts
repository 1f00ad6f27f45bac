/**
 * One person in or out of a group by an organization admin: the "add a person" form and the
 * roster's Remove button on the admin page of a class or a department (the bulk ways in are
 * the roster import and invite links). A department holds staff only; a class's teachers are
 * staff, its students anyone of the school.
 * @module
 */
import { z } from "zod";
import { commit } from "../db/kv.ts";
import { AppError, notFound, validateInput } from "../web/errors.ts";
import { findUserByEmail, getOrgUser, type User } from "../orgs/users.ts";
import { getClass, groupKind } from "./classes.ts";
import {
  addMemberOps,
  getMemberRole,
  type MemberRole,
  MemberRoleSchema,
  removeMemberOps,
} from "./members.ts";

/** What the add form posts. */
export const AddGroupMemberSchema = z.strictObject({
  email: z.string().trim().toLowerCase().email().max(254),
  role: MemberRoleSchema,
});

/**
 * Puts the person of the organization with `email` in the group with `role` (an existing member
 * takes the new role). 404 for another organization's group; 400 on `email` when no one of the
 * organization has it, or when a student is put in a department or made a class's teacher; 409
 * when the group is archived.
 */
export async function addGroupMember(
  kv: Deno.Kv,
  orgId: string,
  groupId: string,
  input: { email: string; role: string },
): Promise<{ user: User; role: MemberRole }> {
  const data = validateInput(AddGroupMemberSchema, input);
  const group = await getClass(kv, orgId, groupId);
  if (group.archived) throw new AppError("conflict", "The group is archived.");
  const fail = (message: string): never => {
    throw new AppError("validation_failed", message, [{ path: ["email"], message }]);
  };
  const user = await findUserByEmail(kv, data.email);
  if (!user || user.orgId !== orgId) return fail("No one of this organization has this email.");
  if (user.role === "student" && groupKind(group) === "department") {
    return fail("Only staff can be in a department.");
  }
  if (user.role === "student" && data.role === "teacher") {
    return fail("A student cannot lead a group.");
  }
  await commit(addMemberOps(kv.atomic(), group.id, user, data.role));
  return { user, role: data.role };
}

/**
 * Takes a person out of a group: 404 when they are not in it or it is another organization's,
 * 409 when it is archived (read-only, as an archived class).
 */
export async function removeGroupMember(
  kv: Deno.Kv,
  orgId: string,
  groupId: string,
  userId: string,
): Promise<User> {
  const group = await getClass(kv, orgId, groupId);
  if (group.archived) throw new AppError("conflict", "The group is archived.");
  const user = await getOrgUser(kv, orgId, userId);
  if (!(await getMemberRole(kv, group.id, user.id))) throw notFound("Member not found");
  await commit(removeMemberOps(kv.atomic(), group.id, user.id));
  return user;
}
