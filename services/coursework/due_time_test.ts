import assert from "node:assert/strict";
import { utcToZonedTime, zonedTimeToUtc } from "./due_time.ts";

Deno.test("[time zones] wall-clock times become the right UTC instants", () => {
  const cases: [string, string, string, string][] = [
    ["2026-12-01", "09:00", "Asia/Seoul", "2026-12-01T00:00:00.000Z"],
    ["2026-01-01", "00:30", "Asia/Seoul", "2025-12-31T15:30:00.000Z"],
    ["2026-07-01", "12:00", "UTC", "2026-07-01T12:00:00.000Z"],
    ["2026-07-01", "12:00", "Europe/London", "2026-07-01T11:00:00.000Z"],
    ["2026-01-15", "12:00", "Europe/London", "2026-01-15T12:00:00.000Z"],
    ["2026-06-01", "08:00", "America/New_York", "2026-06-01T12:00:00.000Z"],
    ["2026-12-01", "08:00", "America/New_York", "2026-12-01T13:00:00.000Z"],
    ["2026-03-08", "01:59", "America/New_York", "2026-03-08T06:59:00.000Z"],
    ["2026-03-08", "03:00", "America/New_York", "2026-03-08T07:00:00.000Z"],
    // 02:30 does not exist that night (clocks jump 02:00 -> 03:00): moved forward by the gap.
    ["2026-03-08", "02:30", "America/New_York", "2026-03-08T07:30:00.000Z"],
    // 01:30 happens twice (clocks go 02:00 -> 01:00): the earlier one, still daylight time.
    ["2026-11-01", "01:30", "America/New_York", "2026-11-01T05:30:00.000Z"],
    ["2026-10-04", "02:30", "Australia/Sydney", "2026-10-03T16:30:00.000Z"],
    ["2026-04-05", "02:30", "Australia/Sydney", "2026-04-04T15:30:00.000Z"],
    ["2026-06-01", "10:00", "Asia/Kolkata", "2026-06-01T04:30:00.000Z"],
  ];
  for (const [date, time, tz, iso] of cases) {
    assert.equal(zonedTimeToUtc(date, time, tz).toISOString(), iso, `${date} ${time} ${tz}`);
  }
  assert.deepEqual(utcToZonedTime("2026-12-01T00:00:00.000Z", "Asia/Seoul"), {
    date: "2026-12-01",
    time: "09:00",
  });
  assert.deepEqual(utcToZonedTime("2026-11-01T06:30:00.000Z", "America/New_York"), {
    date: "2026-11-01",
    time: "01:30",
  });
});
