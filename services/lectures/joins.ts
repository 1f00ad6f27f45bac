/**
 * Recording joins (a member was given a lecture token) under a join storm: thousands of
 * students open the lecture at 8 a.m. One KV commit per join tops out near 3,000/s on two
 * cores, so joins are group-committed: requests that arrive while a commit is in flight wait
 * for the next one, which writes all of them at once. A join is acknowledged (its token
 * handed out) only after the commit holding it succeeded, so a crash loses no acknowledged
 * join.
 * @module
 */
import { MAX_MUTATIONS } from "../db/kv.ts";
import { type LectureJoin, LectureJoinSchema } from "./model.ts";

/** Joins per commit (a join is one `set`; KV takes at most 1,000 mutations per commit). */
const BATCH = MAX_MUTATIONS;
/** Commits in flight at once. */
const IN_FLIGHT = 2;

interface Pending {
  key: Deno.KvKey;
  value: LectureJoin;
  done: PromiseWithResolvers<void>;
}

class JoinWriter {
  #queue: Pending[] = [];
  #inFlight = 0;
  constructor(private readonly kv: Deno.Kv) {}

  add(key: Deno.KvKey, value: LectureJoin): Promise<void> {
    const done = Promise.withResolvers<void>();
    this.#queue.push({ key, value, done });
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
      // The same member twice in one batch: one write (the later join wins).
      const byKey = new Map<string, Pending>();
      for (const p of batch) byKey.set(JSON.stringify(p.key), p);
      const op = this.kv.atomic();
      for (const p of byKey.values()) op.set(p.key, p.value);
      const res = await op.commit();
      if (!res.ok) throw new Error("join commit failed");
      for (const p of batch) p.done.resolve();
    } catch (err) {
      for (const p of batch) p.done.reject(err);
    }
  }
}

const writers = new WeakMap<Deno.Kv, JoinWriter>();

/** Records that `userId` joined the lecture; resolves once it is durably stored. */
export function recordJoin(
  kv: Deno.Kv,
  lectureId: string,
  userId: string,
  join: LectureJoin,
): Promise<void> {
  let w = writers.get(kv);
  if (!w) writers.set(kv, w = new JoinWriter(kv));
  return w.add(["lecture_joins", lectureId, userId], join);
}

/** Every recorded join of a lecture, by user id. */
export async function listJoins(
  kv: Deno.Kv,
  lectureId: string,
): Promise<Map<string, LectureJoin>> {
  const out = new Map<string, LectureJoin>();
  for await (const e of kv.list({ prefix: ["lecture_joins", lectureId] })) {
    out.set(e.key[2] as string, LectureJoinSchema.parse(e.value));
  }
  return out;
}
