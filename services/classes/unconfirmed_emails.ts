/**
 * Unconfirmed emails: an address a student typed at a join-link sign-up, which nobody has
 * proved is theirs. It is kept apart from `users_by_email` (the confirmed, unique, sign-in
 * addresses), so it never signs anyone in and a roster import never matches it. Several
 * sign-ups may claim one address (answering "taken" would tell a stranger which addresses
 * exist); whoever later proves the address gets it, and a roster import of the address
 * reclaims it from every claimant.
 *
 * Keys: `["unconfirmed_emails", email] -> true` (someone claims it: lets an import check many
 * rows with batched reads), `["unconfirmed_email_claims", email, userId] -> createdAt`, and
 * `["unconfirmed_emails_by_user", userId] -> email`.
 * @module
 */
import { commit } from "../db/kv.ts";
import { getManyValues } from "../roster/batches.ts";
import { normalizeEmail } from "../orgs/users.ts";

const markerKey = (email: string): Deno.KvKey => ["unconfirmed_emails", email];
const claimKey = (email: string, userId: string): Deno.KvKey => [
  "unconfirmed_email_claims",
  email,
  userId,
];
const byUserKey = (userId: string): Deno.KvKey => ["unconfirmed_emails_by_user", userId];

/** Adds the writes that record `userId`'s unconfirmed claim on `email` to `op` (3 mutations). */
export function claimEmailOps(
  op: Deno.AtomicOperation,
  userId: string,
  email: string,
): Deno.AtomicOperation {
  const address = normalizeEmail(email);
  return op
    .set(markerKey(address), true)
    .set(claimKey(address, userId), new Date().toISOString())
    .set(byUserKey(userId), address);
}

/** The unconfirmed email a user gave, or null. */
export async function getUnconfirmedEmail(kv: Deno.Kv, userId: string): Promise<string | null> {
  return (await kv.get<string>(byUserKey(userId))).value;
}

/**
 * Adds the writes that drop a user's claim (when their account goes) to `op`; `email` is
 * what `getUnconfirmedEmail` returned. The marker stays: other claims may share it, and a
 * marker without claims only costs an import one list call.
 */
export function dropClaimOps(
  op: Deno.AtomicOperation,
  userId: string,
  email: string | null,
): Deno.AtomicOperation {
  if (email) op.delete(claimKey(email, userId));
  return op.delete(byUserKey(userId));
}

/** Of `emails` (normalized), those that some account claims unconfirmed. */
export async function findClaimedEmails(kv: Deno.Kv, emails: string[]): Promise<Set<string>> {
  const marked = await getManyValues(kv, emails.map(markerKey));
  const out = new Set<string>();
  for (const [i, email] of emails.entries()) {
    if (marked[i] === null) continue;
    for await (const _ of kv.list({ prefix: ["unconfirmed_email_claims", email] }, { limit: 1 })) {
      out.add(email);
    }
  }
  return out;
}

/**
 * Takes `emails` away from every account that claims them unconfirmed (a roster import just
 * gave the addresses to their owners). Returns how many claims were dropped. Each address's
 * keys go in one commit; several addresses share commits up to KV's limits.
 */
export async function reclaimEmails(kv: Deno.Kv, emails: string[]): Promise<number> {
  let dropped = 0;
  let op = kv.atomic();
  let mutations = 0;
  for (const email of emails) {
    const claims: Deno.KvKey[] = [];
    for await (const e of kv.list({ prefix: ["unconfirmed_email_claims", email] })) {
      claims.push(e.key);
    }
    const cost = 1 + claims.length * 2;
    if (mutations && mutations + cost > 900) {
      await commit(op);
      op = kv.atomic();
      mutations = 0;
    }
    op.delete(markerKey(email));
    for (const key of claims) op.delete(key).delete(byUserKey(key[2] as string));
    mutations += cost;
    dropped += claims.length;
  }
  if (mutations) await commit(op);
  return dropped;
}
