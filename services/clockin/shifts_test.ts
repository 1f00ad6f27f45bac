import assert from "node:assert/strict";
import {
  clockInWindow,
  type DayPunch,
  evaluateDay,
  type Shift,
  ShiftSchema,
  weekdayOf,
} from "./shifts.ts";

const nine = { start: "09:00", end: "18:00" };
const weekdays = (h: typeof nine | null) => ({
  mon: h,
  tue: h,
  wed: h,
  thu: h,
  fri: h,
  sat: null,
  sun: null,
});
const office: Shift = ShiftSchema.parse({
  kind: "fixed",
  name: "Office",
  days: weekdays(nine),
  lateGraceMin: 5,
  earlyGraceMin: 0,
  remoteDays: ["fri"],
});
const everyDay: Shift = ShiftSchema.parse({
  kind: "fixed",
  name: "Every day",
  days: { ...weekdays(nine), sat: nine, sun: nine },
});
const flex: Shift = ShiftSchema.parse({
  kind: "flexible",
  name: "Flex",
  days: { mon: true, tue: true, wed: true, thu: true, fri: true, sat: false, sun: false },
  coreStart: "10:00",
  coreEnd: "16:00",
  minMinutes: 480,
});

const inAt = (at: string, verdict: DayPunch["verdict"] = "inside"): DayPunch => ({
  at,
  kind: "in",
  verdict,
});
const outAt = (at: string, verdict: DayPunch["verdict"] = "inside"): DayPunch => ({
  at,
  kind: "out",
  verdict,
});

// 2026-11-02 is a Monday; Seoul is UTC+9 all year: 09:00 KST = 00:00Z.
const SEOUL = "Asia/Seoul";
const evening = new Date("2026-11-02T23:00:00Z");
const seoulDay = (punches: DayPunch[], now = evening, shift = office, date = "2026-11-02") =>
  evaluateDay({ shift, date, timeZone: SEOUL, holidays: ["2026-12-25"], punches, now });

Deno.test("[clockin shifts] the schema names the field and refuses overnight shifts", () => {
  assert.equal(office.kind === "fixed" && office.earlyGraceMin, 0);
  assert.deepEqual(flex.remoteDays, []);
  const bad: [unknown, string, RegExp][] = [
    [
      { kind: "fixed", name: "X", days: weekdays({ start: "22:00", end: "06:00" }) },
      "days.mon.end",
      /overnight/,
    ],
    [
      { kind: "fixed", name: "X", days: weekdays({ start: "9:00", end: "18:00" }) },
      "days.mon.start",
      /HH:MM/,
    ],
    [
      { kind: "fixed", name: "X", days: weekdays(nine), lateGraceMin: 121 },
      "lateGraceMin",
      /0 to 120/,
    ],
    [
      { kind: "fixed", name: "X", days: weekdays(nine), earlyGraceMin: 2.5 },
      "earlyGraceMin",
      /whole minutes/,
    ],
    [{ kind: "fixed", name: " ", days: weekdays(nine) }, "name", /needs a name/],
    [{ kind: "fixed", name: "X", days: { mon: nine } }, "days.tue", /./],
    [
      { kind: "fixed", name: "X", days: weekdays(nine), remoteDays: ["fri", "fri"] },
      "remoteDays",
      /twice/,
    ],
    [
      { kind: "fixed", name: "X", days: weekdays(nine), remoteDays: ["friday"] },
      "remoteDays.0",
      /weekday/,
    ],
    [{ ...flex, coreEnd: "09:00" }, "coreEnd", /after the core start/],
    [{ ...flex, minMinutes: 2000 }, "minMinutes", /0 to 1440/],
    [{ ...flex, days: { ...flex.days, sun: "yes" } }, "days.sun", /true/],
    [{ kind: "shift", name: "X" }, "kind", /fixed.*flexible/],
  ];
  for (const [input, path, message] of bad) {
    const r = ShiftSchema.safeParse(input);
    assert.equal(r.success, false, JSON.stringify(input));
    const issue = r.error!.issues.find((i) => i.path.join(".") === path);
    assert.ok(issue, `${path}: ${JSON.stringify(r.error!.issues)}`);
    assert.match(issue.message, message);
  }
});

