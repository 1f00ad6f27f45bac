/**
 * The department's monthly clock-in CSV at scale: 2,000 employees in one department, each with
 * a clock-in and a clock-out on every work day of last month (some late, some outside), written
 * straight into a file-backed KV. Times `departmentMonthCsv` consumed to the end (BOM, headers,
 * a row per person-day and a totals row per person) and samples RSS during it.
 * Prints `BENCH month_sheet_2k_s=` (goal ≤ 3 s), its rows, size and peak RSS; then
 * `board_2k_ms=`: one read of the board of those 2,000 on a day (what each 15 s poll costs).
 * Run by `deno task bench clockin`, or directly: `deno run -A scripts/bench/_clockin_sheet.ts`.
 * @module
 */
import { createClass } from "@/services/classes/classes.ts";
import { zonedTimeToUtc } from "@/services/coursework/due_time.ts";
import { commit, newId } from "@/services/db/kv.ts";
import { addDays, dayOf, daysOfMonth } from "@/services/clockin/days.ts";
import { ClockinSettingsSchema, type Punch } from "@/services/clockin/model.ts";
import { departmentMonthCsv } from "@/services/clockin/sheet.ts";
import { type Shift, weekdayOf } from "@/services/clockin/shifts.ts";
import { translator } from "@/services/i18n/i18n.ts";
import { createOrg } from "@/services/orgs/orgs.ts";
import { createUser, newUser } from "@/services/orgs/users.ts";
import type { Actor } from "@/services/web/define.ts";
import { readBoard } from "@/services/clockin/board.ts";
import { measure, withFileKv } from "./_lib.ts";

const PEOPLE = 2_000;
const TZ = "Asia/Seoul";
const hours = { start: "09:00", end: "18:00" };
const SHIFT: Shift = {
  kind: "fixed",
  name: "Office",
  days: { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours, sat: null, sun: null },
  lateGraceMin: 5,
  earlyGraceMin: 0,
  remoteDays: [],
};

/** Seeds the company and its month, then measures the CSV; prints `BENCH` lines. */
export async function benchClockinSheet(): Promise<void> {
  await withFileKv("clockin-sheet", async (kv) => {
    const org = await createOrg(kv, {
      name: "Bench Co",
      kind: "company",
      slug: `bench-co-${newId().slice(-6).toLowerCase()}`,
      timeZone: TZ,
    });
    const dept = await createClass(kv, org.id, { name: "Operations", kind: "department" });
    const shiftId = newId();
    await commit(
      kv.atomic()
        .set(["clock_shifts", org.id, shiftId], { id: shiftId, orgId: org.id, shift: SHIFT })
        .set(["clock_shift_assign", org.id, "org", org.id], shiftId)
        .set(["clockin_settings", org.id], ClockinSettingsSchema.parse({ enabled: true })),
    );
    // Last month on the organization's clock: every day of it is over.
    const firstOfThis = `${dayOf(new Date(), TZ).slice(0, 7)}-01`;
    const month = addDays(firstOfThis, -1).slice(0, 7);
    const workDays = daysOfMonth(month).filter((d) => SHIFT.days[weekdayOf(d)] !== null);
    let op = kv.atomic();
    let n = 0;
    const flush = async (force = false) => {
      if (n >= 400 || (force && n)) {
        await commit(op);
        op = kv.atomic();
        n = 0;
      }
    };
    const ids: string[] = [];
    for (let i = 0; i < PEOPLE; i++) {
      const userId = newId();
      ids.push(userId);
      op.set(["class_members", dept.id, userId], {
        userId,
        classId: dept.id,
        role: "student",
        name: `Employee ${String(i + 1).padStart(4, "0")}`,
        email: `e${i + 1}@bench.example`,
        addedAt: new Date().toISOString(),
      });
      n++;
      await flush();
    }
    let punches = 0;
    for (const [i, userId] of ids.entries()) {
      for (const [j, day] of workDays.entries()) {
        if ((i + j) % 23 === 0) continue; // an absence now and then
        const late = (i * 7 + j) % 11 === 0 ? 17 : 0;
        for (
          const [kind, time] of [["in", `08:${String(40 + late).padStart(2, "0")}`], [
            "out",
            "18:05",
          ]] as const
        ) {
          const punch: Punch = {
            id: newId(),
            orgId: org.id,
            userId,
            day,
            at: zonedTimeToUtc(day, time, TZ).toISOString(),
            kind,
            verdict: (i + j) % 13 === 0 ? "outside" : "inside",
            label: { kind: "site", siteName: "HQ", distanceM: 40, accuracyM: 12 },
            flags: [],
            source: "tap",
          };
          op.set(["punches", org.id, day, userId, punch.id], punch);
          n++;
          punches++;
          await flush();
        }
      }
    }
    await flush(true);

    const t = translator("en");
    const { result, seconds, peakMb } = await measure(async () => {
      let bytes = 0;
      let lines = 0;
      const reader = departmentMonthCsv(kv, org, [dept], [dept.id], month, t, "en").getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        bytes += value.byteLength;
        lines += decoder.decode(value, { stream: true }).split("\r\n").length - 1;
      }
      return { bytes, lines };
    });
    console.log(`BENCH month_sheet_2k_s=${seconds.toFixed(2)} s`);
    console.log(`BENCH month_sheet_2k_rows=${result.lines - 1} rows`);
    console.log(`BENCH month_sheet_2k_punches=${punches} punches`);
    console.log(`BENCH month_sheet_2k_mb=${(result.bytes / 1048576).toFixed(1)} MB`);
    console.log(`BENCH month_sheet_2k_peak_rss_mb=${peakMb.toFixed(0)} MB`);

    // The board of the same 2,000 on a day of that month, as a manager's island polls it.
    const admin = await createUser(kv, newUser({ orgId: org.id, name: "Admin", role: "admin" }));
    const actor = { user: admin, session: {} } as unknown as Actor;
    const day = workDays[Math.floor(workDays.length / 2)];
    const end = zonedTimeToUtc(day, "20:00", TZ);
    await readBoard(kv, actor, { day }, end); // warm
    const started = performance.now();
    const rounds = 5;
    let board;
    for (let i = 0; i < rounds; i++) board = await readBoard(kv, actor, { day }, end);
    const ms = (performance.now() - started) / rounds;
    console.log(`BENCH board_2k_ms=${ms.toFixed(0)} ms (${board!.counts.total} people, one page)`);
  });
}

if (import.meta.main) await benchClockinSheet();
