/**
 * Makeup requests (补卡): an employee asks for a punch they missed, with a reason; a manager
 * of their department (or a workspace admin) approves or rejects it with a note. The request is
 * the general shape of model.ts (kind, requester, payload, status, decision) so that the
 * approvals engine can take it over.
 *
 * Rules (from the settings): at most `makeupPerMonth` requests per person for the days of one
 * calendar month (pending and approved ones count; rejected ones give the place back), and
 * only for a day at most `makeupDeadlineDays` days ago (today included). The limit is held by
 * `["makeup_month", userId, month]` (the ids counted), checked in the request's own commit, so
 * two requests sent at once cannot both take the last place.
 *
 * Approval writes, in ONE commit: the punch (source "makeup"), a Correction (after: the
 * punch), the request's decision; the requester is notified in the same commit. Rejection
 * writes the decision and the notice.
 * @module
 */
import { z } from "zod";
import { commit, newId } from "../db/kv.ts";
import { isCalendarDate, zonedTimeToUtc } from "../coursework/due_time.ts";
import { notifyOps } from "../notifications/notifications.ts";
import type { Actor } from "../web/define.ts";
import { AppError } from "../web/errors.ts";
import { requireManager, workspaceAccess } from "../workspace/access.ts";
import { correctionKey, requireManagesPerson } from "./corrections.ts";
import { dayOf, getClockinSettings } from "./days.ts";
import {
  type Correction,
  CorrectionSchema,
  type MakeupRequest,
  MakeupRequestSchema,
  type Punch,
  PunchSchema,
} from "./model.ts";

/** What an employee sends. */
export const MakeupInputSchema = z.strictObject({
  day: z.string().refine(isCalendarDate, "Use a date YYYY-MM-DD."),
  punchKind: z.enum(["in", "out"], { error: 'The punch is "in" or "out".' }),
  /** The time of the missed punch on the organization's clock, HH:MM. */
  at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Use a 24-hour time HH:MM."),
  reason: z.string({ error: "Give a reason." }).trim().min(1, "Give a reason.")
    .max(500, "The reason is at most 500 characters."),
});
export type MakeupInput = z.infer<typeof MakeupInputSchema>;

/** A manager's decision. */
export const MakeupDecisionSchema = z.strictObject({
  note: z.string().trim().max(500, "The note is at most 500 characters.").optional(),
});

const requestKey = (id: string): Deno.KvKey => ["makeup_requests", id];
const monthKey = (userId: string, month: string): Deno.KvKey => ["makeup_month", userId, month];

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

const bad = (path: string, message: string) =>
  new AppError("validation_failed", message, [{ path: [path], message }]);

/**
 * Files a makeup request for the asker (see the module doc): 403 when clock-in is off, 400 for
 * a day in the future or past the deadline, 409 when the month's limit is used up.
 */
export async function requestMakeup(
  kv: Deno.Kv,
  actor: Actor,
  input: MakeupInput,
  now = new Date(),
): Promise<MakeupRequest> {
  const { org } = await workspaceAccess(kv, actor);
  const settings = await getClockinSettings(kv, org.id);
  if (!settings.enabled) {
    throw new AppError("forbidden", "Clock-in is not switched on for your organization.");
  }
  const today = dayOf(now, org.timeZone);
  const at = zonedTimeToUtc(input.day, input.at, org.timeZone);
  if (input.day > today) throw bad("day", "The day is in the future.");
  if (at > now) throw bad("at", "The time is in the future.");
  const ago = daysBetween(input.day, today);
  if (ago > settings.makeupDeadlineDays) {
    throw bad(
      "day",
      `Makeup requests can be made up to ${settings.makeupDeadlineDays} days after the day; ` +
        `${input.day} was ${ago} days ago.`,
    );
  }
  const month = input.day.slice(0, 7);
  const counted = await kv.get<string[]>(monthKey(actor.user.id, month));
  const ids = counted.value ?? [];
  if (ids.length >= settings.makeupPerMonth) {
    throw new AppError(
      "conflict",
      `You have used all ${settings.makeupPerMonth} makeup requests for ${month}.`,
      [{ path: ["day"], message: `The limit is ${settings.makeupPerMonth} a month.` }],
    );
  }
  const request: MakeupRequest = MakeupRequestSchema.parse({
    id: newId(),
    orgId: org.id,
    kind: "makeup",
    requesterId: actor.user.id,
    payload: {
      day: input.day,
      punchKind: input.punchKind,
      at: at.toISOString(),
      reason: input.reason,
    },
    status: "pending",
    createdAt: now.toISOString(),
  });
  await commit(
    kv.atomic()
      .check(counted)
      .set(monthKey(actor.user.id, month), [...ids, request.id])
      .set(requestKey(request.id), request)
      .set(["makeup_by_org", org.id, request.id], request.id)
      .set(["makeup_by_user", actor.user.id, request.id], request.id),
    "Another request was filed at the same moment. Try again.",
  );
  return request;
}

/** Reads one request of the asker's organization (404 otherwise). */
async function getRequest(kv: Deno.Kv, orgId: string, id: string) {
  const entry = await kv.get<MakeupRequest>(requestKey(id));
  if (!entry.value || entry.value.orgId !== orgId) {
    throw new AppError("not_found", "Request not found");
  }
  return { entry, request: MakeupRequestSchema.parse(entry.value) };
}

