/**
 * Clock-in (打卡) records and their keys: one place for the schemas every clock-in module
 * reads and writes (settings, sites, shifts, punches, corrections, makeup requests). The rules
 * are pure modules beside it (geo.ts, places.ts, shifts.ts).
 *
 * Keys:
 * - `["clockin_settings", orgId]` ClockinSettings (absent: clock-in off, the defaults below).
 * - `["clock_sites", orgId, siteId]` Site.
 * - `["clock_shifts", orgId, shiftId]` StoredShift; `["clock_shift_assign", orgId, "org"|
 *   "dept"|"user", id]` -> shiftId (a person's shift: theirs, else their nearest department's,
 *   walking up, else the organization's).
 * - `["punches", orgId, day, userId, punchId]` Punch (`day` is "YYYY-MM-DD" on the
 *   organization's clock: a day's board is one prefix scan; a person's day one more level).
 * - `["punch_last", userId]` the person's latest punch (the speed and device checks read it with
 *   the session, in one read).
 * - `["punch_minutes", userId, minute]` -> punchId (minute = floor(ms / 60000)): a second
 *   punch in the same minute answers the first one (idempotent); kept a day.
 * - `["punches_by_expiry", expiresAtMs, orgId, day, userId, punchId]` the retention sweep:
 *   raw coordinates are dropped there, the label stays.
 * - `["punch_corrections", orgId, userId, correctionId]` Correction (the change history the
 *   person sees too).
 * - `["makeup_requests", id]` MakeupRequest, `["makeup_by_org", orgId, id]`,
 *   `["makeup_by_user", userId, id]`; `["makeup_month", userId, "YYYY-MM"]` -> the ids that
 *   count against the month's limit (makeup.ts; checked in the request's commit).
 * - Reminders before a shift (reminders.ts): `["clockin_reminder_days", orgId, day]` (the day
 *   is planned), `["clockin_reminders_sent", orgId, day, userId]` (reminded once); 3 days each.
 * @module
 */
import { z } from "zod";
import { ACCURACY_LIMIT_DEFAULT_M, RADIUS_MAX_M, RADIUS_MIN_M } from "./geo.ts";
import { ShiftSchema } from "./shifts.ts";

/** An organization's clock-in settings (off until an admin switches it on). */
export const ClockinSettingsSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** Opening the page inside the window and inside a site clocks in without a tap (极速打卡). */
  quick: z.boolean().default(false),
  /** A reading less accurate than this (metres) is refused. */
  accuracyLimitM: z.number().int().min(10).max(10_000).default(ACCURACY_LIMIT_DEFAULT_M),
  /** Days the raw coordinates are kept before only the label remains. */
  retentionDays: z.number().int().min(1).max(3650).default(30),
  /** An outside punch needs a remark. */
  outsideRemark: z.boolean().default(true),
  /** An outside punch's photo: not asked, optional, or required. */
  outsidePhoto: z.enum(["off", "optional", "required"]).default("optional"),
  /** Makeup requests a person may make in a calendar month. */
  makeupPerMonth: z.number().int().min(0).max(31).default(3),
  /** How many days after a missed punch a makeup request may still be made. */
  makeupDeadlineDays: z.number().int().min(1).max(90).default(7),
  /** Minutes before the shift starts that a reminder goes to who has not clocked in (0: none). */
  reminderMinutes: z.number().int().min(0).max(240).default(10),
  /** Days off for everyone, "YYYY-MM-DD" on the organization's clock. */
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Use YYYY-MM-DD.")).max(400)
    .default([]),
});
export type ClockinSettings = z.infer<typeof ClockinSettingsSchema>;

/** Settings for an organization that has saved none. */
export const DEFAULT_CLOCKIN_SETTINGS: ClockinSettings = ClockinSettingsSchema.parse({});

