/**
 * Roster claims: a student the teacher imported (no password yet) opens the class's join link
 * and says "I am on the list" instead of making a second account. They name the roster entry
 * by its student number (or email) and prove it one of two ways, never by a name alone:
 *
 * - the one-time code of their login slip (services/auth/codes.ts, signed in through
 *   `beginCodeSignIn` as on /signin/code), or
 * - the teacher's approval: a join request that names the entry (`JoinRequest.claim`), held
 *   by this browser through a claim ticket (a cookie). Approving it (join_requests.ts) marks
 *   the claim approved; the waiting page then gets a setup ticket (`approvedSetupOps`) and the
 *   person chooses a password, exactly as after a code, and is signed in AS the roster entry.
 *
 * Either way no account is made. Keys: `["join_claims", sha256(ticket)] -> Claim` (7 days), and
 * the join request `["join_requests", classId, rosterUserId]` with `claim` set.
 * @module
 */
import { z } from "zod";
import { approvedSetupOps } from "../auth/codes.ts";
import { randomToken, tokenId } from "../auth/sessions.ts";
import { commit } from "../db/kv.ts";
import { findUserByEmail, findUserByNumber, getUser, type User } from "../orgs/users.ts";
import { AppError, validateInput } from "../web/errors.ts";
import type { Class } from "./classes.ts";
import { JOIN_IP_LIMIT, type JoinLink, resolveJoinToken, throttleSignUps } from "./join_links.ts";
import { requestOps } from "./join_requests.ts";
import { joinRequestKey } from "./link_accounts.ts";
import { getMemberRole } from "./members.ts";

/** The cookie that holds a browser's claim ticket while the teacher decides. */
export const CLAIM_COOKIE = "mirae_claim";
/** How long a claim waits for the teacher (and an approved one for its browser). */
export const CLAIM_TTL_MS = 7 * 86_400_000;

export const ClaimSchema = z.object({
  userId: z.string(),
  classId: z.string(),
  linkId: z.string(),
  status: z.enum(["pending", "approved"]),
  createdAt: z.string(),
  approvedAt: z.string().optional(),
});
export type Claim = z.infer<typeof ClaimSchema>;

/** What a claimant gives: the student number (or email) the roster has for them. */
export const ClaimInputSchema = z.strictObject({
  login: z.string().trim().min(1, "Enter your student number or email.").max(254),
});

/**
 * Why a claim cannot be made. The message is English for the API; pages translate `reason`.
 */
export class ClaimError extends AppError {
  constructor(
    readonly reason: "notOnList" | "hasPassword" | "pending",
    message: string,
  ) {
    super(reason === "notOnList" ? "not_found" : "conflict", message);
    this.name = "ClaimError";
  }
}

const claimKey = (id: string): Deno.KvKey => ["join_claims", id];

/**
 * The student of the link's class whose student number (or email) is `login`; a `ClaimError`
 * when there is none (or they are not a student of this class), or when the account already
 * has a password (then they sign in with it; a forgotten one is reset by the teacher).
 */
export async function findRosterEntry(
  kv: Deno.Kv,
  link: Pick<JoinLink, "orgId" | "classId">,
  login: string,
): Promise<User> {
  const user = login.includes("@")
    ? await findUserByEmail(kv, login)
    : await findUserByNumber(kv, link.orgId, login);
  const role = user && user.orgId === link.orgId
    ? await getMemberRole(kv, link.classId, user.id)
    : null;
  if (!user || role !== "student") {
    throw new ClaimError(
      "notOnList",
      "No one with this student number or email is on this class's list. Check it, or ask " +
        "your teacher.",
    );
  }
  if (user.passwordHash) {
    throw new ClaimError(
      "hasPassword",
      "This student's account already has a password: sign in with it. If it is forgotten, " +
        "your teacher can reset it.",
    );
  }
  return user;
}

/**
 * Asks the teacher to confirm that the person at this browser is the roster's student
 * `input.login`: a join request naming the entry, and a claim the returned ticket holds. No
 * account is made and no use of the link is counted. Throttled like sign-ups (per link and
 * address); 409 while a request for the entry is pending (one claimant at a time).
 */
