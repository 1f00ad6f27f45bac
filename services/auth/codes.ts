/**
 * One-time sign-in codes: short, readable codes (8 characters from an alphabet without 0/O,
 * 1/I/L) that let a person in once to choose a password. An admin's "reset sign-in" makes
 * one (the old password stops working, every session ends); "login slips" for a class's
 * imported students who have no password yet use the same codes (`purpose: "slip"`,
 * `issueClassSlips`), and end nobody's sessions.
 *
 * A code is shown once and stored only as an HMAC under the install's secret (a copy of the
 * database cannot try the 31^8 codes offline), at `["signin_codes", userId]` (one live code
 * per person; a new one replaces it), expiring after CODE_TTL_MS. Signing in with it is
 * throttled like a password (per account and per address, the same counters) and gives no
 * session: only a setup ticket (`["password_setups", sha256(ticket)]`, SETUP_TTL_MS) that
 * sets a password, and that step consumes the code in the same commit, so a code sets one
 * password at most and nothing else can be done with it.
 * @module
 */
import { Buffer } from "node:buffer";
import { timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { commit, getRecord } from "../db/kv.ts";
import { listMemberIds, teachesStudent } from "../classes/members.ts";
import { getOrgUser, getUserEntry, getUsers, passwordHashOps, type User } from "../orgs/users.ts";
import { AppError, forbidden, notFound, validateInput } from "../web/errors.ts";
import { hmacSha256 } from "./hmac.ts";
import { hashPassword, NewPasswordSchema } from "./passwords.ts";
import {
  type AttemptSource,
  clearFailures,
  findAccount,
  LoginSchema,
  recordFailure,
  requireNotThrottled,
} from "./signin.ts";
import {
  createSession,
  randomToken,
  revokeUserSessions,
  type Session,
  tokenId,
} from "./sessions.ts";

/** Letters and digits that cannot be mistaken for one another when read or typed. */
export const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
export const CODE_LENGTH = 8;
/** How long a code works. */
export const CODE_TTL_MS = 72 * 3_600_000;
/**
 * How long a login slip's code works: slips are printed and handed out in class, often days
 * later, and a slip is spent by its first use anyway.
 */
export const SLIP_TTL_MS = 30 * 86_400_000;

/** How long a code of this purpose works. */
export function codeTtl(purpose: SignInCode["purpose"]): number {
  return purpose === "slip" ? SLIP_TTL_MS : CODE_TTL_MS;
}
/** How long the "choose your password" step may take after the code was accepted. */
export const SETUP_TTL_MS = 30 * 60_000;

export const SignInCodeSchema = z.object({
  userId: z.string(),
  orgId: z.string(),
  /** HMAC-SHA256 of the code under the install's secret, hex. */
  hash: z.string(),
  /** reset: an admin reset the person's sign-in; slip: a first sign-in for a new person. */
  purpose: z.enum(["reset", "slip"]),
  issuedBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
});
export type SignInCode = z.infer<typeof SignInCodeSchema>;

const SetupSchema = z.object({
  userId: z.string(),
  /** The code's hash: completing needs that very code to be still there, unused. */
  codeHash: z.string(),
  expiresAt: z.string(),
});

/** A code as typed: any case, with or without the dash and spaces. */
export const CodeInputSchema = z.string().max(40).transform((s) =>
  s.toUpperCase().replace(/[\s-]/g, "")
).pipe(z.string().min(1, "Enter your one-time code."));

export const CodeSignInSchema = LoginSchema.extend({ code: CodeInputSchema });
export type CodeSignInInput = z.input<typeof CodeSignInSchema>;

const codeKey = (userId: string): Deno.KvKey => ["signin_codes", userId];
const setupKey = (ticket: string): Deno.KvKey => ["password_setups", tokenId(ticket)];

/** A fresh random code of `length` characters (uniform over the alphabet). */
export function newCode(length = CODE_LENGTH): string {
  const n = CODE_ALPHABET.length;
  const limit = 256 - (256 % n);
  let out = "";
  while (out.length < length) {
    for (const b of crypto.getRandomValues(new Uint8Array(16))) {
      if (b < limit && out.length < length) out += CODE_ALPHABET[b % n];
    }
  }
  return out;
}

/** A code as shown and printed: `ABCD-EFGH`. */
export function formatCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

function codeHash(secret: string, userId: string, code: string): string {
  return hmacSha256(secret)(`mirae.signin-code|${userId}|${code}`).toString("hex");
}

function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a, "hex"), Buffer.from(b, "hex"));
}

