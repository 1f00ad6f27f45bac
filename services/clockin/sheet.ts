/**
 * The monthly attendance sheet: one person's days × results with the month's totals (late
 * minutes, early minutes, absences, remote days, outside punches), and a department's month as
 * a CSV download.
 *
 * The CSV has ONE ROW PER PERSON-DAY (days of the month up to today) and, after each person's
 * days, a totals row (its date cell says "Total" in the asker's language), so a spreadsheet
 * can filter days or totals alike. Headers and result names are in the asker's language;
 * times are HH:MM on the organization's clock. It is streamed person by person: the month's
 * punches are read first (one prefix scan of the organization per day, kept as a few fields
 * per punch), then rows are written in chunks as the reader pulls. Cells go through `toCsv`,
 * which neutralizes formula starts (= + - @ TAB CR), and the file starts with `CSV_BOM`.
 * @module
 */
import type { Class } from "../classes/classes.ts";
import { CSV_BOM, toCsv } from "../csv/csv.ts";
import { utcToZonedTime } from "../coursework/due_time.ts";
import type { Translate } from "../i18n/i18n.ts";
import { departmentLabel, departmentTree } from "../workspace/departments.ts";
import {
  dayOf,
  daysOfMonth,
  getClockinSettings,
  judgeDay,
  listPersonPunches,
  loadShiftBook,
  membersOf,
  type PersonDay,
  shiftFor,
  userDepartments,
} from "./days.ts";
import type { Punch } from "./model.ts";
import { weekdayOf } from "./shifts.ts";

/** The month's totals for one person. */
export interface MonthTotals {
  lateMinutes: number;
  lateDays: number;
  earlyMinutes: number;
  earlyDays: number;
  absences: number;
  remoteDays: number;
  outsidePunches: number;
  missingClockOuts: number;
  workedMinutes: number;
}

/** Adds one day to running totals. */
export function addDay(t: MonthTotals, d: PersonDay): MonthTotals {
  const ev = d.evaluation;
  t.outsidePunches += d.punches.filter((p) => !p.undoneAt && p.verdict === "outside").length;
  if (!ev) return t;
  t.lateMinutes += ev.lateMinutes;
  t.earlyMinutes += ev.earlyMinutes;
  t.workedMinutes += ev.workedMinutes;
  if (ev.results.includes("late")) t.lateDays++;
  if (ev.results.includes("early_leave")) t.earlyDays++;
  if (ev.results.includes("absent")) t.absences++;
  if (ev.results.includes("remote")) t.remoteDays++;
  if (ev.results.includes("missing_clock_out")) t.missingClockOuts++;
  return t;
}

/** Totals of nothing. */
export function emptyTotals(): MonthTotals {
  return {
    lateMinutes: 0,
    lateDays: 0,
    earlyMinutes: 0,
    earlyDays: 0,
    absences: 0,
    remoteDays: 0,
    outsidePunches: 0,
    missingClockOuts: 0,
    workedMinutes: 0,
  };
}

/** The days of `month` that have begun by `now` on the organization's clock. */
export function daysSoFar(month: string, timeZone: string, now: Date): string[] {
  const today = dayOf(now, timeZone);
  return daysOfMonth(month).filter((d) => d <= today);
}

/** One person's month: each day so far with its punches and results, and the totals. */
export async function personMonth(
  kv: Deno.Kv,
  org: { id: string; timeZone: string },
  departments: Class[],
  userId: string,
  month: string,
  now = new Date(),
): Promise<{ days: PersonDay[]; totals: MonthTotals }> {
  const [settings, book, mine] = await Promise.all([
    getClockinSettings(kv, org.id),
    loadShiftBook(kv, org.id),
    userDepartments(kv, userId, departments),
  ]);
  const shift = shiftFor(book, departments, userId, mine);
  const ctx = { timeZone: org.timeZone, holidays: settings.holidays, now };
  const list = daysSoFar(month, org.timeZone, now);
  const punches = await Promise.all(list.map((d) => listPersonPunches(kv, org.id, d, userId)));
  const days = list.map((d, i) => judgeDay(userId, d, punches[i], shift, ctx));
  return { days, totals: days.reduce(addDay, emptyTotals()) };
}

/** The columns of the CSV, as message keys (headers in the asker's language). */
export const SHEET_COLUMNS = [
  "clockin.sheet.col.name",
  "clockin.sheet.col.email",
  "clockin.sheet.col.department",
  "clockin.sheet.col.date",
  "clockin.sheet.col.weekday",
  "clockin.sheet.col.results",
  "clockin.sheet.col.firstIn",
  "clockin.sheet.col.lastOut",
  "clockin.sheet.col.workedMin",
  "clockin.sheet.col.lateMin",
  "clockin.sheet.col.earlyMin",
  "clockin.sheet.col.absent",
  "clockin.sheet.col.remote",
  "clockin.sheet.col.outsidePunches",
  "clockin.sheet.col.flags",
] as const;

