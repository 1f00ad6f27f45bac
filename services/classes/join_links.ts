/**
 * Join links: a signed, expiring, revocable link per class that lets a student join from a
 * browser, or per department that invites staff into a workspace (what differs by the group's
 * kind is in join_kinds.ts: the role given, the email and password being required, who may
 * make the link). A department's invite makes the given email the account's sign-in address
 * (staff sign in with it), so an address that has an account is refused (409, the email
 * field): whoever holds the link learns that; the link's limit and the per-address limit bound
 * how much. The token is `<link id>.<signature>`, the signature an HMAC-SHA256 of the id under
 * the install's secret, so a token cannot be guessed from the (time-ordered) id and the list
 * of a class's links can show each link's URL again without storing the token.
 *
 * A link is used at most `maxUses` times (a little above the class's size by default; the
 * teacher sets it), counted atomically; sign-ups from one client address through one link are
 * rate-limited (`JOIN_IP_LIMIT`); with `approval`, a sign-up makes a join request the teacher
 * decides on (join_requests.ts) instead of a membership. An email given at sign-up stays
 * unconfirmed (unconfirmed_emails.ts): it signs nobody in, and the answer is the same whether
 * or not the address has an account.
 *
 * Keys: `["join_links", id]` (the record), `["join_links_by_class", classId, id] -> id`,
 * `["join_link_uses", id]` (a KvU64 counter, read and written with a check so that it never
 * passes `maxUses`: concurrent sign-ups through one link retry; measured on 2 cores, 40 at
 * once all join in ~90 ms and 200 in ~1.5 s; nothing else waits on it),
 * `["join_link_members", linkId, userId]` (link_accounts.ts), and `["join_link_codes", code]`
 * (the link's class code, join_codes.ts).
 * @module
 */
import { z } from "zod";
import type { Config } from "@/fresh.config.ts";
import { toBase64url } from "../auth/base64url.ts";
import { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "../auth/passwords.ts";
import { hit, type Limit, retryAfter } from "../auth/rate_limit.ts";
import { createSession, DEVICE_SESSION_MS, type Session } from "../auth/sessions.ts";
import { commit, getRecord, getRecords, newId } from "../db/kv.ts";
import {
  createUserOps,
  DisplayNameSchema,
  newUser,
  normalizeEmail,
  requireNameNotStaff,
  type User,
} from "../orgs/users.ts";
import { AppError, notFound, validateInput } from "../web/errors.ts";
import { type Class, ClassSchema } from "./classes.ts";
import { requestOps } from "./join_requests.ts";
import {
  type Joiner,
  joinRequestKey,
  listLinkMemberIds,
  recordLinkMemberOps,
  removeJoiners,
} from "./link_accounts.ts";
import { addMemberOps, listClassMembers } from "./members.ts";
import { claimEmailOps } from "./unconfirmed_emails.ts";
import { classCodeKey, CODE_KEEP_MS, newClassCode } from "./join_codes.ts";
import { invitesStaff, joinerRole, mayJoin } from "./join_kinds.ts";

export const JoinLinkSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  classId: z.string(),
  /** User id of the teacher or admin who made the link. */
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().optional(),
  /** Most sign-ups and joins the link takes (links made before limits: `FLOOR_MAX_USES`). */
  maxUses: z.number().int().positive().optional(),
  /** Each sign-up waits for a teacher's approval (a join request) instead of joining. */
  approval: z.boolean().optional(),
  /** The class code that reaches this link (join_codes.ts); links made before codes have none. */
  code: z.string().optional(),
});
export type JoinLink = z.infer<typeof JoinLinkSchema>;

export type JoinLinkStatus = "active" | "expired" | "revoked";

/** A link as a class's teachers see it: with its use count and status. */
export interface JoinLinkSummary extends JoinLink {
  uses: number;
  maxUses: number;
  approval: boolean;
  /** People who came through it and are still in the class or waiting for approval. */
  joined: number;
  status: JoinLinkStatus;
}

/**
 * The fewest uses a link gets by default. An empty class's link is how its students arrive,
 * so the default must let a usual class in (25-35 students in Korea, up to ~45 in China);
 * a teacher of a bigger class sets more, and one who wants fewer sets fewer.
 */