function newCodeRecord(
  secret: string,
  user: Pick<User, "id" | "orgId">,
  opts: { by: string; purpose: SignInCode["purpose"]; now: number },
): { code: string; record: SignInCode } {
  const code = newCode();
  return {
    code,
    record: {
      userId: user.id,
      orgId: user.orgId,
      hash: codeHash(secret, user.id, code),
      purpose: opts.purpose,
      issuedBy: opts.by,
      createdAt: new Date(opts.now).toISOString(),
      expiresAt: new Date(opts.now + codeTtl(opts.purpose)).toISOString(),
    },
  };
}

/**
 * Makes a one-time code for `user` (the caller checked the asker may) and returns it, the
 * only time it is seen. `reset` also removes the password and ends every session (and the
 * join passes issued under them) in the same step.
 */
export async function issueSignInCode(
  kv: Deno.Kv,
  secret: string,
  user: Pick<User, "id" | "orgId">,
  opts: { by: string; purpose: SignInCode["purpose"]; now?: number },
): Promise<{ code: string; expiresAt: string }> {
  const { code, record } = newCodeRecord(secret, user, { ...opts, now: opts.now ?? Date.now() });
  const op = kv.atomic().set(codeKey(user.id), record, { expireIn: codeTtl(opts.purpose) });
  if (opts.purpose === "reset") passwordHashOps(op, await getUserEntry(kv, user.id), undefined);
  await commit(op, "This person's account changed meanwhile. Try again.");
  if (opts.purpose === "reset") await revokeUserSessions(kv, user.id);
  return { code, expiresAt: record.expiresAt };
}

/**
 * Adds to `op` what lets `user` choose a password without being told a code: a code record
 * (never shown) and a setup ticket for it, as if the code had been typed. For a teacher's
 * approval of a roster claim (services/classes/claims.ts): the approval is the proof, and
 * `completeCodeSignIn` then sets the password and consumes both, as for a typed code.
 */
export function approvedSetupOps(
  op: Deno.AtomicOperation,
  secret: string,
  user: Pick<User, "id" | "orgId">,
  opts: { by: string; now?: number },
): { ticket: string; expiresAt: string } {
  const now = opts.now ?? Date.now();
  const { record } = newCodeRecord(secret, user, { by: opts.by, purpose: "slip", now });
  const ticket = randomToken();
  const expiresAt = new Date(now + SETUP_TTL_MS).toISOString();
  op.set(codeKey(user.id), record, { expireIn: CODE_TTL_MS })
    .set(setupKey(ticket), { userId: user.id, codeHash: record.hash, expiresAt }, {
      expireIn: SETUP_TTL_MS,
    });
  return { ticket, expiresAt };
}

function wrongCode(): AppError {
  return new AppError(
    "unauthorized",
    "The email, student number or code is not right, or the code has expired or was used.",
  );
}

/**
 * Checks a login and one-time code (throttled with the password attempts of the account and
 * the address) and returns a setup ticket: the person must now choose a password with
 * `completeCodeSignIn`. One answer for a wrong, expired, used or unknown code or account.
 */
export async function beginCodeSignIn(
  kv: Deno.Kv,
  secret: string,
  input: CodeSignInInput,
  source: AttemptSource,
  now = Date.now(),
): Promise<{ ticket: string; user: User; expiresAt: string }> {
  const data = validateInput(CodeSignInSchema, input);
  const { user, key } = await findAccount(kv, data);
  await requireNotThrottled(kv, key, source);
  const stored = user ? await getRecord(kv, SignInCodeSchema, codeKey(user.id)) : null;
  const given = codeHash(secret, user?.id ?? "", data.code);
  const ok = !!user && !!stored && stored.orgId === user.orgId &&
    Date.parse(stored.expiresAt) > now && sameHex(given, stored.hash);
  if (!ok || !user || !stored) {
    await recordFailure(kv, key, source);
    throw wrongCode();
  }
  await clearFailures(kv, key);
  const ticket = randomToken();
  const expiresAt = new Date(now + SETUP_TTL_MS).toISOString();
  await commit(
    kv.atomic().set(setupKey(ticket), { userId: user.id, codeHash: stored.hash, expiresAt }, {
      expireIn: SETUP_TTL_MS,
    }),
  );
  return { ticket, user, expiresAt };
}

/**
 * Sets the password of the person a setup ticket names and signs them in. The code is
 * consumed in the same commit (a second use of the code or the ticket fails), and every
 * other session of the person ends. 401 when the ticket is unknown or expired or its code
 * was used or replaced meanwhile.
 */
