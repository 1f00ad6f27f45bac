/**
 * Due times: a wall-clock date and time in the school's time zone, and the UTC instant it
 * means (DST included), without a date library: Intl gives the zone's offsets.
 * @module
 */
import { z } from "zod";

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock time in `timeZone` at instant `t`, read from Intl (slow: ~6 µs). */
function wallClockIntl(t: number, timeZone: string): number {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(t))) {
    if (part.type !== "literal") p[part.type] = Number(part.value);
  }
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
}

/**
 * Offsets are read once per zone and quarter hour: zones change their offset only at quarter
 * hours (since the early 20th century; older local-mean-time changes may be off by minutes
 * inside their quarter), so a month's sheet of thousands of punches asks Intl a few thousand
 * times instead of hundreds of thousands.
 */
const QUARTER_MS = 15 * 60_000;
const offsets = new Map<string, Map<number, number>>();

/** The wall-clock time in `timeZone` at instant `t`, as if that wall clock were UTC (ms). */
function wallClock(t: number, timeZone: string): number {
  let zone = offsets.get(timeZone);
  if (!zone) offsets.set(timeZone, zone = new Map());
  const q = Math.floor(t / QUARTER_MS);
  let offset = zone.get(q);
  if (offset === undefined) {
    if (zone.size > 200_000) zone.clear();
    offset = wallClockIntl(q * QUARTER_MS, timeZone) - q * QUARTER_MS;
    zone.set(q, offset);
  }
  return Math.floor(t / 1000) * 1000 + offset;
}

/** The zone's offset from UTC at instant `t`, in ms (Asia/Seoul: +9 h). */
export function zoneOffsetMs(t: number, timeZone: string): number {
  return wallClock(t, timeZone) - Math.floor(t / 1000) * 1000;
}

/**
 * The UTC instant of a wall-clock date ("YYYY-MM-DD") and time ("HH:MM") in `timeZone`.
 * Like Temporal's "compatible" rule: a time that happens twice (clocks go back) is the earlier
 * one; a time that does not exist (clocks go forward) moves forward by the gap.
 */
export function zonedTimeToUtc(date: string, time: string, timeZone: string): Date {
  // A shift's start is asked for once per person and day: the answers are kept (pure).
  const key = `${timeZone} ${date} ${time}`;
  const known = instants.get(key);
  if (known !== undefined) return new Date(known);
  if (instants.size > 100_000) instants.clear();
  const t = zonedTimeToUtcMs(date, time, timeZone);
  instants.set(key, t);
  return new Date(t);
}

const instants = new Map<string, number>();

function zonedTimeToUtcMs(date: string, time: string, timeZone: string): number {
  const [y, m, d] = date.split("-").map(Number);
  const [h, min] = time.split(":").map(Number);
  const local = Date.UTC(y, m - 1, d, h, min);
  // The offsets a day before and after cover the one transition that can be near.
  const before = zoneOffsetMs(local - DAY_MS, timeZone);
  const after = zoneOffsetMs(local + DAY_MS, timeZone);
  const fits = [...new Set([before, after])]
    .map((o) => local - o)
    .filter((t) => wallClock(t, timeZone) === local);
  return fits.length ? Math.min(...fits) : local - before;
}

/** The wall-clock date and time of an instant in `timeZone`. */
export function utcToZonedTime(instant: string | Date, timeZone: string): Due {
  const iso = new Date(wallClock(new Date(instant).getTime(), timeZone)).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
}

/** True for a real calendar date "YYYY-MM-DD" (no 2026-02-30). */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d;
}

/** A due date and time on the school's wall clock. */
export const DueSchema = z.strictObject({
  date: z.string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "Use the form YYYY-MM-DD.")
    .refine(isCalendarDate, "This date does not exist.")
    .refine((s) => s >= "2000-01-01" && s <= "2999-12-31", "The year must be 2000 to 2999."),
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Use the form HH:MM (24-hour)."),
});
export type Due = z.infer<typeof DueSchema>;
