/**
 * Shift rules, pure: what a shift is, when a clock-in counts for a day, and what a day's punches
 * mean (normal, late, early leave, absent, missing clock-out, outside, remote, rest, holiday).
 * Times are wall-clock times on the organization's clock, turned into instants with
 * `zonedTimeToUtc` (services/coursework/due_time.ts), so a 09:00 start is 09:00 local on the
 * days clocks change too.
 *
 * The rules, as {@link evaluateDay} applies them:
 * - A day's punches are those whose instant falls on `date` in the organization's time zone
 *   (others passed in are ignored). Overnight shifts (end before start) are refused by the
 *   schema: "The end must be after the start" (support can come when a customer needs it).
 * - A punch counts at its minute (seconds dropped), as a person reads the clock: with no grace,
 *   09:00:59 is on time and 09:01:00 is 1 minute late.
 * - A holiday (in `holidays`) or a rest day (no hours that weekday) is "holiday" / "rest",
 *   punches or not ("outside" is added when a punch there was outside); no late/early/absent.
 * - A work day with no punch: nothing yet (`results: []`, `pending: true`) until the expected
 *   end; "absent" from then on (a clock-in after the end does not count, see
 *   {@link clockInWindow}).
 * - Arrival is the first punch of the day (normally an "in"; an "out" with no "in" before it is
 *   the earliest proof of presence). Fixed: late when arrival > start + late grace, late minutes
 *   counted from the start. Flexible: late when arrival > core start.
 * - Departure is the last "out" after the arrival. Fixed: early leave when departure < end −
 *   early grace, early minutes counted to the end. Flexible: early when departure < core end or
 *   worked < the daily minimum; early minutes are the larger shortfall.
 * - Worked minutes = departure − arrival (breaks are not tracked).
 * - The day is final once the person clocked out at or after the end (less the grace; flexible:
 *   with the minimum worked) or {@link MISSING_OUT_AFTER_MIN} after the end. Until then
 *   `pending` is true and the results are those known so far. Still clocked in (the last punch
 *   is an "in") when it becomes final: "missing_clock_out".
 * - Any punch with verdict "outside" adds "outside", except on a remote day, which adds "remote"
 *   (late and early still apply; where a remote worker is does not matter).
 * - "normal" alone when the day is final and nothing above applies.
 * @module
 */
import { z } from "zod";
import { isCalendarDate, utcToZonedTime, zonedTimeToUtc } from "../coursework/due_time.ts";

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = typeof WEEKDAYS[number];

/** A clock-in counts from this long before the start of the day's shift (minutes). */
export const CLOCK_IN_OPENS_BEFORE_MIN = 240;
/** Still clocked in this long after the end: the day is final, with "missing_clock_out". */
export const MISSING_OUT_AFTER_MIN = 240;

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const time = (field: string) =>
  z.string({ error: `${field} is required (HH:MM).` })
    .regex(HHMM, `${field} must be a 24-hour time HH:MM, such as 09:00.`);
const minutesOf = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
const grace = (field: string) =>
  z.number({ error: `${field} must be a number of minutes.` })
    .int(`${field} must be whole minutes.`)
    .min(0, `${field} must be 0 to 120 minutes.`)
    .max(120, `${field} must be 0 to 120 minutes.`)
    .default(0);

const weekday = z.enum(WEEKDAYS, { error: "Use a weekday: mon, tue, wed, thu, fri, sat or sun." });
const remoteDays = z.array(weekday).default([]).refine(
  (d) => new Set(d).size === d.length,
  "A remote day is listed twice.",
);
const name = z.string({ error: "The shift needs a name." }).trim()
  .min(1, "The shift needs a name.").max(100, "The name is at most 100 characters.");

const hours = z.strictObject({ start: time("The start"), end: time("The end") }).refine(
  (h) => minutesOf(h.end) > minutesOf(h.start),
  {
    path: ["end"],
    message: "The end must be after the start (overnight shifts are not supported).",
  },
);

