/**
 * Join links: a signed, expiring, revocable link per class that lets a student join from a
 * browser. The token is `<link id>.<signature>`, the signature an HMAC-SHA256 of the id under
 * the install's secret, so a token cannot be guessed from the (time-ordered) id and the list
 * of a class's links can show each link's URL again without storing the token.
 *
 * Keys: `["join_links", id]` (the record), `["join_links_by_class", classId, id] -> id`, and
 * `["join_link_uses", id]`, a KvU64 counter bumped with `sum` so that a whole school joining at
 * 8 a.m. does not fight over one record.
 * @module
 */
import { z } from "zod";
import type { Config } from "@/fresh.config.ts";
import { toBase64url } from "../auth/base64url.ts";
import { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "../auth/passwords.ts";
import { createSession, DEVICE_SESSION_MS, type Session } from "../auth/sessions.ts";
import { commit, getRecord, getRecords, newId } from "../db/kv.ts";
import {
  createUserOps,
  DisplayNameSchema,
  findUserByEmail,
  newUser,
  requireNameNotStaff,
  type User,
} from "../orgs/users.ts";
import { AppError, notFound, validateInput } from "../web/errors.ts";
import { type Class, ClassSchema } from "./classes.ts";
import { addMemberOps } from "./members.ts";

export const JoinLinkSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  classId: z.string(),
  /** User id of the teacher or admin who made the link. */
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().optional(),
});
export type JoinLink = z.infer<typeof JoinLinkSchema>;

export type JoinLinkStatus = "active" | "expired" | "revoked";

/** A link as a class's teachers see it: with its use count and status. */
export interface JoinLinkSummary extends JoinLink {
  uses: number;
  status: JoinLinkStatus;
}

/** Link lifetimes a teacher may choose, in hours (up to 30 days; a week by default). */
export const MIN_EXPIRES_HOURS = 1;
export const MAX_EXPIRES_HOURS = 720;
export const DEFAULT_EXPIRES_HOURS = 168;

const SIG_LENGTH = 22;
const TOKEN_RE = /^([0-9A-Z]{26})\.([A-Za-z0-9_-]{22})$/;

const linkKey = (id: string): Deno.KvKey => ["join_links", id];
const usesKey = (id: string): Deno.KvKey => ["join_link_uses", id];

/**
 * The key that signs join links: `config.secret` (MIRAE_SECRET), or else, in development
 * without one, a random secret made once per install and kept in KV at
 * `["settings", "link_secret"]` so links survive restarts.
 */
export function linkSecret(kv: Deno.Kv, config: Pick<Config, "secret">): Promise<string> {
  if (config.secret) return Promise.resolve(config.secret);
  // Read once per process: join-pass checks ask for it on every join of a storm.
  let secret = storedSecrets.get(kv);
  if (!secret) {
    secret = storedLinkSecret(kv);
    storedSecrets.set(kv, secret);
    secret.catch(() => storedSecrets.delete(kv));
  }
  return secret;
}

const storedSecrets = new WeakMap<Deno.Kv, Promise<string>>();

async function storedLinkSecret(kv: Deno.Kv): Promise<string> {
  const key = ["settings", "link_secret"];
  const stored = await kv.get<string>(key);
  if (stored.value) return stored.value;
  const fresh = toBase64url(crypto.getRandomValues(new Uint8Array(32)));
  const res = await kv.atomic().check({ key, versionstamp: null }).set(key, fresh).commit();
  if (res.ok) return fresh;
  // Another request made it first: use theirs.
  const winner = (await kv.get<string>(key)).value;
  if (!winner) throw new Error("link secret missing after a conflicting write");
  return winner;
}

async function sign(secret: string, id: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(id));
  return toBase64url(new Uint8Array(mac)).slice(0, SIG_LENGTH);
}