export const FLOOR_MAX_USES = 30;
/** The most uses a teacher may give one link. */
export const MAX_MAX_USES = 2000;

/** A link's default limit for a class of `students`: a little above its size. */
export function suggestedMaxUses(students: number): number {
  return Math.min(MAX_MAX_USES, Math.max(FLOOR_MAX_USES, Math.ceil(students * 1.1) + 5));
}

/** The default limit of a new link for a class (from its number of students now). */
export async function defaultMaxUses(kv: Deno.Kv, classId: string): Promise<number> {
  return suggestedMaxUses(
    (await listClassMembers(kv, classId, { role: "student", limit: 1 })).total,
  );
}

/** A link's limit (links made before there were limits get the floor). */
export function maxUsesOf(link: JoinLink): number {
  return link.maxUses ?? FLOOR_MAX_USES;
}

/**
 * Sign-ups through one link from one client address: 60 in 10 minutes. A school's students
 * often share one address (one NAT), and a whole class of 40 signs up at 8 a.m. from it, with
 * room for retries; so this alone does not stop a script. What bounds a script is the link's
 * `maxUses`; this slows one down on a link with a big limit (a school assembly's), and keeps
 * it from using many addresses' worth of sign-ups from one.
 */
export const JOIN_IP_LIMIT: Limit = { scope: "join_link_ip", max: 60, windowMs: 10 * 60_000 };

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
    readonly reason: "invalid" | "revoked" | "expired" | "archived" | "full",
    message: string,
    readonly orgId?: string,
    readonly expiresAt?: string,
    /** For "full": how often the link was used (its limit). */
    readonly uses?: number,
  ) {
    super(reason === "invalid" ? "not_found" : reason === "full" ? "conflict" : "gone", message);
    this.name = "JoinLinkError";
  }
}

function full(link: JoinLink, uses: number): JoinLinkError {
  return new JoinLinkError(
    "full",
    `This link has been used ${uses} times, its limit. Ask your teacher for a new one.`,
    link.orgId,
    undefined,
    uses,
  );
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
  /** 1..2000; `defaultMaxUses` of the class when absent. */
  maxUses?: number;
  /** Each sign-up waits for a teacher's approval. */
  approval?: boolean;
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
  if (input.maxUses !== undefined) checkMaxUses(input.maxUses);
  const cls = await getRecord(kv, ClassSchema, ["classes", input.classId]);
  if (!cls || cls.orgId !== input.orgId) throw notFound("Class not found");
  if (cls.archived) {
    throw new AppError("conflict", "This class is archived. Restore it before inviting students.");
  }
  const now = Date.now();
  const maxUses = input.maxUses ?? await defaultMaxUses(kv, cls.id);
  // A code taken meanwhile (1 in billions) only means drawing another.
  for (let attempt = 0; attempt < 5; attempt++) {
    const link: JoinLink = {
      id: newId(),
      orgId: input.orgId,
      classId: input.classId,
      createdBy: input.createdBy,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + hours * 3_600_000).toISOString(),
      maxUses,
      approval: input.approval ?? false,
      code: newClassCode(),
    };
    const codeKey = classCodeKey(link.code!);
    const res = await kv.atomic()
      .check({ key: linkKey(link.id), versionstamp: null })
      .check({ key: codeKey, versionstamp: null })
      .set(linkKey(link.id), link)
      .set(["join_links_by_class", link.classId, link.id], link.id)
      .set(codeKey, link.id, { expireIn: hours * 3_600_000 + CODE_KEEP_MS })
      .commit();
    if (res.ok) return { link, token: await joinToken(secret, link.id) };
  }
  throw new AppError("conflict", "The link could not be made. Try again.");
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
  const joined = await Promise.all(ids.map((id) => countJoined(kv, classId, id)));
  const out: JoinLinkSummary[] = [];
  links.forEach((link, i) => {
    if (!link) return;
    out.push({
      ...link,
      uses: Number(uses[i]?.value ?? 0n),
      maxUses: maxUsesOf(link),
      approval: link.approval ?? false,
      joined: joined[i],
      status: joinLinkStatus(link, now),
    });
  });
  return out;
}

