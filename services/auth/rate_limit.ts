/**
 * Fixed-window counters in KV for throttling (sign-in attempts per account and per IP).
 * Counters use `sum`, so concurrent attempts never collide on a hot key, and they expire.
 * @module
 */

export interface Limit {
  /** e.g. "signin_account" */
  scope: string;
  max: number;
  windowMs: number;
}

function windowKey(limit: Limit, id: string, now: number): Deno.KvKey {
  return ["rate_limits", limit.scope, id, Math.floor(now / limit.windowMs)];
}

/**
 * Seconds until the limit lifts, or 0 when `id` may go on. Sliding-window estimate: this
 * window's count plus the previous window's, weighted by how much of it still overlaps, so a
 * burst across a window boundary gets no second allowance.
 */
export async function retryAfter(
  kv: Deno.Kv,
  limit: Limit,
  id: string,
  now = Date.now(),
): Promise<number> {
  const [cur, prev] = await kv.getMany<Deno.KvU64[]>([
    windowKey(limit, id, now),
    windowKey(limit, id, now - limit.windowMs),
  ]);
  const elapsed = (now % limit.windowMs) / limit.windowMs;
  const count = Number(cur.value?.value ?? 0n) + Number(prev.value?.value ?? 0n) * (1 - elapsed);
  if (count < limit.max) return 0;
  const windowEnd = (Math.floor(now / limit.windowMs) + 1) * limit.windowMs;
  return Math.max(1, Math.ceil((windowEnd - now) / 1000));
}

/** Counts one event against the limit. */
export async function hit(kv: Deno.Kv, limit: Limit, id: string, now = Date.now()): Promise<void> {
  await kv.atomic().sum(windowKey(limit, id, now), 1n).commit();
  // Expiry is set by a second write because `sum` cannot carry one; a stale counter is harmless.
  const key = windowKey(limit, id, now);
  const entry = await kv.get<Deno.KvU64>(key);
  if (entry.value) await kv.set(key, entry.value, { expireIn: limit.windowMs * 2 });
}

/** Forgets the events in the current window (after a successful sign-in). */
export async function clear(
  kv: Deno.Kv,
  limit: Limit,
  id: string,
  now = Date.now(),
): Promise<void> {
  await kv.delete(windowKey(limit, id, now));
}