/** A place people clock in at. */
export const SiteSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  name: z.string().trim().min(1).max(120),
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  radiusM: z.number().int().min(RADIUS_MIN_M).max(RADIUS_MAX_M),
  /** Office networks (normalised CIDR ranges): a punch from one counts as on site. */
  networks: z.array(z.string()).max(50),
  /** Who the site is for; both empty: everyone of the organization. */
  departmentIds: z.array(z.string()).max(500),
  userIds: z.array(z.string()).max(5000),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Site = z.infer<typeof SiteSchema>;

/** A shift as stored: the rules' shift with its id. */
export const StoredShiftSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  shift: ShiftSchema,
});
export type StoredShift = z.infer<typeof StoredShiftSchema>;

/** How a punch's place was judged: the accuracy circle against the sites, or the network. */
export const PunchVerdictSchema = z.enum(["inside", "outside", "remote", "network"]);
export type PunchVerdict = z.infer<typeof PunchVerdictSchema>;

/** What a punch's position is called (places.ts `describePosition`), kept after retention. */
export const PositionLabelSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("site"),
    siteName: z.string(),
    distanceM: z.number(),
    accuracyM: z.number(),
  }),
  z.object({
    kind: z.literal("place"),
    name: z.string(),
    country: z.string(),
    distanceM: z.number(),
    accuracyM: z.number(),
  }),
  z.object({ kind: z.literal("unknown"), accuracyM: z.number() }),
  /** On the office network, no position taken. */
  z.object({ kind: z.literal("network"), siteName: z.string() }),
]);

/** Why a punch is shown to the manager as suspect. */
export const PunchFlagSchema = z.enum(["speed", "device"]);

/** One clock-in or clock-out. Times are the server's, never the device's. */
export const PunchSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  userId: z.string(),
  /** The organization's calendar day of `at`. */
  day: z.string(),
  /** The server's time, ISO. */
  at: z.string(),
  kind: z.enum(["in", "out"]),
  verdict: PunchVerdictSchema,
  /** The site decided inside (or nearest). */
  siteId: z.string().optional(),
  label: PositionLabelSchema.optional(),
  /** Raw reading; dropped by the retention sweep. */
  lat: z.number().optional(),
  lng: z.number().optional(),
  accuracy: z.number().optional(),
  remark: z.string().max(500).optional(),
  photoFileId: z.string().optional(),
  /** A hash of the device cookie (not the device itself). */
  device: z.string().optional(),
  flags: z.array(PunchFlagSchema),
  source: z.enum(["tap", "quick", "makeup", "correction"]),
  /** Set when the person undid a quick clock-in (the punch no longer counts). */
  undoneAt: z.string().optional(),
  /** When the raw reading was reduced to the label. */
  reducedAt: z.string().optional(),
});
export type Punch = z.infer<typeof PunchSchema>;

/** A correction of someone's day, kept for them and their managers to see. */
export const CorrectionSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  userId: z.string(),
  day: z.string(),
  byId: z.string(),
  byName: z.string(),
  at: z.string(),
  reason: z.string().max(500),
  /** The punch before and after (absent: added / removed). */
  before: PunchSchema.optional(),
  after: PunchSchema.optional(),
});
export type Correction = z.infer<typeof CorrectionSchema>;

/**
 * A makeup request (补卡): a general request (kind, requester, payload, decision) so that the
 * approvals engine can take it over; its payload says which punch is asked for.
 */
export const MakeupRequestSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  kind: z.literal("makeup"),
  requesterId: z.string(),
  payload: z.object({
    day: z.string(),
    punchKind: z.enum(["in", "out"]),
    /** The time asked for, ISO. */
    at: z.string(),
    reason: z.string().min(1).max(500),
  }),
  status: z.enum(["pending", "approved", "rejected", "withdrawn"]),
  createdAt: z.string(),
  decidedById: z.string().optional(),
  decidedAt: z.string().optional(),
  decisionNote: z.string().max(500).optional(),
});
export type MakeupRequest = z.infer<typeof MakeupRequestSchema>;