/** People recorded as having come through a link who are still in the class or waiting. */
async function countJoined(kv: Deno.Kv, classId: string, linkId: string): Promise<number> {
  const ids = await listLinkMemberIds(kv, linkId);
  let n = 0;
  for (let i = 0; i < ids.length; i += 5) {
    const keys = ids.slice(i, i + 5).flatMap((id) => [
      ["classes_by_user", id, classId],
      joinRequestKey(classId, id),
    ]);
    const entries = await kv.getMany(keys);
    for (let j = 0; j < entries.length; j += 2) {
      if (entries[j].versionstamp !== null || entries[j + 1].versionstamp !== null) n++;
    }
  }
  return n;
}

function checkMaxUses(maxUses: number): void {
  if (!Number.isInteger(maxUses) || maxUses < 1 || maxUses > MAX_MAX_USES) {
    throw new AppError("validation_failed", "Some fields are not valid.", [{
      path: ["maxUses"],
      message: `Choose a whole number of uses from 1 to ${MAX_MAX_USES}.`,
    }]);
  }
}

async function getClassLinkEntry(
  kv: Deno.Kv,
  orgId: string,
  classId: string,
  linkId: string,
): Promise<Deno.KvEntry<JoinLink>> {
  const entry = await kv.get(linkKey(linkId));
  const link = entry.value === null ? null : JoinLinkSchema.parse(entry.value);
  if (!link || link.orgId !== orgId || link.classId !== classId) {
    throw notFound("Join link not found");
  }
  return { ...entry, value: link } as Deno.KvEntry<JoinLink>;
}

/**
 * Changes how many uses a link takes (raising it lets a full link take more; lowering it
 * below its uses makes it full). 404 for another class's link, 400 out of 1..2000.
 */
export async function setJoinLinkMaxUses(
  kv: Deno.Kv,
  orgId: string,
  classId: string,
  linkId: string,
  maxUses: number,
): Promise<JoinLink> {
  checkMaxUses(maxUses);
  const entry = await getClassLinkEntry(kv, orgId, classId, linkId);
  const changed: JoinLink = { ...entry.value, maxUses };
  await commit(kv.atomic().check(entry).set(entry.key, changed));
  return changed;
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
  const entry = await getClassLinkEntry(kv, orgId, classId, linkId);
  const link = entry.value;
  if (link.revokedAt) return link;
  const revoked: JoinLink = { ...link, revokedAt: new Date().toISOString() };
  await commit(kv.atomic().check(entry).set(entry.key, revoked));
  return revoked;
}

/**
 * Takes the people who came through a link out of its class (after `revokeJoinLink`): their
 * memberships and pending requests go, and accounts the link made that are in no other class
 * are deleted (link_accounts.ts). Returns how many were taken out and deleted.
 */
export async function removeLinkJoiners(
  kv: Deno.Kv,
  orgId: string,
  classId: string,
  linkId: string,
): Promise<{ removed: number; deleted: number }> {
  await getClassLinkEntry(kv, orgId, classId, linkId);
  const cls = await getRecord(kv, ClassSchema, ["classes", classId]);
  const joiners: Joiner[] = (await listLinkMemberIds(kv, linkId)).map((userId) => ({
    userId,
    linkId,
  }));
  return await removeJoiners(kv, classId, joiners, { staff: !!cls && invitesStaff(cls) });
}

/** The date a link expired, as the English message says it. */
function expiryDate(iso: string): string {
  return new Intl.DateTimeFormat("en", { dateStyle: "long", timeZone: "UTC" }).format(
    new Date(iso),
  );
}

/** The link of a correctly signed token, whatever its state; null for any other token. */
async function verifiedEntry(
  kv: Deno.Kv,
  secret: string,
  token: string,
): Promise<Deno.KvEntry<JoinLink> | null> {
  const m = TOKEN_RE.exec(token);
  if (!m || !equalConstantTime(m[2], await sign(secret, m[1]))) return null;
  const entry = await kv.get(linkKey(m[1]));
  if (entry.value === null) return null;
  return { ...entry, value: JoinLinkSchema.parse(entry.value) } as Deno.KvEntry<JoinLink>;
}

/**
 * The link of a correctly signed token even when it no longer takes anyone (revoked, expired,
 * full), or null: a student waiting for approval keeps their page after the teacher turned the
 * link off.
 */
