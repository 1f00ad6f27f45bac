/**
 * Who came in through which join link, and taking them out again: a teacher who turns off a
 * link a stranger (or a script) used, or who denies a join request, removes those people from
 * the class; an account the link itself made, which is in no other class, is deleted whole.
 * Their coursework, if any, is not touched (it lives under the assignments and is not shown
 * for people who are not in the class).
 *
 * Keys: `["join_link_members", linkId, userId] -> LinkMember`, written with the membership or
 * the join request.
 * @module
 */
import { z } from "zod";
import { revokeUserSessions } from "../auth/sessions.ts";
import { commit } from "../db/kv.ts";
import { type User, userKeys, UserSchema } from "../orgs/users.ts";
import { removeMemberOps } from "./members.ts";
import { dropClaimOps } from "./unconfirmed_emails.ts";

export const LinkMemberSchema = z.object({
  classId: z.string(),
  /** The account was made by the sign-up through this link (not an existing student). */
  created: z.boolean(),
  at: z.string(),
});
export type LinkMember = z.infer<typeof LinkMemberSchema>;

/** The key recording that `userId` joined (or asked to join) through link `linkId`. */
export function linkMemberKey(linkId: string, userId: string): Deno.KvKey {
  return ["join_link_members", linkId, userId];
}

/** A pending join request's key. */
export function joinRequestKey(classId: string, userId: string): Deno.KvKey {
  return ["join_requests", classId, userId];
}

/** Adds the write recording how `userId` came to the class to `op`. */
export function recordLinkMemberOps(
  op: Deno.AtomicOperation,
  linkId: string,
  classId: string,
  userId: string,
  created: boolean,
): Deno.AtomicOperation {
  const record: LinkMember = { classId, created, at: new Date().toISOString() };
  return op.set(linkMemberKey(linkId, userId), record);
}

/** The ids of the people recorded as having come through a link. */
export async function listLinkMemberIds(kv: Deno.Kv, linkId: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const e of kv.list({ prefix: ["join_link_members", linkId] })) {
    ids.push(e.key[2] as string);
  }
  return ids;
}

/** Which of a class's link joiners to take out. */
export interface Joiner {
  userId: string;
  linkId: string;
}

/** Users per commit: each costs at most 12 mutations and 3 checks (KV allows 1,000 and 100). */
const USERS_PER_COMMIT = 30;

/**
 * Takes `joiners` out of `classId`: their membership and any pending join request go, and so
 * does the record of their coming through the link; an account the link made that is in no
 * other class is deleted (with its unconfirmed email claim and its sessions). With
 * `staff` (a department's invite), the accounts it made for staff are deleted the same way. With
 * `pendingOnly`, only people whose request is still pending are touched (denying a request
 * that was approved meanwhile changes nothing). One commit per batch of users. Returns how
 * many people were taken out and how many of their accounts were deleted.
 */
export async function removeJoiners(
  kv: Deno.Kv,
  classId: string,
  joiners: Joiner[],
  opts: { pendingOnly?: boolean; staff?: boolean } = {},
): Promise<{ removed: number; deleted: number }> {
  let removed = 0;
  let deleted = 0;
  for (let i = 0; i < joiners.length; i += USERS_PER_COMMIT) {
    const batch = joiners.slice(i, i + USERS_PER_COMMIT);
    const plans = await Promise.all(batch.map((j) => planRemoval(kv, classId, j, opts)));
    const op = kv.atomic();
    let any = false;
    for (const p of plans) {
      if (!p) continue;
      any = true;
      p.apply(op);
    }
    if (!any) continue;
    await commit(op, "Someone changed these students meanwhile. Reload and try again.");
    for (const p of plans) {
      if (!p) continue;
      if (p.counted) removed++;
      if (p.deletes) {
        deleted++;
        await revokeUserSessions(kv, p.userId);
      }
    }
  }
  return { removed, deleted };
}

interface Removal {
  userId: string;
  /** They were in the class or waiting for it (not just a stale record). */
  counted: boolean;
  deletes: boolean;
  apply: (op: Deno.AtomicOperation) => void;
}

async function planRemoval(
  kv: Deno.Kv,
  classId: string,
  { userId, linkId }: Joiner,
  opts: { pendingOnly?: boolean; staff?: boolean },
): Promise<Removal | null> {
  const [userEntry, memberEntry, requestEntry, linkEntry, emailEntry] = await kv.getMany([
    ["users", userId],
    ["classes_by_user", userId, classId],
    joinRequestKey(classId, userId),
    linkMemberKey(linkId, userId),
    ["unconfirmed_emails_by_user", userId],
  ]);
  const member = memberEntry.versionstamp !== null;
  const pending = requestEntry.versionstamp !== null;
  if (opts.pendingOnly ? !pending : !member && !pending) {
    // Gone already (or, for a denial, approved meanwhile): only a stale record to tidy.
    if (opts.pendingOnly || linkEntry.versionstamp === null) return null;
  }
  const user: User | null = userEntry.value === null ? null : UserSchema.parse(userEntry.value);
  const created = linkEntry.value !== null && LinkMemberSchema.parse(linkEntry.value).created;
  let otherClasses = 0;
  for await (const e of kv.list({ prefix: ["classes_by_user", userId] })) {
    if (e.key[2] !== classId) otherClasses++;
  }
  // A class's link deletes only students it made; a department's invite, the staff it made.
  const deletes = !!user && created && otherClasses === 0 &&
    (user.role === "student" || (!!opts.staff && user.role !== "admin"));
  return {
    userId,
    counted: member || pending,
    deletes,
    apply(op) {
      // Checked so that an approval, a denial or a move between our read and this commit is
      // not undone blindly.
      op.check(memberEntry).check(requestEntry);
      if (member && !opts.pendingOnly) removeMemberOps(op, classId, userId);
      if (pending) op.delete(requestEntry.key);
      op.delete(linkEntry.key);
      if (deletes && user) {
        op.check(userEntry);
        for (const key of userKeys(user)) op.delete(key);
        dropClaimOps(op, userId, emailEntry.value as string | null);
      }
    },
  };
}