Deno.test("[clockin shifts] a fixed day in Seoul: normal, late, early leave, both", () => {
  assert.equal(weekdayOf("2026-11-02"), "mon");
  const normal = seoulDay([inAt("2026-11-02T00:05:59Z"), outAt("2026-11-02T09:00:00Z")]);
  assert.deepEqual(normal.results, ["normal"]);
  assert.equal(normal.pending, false);
  assert.equal(normal.lateMinutes, 0);
  assert.equal(normal.workedMinutes, 535);
  assert.deepEqual(normal.expected, {
    start: "2026-11-02T00:00:00.000Z",
    end: "2026-11-02T09:00:00.000Z",
  });
  assert.equal(normal.firstIn, "2026-11-02T00:05:59.000Z");
  // 6 minutes past 09:00 is beyond the 5-minute grace: late by 6, counted from the start.
  const late = seoulDay([inAt("2026-11-02T00:06:00Z"), outAt("2026-11-02T08:30:00Z")]);
  assert.deepEqual(late.results, ["late", "early_leave"]);
  assert.equal(late.lateMinutes, 6);
  assert.equal(late.earlyMinutes, 30);
  // Several punches: the first is the arrival, the last out the departure.
  const many = seoulDay([
    outAt("2026-11-02T09:10:00Z"),
    inAt("2026-11-02T04:00:00Z"),
    inAt("2026-11-01T23:55:00Z"),
    outAt("2026-11-02T03:00:00Z"),
  ]);
  assert.deepEqual(many.results, ["normal"]);
  assert.equal(many.firstIn, "2026-11-01T23:55:00.000Z");
  assert.equal(many.lastOut, "2026-11-02T09:10:00.000Z");
  // A punch of another day is not this day's.
  assert.deepEqual(seoulDay([inAt("2026-11-01T14:00:00Z")]).results, ["absent"]);
});

Deno.test("[clockin shifts] absent, pending and missing clock-out follow `now`", () => {
  const before = seoulDay([], new Date("2026-11-01T22:00:00Z"));
  assert.deepEqual([before.results, before.pending], [[], true]);
  const during = seoulDay([], new Date("2026-11-02T08:59:00Z"));
  assert.deepEqual([during.results, during.pending], [[], true]);
  const after = seoulDay([], new Date("2026-11-02T09:00:00Z"));
  assert.deepEqual([after.results, after.pending], [["absent"], false]);
  const working = seoulDay([inAt("2026-11-02T00:01:00Z")], new Date("2026-11-02T05:00:00Z"));
  assert.deepEqual([working.results, working.pending], [[], true]);
  const lateSoFar = seoulDay([inAt("2026-11-02T01:00:00Z")], new Date("2026-11-02T05:00:00Z"));
  assert.deepEqual([lateSoFar.results, lateSoFar.pending], [["late"], true]);
  const stillIn = seoulDay([inAt("2026-11-02T00:01:00Z")], new Date("2026-11-02T12:59:00Z"));
  assert.equal(stillIn.pending, true);
  const forgot = seoulDay([inAt("2026-11-02T00:01:00Z")], new Date("2026-11-02T13:00:00Z"));
  assert.deepEqual([forgot.results, forgot.pending], [["missing_clock_out"], false]);
  assert.equal(forgot.workedMinutes, 0);
  // Out for lunch, back in, never out again.
  const lunch = seoulDay([
    inAt("2026-11-02T00:00:00Z"),
    outAt("2026-11-02T03:00:00Z"),
    inAt("2026-11-02T04:00:00Z"),
  ]);
  assert.deepEqual(lunch.results, ["missing_clock_out"]);
  // Left early, may come back: early so far, pending until 4 h after the end.
  const left = seoulDay(
    [inAt("2026-11-02T00:00:00Z"), outAt("2026-11-02T06:00:00Z")],
    new Date("2026-11-02T07:00:00Z"),
  );
  assert.deepEqual([left.results, left.pending, left.earlyMinutes], [["early_leave"], true, 180]);
});