/**
 * Approves or rejects a pending request (see the module doc). 404 for another organization's
 * request, 403 for a manager who does not manage the requester (or for deciding one's own),
 * 409 when it was already decided.
 */
export async function decideMakeup(
  kv: Deno.Kv,
  actor: Actor,
  id: string,
  decision: "approved" | "rejected",
  note?: string,
  now = new Date(),
): Promise<MakeupRequest> {
  const access = await requireManager(kv, actor);
  const { entry, request } = await getRequest(kv, access.org.id, id);
  const requester = await requireManagesPerson(kv, access, request.requesterId);
  if (requester.id === actor.user.id && access.role !== "admin") {
    throw new AppError("forbidden", "Your own request is decided by another manager.");
  }
  if (request.status !== "pending") {
    throw new AppError("conflict", `This request was already ${request.status}.`);
  }
  const decided: MakeupRequest = {
    ...request,
    status: decision,
    decidedById: actor.user.id,
    decidedAt: now.toISOString(),
    ...(note ? { decisionNote: note } : {}),
  };
  const op = kv.atomic().check(entry).set(requestKey(id), decided);
  const { day, punchKind } = request.payload;
  if (decision === "approved") {
    const punch: Punch = PunchSchema.parse({
      id: newId(),
      orgId: request.orgId,
      userId: request.requesterId,
      day,
      at: request.payload.at,
      kind: punchKind,
      verdict: "inside",
      remark: request.payload.reason,
      flags: [],
      source: "makeup",
    });
    const correction: Correction = CorrectionSchema.parse({
      id: newId(),
      orgId: request.orgId,
      userId: request.requesterId,
      day,
      byId: actor.user.id,
      byName: actor.user.name,
      at: now.toISOString(),
      reason: note ? `${request.payload.reason} (${note})` : request.payload.reason,
      after: punch,
    });
    const key = ["punches", request.orgId, day, request.requesterId, punch.id];
    op.check({ key, versionstamp: null }).set(key, punch)
      .set(correctionKey(request.orgId, request.requesterId, correction.id), correction);
  } else {
    // A rejected request gives its place in the month's limit back.
    const mk = monthKey(request.requesterId, day.slice(0, 7));
    const counted = await kv.get<string[]>(mk);
    op.check(counted).set(mk, (counted.value ?? []).filter((x) => x !== id));
  }
  notifyOps(op, request.requesterId, {
    kind: "clockin",
    title: `Your makeup request for ${day} was ${decision} by ${actor.user.name}`,
    body: note ?? "",
    link: `/workspace/clockin/makeup?month=${day.slice(0, 7)}`,
  }, now);
  await commit(op, "This request was changed at the same moment. Reload and try again.");
  return decided;
}

/** A person's requests for the days of `month` ("YYYY-MM"), newest first. */
export async function listMyMakeups(
  kv: Deno.Kv,
  userId: string,
  month?: string,
): Promise<MakeupRequest[]> {
  const ids: string[] = [];
  for await (
    const e of kv.list<string>({ prefix: ["makeup_by_user", userId] }, { reverse: true })
  ) {
    ids.push(e.value);
  }
  const all = await readMany(kv, ids);
  return month ? all.filter((r) => r.payload.day.startsWith(month)) : all;
}

async function readMany(kv: Deno.Kv, ids: string[]): Promise<MakeupRequest[]> {
  const out: MakeupRequest[] = [];
  for (let i = 0; i < ids.length; i += 10) {
    for (const e of await kv.getMany(ids.slice(i, i + 10).map(requestKey))) {
      if (e.value) out.push(MakeupRequestSchema.parse(e.value));
    }
  }
  return out;
}

/**
 * The pending requests the asker may decide (their departments' people; admins: all), oldest
 * first, with the requester's name.
 */
export async function listPendingMakeups(
  kv: Deno.Kv,
  actor: Actor,
  limit = 200,
): Promise<(MakeupRequest & { requesterName: string })[]> {
  const access = await requireManager(kv, actor);
  const ids: string[] = [];
  for await (const e of kv.list<string>({ prefix: ["makeup_by_org", access.org.id] })) {
    ids.push(e.value);
  }
  const pending = (await readMany(kv, ids)).filter((r) => r.status === "pending");
  const out: (MakeupRequest & { requesterName: string })[] = [];
  for (const r of pending) {
    if (out.length >= limit) break;
    try {
      const person = await requireManagesPerson(kv, access, r.requesterId);
      if (person.id === actor.user.id && access.role !== "admin") continue;
      out.push({ ...r, requesterName: person.name });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
    }
  }
  return out;
}

/** One request, for its requester or a manager who may decide it. */
export async function getMakeup(kv: Deno.Kv, actor: Actor, id: string): Promise<MakeupRequest> {
  const access = await workspaceAccess(kv, actor);
  const { request } = await getRequest(kv, access.org.id, id);
  if (request.requesterId !== actor.user.id) {
    await requireManagesPerson(kv, access, request.requesterId);
  }
  return request;
}
