/**
 * Corrections of someone's clock-in day by a manager: add a missed punch, or take one out (it
 * stays stored, marked `undoneAt`, and no longer counts), always with a reason. The punch
 * change and its Correction {who, when, before, after, reason} are ONE atomic commit, and the
 * person is told. The change history is read by the manager's monthly sheet and by the person
 * (`GET /api/v1/clockin/me` includes `listCorrections`).
 *
 * Who may correct: a workspace admin, or a manager of one of the person's departments (or a
 * department above it). Another organization's person is 404.
 * @module
 */
import { z } from "zod";
import { commit, newId } from "../db/kv.ts";
import { isCalendarDate, zonedTimeToUtc } from "../coursework/due_time.ts";
import { notifyOps } from "../notifications/notifications.ts";
import { getOrgUser, type User } from "../orgs/users.ts";
import type { Actor } from "../web/define.ts";
import { AppError, forbidden } from "../web/errors.ts";
import { requireManager, type WorkspaceAccess } from "../workspace/access.ts";
import { dayOf, userDepartments } from "./days.ts";
import { type Correction, CorrectionSchema, type Punch, PunchSchema } from "./model.ts";

const reason = z.string({ error: "Give a reason." }).trim().min(1, "Give a reason.")
  .max(500, "The reason is at most 500 characters.");
const day = z.string().refine(isCalendarDate, "Use a date YYYY-MM-DD.");

/** A correction as asked for: add a punch at a time of the day, or take one out. */
export const CorrectionInputSchema = z.discriminatedUnion("action", [
  z.strictObject({
    action: z.literal("add"),
    userId: z.string().min(1).max(40),
    day,
    kind: z.enum(["in", "out"]),
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Use a 24-hour time HH:MM."),
    reason,
  }),
  z.strictObject({
    action: z.literal("remove"),
    userId: z.string().min(1).max(40),
    day,
    punchId: z.string().min(1).max(40),
    reason,
  }),
], { error: 'The action must be "add" or "remove".' });
export type CorrectionInput = z.infer<typeof CorrectionInputSchema>;

/** The key of a correction. */
export const correctionKey = (orgId: string, userId: string, id: string): Deno.KvKey => [
  "punch_corrections",
  orgId,
  userId,
  id,
];

/**
 * The person, if the asker may correct or decide for them (404 another org's, 403 not managed).
 */
export async function requireManagesPerson(
  kv: Deno.Kv,
  access: WorkspaceAccess,
  userId: string,
): Promise<User> {
  const person = await getOrgUser(kv, access.org.id, userId);
  if (person.role === "student") throw new AppError("not_found", "Member not found");
  if (access.role === "admin") return person;
  const mine = await userDepartments(kv, person.id, access.departments);
  if (!mine.some((id) => access.managed.has(id))) {
    throw forbidden("Only this person's managers and workspace admins can do this.");
  }
  return person;
}

/** Adds the writes of a correction (and the person's notice) to `op`. */
export function correctionOps(
  op: Deno.AtomicOperation,
  c: Correction,
  now: Date,
): Deno.AtomicOperation {
  op.set(correctionKey(c.orgId, c.userId, c.id), CorrectionSchema.parse(c));
  return notifyOps(op, c.userId, {
    kind: "clockin",
    title: `Your clock-in for ${c.day} was corrected by ${c.byName}`,
    body: c.reason,
    link: `/workspace/clockin/makeup?month=${c.day.slice(0, 7)}`,
  }, now);
}

/**
 * Corrects a person's day (see the module doc). 400 for a day or time in the future, 404 for
 * a punch that is not theirs on that day, 409 for one already taken out or a concurrent change.
 */
export async function correctDay(
  kv: Deno.Kv,
  actor: Actor,
  input: CorrectionInput,
  now = new Date(),
): Promise<Correction> {
  const access = await requireManager(kv, actor);
  const person = await requireManagesPerson(kv, access, input.userId);
  const { org } = access;
  if (input.day > dayOf(now, org.timeZone)) {
    throw new AppError("validation_failed", "The day is in the future.", [
      { path: ["day"], message: "The day is in the future." },
    ]);
  }
  const base = {
    id: newId(),
    orgId: org.id,
    userId: person.id,
    day: input.day,
    byId: actor.user.id,
    byName: actor.user.name,
    at: now.toISOString(),
    reason: input.reason,
  };
  if (input.action === "add") {
    const at = zonedTimeToUtc(input.day, input.time, org.timeZone);
    if (at > now) {
      throw new AppError("validation_failed", "The time is in the future.", [
        { path: ["time"], message: "The time is in the future." },
      ]);
    }
    const punch: Punch = PunchSchema.parse({
      id: newId(),
      orgId: org.id,
      userId: person.id,
      day: input.day,
      at: at.toISOString(),
      kind: input.kind,
      verdict: "inside",
      remark: input.reason,
      flags: [],
      source: "correction",
    });
    const c: Correction = { ...base, after: punch };
    const key = ["punches", org.id, input.day, person.id, punch.id];
    await commit(
      correctionOps(kv.atomic().check({ key, versionstamp: null }).set(key, punch), c, now),
    );
    return c;
  }
  const key = ["punches", org.id, input.day, person.id, input.punchId];
  const entry = await kv.get<Punch>(key);
  if (!entry.value) throw new AppError("not_found", "Punch not found");
  const before = PunchSchema.parse(entry.value);
  if (before.undoneAt) throw new AppError("conflict", "This punch already does not count.");
  const after: Punch = { ...before, undoneAt: now.toISOString() };
  const c: Correction = { ...base, before, after };
  await commit(correctionOps(kv.atomic().check(entry).set(key, after), c, now));
  return c;
}

/** A person's corrections of the days of `month` ("YYYY-MM"), oldest first. */
export async function listCorrections(
  kv: Deno.Kv,
  orgId: string,
  userId: string,
  month: string,
): Promise<Correction[]> {
  const out: Correction[] = [];
  for await (const e of kv.list({ prefix: ["punch_corrections", orgId, userId] })) {
    const c = CorrectionSchema.parse(e.value);
    if (c.day.startsWith(month)) out.push(c);
  }
  return out.sort((a, b) => a.at.localeCompare(b.at));
}
