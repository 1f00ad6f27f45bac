/**
 * Writing a roster import in batches that fit KV's per-commit limits, and undoing them when a
 * later batch fails. See import.ts for why an import is many commits.
 * @module
 */
import type { Class } from "../classes/classes.ts";
import { addMemberOps, memberKeys, type MemberRole } from "../classes/members.ts";
import { createUserOps, type User, userKeys } from "../orgs/users.ts";
import { AppError } from "../web/errors.ts";

/** Reads many keys' values, in order: getMany takes 10 keys, so 50 of those run at once. */
export async function getManyValues<T = unknown>(
  kv: Deno.Kv,
  keys: Deno.KvKey[],
): Promise<(T | null)[]> {
  const out = new Array<T | null>(keys.length);
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const start = next;
      next += 10;
      const entries = await kv.getMany<T[]>(keys.slice(start, start + 10));
      entries.forEach((e, j) => out[start + j] = e.value);
    }
  };
  await Promise.all(Array.from({ length: Math.min(50, Math.ceil(keys.length / 10)) }, worker));
  return out;
}

/**
 * One write of an import: a person (created now, or existing) with their places in groups (a
 * class, or departments), or a department the import creates.
 */
export type Write = PersonWrite | GroupWrite;

export interface PersonWrite {
  line: number;
  user: User;
  created: boolean;
  memberships: { classId: string; role: MemberRole }[];
}

/** A new department (the same keys `createClass` writes for a group). */
export interface GroupWrite {
  line: number;
  group: Class;
}

function groupKeys(group: Class): Deno.KvKey[] {
  return [["classes", group.id], ["classes_by_org", group.orgId, group.id]];
}

function isGroup(w: Write): w is GroupWrite {
  return "group" in w;
}

// Below KV's per-commit limits (1,000 mutations, 100 checks, 80 KiB of keys, 800 KiB in all),
// with room for the estimates below being a little off.
const BATCH = { mutations: 900, checks: 100, keyBytes: 60_000, bytes: 600_000 };
type Cost = { [K in keyof typeof BATCH]: number };
const LIMITS = Object.keys(BATCH) as (keyof Cost)[];

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
  }
  return n;
}

function keyBytes(keys: Deno.KvKey[]): number {
  let n = 0;
  for (const key of keys) {
    for (const part of key) n += typeof part === "string" ? utf8Length(part) + 2 : 10;
  }
  return n;
}

function writtenKeys(w: Write): Deno.KvKey[] {
  if (isGroup(w)) return groupKeys(w.group);
  const member = w.memberships.flatMap((m) => memberKeys(m.classId, w.user.id));
  return w.created ? [...userKeys(w.user), ...member] : member;
}

function costOf(w: Write): Cost {
  const keys = writtenKeys(w);
  if (isGroup(w)) {
    const kb = keyBytes(keys);
    return {
      mutations: keys.length,
      checks: 0,
      keyBytes: kb,
      bytes: kb + 300 + w.group.name.length * 3,
    };
  }
  const checks = w.created && w.user.email ? 1 : 0;
  const kb = keyBytes(keys) + (checks ? utf8Length(w.user.email!) + 20 : 0);
  // A user record and a member record each hold the display fields plus ~200 bytes of ids,
  // dates and field names.
  const { name, email = "", studentNumber = "" } = w.user;
  const record = 200 + utf8Length(name) + utf8Length(email) + utf8Length(studentNumber);
  const records = w.memberships.length + (w.created ? 1 : 0);
  return { mutations: keys.length, checks, keyBytes: kb, bytes: kb + record * records };
}

/** Splits `writes` into runs that each fit one commit: `[start, end)` index pairs. */
function planBatches(writes: Write[]): [number, number][] {
  const batches: [number, number][] = [];
  let used: Cost = { mutations: 0, checks: 0, keyBytes: 0, bytes: 0 };
  let start = 0;
  writes.forEach((w, i) => {
    const cost = costOf(w);
    if (i > start && LIMITS.some((name) => used[name] + cost[name] > BATCH[name])) {
      batches.push([start, i]);
      start = i;
      used = { mutations: 0, checks: 0, keyBytes: 0, bytes: 0 };
    }
    for (const name of LIMITS) used[name] += cost[name];
  });
  if (start < writes.length) batches.push([start, writes.length]);
  return batches;
}

function batchOp(kv: Deno.Kv, writes: Write[]): Deno.AtomicOperation {
  const op = kv.atomic();
  for (const w of writes) {
    if (isGroup(w)) {
      const [record, byOrg] = groupKeys(w.group);
      op.set(record, w.group).set(byOrg, w.group.id);
      continue;
    }
    if (w.created) {
      // The import lock keeps other imports out, but not people signing up.
      if (w.user.email) op.check({ key: ["users_by_email", w.user.email], versionstamp: null });
      createUserOps(op, w.user, false);
    }
    for (const m of w.memberships) addMemberOps(op, m.classId, w.user, m.role);
  }
  return op;
}