function perWeekday<T extends z.ZodType>(value: T) {
  return z.strictObject(
    Object.fromEntries(WEEKDAYS.map((d) => [d, value])) as Record<Weekday, T>,
    { error: "Give every weekday, mon to sun." },
  );
}

/** Fixed hours per weekday (null: a rest day), with graces in minutes. */
export const FixedShiftSchema = z.strictObject({
  kind: z.literal("fixed"),
  name,
  days: perWeekday(hours.nullable()),
  lateGraceMin: grace("The late grace"),
  earlyGraceMin: grace("The early-leave grace"),
  remoteDays,
});

/** Work days, a core window that everyone is present for, and a daily minimum. */
export const FlexibleShiftSchema = z.strictObject({
  kind: z.literal("flexible"),
  name,
  days: perWeekday(z.boolean({ error: "Say true (a work day) or false for each weekday." })),
  coreStart: time("The core start"),
  coreEnd: time("The core end"),
  minMinutes: z.number({ error: "The daily minimum must be a number of minutes." })
    .int("The daily minimum must be whole minutes.")
    .min(0, "The daily minimum must be 0 to 1440 minutes.")
    .max(1440, "The daily minimum must be 0 to 1440 minutes.")
    .default(480),
  remoteDays,
}).refine((s) => !HHMM.test(s.coreEnd) || minutesOf(s.coreEnd) > minutesOf(s.coreStart), {
  path: ["coreEnd"],
  message: "The core end must be after the core start (overnight shifts are not supported).",
});

/** A shift: `kind` "fixed" or "flexible". */
export const ShiftSchema = z.discriminatedUnion("kind", [FixedShiftSchema, FlexibleShiftSchema], {
  error: 'The kind must be "fixed" or "flexible".',
});
export type Shift = z.infer<typeof ShiftSchema>;
export type FixedShift = z.infer<typeof FixedShiftSchema>;
export type FlexibleShift = z.infer<typeof FlexibleShiftSchema>;

/** One result of a day; a day has one or more ("late" and "early_leave" together). */
export type DayResult =
  | "normal"
  | "late"
  | "early_leave"
  | "absent"
  | "missing_clock_out"
  | "outside"
  | "remote"
  | "rest"
  | "holiday";

/** A punch as the rules need it. */
export interface DayPunch {
  /** The server's time of the punch, an ISO instant. */
  at: string;
  kind: "in" | "out";
  verdict: "inside" | "outside" | "remote" | "network";
}

/** What a day's punches mean. */
export interface DayEvaluation {
  /** Empty only while pending with nothing wrong yet. */
  results: DayResult[];
  /** True while the day can still change (see the module's rules). */
  pending: boolean;
  lateMinutes: number;
  earlyMinutes: number;
  workedMinutes: number;
  firstIn?: string;
  lastOut?: string;
  /** The expected hours (flexible: the core window), absent on rest days and holidays. */
  expected?: { start: string; end: string };
}

