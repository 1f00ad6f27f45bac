/**
 * The Deno KV data layer's shared pieces: opening the store, ULID ids, committing atomics that
 * must not fail silently, reading records through their zod schema, and cursor paging.
 * @module
 */
import { monotonicFactory } from "ulid";
import type { z } from "zod";
import { AppError } from "../web/errors.ts";

/** The folder of an embedded KV file ("." for a bare file name); none for KV Connect or memory. */
export function kvFolder(location: string): string | undefined {
  if (location === ":memory:" || /^https?:\/\//.test(location)) return undefined;
  const dir = location.replace(/[/\\][^/\\]*$/, "");
  return dir === location ? "." : dir || "/";
}

/** Opens the embedded KV file (its folder is created) or a KV Connect URL. */
export async function openKv(location: string): Promise<Deno.Kv> {
  const dir = kvFolder(location);
  if (dir) await Deno.mkdir(dir, { recursive: true });
  return await Deno.openKv(location);
}

const nextUlid = monotonicFactory();

/** A new ULID: sortable by creation time, unique within and across processes. */
export function newId(): string {
  return nextUlid();
}

/** Most mutations Deno KV accepts in one atomic commit. */
export const MAX_MUTATIONS = 1000;

/**
 * Commits an atomic operation. A failed check means someone else wrote first: that is a
 * conflict the caller reports with `conflictMessage`, never ignored.
 */
export async function commit(
  op: Deno.AtomicOperation,
  conflictMessage = "This was changed by someone else. Reload and try again.",
): Promise<Deno.KvCommitResult> {
  const res = await op.commit();
  if (!res.ok) throw new AppError("conflict", conflictMessage);
  return res;
}

/** Reads one record and validates it with its schema; null when absent. */
export async function getRecord<S extends z.ZodType>(
  kv: Deno.Kv,
  schema: S,
  key: Deno.KvKey,
): Promise<z.infer<S> | null> {
  const entry = await kv.get(key);
  return entry.value === null ? null : schema.parse(entry.value);
}

/**
 * Reads up to 10 keys for a hot path: first with eventual consistency (SQLite's read
 * connections locally, about 2.5 times the strong reads' rate here; a nearby replica on a
 * hosted KV), then, when `doubt` says the answer may be stale (typically: something missing
 * that a write just created), once more with strong consistency.
 */
export async function getManyFast(
  kv: Deno.Kv,
  keys: Deno.KvKey[],
  doubt: (entries: Deno.KvEntryMaybe<unknown>[]) => boolean,
): Promise<Deno.KvEntryMaybe<unknown>[]> {
  const release = await readSlot(kv);
  try {
    const entries = await kv.getMany(keys, { consistency: "eventual" });
    return doubt(entries) ? await kv.getMany(keys) : entries;
  } finally {
    release();
  }
}

/**
 * Hot-path reads in flight at once, per KV handle. The embedded store reads through a few
 * SQLite connections: 128 concurrent reads got less done than 16 (measured: about 3,000 vs
 * 4,800 seven-key reads/s on two cores), so requests beyond this wait their turn.
 */
export const READS_IN_FLIGHT = 16;
const readQueues = new WeakMap<Deno.Kv, { active: number; waiting: (() => void)[] }>();

async function readSlot(kv: Deno.Kv): Promise<() => void> {
  let q = readQueues.get(kv);
  if (!q) readQueues.set(kv, q = { active: 0, waiting: [] });
  const queue = q;
  if (queue.active >= READS_IN_FLIGHT) {
    await new Promise<void>((resolve) => queue.waiting.push(resolve));
  } else {
    queue.active++;
  }
  return () => {
    const next = queue.waiting.shift();
    if (next) next(); // the slot passes straight to the next reader
    else queue.active--;
  };
}

/** Reads many records by key (KV's getMany takes at most 10 keys a call). */
export async function getRecords<S extends z.ZodType>(
  kv: Deno.Kv,
  schema: S,
  keys: Deno.KvKey[],
): Promise<(z.infer<S> | null)[]> {
  const out: (z.infer<S> | null)[] = [];
  for (let i = 0; i < keys.length; i += 10) {
    const entries = await kv.getMany(keys.slice(i, i + 10));
    for (const e of entries) out.push(e.value === null ? null : schema.parse(e.value));
  }
  return out;
}

/** One page of a listing and the cursor for the next (absent on the last page). */
export interface Page<T> {
  items: T[];
  cursor?: string;
}

/** Lists one page under a key prefix. `limit` is capped at 500. */
export async function listPage<T>(
  kv: Deno.Kv,
  prefix: Deno.KvKey,
  opts: { cursor?: string; limit?: number; reverse?: boolean } = {},
): Promise<Page<Deno.KvEntry<T>>> {
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 500);
  const iter = kv.list<T>({ prefix }, {
    cursor: opts.cursor || undefined,
    limit,
    reverse: opts.reverse,
  });
  const items: Deno.KvEntry<T>[] = [];
  try {
    for await (const entry of iter) items.push(entry);
  } catch {
    throw new AppError(
      "bad_request",
      "The paging cursor is not valid. Start again from the first page.",
    );
  }
  return { items, cursor: items.length === limit ? iter.cursor : undefined };
}
