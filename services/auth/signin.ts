/**
 * Signing in with an email (or a student number and school code) and a password, throttled
 * per account and per IP address.
 * @module
 */
import { z } from "zod";
import { AppError } from "../web/errors.ts";
import { findOrgBySlug } from "../orgs/orgs.ts";
import { findUserByEmail, findUserByNumber, setPasswordHash, type User } from "../orgs/users.ts";
import { hashPassword, MAX_PASSWORD_LENGTH, needsRehash, verifyPassword } from "./passwords.ts";
import { clear, hit, type Limit, retryAfter } from "./rate_limit.ts";
import { createSession, type Session } from "./sessions.ts";

/** 5 failed attempts per account in 15 minutes. */
export const ACCOUNT_LIMIT: Limit = { scope: "signin_account", max: 5, windowMs: 15 * 60_000 };

/**
 * Failed attempts per client address in 15 minutes (`MIRAE_SIGNIN_IP_LIMIT`, default 300: a
 * whole school signs in from behind one NAT, so this only stops guessing at scale).
 */
export function ipLimit(max: number): Limit {
  return { scope: "signin_ip", max, windowMs: 15 * 60_000 };
}

export const SignInSchema = z.strictObject({
  /** An email, or a student number (then `school` is needed). */
  login: z.string().trim().min(1, "Enter your email or student number.").max(254),
  password: z.string().min(1, "Enter your password.").max(MAX_PASSWORD_LENGTH),
  /** School code, for signing in with a student number. */
  school: z.string().trim().max(40).optional(),
});
export type SignInInput = z.infer<typeof SignInSchema>;

// A hash to verify against when the account does not exist, so both cases take as long.
let dummyHash: Promise<string> | undefined;

async function findAccount(kv: Deno.Kv, input: SignInInput): Promise<User | null> {
  if (input.login.includes("@")) return await findUserByEmail(kv, input.login);
  if (!input.school) return null;
  const org = await findOrgBySlug(kv, input.school);
  return org ? await findUserByNumber(kv, org.id, input.login) : null;
}

/**
 * Checks the credentials and starts a session. Wrong credentials give one message whether
 * or not the account exists; too many attempts give 429 with Retry-After.
 */
export async function signIn(
  kv: Deno.Kv,
  input: SignInInput,
  opts: { ip: string; ipLimit: number; ttlMs: number; kind?: Session["kind"] },
): Promise<{ user: User; token: string; session: Session }> {
  const IP_LIMIT = ipLimit(opts.ipLimit);
  const accountId = `${input.school?.toLowerCase() ?? ""}/${input.login.toLowerCase()}`;
  const wait = Math.max(
    await retryAfter(kv, ACCOUNT_LIMIT, accountId),
    await retryAfter(kv, IP_LIMIT, opts.ip),
  );
  if (wait > 0) {
    throw new AppError(
      "rate_limited",
      `Too many sign-in attempts. Try again in ${Math.ceil(wait / 60)} minute(s).`,
      undefined,
      { "retry-after": String(wait) },
    );
  }
  const user = await findAccount(kv, input);
  const hash = user?.passwordHash ?? await (dummyHash ??= hashPassword("not a password"));
  const ok = await verifyPassword(input.password, hash) && !!user?.passwordHash;
  if (!ok || !user) {
    await Promise.all([hit(kv, ACCOUNT_LIMIT, accountId), hit(kv, IP_LIMIT, opts.ip)]);
    throw new AppError("unauthorized", "The email, student number or password is not right.");
  }
  await clear(kv, ACCOUNT_LIMIT, accountId);
  if (needsRehash(hash)) await setPasswordHash(kv, user.id, await hashPassword(input.password));
  const { token, session } = await createSession(kv, user, { ttlMs: opts.ttlMs, kind: opts.kind });
  return { user, token, session };
}