Deno.test("[clockin shifts] outside, remote days, rest days and holidays", () => {
  const outside = seoulDay([
    inAt("2026-11-02T00:00:00Z", "outside"),
    outAt("2026-11-02T09:00:00Z"),
  ]);
  assert.deepEqual(outside.results, ["outside"]);
  // Friday 2026-11-06 is a remote day: remote, and late still applies; outside does not.
  const remote = seoulDay(
    [inAt("2026-11-06T00:30:00Z", "remote"), outAt("2026-11-06T09:00:00Z", "outside")],
    new Date("2026-11-06T23:00:00Z"),
    office,
    "2026-11-06",
  );
  assert.deepEqual(remote.results, ["late", "remote"]);
  assert.equal(remote.lateMinutes, 30);
  const rest = seoulDay([], new Date("2026-11-08T23:00:00Z"), office, "2026-11-07");
  assert.deepEqual([rest.results, rest.expected], [["rest"], undefined]);
  const restWork = seoulDay(
    [inAt("2026-11-07T01:00:00Z", "outside"), outAt("2026-11-07T03:00:00Z")],
    new Date("2026-11-08T00:00:00Z"),
    office,
    "2026-11-07",
  );
  assert.deepEqual([restWork.results, restWork.workedMinutes], [["rest", "outside"], 120]);
  // 2026-12-25 is a Friday on the holiday list: a holiday, not absent, not remote.
  const xmas = seoulDay([], new Date("2026-12-26T00:00:00Z"), office, "2026-12-25");
  assert.deepEqual(xmas.results, ["holiday"]);
  assert.equal(clockInWindow(office, "2026-11-07", SEOUL), null);
  assert.throws(() => seoulDay([], evening, office, "2026-02-30"), RangeError);
});

Deno.test("[clockin shifts] flexible: the core window and the daily minimum", () => {
  // Shanghai, UTC+8 all year: core 10:00–16:00 = 02:00Z–08:00Z on Monday 2026-11-02.
  const day = (punches: DayPunch[]) =>
    evaluateDay({
      shift: flex,
      date: "2026-11-02",
      timeZone: "Asia/Shanghai",
      holidays: [],
      punches,
      now: new Date("2026-11-03T00:00:00Z"),
    });
  const full = day([inAt("2026-11-02T00:30:00Z"), outAt("2026-11-02T08:30:00Z")]);
  assert.deepEqual([full.results, full.workedMinutes], [["normal"], 480]);
  assert.deepEqual(full.expected, {
    start: "2026-11-02T02:00:00.000Z",
    end: "2026-11-02T08:00:00.000Z",
  });
  const short = day([inAt("2026-11-02T01:00:00Z"), outAt("2026-11-02T08:30:00Z")]);
  assert.deepEqual([short.results, short.earlyMinutes], [["early_leave"], 30]);
  const lateCore = day([inAt("2026-11-02T02:01:00Z"), outAt("2026-11-02T11:00:00Z")]);
  assert.deepEqual([lateCore.results, lateCore.lateMinutes], [["late"], 1]);
  const leftCore = day([inAt("2026-11-02T00:00:00Z"), outAt("2026-11-02T07:00:00Z")]);
  assert.deepEqual([leftCore.results, leftCore.earlyMinutes], [["early_leave"], 60]);
  // Only an out (the in was missed): that out is the arrival and the departure.
  const onlyOut = day([outAt("2026-11-02T09:00:00Z")]);
  assert.deepEqual(onlyOut.results, ["late", "early_leave"]);
});