function equalConstantTime(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** The token of a link: `<id>.<signature>`. */
export async function joinToken(secret: string, linkId: string): Promise<string> {
  return `${linkId}.${await sign(secret, linkId)}`;
}

/** The address a student opens, e.g. `https://mirae.example.org/join/<token>`. */
export function joinUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, "")}/join/${token}`;
}

/** A link's status at `now`. */
export function joinLinkStatus(link: JoinLink, now = Date.now()): JoinLinkStatus {
  if (link.revokedAt) return "revoked";
  return Date.parse(link.expiresAt) <= now ? "expired" : "active";
}

/**
 * Why a join token cannot be used. The message is English for the API; pages show their own
 * translation from `reason` (and `expiresAt`, `orgId` for the date in the school's time zone).
 */
export class JoinLinkError extends AppError {
  constructor(
    readonly reason: "invalid" | "revoked" | "expired" | "archived",
    message: string,
    readonly orgId?: string,
    readonly expiresAt?: string,
  ) {
    super(reason === "invalid" ? "not_found" : "gone", message);
    this.name = "JoinLinkError";
  }
}

function invalid(): JoinLinkError {
  return new JoinLinkError(
    "invalid",
    "This join link is not valid. Ask your teacher for a new one.",
  );
}

/** Input of `createJoinLink`. */
export interface NewJoinLink {
  orgId: string;
  classId: string;
  createdBy: string;
  /** 1..720; 168 (a week) when absent. */
  expiresInHours?: number;
}

/**
 * Creates a join link for a class (the caller has checked that the asker may). 404 when the
 * class is not the organization's, 409 when it is archived, 400 for a lifetime out of range.
 */
export async function createJoinLink(
  kv: Deno.Kv,
  secret: string,
  input: NewJoinLink,
): Promise<{ link: JoinLink; token: string }> {
  const hours = input.expiresInHours ?? DEFAULT_EXPIRES_HOURS;
  if (!Number.isInteger(hours) || hours < MIN_EXPIRES_HOURS || hours > MAX_EXPIRES_HOURS) {
    throw new AppError("validation_failed", "Some fields are not valid.", [{
      path: ["expiresInHours"],
      message: `Choose a whole number of hours from ${MIN_EXPIRES_HOURS} to ${MAX_EXPIRES_HOURS}.`,
    }]);
  }
  const cls = await getRecord(kv, ClassSchema, ["classes", input.classId]);
  if (!cls || cls.orgId !== input.orgId) throw notFound("Class not found");
  if (cls.archived) {
    throw new AppError("conflict", "This class is archived. Restore it before inviting students.");
  }
  const now = Date.now();
  const link: JoinLink = {
    id: newId(),
    orgId: input.orgId,
    classId: input.classId,
    createdBy: input.createdBy,
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + hours * 3_600_000).toISOString(),
  };
  await commit(
    kv.atomic()
      .check({ key: linkKey(link.id), versionstamp: null })
      .set(linkKey(link.id), link)
      .set(["join_links_by_class", link.classId, link.id], link.id),
  );
  return { link, token: await joinToken(secret, link.id) };
}

/** A class's join links, newest first, with how often each was used and its status. */
export async function listJoinLinks(
  kv: Deno.Kv,
  classId: string,
  now = Date.now(),
): Promise<JoinLinkSummary[]> {
  // A class has a handful of links: one reverse prefix scan (ULIDs sort by time).
  const ids: string[] = [];
  for await (
    const e of kv.list<string>({ prefix: ["join_links_by_class", classId] }, { reverse: true })
  ) {
    ids.push(e.value);
  }
  const links = await getRecords(kv, JoinLinkSchema, ids.map(linkKey));
  const uses = await getRecords(kv, z.instanceof(Deno.KvU64), ids.map(usesKey));
  const out: JoinLinkSummary[] = [];
  links.forEach((link, i) => {
    if (!link) return;
    out.push({ ...link, uses: Number(uses[i]?.value ?? 0n), status: joinLinkStatus(link, now) });
  });
  return out;
}

/**
 * Turns a link off for good; revoking a revoked link changes nothing. 404 for a link that is
 * not this class's (or not this organization's).
 */
export async function revokeJoinLink(
  kv: Deno.Kv,
  orgId: string,
  classId: string,
  linkId: string,
): Promise<JoinLink> {
  const entry = await kv.get(linkKey(linkId));
  const link = entry.value === null ? null : JoinLinkSchema.parse(entry.value);
  if (!link || link.orgId !== orgId || link.classId !== classId) {
    throw notFound("Join link not found");
  }
  if (link.revokedAt) return link;
  const revoked: JoinLink = { ...link, revokedAt: new Date().toISOString() };
  await commit(kv.atomic().check(entry).set(entry.key, revoked));
  return revoked;
}

/** The date a link expired, as the English message says it. */
function expiryDate(iso: string): string {
  return new Intl.DateTimeFormat("en", { dateStyle: "long", timeZone: "UTC" }).format(
    new Date(iso),
  );
}

async function resolveEntry(
  kv: Deno.Kv,
  secret: string,
  token: string,
  now: number,
): Promise<{ entry: Deno.KvEntry<JoinLink>; cls: Class }> {
  const m = TOKEN_RE.exec(token);
  if (!m || !equalConstantTime(m[2], await sign(secret, m[1]))) throw invalid();
  const entry = await kv.get(linkKey(m[1]));
  if (entry.value === null) throw invalid();
  const link = JoinLinkSchema.parse(entry.value);
  if (link.revokedAt) {
    throw new JoinLinkError(
      "revoked",
      "This join link was turned off by your teacher. Ask your teacher for a new one.",
      link.orgId,
    );
  }
  if (Date.parse(link.expiresAt) <= now) {
    throw new JoinLinkError(
      "expired",
      `This join link expired on ${expiryDate(link.expiresAt)}. Ask your teacher for a new one.`,
      link.orgId,
      link.expiresAt,
    );
  }
  const cls = await getRecord(kv, ClassSchema, ["classes", link.classId]);
  if (!cls || cls.orgId !== link.orgId) throw invalid();
  if (cls.archived) {
    throw new JoinLinkError(
      "archived",
      "This class has been archived, so it no longer takes new students.",
      link.orgId,
    );
  }
  return { entry: { ...entry, value: link } as Deno.KvEntry<JoinLink>, cls };
}

/**
 * Checks a join token and loads its link and class. Throws a `JoinLinkError`: 404 for a bad
 * signature or an unknown link, 410 (`gone`) for a revoked or expired link or an archived class.
 */
export async function resolveJoinToken(
  kv: Deno.Kv,
  secret: string,
  token: string,
  now = Date.now(),
): Promise<{ link: JoinLink; cls: Class }> {
  const { entry, cls } = await resolveEntry(kv, secret, token, now);
  return { link: entry.value, cls };
}

/**
 * What a new student gives when joining. The email and the password go together: the email is
 * what they sign in with on another device, the password what proves it is them.
 */
export const JoinInputSchema = z.strictObject({
  name: DisplayNameSchema,
  email: z.string().trim().toLowerCase().max(254).pipe(z.email("Enter a valid email address."))
    .optional(),
  password: z.string()
    .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`)
    .max(MAX_PASSWORD_LENGTH, `Use at most ${MAX_PASSWORD_LENGTH} characters.`)
    .optional(),
}).superRefine((v, ctx) => {
  if (v.password && !v.email) {
    ctx.addIssue({
      code: "custom",
      path: ["email"],
      message: "Enter your email too: you sign in with it and the password.",
    });
  }
  if (v.email && !v.password) {
    ctx.addIssue({
      code: "custom",
      path: ["password"],
      message: "Choose a password to sign in with this email, or leave the email empty.",
    });
  }
});
export type JoinInput = z.input<typeof JoinInputSchema>;

