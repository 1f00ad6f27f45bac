/**
 * Sessions: a random token in an HttpOnly cookie (or a Bearer header for API clients). KV
 * stores only the token's SHA-256, so a copy of the database holds no usable token.
 * Sessions expire (KV drops them by itself too) and are revoked on sign-out.
 * @module
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { toBase64url } from "./base64url.ts";
import { revokeSessionsOps } from "./revocations.ts";
import { commit, getManyFast, getRecord } from "../db/kv.ts";
import { getUser, type User, UserSchema } from "../orgs/users.ts";

export const SessionSchema = z.object({
  /** SHA-256 of the token, hex. */
  id: z.string(),
  userId: z.string(),
  orgId: z.string(),
  /** Per-session CSRF token that forms and fetch calls echo back. */
  csrf: z.string(),
  kind: z.enum(["browser", "device", "api"]),
  createdAt: z.string(),
  expiresAt: z.string(),
});
export type Session = z.infer<typeof SessionSchema>;

/** How long a "device session" (a student who joined by link without a password) lasts. */
export const DEVICE_SESSION_MS = 30 * 24 * 3_600_000;

/** 32 random bytes as base64url: a secret token. */
export function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return toBase64url(bytes);
}

/** The SHA-256 of a token (hex): what KV stores in place of a secret token. */
export function tokenId(token: string): string {
  // node:crypto's hash is synchronous and ~10x cheaper than an async WebCrypto digest here,
  // which matters because every request hashes its token.
  return createHash("sha256").update(token).digest("hex");
}

/** Starts a session; returns the token to hand out (only here) and the stored session. */
export async function createSession(
  kv: Deno.Kv,
  user: { id: string; orgId: string },
  opts: { ttlMs: number; kind?: Session["kind"] },
): Promise<{ token: string; session: Session }> {
  // The user id travels in the token so a request's session and user are read together.
  const token = `${user.id}.${randomToken()}`;
  const now = Date.now();
  const session: Session = {
    id: tokenId(token),
    userId: user.id,
    orgId: user.orgId,
    csrf: randomToken(),
    kind: opts.kind ?? "browser",
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + opts.ttlMs).toISOString(),
  };
  await commit(
    kv.atomic()
      .set(["sessions", session.id], session, { expireIn: opts.ttlMs })
      .set(["sessions_by_user", user.id, session.id], session.expiresAt, { expireIn: opts.ttlMs }),
  );
  return { token, session };
}

const TOKEN = /^(?:([0-9A-Za-z]{1,40})\.)?[A-Za-z0-9_-]{43}$/;

/** The live session for a token, or null (unknown, malformed, expired or revoked). */
export async function getSession(kv: Deno.Kv, token: string): Promise<Session | null> {
  if (!TOKEN.test(token)) return null;
  const session = await getRecord(kv, SessionSchema, ["sessions", tokenId(token)]);
  return session && Date.parse(session.expiresAt) > Date.now() ? session : null;
}

/**
 * The live session for a token and its user, in one read: every request makes it, so it is
 * read fast, and strongly when something is missing (a session created a moment ago may not
 * have reached a replica yet). Null when unknown, malformed, expired, revoked, or when the
 * user is gone or moved.
 */
export async function getSessionUser(
  kv: Deno.Kv,
  token: string,
): Promise<{ session: Session; user: User } | null> {
  const m = TOKEN.exec(token);
  if (!m) return null;
  const keys: Deno.KvKey[] = [["sessions", tokenId(token)]];
  if (m[1]) keys.push(["users", m[1]]);
  const entries = await getManyFast(kv, keys, (es) => es.some((e) => e.value === null));
  if (entries[0].value === null) return null;
  const session = SessionSchema.parse(entries[0].value);
  if (Date.parse(session.expiresAt) <= Date.now()) return null;
  const user = m[1]
    ? (entries[1].value === null ? null : UserSchema.parse(entries[1].value))
    : await getUser(kv, session.userId);
  if (!user || user.id !== session.userId || user.orgId !== session.orgId) return null;
  return { session, user };
}

/** Ends one session (sign-out); join passes issued under it stop working too. */
export async function revokeSession(kv: Deno.Kv, session: Session): Promise<void> {
  const op = kv.atomic()
    .delete(["sessions", session.id])
    .delete(["sessions_by_user", session.userId, session.id]);
  await commit(revokeSessionsOps(kv, op, [session.id]));
}

/**
 * Ends every session of a user (password change or reset, removal), but `keep` (the session
 * that changed the password) when given; their join passes stop working too. Returns how many
 * sessions ended.
 */
export async function revokeUserSessions(
  kv: Deno.Kv,
  userId: string,
  opts: { keep?: string } = {},
): Promise<number> {
  const ids: string[] = [];
  for await (const e of kv.list({ prefix: ["sessions_by_user", userId] })) {
    const id = e.key[2] as string;
    if (id !== opts.keep) ids.push(id);
  }
  // Three mutations a session: well inside one atomic's limit per batch.
  for (let i = 0; i < ids.length; i += 300) {
    const batch = ids.slice(i, i + 300);
    const op = kv.atomic();
    for (const id of batch) op.delete(["sessions", id]).delete(["sessions_by_user", userId, id]);
    await commit(revokeSessionsOps(kv, op, batch));
  }
  return ids.length;
}