/** The weekday of a calendar date "YYYY-MM-DD". */
export function weekdayOf(date: string): Weekday {
  const [y, m, d] = date.split("-").map(Number);
  return WEEKDAYS[(new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7];
}

/** The day's expected start and end as wall-clock times, or null on a rest day. */
function hoursOn(shift: Shift, day: Weekday): { start: string; end: string } | null {
  if (shift.kind === "fixed") return shift.days[day];
  return shift.days[day] ? { start: shift.coreStart, end: shift.coreEnd } : null;
}

function checkDate(date: string): void {
  if (!isCalendarDate(date)) throw new RangeError(`not a calendar date: ${date}`);
}

/**
 * When a clock-in counts for `date` (on the organization's clock): from
 * {@link CLOCK_IN_OPENS_BEFORE_MIN} before the start (flexible: the core start) to the end.
 * Null on a rest day. Holidays are the caller's to check (the shift does not hold them).
 */
export function clockInWindow(
  shift: Shift,
  date: string,
  timeZone: string,
): { opens: Date; start: Date; closes: Date } | null {
  checkDate(date);
  const h = hoursOn(shift, weekdayOf(date));
  if (!h) return null;
  const start = zonedTimeToUtc(date, h.start, timeZone);
  return {
    opens: new Date(start.getTime() - CLOCK_IN_OPENS_BEFORE_MIN * 60_000),
    start,
    closes: zonedTimeToUtc(date, h.end, timeZone),
  };
}

const MIN = 60_000;
const toMinute = (t: number) => Math.floor(t / MIN) * MIN;

/** What a day's punches mean under a shift; the rules are in the module's header. */
export function evaluateDay(input: {
  shift: Shift;
  date: string;
  timeZone: string;
  holidays: readonly string[];
  punches: readonly DayPunch[];
  now: Date;
}): DayEvaluation {
  const { shift, date, timeZone, now } = input;
  checkDate(date);
  const punches = input.punches
    .map((p) => ({ ...p, t: new Date(p.at).getTime() }))
    .filter((p) => Number.isFinite(p.t) && utcToZonedTime(new Date(p.t), timeZone).date === date)
    .sort((a, b) => a.t - b.t);
  const day = weekdayOf(date);
  const h = hoursOn(shift, day);
  const none: DayEvaluation = {
    results: [],
    pending: false,
    lateMinutes: 0,
    earlyMinutes: 0,
    workedMinutes: 0,
  };
  const anyOutside = punches.some((p) => p.verdict === "outside");

  const arrival = punches[0];
  const departure = arrival && punches.findLast((p) => p.kind === "out" && p.t >= arrival.t);
  const worked = departure ? Math.floor((toMinute(departure.t) - toMinute(arrival.t)) / MIN) : 0;
  const times: { firstIn?: string; lastOut?: string } = {};
  if (arrival) times.firstIn = new Date(arrival.t).toISOString();
  if (departure) times.lastOut = new Date(departure.t).toISOString();

  if (input.holidays.includes(date) || !h) {
    const results: DayResult[] = [input.holidays.includes(date) ? "holiday" : "rest"];
    if (anyOutside) results.push("outside");
    return { ...none, results, workedMinutes: worked, ...times };
  }

  const start = zonedTimeToUtc(date, h.start, timeZone).getTime();
  const end = zonedTimeToUtc(date, h.end, timeZone).getTime();
  const expected = { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
  if (!arrival) {
    return now.getTime() < end
      ? { ...none, pending: true, expected }
      : { ...none, results: ["absent"], expected };
  }

  const results: DayResult[] = [];
  const lateGrace = shift.kind === "fixed" ? shift.lateGraceMin : 0;
  const earlyGrace = shift.kind === "fixed" ? shift.earlyGraceMin : 0;
  const lateBy = Math.max(0, Math.floor((toMinute(arrival.t) - start) / MIN));
  const lateMinutes = lateBy > lateGrace ? lateBy : 0;
  if (lateMinutes) results.push("late");

  const clockedIn = punches[punches.length - 1].kind === "in" || !departure;
  let earlyMinutes = 0;
  if (!clockedIn) {
    const beforeEnd = Math.max(0, Math.floor((end - toMinute(departure.t)) / MIN));
    if (beforeEnd > earlyGrace) earlyMinutes = beforeEnd;
    if (shift.kind === "flexible") earlyMinutes = Math.max(earlyMinutes, shift.minMinutes - worked);
    if (earlyMinutes) results.push("early_leave");
  }
  const complete = !clockedIn && earlyMinutes === 0;
  const pending = !complete && now.getTime() < end + MISSING_OUT_AFTER_MIN * MIN;
  if (clockedIn && !pending) results.push("missing_clock_out");
  if (shift.remoteDays.includes(day)) results.push("remote");
  else if (anyOutside) results.push("outside");
  if (!pending && results.length === 0) results.push("normal");
  return { results, pending, lateMinutes, earlyMinutes, workedMinutes: worked, ...times, expected };
}