/** People per chunk of the CSV stream. */
const PEOPLE_PER_CHUNK = 50;

/** What the CSV keeps of a punch while the month is written. */
type Slim = Pick<Punch, "at" | "kind" | "verdict" | "flags" | "undoneAt">;

/**
 * A department's month as CSV (see the module doc), streamed. `departmentIds` are the
 * departments covered (the caller checked the asker manages them).
 */
export function departmentMonthCsv(
  kv: Deno.Kv,
  org: { id: string; timeZone: string },
  departments: Class[],
  departmentIds: Iterable<string>,
  month: string,
  t: Translate,
  locale: string,
  now = new Date(),
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let people: [string, { name: string; email?: string; deptIds: string[] }][] | undefined;
  let next = 0;
  let days: string[] = [];
  let byDay: Map<string, Slim[]>[] = [];
  let write: (userId: string, p: { name: string; email?: string; deptIds: string[] }) => string;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!people) {
        const [settings, book, members] = await Promise.all([
          getClockinSettings(kv, org.id),
          loadShiftBook(kv, org.id),
          membersOf(kv, departmentIds),
        ]);
        const collator = new Intl.Collator(locale, { numeric: true, sensitivity: "base" });
        people = [...members].sort((a, b) => collator.compare(a[1].name, b[1].name));
        days = daysSoFar(month, org.timeZone, now);
        byDay = [];
        for (const d of days) {
          const m = new Map<string, Slim[]>();
          for await (const e of kv.list<Punch>({ prefix: ["punches", org.id, d] })) {
            const userId = e.key[3] as string;
            if (!members.has(userId)) continue;
            const { at, kind, verdict, flags, undoneAt } = e.value;
            const slim: Slim = { at, kind, verdict, flags, undoneAt };
            const list = m.get(userId);
            if (list) list.push(slim);
            else m.set(userId, [slim]);
          }
          byDay.push(m);
        }
        const tree = departmentTree(departments, locale);
        const ctx = { timeZone: org.timeZone, holidays: settings.holidays, now };
        const clock = (iso?: string) => iso ? utcToZonedTime(iso, org.timeZone).time : "";
        const result = (r: string) => t(`clockin.result.${r}` as "clockin.result.normal");
        write = (userId, p) => {
          const shift = shiftFor(book, departments, userId, p.deptIds);
          const dept = p.deptIds.map((id) => departmentLabel(tree, id) ?? "").join("; ");
          const totals = emptyTotals();
          const rows: unknown[][] = [];
          days.forEach((d, i) => {
            const punches = ((byDay[i].get(userId) ?? []) as Punch[])
              .sort((a, b) => a.at.localeCompare(b.at));
            const day = judgeDay(userId, d, punches, shift, ctx);
            addDay(totals, day);
            const ev = day.evaluation;
            const counting = punches.filter((x) => !x.undoneAt);
            rows.push([
              p.name,
              p.email,
              dept,
              d,
              t(`clockin.weekday.${weekdayOf(d)}` as "clockin.weekday.mon"),
              (ev?.results ?? []).map(result).join("; "),
              clock(ev?.firstIn),
              clock(ev?.lastOut),
              ev?.workedMinutes ?? 0,
              ev?.lateMinutes ?? 0,
              ev?.earlyMinutes ?? 0,
              ev?.results.includes("absent") ? 1 : 0,
              ev?.results.includes("remote") ? 1 : 0,
              counting.filter((x) => x.verdict === "outside").length,
              [...new Set(counting.flatMap((x) => x.flags))]
                .map((f) => t(`clockin.flag.${f}` as "clockin.flag.speed")).join("; "),
            ]);
          });
          rows.push([
            p.name,
            p.email,
            dept,
            t("clockin.sheet.total"),
            "",
            "",
            "",
            "",
            totals.workedMinutes,
            totals.lateMinutes,
            totals.earlyMinutes,
            totals.absences,
            totals.remoteDays,
            totals.outsidePunches,
            "",
          ]);
          return toCsv(rows);
        };
        controller.enqueue(encoder.encode(CSV_BOM + toCsv([SHEET_COLUMNS.map((k) => t(k))])));
        return;
      }
      if (next >= people.length) {
        controller.close();
        return;
      }
      let chunk = "";
      for (const [userId, p] of people.slice(next, next + PEOPLE_PER_CHUNK)) {
        chunk += write(userId, p);
      }
      next += PEOPLE_PER_CHUNK;
      controller.enqueue(encoder.encode(chunk));
    },
  }, { highWaterMark: 1 });
}