/** Commits a roster import keeps in flight at once (see `writeRosterBatches`). */
export const COMMITS_IN_FLIGHT = 2;

/** true (written), false (a check failed) or the error a commit threw. */
type Outcome = boolean | { error: unknown };

/**
 * Writes each new department, each person (created when `created`) and their memberships, in
 * commits of at most
 * `inFlight` at a time: while one commit is in the store, the next is built and handed over
 * (that halves the time of a 50,000-row import; batches share no key, so their order does not
 * matter). When one fails, every commit still in flight is waited for, and exactly the batches
 * that were written are deleted again; then the error is thrown, 409 naming the line whose
 * email someone else took meanwhile. (A membership that changed a department member into its
 * manager is deleted by that undo, not turned back.)
 */
export async function writeRosterBatches(
  kv: Deno.Kv,
  writes: Write[],
  inFlight = COMMITS_IN_FLIGHT,
) {
  const batches = planBatches(writes);
  // Never rejects, so a failure of a commit nobody awaits yet is not an unhandled rejection.
  const commits: Promise<Outcome>[] = [];
  const settle = async (b: number) => {
    const outcome = await commits[b];
    if (outcome === true) return;
    // Batches before b are written (settled in order); later ones may still be in flight.
    const later = await Promise.all(commits.slice(b + 1));
    const written = writes.slice(0, batches[b][0]);
    later.forEach((o, i) => o === true && written.push(...writes.slice(...batches[b + 1 + i])));
    if (outcome !== false) {
      await undoWrites(kv, written);
      throw outcome.error;
    }
    const batch = writes.slice(...batches[b]);
    const emails = batch.map((w) => !isGroup(w) && w.created && w.user.email ? w.user.email : "");
    const taken = await getManyValues(kv, emails.map((e) => ["users_by_email", e]));
    const line = batch[taken.findIndex((v, i) => emails[i] && v !== null)]?.line ??
      batch[0].line;
    await undoWrites(kv, written);
    const message = `Line ${line}: this email was taken by another account during the ` +
      "import, so nothing was imported. Check the file and import it again.";
    throw new AppError("conflict", message, [{ line, message }]);
  };
  for (let b = 0; b < batches.length; b++) {
    const op = batchOp(kv, writes.slice(...batches[b]));
    if (b >= inFlight) await settle(b - inFlight);
    commits[b] = op.commit().then((r) => r.ok, (error) => ({ error }));
  }
  for (let b = Math.max(0, batches.length - inFlight); b < batches.length; b++) await settle(b);
}

/** Deletes exactly the keys that `writes` created, in batches. */
async function undoWrites(kv: Deno.Kv, writes: Write[]) {
  let op = kv.atomic();
  let mutations = 0;
  let bytes = 0;
  for (const w of writes) {
    const keys = writtenKeys(w);
    const kb = keyBytes(keys);
    if (mutations + keys.length > BATCH.mutations || bytes + kb > BATCH.keyBytes) {
      await op.commit();
      op = kv.atomic();
      mutations = bytes = 0;
    }
    for (const key of keys) op.delete(key);
    mutations += keys.length;
    bytes += kb;
  }
  if (mutations) await op.commit();
}

/** How long an import may hold its organization's lock (it expires by itself after). */
const LOCK_MS = 10 * 60_000;

/** Takes the school's import lock (409 while held); returns the function that releases it. */
export async function lockRosterImports(kv: Deno.Kv, orgId: string): Promise<() => Promise<void>> {
  const key = ["roster_locks", orgId];
  const busy = () =>
    new AppError("conflict", "Another roster import for this school is running. Try again soon.");
  const held = await kv.get<{ expiresAt?: unknown }>(key);
  // KV deletes expired keys lazily, so the lock also carries its own expiry time.
  const expiresAt = held.value?.expiresAt;
  if (held.value !== null && !(typeof expiresAt === "number" && expiresAt <= Date.now())) {
    throw busy();
  }
  const res = await kv.atomic()
    .check(held)
    .set(key, { expiresAt: Date.now() + LOCK_MS }, { expireIn: LOCK_MS })
    .commit();
  if (!res.ok) throw busy();
  return async () => {
    try {
      await kv.atomic().check({ key, versionstamp: res.versionstamp }).delete(key).commit();
    } catch (err) {
      console.error("roster import lock not released (it expires by itself):", err);
    }
  };
}