export async function completeCodeSignIn(
  kv: Deno.Kv,
  ticket: string,
  password: string,
  opts: { ttlMs: number; kind?: Session["kind"] },
): Promise<{ user: User; token: string; session: Session }> {
  const newPassword = validateInput(NewPasswordSchema, password);
  const expired = () =>
    new AppError("unauthorized", "This took too long. Enter your one-time code again.");
  if (!/^[A-Za-z0-9_-]{43}$/.test(ticket)) throw expired();
  const setupEntry = await kv.get(setupKey(ticket));
  const setup = setupEntry.value === null ? null : SetupSchema.parse(setupEntry.value);
  if (!setup || Date.parse(setup.expiresAt) <= Date.now()) throw expired();
  const codeEntry = await kv.get(codeKey(setup.userId));
  const code = codeEntry.value === null ? null : SignInCodeSchema.parse(codeEntry.value);
  if (!code || code.hash !== setup.codeHash || Date.parse(code.expiresAt) <= Date.now()) {
    throw wrongCode();
  }
  const hash = await hashPassword(newPassword);
  const userEntry = await getUserEntry(kv, setup.userId);
  const op = kv.atomic().check(setupEntry).check(codeEntry)
    .delete(setupEntry.key).delete(codeEntry.key);
  const res = await passwordHashOps(op, userEntry, hash).commit();
  if (!res.ok) throw wrongCode();
  await revokeUserSessions(kv, setup.userId);
  const user = { ...userEntry.value, passwordHash: hash };
  return { user, ...await createSession(kv, user, opts) };
}

/** The API's one step: a login, its one-time code and the new password; signs in. */
export async function signInWithCode(
  kv: Deno.Kv,
  secret: string,
  input: CodeSignInInput & { newPassword: string },
  opts: AttemptSource & { ttlMs: number; kind?: Session["kind"] },
): Promise<{ user: User; token: string; session: Session }> {
  const { newPassword, ...login } = input;
  validateInput(NewPasswordSchema, newPassword); // before the code is spent on a bad password
  const { ticket } = await beginCodeSignIn(kv, secret, login, opts);
  return await completeCodeSignIn(kv, ticket, newPassword, opts);
}

/**
 * An admin (any person of their school) or a teacher (a student of one of their classes)
 * resets a person's sign-in: a one-time code (returned once), the password removed, every
 * session ended. 404 for a person of another school (or none) and for a student the teacher
 * does not teach; 403 for a teacher resetting a teacher or an admin, and for students; 409
 * for the asker themselves (they change their password on their account page).
 */
export async function resetUserSignIn(
  kv: Deno.Kv,
  secret: string,
  admin: Pick<User, "id" | "orgId" | "role">,
  userId: string,
): Promise<{ user: User; code: string; expiresAt: string }> {
  const user = await getOrgUser(kv, admin.orgId, userId);
  if (user.id === admin.id) {
    throw new AppError("conflict", "This is you: change your password on your account page.");
  }
  if (admin.role === "student") throw forbidden();
  if (admin.role === "teacher") {
    if (user.role !== "student") {
      throw forbidden("Teachers may reset the sign-in of their students only; ask a school admin.");
    }
    if (!await teachesStudent(kv, admin.id, user.id)) throw notFound("Member not found");
  }
  return { user, ...await issueSignInCode(kv, secret, user, { by: admin.id, purpose: "reset" }) };
}

/** One printed login slip: who, how they sign in, and their one-time code. */
export interface LoginSlip {
  userId: string;
  name: string;
  email?: string;
  studentNumber?: string;
  /** As printed: `ABCD-EFGH`. */
  code: string;
}

/**
 * Login slips for the students of a class who have no password yet (imported students): a
 * one-time code each (purpose `slip`: nobody's sessions end), written 300 to a commit. A new
 * slip replaces the person's earlier code. Students with neither an email nor a student
 * number cannot sign in with a code and are counted in `skipped`. The caller checked the asker
 * teaches the class or administers the school.
 */
export async function issueClassSlips(
  kv: Deno.Kv,
  secret: string,
  classId: string,
  by: string,
): Promise<{ slips: LoginSlip[]; skipped: number; expiresAt: string }> {
  const ids = await listMemberIds(kv, classId, "student");
  const users = (await getUsers(kv, ids)).filter((u): u is User => !!u && !u.passwordHash);
  const now = Date.now();
  const slips: LoginSlip[] = [];
  const withLogin = users.filter((u) => u.email || u.studentNumber);
  for (let i = 0; i < withLogin.length; i += 300) {
    const op = kv.atomic();
    for (const u of withLogin.slice(i, i + 300)) {
      const { code, record } = newCodeRecord(secret, u, { by, purpose: "slip", now });
      op.set(codeKey(u.id), record, { expireIn: SLIP_TTL_MS });
      slips.push({
        userId: u.id,
        name: u.name,
        email: u.email,
        studentNumber: u.studentNumber,
        code: formatCode(code),
      });
    }
    await commit(op);
  }
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  slips.sort((a, b) =>
    collator.compare(a.studentNumber ?? a.name, b.studentNumber ?? b.name) ||
    collator.compare(a.name, b.name)
  );
  return {
    slips,
    skipped: users.length - withLogin.length,
    expiresAt: new Date(now + SLIP_TTL_MS).toISOString(),
  };
}
