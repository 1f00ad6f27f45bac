/**
 * Signing in with an email (or a student number and school code) and a password, throttled
 * per account and per IP address. The account counter is keyed on the account itself (its
 * user id, or for an unknown account the normalized identifier that would name it), never on
 * fields that do not pick the account: an email sign-in ignores `school`, so `school` must not
 * change whose counter a failure lands on.
 * @module
 */
import { z } from "zod";
import type { Translate } from "../i18n/i18n.ts";
import { AppError } from "../web/errors.ts";
import { findOrgBySlug } from "../orgs/orgs.ts";
import {
  findUserByEmail,
  findUserByNumber,
  normalizeEmail,
  setPasswordHash,
  type User,
} from "../orgs/users.ts";
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

/** Who is signing in: an email, or a student number with the school code. */
export const LoginSchema = z.strictObject({
  /** An email, or a student number (then `school` is needed). */
  login: z.string().trim().min(1, "Enter your email or student number.").max(254),
  /** School code, for signing in with a student number. */
  school: z.string().trim().max(40).optional(),
});
export type LoginInput = z.infer<typeof LoginSchema>;

export const SignInSchema = LoginSchema.extend({
  password: z.string().min(1, "Enter your password.").max(MAX_PASSWORD_LENGTH),
});
export type SignInInput = z.infer<typeof SignInSchema>;

/** Where an attempt comes from, for the per-address limit. */
export interface AttemptSource {
  ip: string;
  ipLimit: number;
}

// A hash to verify against when the account does not exist, so both cases take as long.
let dummyHash: Promise<string> | undefined;

/** A hash that matches no password, for timing-equal failures. */
export function noAccountHash(): Promise<string> {
  return dummyHash ??= hashPassword("not a password");
}

/** The key an existing account's failed attempts count under, however it was named. */
export function accountKey(userId: string): string {
  return `user:${userId}`;
}

/**
 * The account a login names (null when none) and the key its failed attempts count under:
 * the user id when it exists; else the normalized email, or the school code and number.
 */
export async function findAccount(
  kv: Deno.Kv,
  input: LoginInput,
): Promise<{ user: User | null; key: string }> {
  if (input.login.includes("@")) {
    const user = await findUserByEmail(kv, input.login);
    return { user, key: user ? accountKey(user.id) : `email:${normalizeEmail(input.login)}` };
  }
  const school = input.school?.toLowerCase() ?? "";
  const org = school ? await findOrgBySlug(kv, school) : null;
  const user = org ? await findUserByNumber(kv, org.id, input.login) : null;
  return { user, key: user ? accountKey(user.id) : `number:${school}/${input.login}` };
}

/** 429 with Retry-After while the account or the address has had too many failures. */
export async function requireNotThrottled(
  kv: Deno.Kv,
  accountKey: string,
  source: AttemptSource,
): Promise<void> {
  const wait = Math.max(
    await retryAfter(kv, ACCOUNT_LIMIT, accountKey),
    await retryAfter(kv, ipLimit(source.ipLimit), source.ip),
  );
  if (wait > 0) {
    throw new AppError(
      "rate_limited",
      `Too many sign-in attempts. Try again in ${Math.ceil(wait / 60)} minute(s).`,
      undefined,
      { "retry-after": String(wait) },
    );
  }
}

/** Counts a failed attempt against the account and the address. */
export async function recordFailure(
  kv: Deno.Kv,
  accountKey: string,
  source: AttemptSource,
): Promise<void> {
  await Promise.all([
    hit(kv, ACCOUNT_LIMIT, accountKey),
    hit(kv, ipLimit(source.ipLimit), source.ip),
  ]);
}

/** Forgets the account's failures after a successful sign-in. */
export async function clearFailures(kv: Deno.Kv, accountKey: string): Promise<void> {
  await clear(kv, ACCOUNT_LIMIT, accountKey);
}

/**
 * Checks the credentials and starts a session. Wrong credentials give one message whether
 * or not the account exists; too many attempts give 429 with Retry-After.
 */
export async function signIn(
  kv: Deno.Kv,
  input: SignInInput,
  opts: AttemptSource & { ttlMs: number; kind?: Session["kind"] },
): Promise<{ user: User; token: string; session: Session }> {
  const { user, key } = await findAccount(kv, input);
  await requireNotThrottled(kv, key, opts);
  const hash = user?.passwordHash ?? await noAccountHash();
  const ok = await verifyPassword(input.password, hash) && !!user?.passwordHash;
  if (!ok || !user) {
    await recordFailure(kv, key, opts);
    throw new AppError("unauthorized", "The email, student number or password is not right.");
  }
  await clearFailures(kv, key);
  if (needsRehash(hash)) await setPasswordHash(kv, user.id, await hashPassword(input.password));
  const { token, session } = await createSession(kv, user, { ttlMs: opts.ttlMs, kind: opts.kind });
  return { user, token, session };
}

/**
 * A refused sign-in in the reader's language, for the pages (the errors' messages are the
 * API's English): by the error's code and field, and for the throttle the wait its
 * Retry-After says.
 */
export function signInErrorText(t: Translate, err: AppError): string {
  if (err.code === "rate_limited") {
    const seconds = Number(err.headers?.["retry-after"] ?? 60);
    return t("signin.error.rateLimited", { minutes: Math.max(1, Math.ceil(seconds / 60)) });
  }
  if (err.code === "unauthorized") return t("signin.error.wrong");
  const field = err.details?.[0]?.path?.[0];
  if (field === "login") return t("signin.error.login");
  if (field === "password") return t("signin.error.password");
  return t("signin.error.invalid");
}