export async function findJoinLink(
  kv: Deno.Kv,
  secret: string,
  token: string,
): Promise<JoinLink | null> {
  return (await verifiedEntry(kv, secret, token))?.value ?? null;
}

async function resolveEntry(
  kv: Deno.Kv,
  secret: string,
  token: string,
  now: number,
): Promise<{ entry: Deno.KvEntry<JoinLink>; cls: Class }> {
  const entry = await verifiedEntry(kv, secret, token);
  if (!entry) throw invalid();
  const link = entry.value;
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
  // A school that switched its staff workspace off: its department invites take nobody.
  if (invitesStaff(cls) && !await joinerRole(kv, cls)) throw invalid();
  if (cls.archived) {
    throw new JoinLinkError(
      "archived",
      "This class has been archived, so it no longer takes new students.",
      link.orgId,
    );
  }
  return { entry, cls };
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

/** What a join through a link came to: a membership, or a request waiting for approval. */
export type JoinOutcome = "joined" | "pending";

/** Tries to commit a use of the link; false when the link or its counter changed meanwhile. */
type Attempt = (op: Deno.AtomicOperation, link: JoinLink) => void;

const MAX_ATTEMPTS = 200;

/**
 * Commits `write` together with one use of the link, never passing its limit: the counter is
 * read and written with a check, and a commit that lost the race is tried again with the new
 * count (each lost race means another join went through, so this ends). Throws the link's
 * errors (revoked, expired, archived, full) as they are at the commit.
 */
async function commitUse(
  kv: Deno.Kv,
  secret: string,
  token: string,
  write: Attempt,
  extraChecks: (op: Deno.AtomicOperation) => Promise<boolean> = () => Promise.resolve(true),
): Promise<{ link: JoinLink; cls: Class; committed: boolean }> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const { entry, cls } = await resolveEntry(kv, secret, token, Date.now());
    const link = entry.value;
    const counter = await kv.get<Deno.KvU64>(usesKey(link.id));
    const uses = Number(counter.value?.value ?? 0n);
    if (uses >= maxUsesOf(link)) throw full(link, uses);
    const op = kv.atomic().check(entry).check(counter); // a link revoked meanwhile lets nobody in
    if (!await extraChecks(op)) return { link, cls, committed: false };
    write(op, link);
    op.set(usesKey(link.id), new Deno.KvU64(BigInt(uses + 1)));
    if ((await op.commit()).ok) return { link, cls, committed: true };
    // Lost a race: a short random pause spreads the retries of a burst.
    await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 + attempt)));
  }
  throw new AppError("conflict", "Joining did not go through. Try again.");
}

/**
 * A new student joins through a link: creates their account in the link's organization, puts
 * them in the class (or, on a link with approval, files their join request) and counts the
 * use, in one commit; then starts a device session (DEVICE_SESSION_MS), since this browser is
 * their way in: an email given here is unconfirmed (unconfirmed_emails.ts) and signs nobody in
 * until its owner proves it, and the answer is the same whether or not it has an account. The
 * password, if any, is kept for when it does.
 * 400 for invalid input, 429 past `JOIN_IP_LIMIT` for `opts.ip`, and the errors of
 * `resolveJoinToken` (409 with reason "full" when the link reached its limit).
 */