const EMAIL_TAKEN = "This email is already used by another account. " +
  "Sign in with it, or leave the email and password empty.";

function emailTaken(): AppError {
  return new AppError("conflict", EMAIL_TAKEN, [{ path: ["email"], message: EMAIL_TAKEN }]);
}

/**
 * A new student joins through a link: creates their account in the link's organization, puts
 * them in the class and counts the use, in one commit; then starts their session. With a
 * password the session is a normal browser session (`ttlMs`); without one it is a device
 * session (DEVICE_SESSION_MS), since the browser is then their only way in.
 * 400 for invalid input, 409 when the email is taken, and the errors of `resolveJoinToken`.
 */
export async function joinWithLink(
  kv: Deno.Kv,
  secret: string,
  token: string,
  input: JoinInput,
  opts: { ttlMs: number },
): Promise<{ user: User; cls: Class; token: string; session: Session }> {
  const data = validateInput(JoinInputSchema, input);
  const { entry, cls } = await resolveEntry(kv, secret, token, Date.now());
  await requireNameNotStaff(kv, entry.value.orgId, data.name);
  // Checked again in the commit; asking first spares a slow password hash.
  if (data.email && await findUserByEmail(kv, data.email)) throw emailTaken();
  const user = newUser({
    orgId: entry.value.orgId,
    name: data.name,
    email: data.email,
    role: "student",
    joinedVia: "link",
    passwordHash: data.password ? await hashPassword(data.password) : undefined,
  });
  const op = kv.atomic().check(entry); // a link revoked meanwhile lets nobody in
  createUserOps(op, user);
  addMemberOps(op, cls.id, user, "student");
  op.sum(usesKey(entry.value.id), 1n);
  const res = await op.commit();
  if (!res.ok) {
    await resolveEntry(kv, secret, token, Date.now()); // throws when the link was turned off
    if (data.email && await findUserByEmail(kv, data.email)) throw emailTaken();
    throw new AppError("conflict", "Joining did not go through. Try again.");
  }
  const session = data.password
    ? await createSession(kv, user, { ttlMs: opts.ttlMs, kind: "browser" })
    : await createSession(kv, user, { ttlMs: DEVICE_SESSION_MS, kind: "device" });
  return { user, cls, ...session };
}

/**
 * A signed-in student of the link's organization joins the class. Idempotent: a member stays
 * as they are (a teacher is never made a student). 404 for a user of another organization,
 * 403 for staff, who are added to classes by admins, not by links.
 */
export async function joinAsMember(
  kv: Deno.Kv,
  secret: string,
  token: string,
  user: User,
): Promise<{ cls: Class; joined: boolean }> {
  const { entry, cls } = await resolveEntry(kv, secret, token, Date.now());
  if (user.orgId !== entry.value.orgId) throw invalid();
  const memberKey = ["classes_by_user", user.id, cls.id];
  if ((await kv.get(memberKey)).versionstamp !== null) return { cls, joined: false };
  if (user.role !== "student") {
    throw new AppError(
      "forbidden",
      "Join links are for students. Ask a school admin to add you to this class.",
    );
  }
  const op = kv.atomic().check(entry).check({ key: memberKey, versionstamp: null });
  addMemberOps(op, cls.id, user, "student");
  op.sum(usesKey(entry.value.id), 1n);
  const res = await op.commit();
  if (!res.ok) {
    await resolveEntry(kv, secret, token, Date.now());
    // Otherwise a second click got there first: they are in.
    return { cls, joined: false };
  }
  return { cls, joined: true };
}