Deno.test("[clockin shifts] 09:00 stays 09:00 local across DST (New York, Berlin)", () => {
  const ny = "America/New_York";
  // Spring forward, Sunday 2026-03-08: 09:00 EDT is 13:00Z (the day before, EST, 14:00Z).
  assert.equal(
    clockInWindow(everyDay, "2026-03-07", ny)!.start.toISOString(),
    "2026-03-07T14:00:00.000Z",
  );
  const spring = clockInWindow(everyDay, "2026-03-08", ny)!;
  assert.equal(spring.start.toISOString(), "2026-03-08T13:00:00.000Z");
  assert.equal(spring.opens.toISOString(), "2026-03-08T09:00:00.000Z"); // 05:00 EDT, 4 h before
  assert.equal(spring.closes.toISOString(), "2026-03-08T22:00:00.000Z");
  const onTime = evaluateDay({
    shift: everyDay,
    date: "2026-03-08",
    timeZone: ny,
    holidays: [],
    punches: [inAt("2026-03-08T13:00:30Z"), outAt("2026-03-08T22:00:00Z")],
    now: new Date("2026-03-09T12:00:00Z"),
  });
  assert.deepEqual([onTime.results, onTime.workedMinutes], [["normal"], 540]);
  // Fall back, Sunday 2026-11-01: 09:00 EST is 14:00Z; 13:30Z (08:30 EST) is early, not late.
  const fall = evaluateDay({
    shift: everyDay,
    date: "2026-11-01",
    timeZone: ny,
    holidays: [],
    punches: [inAt("2026-11-01T14:10:00Z"), outAt("2026-11-01T23:00:00Z")],
    now: new Date("2026-11-02T12:00:00Z"),
  });
  assert.deepEqual([fall.results, fall.lateMinutes], [["late"], 10]);
  assert.equal(fall.expected!.start, "2026-11-01T14:00:00.000Z");
  // A start inside the spring gap (02:30 does not exist) moves forward by the gap: 03:30 EDT.
  const gap = ShiftSchema.parse({
    ...everyDay,
    days: { ...everyDay.days, sun: { start: "02:30", end: "10:00" } },
  });
  assert.equal(
    clockInWindow(gap, "2026-03-08", ny)!.start.toISOString(),
    "2026-03-08T07:30:00.000Z",
  );
  // Berlin springs forward on 2026-03-29: 09:00 CEST = 07:00Z, the day before 08:00Z.
  assert.equal(
    clockInWindow(everyDay, "2026-03-28", "Europe/Berlin")!.start.toISOString(),
    "2026-03-28T08:00:00.000Z",
  );
  assert.equal(
    clockInWindow(everyDay, "2026-03-29", "Europe/Berlin")!.start.toISOString(),
    "2026-03-29T07:00:00.000Z",
  );
  assert.equal(
    clockInWindow(everyDay, "2026-10-25", "Europe/Berlin")!.start.toISOString(),
    "2026-10-25T08:00:00.000Z",
  );
});

Deno.test("[clockin shifts] dates built from now work the same way", () => {
  // Next Monday after today, in Seoul: no punches before its end is pending, after it absent.
  const now = new Date();
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 7));
  while (d.getUTCDay() !== 1) d.setUTCDate(d.getUTCDate() + 1);
  const date = d.toISOString().slice(0, 10);
  const w = clockInWindow(office, date, SEOUL)!;
  assert.equal(w.start.toISOString(), `${date}T00:00:00.000Z`);
  const at = (t: Date) =>
    evaluateDay({ shift: office, date, timeZone: SEOUL, holidays: [], punches: [], now: t });
  assert.equal(at(now).pending, true);
  assert.deepEqual(at(new Date(w.closes.getTime() + 1)).results, ["absent"]);
});
