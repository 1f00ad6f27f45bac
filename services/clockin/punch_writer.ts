/**
 * Writing punches under a punch storm (everyone clocks in at 9:00): the group commit of
 * services/lectures/joins.ts. Punches that arrive while commits are in flight wait for the
 * next one, which writes many at once (each punch is four mutations; at most 150 punches a
 * commit, bounded by KV's 80 KiB of keys per commit; two commits in flight). A punch is acknowledged only after the commit holding it
 * succeeded, so a crash loses nothing acknowledged. The same person twice in the same minute
 * while the first is still queued or being written gets the first punch (idempotent, as
 * `punch_minutes` makes it once written).
 * @module
 */
import { MAX_MUTATIONS } from "../db/kv.ts";
import type { Punch } from "./model.ts";

/** Commits in flight at once. */
const IN_FLIGHT = 2;
/** How long `punch_minutes` entries are kept. */
export const MINUTE_KEY_TTL_MS = 86_400_000;

/** The keys a punch is written under (model.ts), given its expiry for the retention sweep. */
export function punchKeys(punch: Punch) {
  const minute = Math.floor(Date.parse(punch.at) / 60_000);
  return {
    punch: ["punches", punch.orgId, punch.day, punch.userId, punch.id] as Deno.KvKey,
    last: ["punch_last", punch.userId] as Deno.KvKey,
    minute: ["punch_minutes", punch.userId, minute] as Deno.KvKey,
  };
}

/** The retention sweep's key of a punch. */
export function expiryKey(expiresAtMs: number, punch: Punch): Deno.KvKey {
  return ["punches_by_expiry", expiresAtMs, punch.orgId, punch.day, punch.userId, punch.id];
}

/** Mutations one punch takes: the punch, the person's last, the minute, the expiry. */
const PER_PUNCH = 4;
/**
 * Punches per commit. KV takes at most MAX_MUTATIONS mutations and 80 KiB of keys in one
 * commit; a punch's four keys take about 320 bytes (ids of 26 characters), so the keys bound
 * it first: 150 punches are about 48 KiB.
 */
const BATCH = Math.min(150, Math.floor(MAX_MUTATIONS / PER_PUNCH));

interface Pending {
  punch: Punch;
  /** Null when the punch holds no raw position (nothing for the sweep to reduce). */
  expiresAtMs: number | null;
  done: PromiseWithResolvers<Punch>;
}

class PunchWriter {
  #queue: Pending[] = [];
  #inFlight = 0;
  /** Queued or being written, by person and minute. */
  #pending = new Map<string, Promise<Punch>>();
  constructor(private readonly kv: Deno.Kv) {}

  add(punch: Punch, expiresAtMs: number | null): Promise<Punch> {
    const id = `${punch.userId}/${Math.floor(Date.parse(punch.at) / 60_000)}`;
    const same = this.#pending.get(id);
    if (same) return same;
    const done = Promise.withResolvers<Punch>();
    this.#pending.set(id, done.promise);
    done.promise.catch(() => {}).finally(() => this.#pending.delete(id));
    this.#queue.push({ punch, expiresAtMs, done });
    // Let the requests of this tick join the batch before it is written.
    if (this.#queue.length === 1) queueMicrotask(() => this.#pump());
    else this.#pump();
    return done.promise;
  }

  #pump(): void {
    while (this.#inFlight < IN_FLIGHT && this.#queue.length) {
      const batch = this.#queue.splice(0, BATCH);
      this.#inFlight++;
      this.#write(batch).finally(() => {
        this.#inFlight--;
        this.#pump();
      });
    }
  }

  async #write(batch: Pending[]): Promise<void> {
    try {
      const op = this.kv.atomic();
      // A person twice in one batch (different minutes): their last punch is written once.
      const last = new Map<string, Punch>();
      for (const { punch } of batch) last.set(punch.userId, punch);
      for (const { punch, expiresAtMs } of batch) {
        const keys = punchKeys(punch);
        op.set(keys.punch, punch).set(keys.minute, punch.id, { expireIn: MINUTE_KEY_TTL_MS });
        if (last.get(punch.userId) === punch) op.set(keys.last, punch);
        if (expiresAtMs !== null) op.set(expiryKey(expiresAtMs, punch), true);
      }
      const res = await op.commit();
      if (!res.ok) throw new Error("punch commit failed");
      for (const p of batch) p.done.resolve(p.punch);
    } catch (err) {
      for (const p of batch) p.done.reject(err);
    }
  }
}

const writers = new WeakMap<Deno.Kv, PunchWriter>();

/**
 * Stores a punch (with the person's last punch, the minute key and, when it holds a raw
 * position, its retention entry); resolves once it is durably stored, with the punch stored
 * for that person and minute (an earlier one still being written wins).
 */
export function writePunch(kv: Deno.Kv, punch: Punch, expiresAtMs: number | null): Promise<Punch> {
  let w = writers.get(kv);
  if (!w) writers.set(kv, w = new PunchWriter(kv));
  return w.add(punch, expiresAtMs);
}
