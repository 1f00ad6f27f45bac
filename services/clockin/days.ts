/**
 * A person's clock-in day and a department's, as the manager's board, the monthly sheet and
 * its CSV read them: the punches that count (not undone) judged by `evaluateDay` with the
 * person's shift, the organization's time zone and its holidays.
 *
 * Reads are shaped for whole departments: one `["punches", orgId, day]` prefix scan serves the
 * whole organization's day, the shift assignments and shifts are read once
 * (`loadShiftBook`), and a department's people come from one scan of each department's
 * members. A person's shift is theirs, else their nearest department's (walking up the
 * parents), else the organization's (shift_store.ts `resolveShiftIn`).
 * @module
 */
import type { Class } from "../classes/classes.ts";
import type { ClassMember } from "../classes/members.ts";
import { utcToZonedTime } from "../coursework/due_time.ts";
import { type Punch, PunchSchema } from "./model.ts";
import { getClockinSettings } from "./settings.ts";
import { loadShiftBook, resolveShiftIn, type ShiftBook } from "./shift_store.ts";
import { type DayEvaluation, evaluateDay, type Shift } from "./shifts.ts";

export { getClockinSettings, loadShiftBook };

/** A person's shift from a book read once (shift_store.ts `resolveShiftIn`); null: none. */
export function shiftFor(
  book: ShiftBook,
  departments: readonly Class[],
  userId: string,
  deptIds: readonly string[],
): Shift | null {
  return resolveShiftIn(book, departments, userId, deptIds)?.shift ?? null;
}

/** Whether a punch counts (the person did not undo it, no correction took it out). */
export function counts(p: Punch): boolean {
  return !p.undoneAt;
}

/** Every punch of one person's day (undone ones too), oldest first. */
export async function listPersonPunches(
  kv: Deno.Kv,
  orgId: string,
  day: string,
  userId: string,
): Promise<Punch[]> {
  const out: Punch[] = [];
  for await (const e of kv.list({ prefix: ["punches", orgId, day, userId] })) {
    out.push(PunchSchema.parse(e.value));
  }
  return out.sort((a, b) => a.at.localeCompare(b.at));
}

/** Every punch of an organization's day, by person (one prefix scan), oldest first. */
export async function listOrgDayPunches(
  kv: Deno.Kv,
  orgId: string,
  day: string,
): Promise<Map<string, Punch[]>> {
  const byUser = new Map<string, Punch[]>();
  for await (const e of kv.list<Punch>({ prefix: ["punches", orgId, day] })) {
    const userId = e.key[3] as string;
    const list = byUser.get(userId);
    if (list) list.push(e.value);
    else byUser.set(userId, [e.value]);
  }
  for (const list of byUser.values()) list.sort((a, b) => a.at.localeCompare(b.at));
  return byUser;
}

/** One person's day: their punches and what they mean (null without a shift). */
export interface PersonDay {
  userId: string;
  day: string;
  /** Every punch, undone ones too (they are shown struck out). */
  punches: Punch[];
  evaluation: DayEvaluation | null;
}

/** What the rules need beside the punches. */
export interface DayContext {
  timeZone: string;
  holidays: readonly string[];
  now: Date;
}

/** Judges one person's punches of `day` under `shift`. */
export function judgeDay(
  userId: string,
  day: string,
  punches: Punch[],
  shift: Shift | null,
  ctx: DayContext,
): PersonDay {
  const evaluation = shift
    ? evaluateDay({
      shift,
      date: day,
      timeZone: ctx.timeZone,
      holidays: ctx.holidays,
      punches: punches.filter(counts),
      now: ctx.now,
    })
    : null;
  return { userId, day, punches, evaluation };
}

/** Who is in each of `departmentIds`: person -> their departments there, with display names. */
export async function membersOf(
  kv: Deno.Kv,
  departmentIds: Iterable<string>,
): Promise<Map<string, { name: string; email?: string; deptIds: string[] }>> {
  const out = new Map<string, { name: string; email?: string; deptIds: string[] }>();
  for (const id of departmentIds) {
    for await (const e of kv.list<ClassMember>({ prefix: ["class_members", id] })) {
      const m = e.value;
      const had = out.get(m.userId);
      if (had) had.deptIds.push(id);
      else out.set(m.userId, { name: m.name, email: m.email, deptIds: [id] });
    }
  }
  return out;
}

/**
 * One person's day, read on its own: their punches of `day`, their shift, the organization's
 * clock and holidays.
 */
export async function personDay(
  kv: Deno.Kv,
  org: { id: string; timeZone: string },
  departments: Class[],
  userId: string,
  day: string,
  now = new Date(),
): Promise<PersonDay> {
  const [settings, book, punches, mine] = await Promise.all([
    getClockinSettings(kv, org.id),
    loadShiftBook(kv, org.id),
    listPersonPunches(kv, org.id, day, userId),
    userDepartments(kv, userId, departments),
  ]);
  return judgeDay(userId, day, punches, shiftFor(book, departments, userId, mine), {
    timeZone: org.timeZone,
    holidays: settings.holidays,
    now,
  });
}

/** The departments (of `departments`) that a person belongs to. */
export async function userDepartments(
  kv: Deno.Kv,
  userId: string,
  departments: Class[],
): Promise<string[]> {
  const ids = new Set(departments.map((d) => d.id));
  const out: string[] = [];
  for await (const e of kv.list({ prefix: ["classes_by_user", userId] })) {
    const id = e.key[2] as string;
    if (ids.has(id)) out.push(id);
  }
  return out;
}

/**
 * The day of every person in `departmentIds` (and the departments below them, when the
 * caller passes them in): one scan of the organization's punches of `day`, grouped by person.
 */
export async function departmentDay(
  kv: Deno.Kv,
  org: { id: string; timeZone: string },
  departments: Class[],
  departmentIds: Iterable<string>,
  day: string,
  now = new Date(),
): Promise<(PersonDay & { name: string; email?: string; deptIds: string[] })[]> {
  const [settings, book, people, punches] = await Promise.all([
    getClockinSettings(kv, org.id),
    loadShiftBook(kv, org.id),
    membersOf(kv, departmentIds),
    listOrgDayPunches(kv, org.id, day),
  ]);
  const ctx = { timeZone: org.timeZone, holidays: settings.holidays, now };
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  return [...people].map(([userId, p]) => ({
    ...judgeDay(
      userId,
      day,
      punches.get(userId) ?? [],
      shiftFor(book, departments, userId, p.deptIds),
      ctx,
    ),
    ...p,
  })).sort((a, b) => collator.compare(a.name, b.name) || a.userId.localeCompare(b.userId));
}

/** The organization's calendar day of an instant, "YYYY-MM-DD". */
export function dayOf(instant: Date | string, timeZone: string): string {
  return utcToZonedTime(instant, timeZone).date;
}

/** The days of a month "YYYY-MM", in order. */
export function daysOfMonth(month: string): string[] {
  const [y, m] = month.split("-").map(Number);
  const n = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return Array.from({ length: n }, (_, i) => `${month}-${String(i + 1).padStart(2, "0")}`);
}

/** The calendar day `n` days after `day` ("YYYY-MM-DD"). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}