export async function joinWithLink(
  kv: Deno.Kv,
  secret: string,
  token: string,
  input: JoinInput,
  opts: { ip: string; ipLimit?: Limit },
): Promise<{ user: User; cls: Class; token: string; session: Session; outcome: JoinOutcome }> {
  const data = validateInput(JoinInputSchema, input);
  const first = await resolveEntry(kv, secret, token, Date.now());
  const staff = invitesStaff(first.cls);
  if (staff && !data.email) {
    const message = "Enter your email and a password: staff sign in with them.";
    throw new AppError("validation_failed", message, [{ path: ["email"], message }]);
  }
  const role = await joinerRole(kv, first.cls);
  if (!role) throw invalid();
  await throttleSignUps(kv, opts.ipLimit ?? JOIN_IP_LIMIT, `${first.entry.value.id}/${opts.ip}`);
  // A student may not take a teacher's name; staff are who they say (their admin invited them).
  if (!staff) await requireNameNotStaff(kv, first.entry.value.orgId, data.name);
  const email = staff ? normalizeEmail(data.email!) : undefined;
  const user = newUser({
    orgId: first.entry.value.orgId,
    name: data.name,
    email,
    role,
    joinedVia: "link",
    passwordHash: data.password ? await hashPassword(data.password) : undefined,
  });
  const emailKey = ["users_by_email", email ?? ""];
  const emailFree = async () => !email || (await kv.get(emailKey)).versionstamp === null;
  const { link, cls, committed } = await commitUse(kv, secret, token, (op, link) => {
    createUserOps(op, user);
    if (data.email && !staff) claimEmailOps(op, user.id, data.email);
    if (link.approval) {
      requestOps(op, {
        classId: link.classId,
        userId: user.id,
        linkId: link.id,
        name: user.name,
        createdAt: new Date().toISOString(),
      });
    } else {
      addMemberOps(op, link.classId, user, "student");
    }
    recordLinkMemberOps(op, link.id, link.classId, user.id, true);
  }, emailFree);
  if (!committed) {
    const message = "This email already has an account. Sign in with it, then open the link again.";
    throw new AppError("conflict", message, [{ path: ["email"], message }]);
  }
  const session = await createSession(kv, user, { ttlMs: DEVICE_SESSION_MS, kind: "device" });
  return { user, cls, ...session, outcome: link.approval ? "pending" : "joined" };
}

/**
 * Counts one sign-up (or roster claim, claims.ts) against `limit` for `id`; 429 with
 * Retry-After past it.
 */
export async function throttleSignUps(kv: Deno.Kv, limit: Limit, id: string): Promise<void> {
  // Counted first, then checked (this one included): a burst sent at once is still counted.
  await hit(kv, limit, id);
  const wait = await retryAfter(kv, { ...limit, max: limit.max + 1 }, id);
  if (wait > 0) {
    throw new AppError(
      "rate_limited",
      `Too many sign-ups from your network through this link. Try again in ${
        Math.ceil(wait / 60)
      } minute(s).`,
      undefined,
      { "retry-after": String(wait) },
    );
  }
}

/**
 * A signed-in student of the link's organization joins the class (or, on a link with
 * approval, asks to); for a department's invite, a signed-in member of staff joins the
 * department. Idempotent: a member stays as they are (a teacher is never made a student), and
 * a pending request stays pending without another use. 404 for a user of another
 * organization; 403 for staff on a class's link (admins add them to classes) and for a
 * student on a department's.
 */
export async function joinAsMember(
  kv: Deno.Kv,
  secret: string,
  token: string,
  user: User,
): Promise<{ cls: Class; outcome: JoinOutcome; changed: boolean }> {
  const { entry, cls } = await resolveEntry(kv, secret, token, Date.now());
  if (user.orgId !== entry.value.orgId) throw invalid();
  const memberKey = ["classes_by_user", user.id, cls.id];
  const requestKey = joinRequestKey(cls.id, user.id);
  const [member, request] = await kv.getMany([memberKey, requestKey]);
  if (member.versionstamp !== null) return { cls, outcome: "joined", changed: false };
  if (request.versionstamp !== null) return { cls, outcome: "pending", changed: false };
  if (!mayJoin(cls, user)) {
    throw new AppError(
      "forbidden",
      invitesStaff(cls)
        ? "This invite is for staff of the workspace."
        : "Join links are for students. Ask a school admin to add you to this class.",
    );
  }
  const done = await commitUse(kv, secret, token, (op, link) => {
    op.check({ key: memberKey, versionstamp: null });
    if (link.approval) {
      requestOps(op, {
        classId: cls.id,
        userId: user.id,
        linkId: link.id,
        name: user.name,
        createdAt: new Date().toISOString(),
      });
    } else {
      addMemberOps(op, cls.id, user, "student");
    }
    recordLinkMemberOps(op, link.id, cls.id, user.id, false);
  }, async () => {
    // A second click got there first: they are in (or waiting).
    const [m, r] = await kv.getMany([memberKey, requestKey]);
    return m.versionstamp === null && r.versionstamp === null;
  });
  if (!done.committed) {
    const now = (await kv.get(memberKey)).versionstamp !== null ? "joined" : "pending";
    return { cls, outcome: now, changed: false };
  }
  return { cls, outcome: done.link.approval ? "pending" : "joined", changed: true };
}