export async function requestClaim(
  kv: Deno.Kv,
  secret: string,
  token: string,
  input: z.input<typeof ClaimInputSchema>,
  opts: { ip: string },
): Promise<{ ticket: string; user: User; cls: Class }> {
  const { login } = validateInput(ClaimInputSchema, input);
  const { link, cls } = await resolveJoinToken(kv, secret, token);
  await throttleSignUps(kv, JOIN_IP_LIMIT, `${link.id}/${opts.ip}`);
  const user = await findRosterEntry(kv, link, login);
  const ticket = randomToken();
  const id = tokenId(ticket);
  const now = new Date().toISOString();
  const claim: Claim = {
    userId: user.id,
    classId: cls.id,
    linkId: link.id,
    status: "pending",
    createdAt: now,
  };
  const op = kv.atomic().check({ key: claimKey(id), versionstamp: null })
    .set(claimKey(id), claim, { expireIn: CLAIM_TTL_MS });
  requestOps(op, {
    classId: cls.id,
    userId: user.id,
    linkId: link.id,
    name: user.name,
    createdAt: now,
    claim: id,
  });
  const res = await op.commit();
  if (!res.ok) {
    throw new ClaimError(
      "pending",
      "Someone already asked to be this student. Your teacher decides; ask them.",
    );
  }
  return { ticket, user, cls };
}

/** Where a browser's claim stands: waiting, approved, or turned down (or unknown). */
export type ClaimState =
  | { status: "pending" | "approved"; claim: Claim }
  | { status: "denied" | "none" };

/** The state of the claim a ticket holds. */
export async function getClaimState(kv: Deno.Kv, ticket: string): Promise<ClaimState> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(ticket)) return { status: "none" };
  const id = tokenId(ticket);
  const entry = await kv.get(claimKey(id));
  if (entry.value === null) return { status: "none" };
  const claim = ClaimSchema.parse(entry.value);
  if (claim.status === "approved") return { status: "approved", claim };
  const request = await kv.get<{ claim?: string }>(joinRequestKey(claim.classId, claim.userId));
  // Denied (the request is gone) or overtaken (another claimant's request).
  if (request.value?.claim !== id) return { status: "denied" };
  return { status: "pending", claim };
}

/**
 * Turns an approved claim into a setup ticket (the person now chooses a password with
 * `completeCodeSignIn`, and is signed in as the roster's student), consuming the claim in the
 * same commit. 401 for a claim that is not approved (or was redeemed already).
 */
export async function redeemClaim(
  kv: Deno.Kv,
  secret: string,
  ticket: string,
): Promise<{ ticket: string; user: User; classId: string }> {
  const refused = () =>
    new AppError("unauthorized", "This claim was not approved, or it was used already.");
  if (!/^[A-Za-z0-9_-]{43}$/.test(ticket)) throw refused();
  const entry = await kv.get(claimKey(tokenId(ticket)));
  const claim = entry.value === null ? null : ClaimSchema.parse(entry.value);
  if (!claim || claim.status !== "approved") throw refused();
  const user = await getUser(kv, claim.userId);
  if (!user) throw refused();
  const op = kv.atomic().check(entry).delete(entry.key);
  const setup = approvedSetupOps(op, secret, user, { by: `claim:${claim.linkId}` });
  await commit(op, "This claim was used already.");
  return { ticket: setup.ticket, user, classId: claim.classId };
}

/** The claim entries of join requests (`undefined` for requests that claim nothing). */
export async function getClaimEntries(
  kv: Deno.Kv,
  claimIds: (string | undefined)[],
): Promise<(Deno.KvEntry<Claim> | null)[]> {
  const out: (Deno.KvEntry<Claim> | null)[] = claimIds.map(() => null);
  const wanted = claimIds.flatMap((id, i) => id ? [{ id, i }] : []);
  for (let j = 0; j < wanted.length; j += 10) {
    const part = wanted.slice(j, j + 10);
    const entries = await kv.getMany(part.map((w) => claimKey(w.id)));
    entries.forEach((e, k) => {
      if (e.value === null) return;
      out[part[k].i] = { ...e, value: ClaimSchema.parse(e.value) } as Deno.KvEntry<Claim>;
    });
  }
  return out;
}

/** The class memberships of the students whose requests claim a roster entry. */
export async function getClaimMemberships(
  kv: Deno.Kv,
  classId: string,
  userIds: string[],
  claimIds: (string | undefined)[],
): Promise<(Deno.KvEntryMaybe<unknown> | null)[]> {
  const out: (Deno.KvEntryMaybe<unknown> | null)[] = userIds.map(() => null);
  const wanted = userIds.flatMap((id, i) => claimIds[i] ? [{ id, i }] : []);
  for (let j = 0; j < wanted.length; j += 10) {
    const part = wanted.slice(j, j + 10);
    const entries = await kv.getMany(part.map((w) => ["classes_by_user", w.id, classId]));
    entries.forEach((e, k) => out[part[k].i] = e);
  }
  return out;
}

/** Adds the approval of a claim to `op` (checked, so a claim is approved once). */
export function approveClaimOps(op: Deno.AtomicOperation, entry: Deno.KvEntry<Claim>) {
  const approved: Claim = {
    ...entry.value,
    status: "approved",
    approvedAt: new Date().toISOString(),
  };
  return op.check(entry).set(entry.key, approved, { expireIn: CLAIM_TTL_MS });
}
