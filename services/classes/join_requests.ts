/**
 * Join requests: a link can ask the teacher (a department's: its manager or a workspace admin)
 * to approve each student (or invited member of staff) (as Google Classroom and
 * DingTalk do). Signing up through such a link makes the account and a pending request, not
 * a membership; the class's teachers approve or deny requests on the class page, and the
 * student's join page moves on to the class once approved.
 *
 * Keys: `["join_requests", classId, userId] -> JoinRequest` (a class's pending requests are
 * one prefix; the student's page reads its own by key).
 * @module
 */
import { z } from "zod";
import { getRecords } from "../db/kv.ts";
import { UserSchema } from "../orgs/users.ts";
import { AppError } from "../web/errors.ts";
import { type Class, getClass } from "./classes.ts";
import { invitesStaff, mayJoin } from "./join_kinds.ts";
import { approveClaimOps, getClaimEntries, getClaimMemberships } from "./claims.ts";
import { joinRequestKey, removeJoiners } from "./link_accounts.ts";
import { addMemberOps } from "./members.ts";

export const JoinRequestSchema = z.object({
  classId: z.string(),
  userId: z.string(),
  /** The link the student signed up through. */
  linkId: z.string(),
  /** The name they gave (the teacher decides by it). */
  name: z.string(),
  createdAt: z.string(),
  /**
   * Someone without an account says they are this student of the class's roster (an imported
   * student): the id of their claim (claims.ts). Approving signs them in as this student.
   */
  claim: z.string().optional(),
});
export type JoinRequest = z.infer<typeof JoinRequestSchema>;

/** Most requests one approve or deny call takes (approve-all pages through them). */
export const MAX_DECISIONS = 500;

/** The students a teacher decides about, as an API body names them. */
export const DecisionSchema = z.strictObject({
  userIds: z.array(z.string().min(1).max(40)).min(1).max(MAX_DECISIONS),
});

/** Adds the write of a pending request to `op`, checking that none is pending yet. */
export function requestOps(op: Deno.AtomicOperation, request: JoinRequest): Deno.AtomicOperation {
  const key = joinRequestKey(request.classId, request.userId);
  return op.check({ key, versionstamp: null }).set(key, request);
}

/** A student's pending request for a class, or null. */
export async function getJoinRequest(
  kv: Deno.Kv,
  classId: string,
  userId: string,
): Promise<JoinRequest | null> {
  const e = await kv.get(joinRequestKey(classId, userId));
  return e.value === null ? null : JoinRequestSchema.parse(e.value);
}

/**
 * A class's pending requests, oldest first, under each student's current name (a request
 * keeps the name given at sign-up only for an account that is gone); a roster claim with the
 * `login` (student number or email) of the entry it claims.
 */
export async function listJoinRequests(
  kv: Deno.Kv,
  classId: string,
): Promise<(JoinRequest & { login?: string })[]> {
  const out: (JoinRequest & { login?: string })[] = [];
  for await (const e of kv.list({ prefix: ["join_requests", classId] })) {
    out.push(JoinRequestSchema.parse(e.value));
  }
  const users = await getRecords(kv, UserSchema, out.map((r) => ["users", r.userId]));
  out.forEach((r, i) => {
    r.name = users[i]?.name ?? r.name;
    // A claim names a roster entry: the teacher sees which one (number, else email).
    if (r.claim) r.login = users[i]?.studentNumber ?? users[i]?.email;
  });
  return out.sort((a, b) =>
    a.createdAt.localeCompare(b.createdAt) || (a.userId < b.userId ? -1 : 1)
  );
}

/** Requests per commit: each is 4 mutations and 2 checks. */
const PER_COMMIT = 40;

/**
 * Approves pending requests (`userIds`, or every pending one with `"all"`): each student is
 * put in the class and their request removed, one commit per batch. A request decided
 * meanwhile (or a student whose account is gone) is skipped. 409 for an archived class.
 * Returns how many were approved.
 */
export async function approveJoinRequests(
  kv: Deno.Kv,
  orgId: string,
  classId: string,
  userIds: string[] | "all",
): Promise<{ approved: number }> {
  const cls = await getClass(kv, orgId, classId);
  if (cls.archived) {
    throw new AppError("conflict", "This class is archived. Restore it before adding students.");
  }
  const ids = userIds === "all"
    ? (await listJoinRequests(kv, classId)).map((r) => r.userId)
    : [...new Set(userIds)];
  let approved = 0;
  for (let i = 0; i < ids.length; i += PER_COMMIT) {
    const batch = ids.slice(i, i + PER_COMMIT);
    approved += await approveBatch(kv, cls, batch);
  }
  return { approved };
}

async function approveBatch(kv: Deno.Kv, cls: Class, ids: string[]): Promise<number> {
  const classId = cls.id;
  const requests: Deno.KvEntryMaybe<unknown>[] = [];
  for (let i = 0; i < ids.length; i += 10) {
    requests.push(
      ...await kv.getMany(ids.slice(i, i + 10).map((id) => joinRequestKey(classId, id))),
    );
  }
  const users = await getRecords(kv, UserSchema, ids.map((id) => ["users", id]));
  const claimIds = requests.map((r) =>
    r.value === null ? undefined : JoinRequestSchema.parse(r.value).claim
  );
  const claims = await getClaimEntries(kv, claimIds);
  const memberships = await getClaimMemberships(kv, classId, ids, claimIds);
  const op = kv.atomic();
  let n = 0;
  ids.forEach((id, i) => {
    const request = requests[i];
    if (request.versionstamp === null) return;
    op.check(request).delete(request.key);
    const user = users[i];
    // A class takes students, a department staff (join_kinds.ts).
    if (!user || !mayJoin(cls, user)) return;
    const claim = claims[i];
    if (claim) {
      // A roster claim: the student is (usually) in the class already; the claimant's page
      // may now let them choose a password and sign in as this student.
      approveClaimOps(op, claim);
      const member = memberships[i];
      if (member?.versionstamp) {
        op.check(member);
        n++;
        return;
      }
    }
    op.check({ key: ["classes_by_user", id, classId], versionstamp: null });
    addMemberOps(op, classId, user, "student");
    n++;
  });
  const res = await op.commit();
  if (res.ok) return n;
  // Someone decided one of them meanwhile: go one by one, skipping what changed.
  if (ids.length === 1) return 0;
  let done = 0;
  for (const id of ids) done += await approveBatch(kv, cls, [id]);
  return done;
}

/**
 * Denies pending requests: the request goes, and so does an account the sign-up made that is
 * in no other class (link_accounts.ts). Approved or already denied requests are skipped.
 * Returns how many were denied.
 */
export async function denyJoinRequests(
  kv: Deno.Kv,
  orgId: string,
  classId: string,
  userIds: string[],
): Promise<{ denied: number }> {
  const cls = await getClass(kv, orgId, classId); // 404 for another school's class
  const ids = [...new Set(userIds)];
  const entries = await getRecords(
    kv,
    JoinRequestSchema,
    ids.map((id) => joinRequestKey(classId, id)),
  );
  const joiners = entries.flatMap((r) => r ? [{ userId: r.userId, linkId: r.linkId }] : []);
  const { removed } = await removeJoiners(kv, classId, joiners, {
    pendingOnly: true,
    staff: invitesStaff(cls),
  });
  return { denied: removed };
}
