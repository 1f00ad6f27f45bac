/**
 * Recently ended sessions, for checks that do not read the session: a join pass
 * (services/lectures/pass.ts) names the session it was issued under, and the join path must
 * stay read-free per join (the 8 a.m. join storm). Ending a session (sign-out, revocation,
 * password change or reset) writes `["revoked_sessions", atMs, ref]`, kept as long as a pass
 * lives; each process keeps the set in memory and refreshes it from that one KV list at most
 * once a second (reading only what was added since, with an overlap for clock skew between
 * processes), and at once for the sessions it ends itself. Sessions that simply expire need no
 * record: a pass never outlives its session (pass.ts).
 * @module
 */

/** How long a revocation is kept: as long as a join pass can live. */
export const REVOCATION_TTL_MS = 4 * 3_600_000;

/** How old the in-memory set may be before a check refreshes it. */
export const REVOCATIONS_MAX_AGE_MS = 1000;

// Another process's clock may lag ours: re-read this much before the last refresh.
const SKEW_MS = 10_000;

/** The short reference to a session that passes carry (not the session's key itself). */
export function sessionRef(sessionId: string): string {
  return sessionId.slice(0, 32);
}

interface Cache {
  /** ref -> when it may be forgotten (ms). */
  refs: Map<string, number>;
  /** When the list was last read (ms), or -Infinity before the first read. */
  readAt: number;
  loading?: Promise<void>;
}

const caches = new WeakMap<Deno.Kv, Cache>();

function cacheFor(kv: Deno.Kv): Cache {
  let c = caches.get(kv);
  if (!c) caches.set(kv, c = { refs: new Map(), readAt: -Infinity });
  return c;
}

/**
 * The KV writes that record `sessionIds` as ended, for the caller's atomic; and this
 * process's set learns them at once (a failed commit leaves a harmless extra entry in memory
 * only for sessions that were being ended anyway).
 */
export function revokeSessionsOps(
  kv: Deno.Kv,
  op: Deno.AtomicOperation,
  sessionIds: string[],
  now = Date.now(),
): Deno.AtomicOperation {
  const refs = cacheFor(kv).refs;
  for (const id of sessionIds) {
    const ref = sessionRef(id);
    op.set(["revoked_sessions", now, ref], 1, { expireIn: REVOCATION_TTL_MS });
    refs.set(ref, now + REVOCATION_TTL_MS);
  }
  return op;
}

async function refresh(kv: Deno.Kv, c: Cache, now: number): Promise<void> {
  const since = Number.isFinite(c.readAt) ? c.readAt - SKEW_MS : now - REVOCATION_TTL_MS;
  const iter = kv.list({
    start: ["revoked_sessions", since],
    end: ["revoked_sessions", Number.MAX_SAFE_INTEGER],
  });
  for await (const e of iter) {
    const at = e.key[1] as number;
    c.refs.set(e.key[2] as string, at + REVOCATION_TTL_MS);
  }
  for (const [ref, until] of c.refs) if (until <= now) c.refs.delete(ref);
  c.readAt = now;
}

/**
 * True when the session `ref` names was ended within the last REVOCATION_TTL_MS, as this
 * process knows it (at most REVOCATIONS_MAX_AGE_MS old; all checks of one second share one
 * read).
 */
export async function isSessionRevoked(
  kv: Deno.Kv,
  ref: string,
  now = Date.now(),
): Promise<boolean> {
  const c = cacheFor(kv);
  if (now - c.readAt >= REVOCATIONS_MAX_AGE_MS) {
    c.loading ??= refresh(kv, c, now).finally(() => c.loading = undefined);
    await c.loading;
  }
  const until = c.refs.get(ref);
  return until !== undefined && until > now;
}
