import assert from "node:assert/strict";
import {
  attendanceStatus,
  clipAndUnion,
  type Interval,
  mergeInterval,
  personFigures,
  totalMs,
} from "./attendance.ts";

const MIN = 60_000;
const rules = { lateAfterMinutes: 10, minPresentPercent: 50 };

Deno.test("[attendance] union of intervals clipped to the window", async (t) => {
  const cases: {
    name: string;
    intervals: { joinedAt: number; leftAt?: number }[];
    from: number;
    to: number;
    spans: [number, number][];
  }[] = [
    { name: "nothing", intervals: [], from: 0, to: 100, spans: [] },
    {
      name: "one inside",
      intervals: [{ joinedAt: 10, leftAt: 20 }],
      from: 0,
      to: 100,
      spans: [[10, 20]],
    },
    {
      name: "overlapping and nested merge",
      intervals: [
        { joinedAt: 30, leftAt: 50 },
        { joinedAt: 10, leftAt: 40 },
        { joinedAt: 12, leftAt: 15 },
      ],
      from: 0,
      to: 100,
      spans: [[10, 50]],
    },
    {
      name: "touching merge, gaps stay",
      intervals: [{ joinedAt: 10, leftAt: 20 }, { joinedAt: 20, leftAt: 30 }, {
        joinedAt: 40,
        leftAt: 45,
      }],
      from: 0,
      to: 100,
      spans: [[10, 30], [40, 45]],
    },
    {
      name: "clipped at both ends",
      intervals: [{ joinedAt: -50, leftAt: 20 }, { joinedAt: 90, leftAt: 500 }],
      from: 0,
      to: 100,
      spans: [[0, 20], [90, 100]],
    },
    {
      name: "open interval runs to the end",
      intervals: [{ joinedAt: 60 }],
      from: 0,
      to: 100,
      spans: [[60, 100]],
    },
    {
      name: "wholly outside is dropped",
      intervals: [{ joinedAt: 200, leftAt: 300 }, { joinedAt: -20, leftAt: -10 }],
      from: 0,
      to: 100,
      spans: [],
    },
    {
      name: "zero-length is dropped",
      intervals: [{ joinedAt: 50, leftAt: 50 }],
      from: 0,
      to: 100,
      spans: [],
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const spans = clipAndUnion(c.intervals, c.from, c.to);
      assert.deepEqual(spans.map((s) => [s.start, s.end]), c.spans);
      assert.equal(totalMs(spans), c.spans.reduce((n, [a, b]) => n + b - a, 0));
    });
  }
});

Deno.test("[attendance] status thresholds and their boundaries", async (t) => {
  const opened = 1_000_000;
  const hour = 60 * MIN;
  const cases: [string, number | undefined, number, string][] = [
    ["never joined", undefined, 0, "absent"],
    ["on time, all along", opened, hour, "present"],
    ["joined before the opening", opened - 5 * MIN, hour, "present"],
    ["exactly at the late threshold is on time", opened + 10 * MIN, 50 * MIN, "present"],
    ["one ms past the late threshold", opened + 10 * MIN + 1, 50 * MIN - 1, "late"],
    ["exactly the minimum share is enough", opened, 30 * MIN, "present"],
    ["just under the minimum share", opened, 30 * MIN - 1, "absent"],
    ["late and too short is absent", opened + 40 * MIN, 20 * MIN, "absent"],
  ];
  for (const [name, firstJoinAt, presentMs, want] of cases) {
    await t.step(`${name} -> ${want}`, () => {
      assert.equal(
        attendanceStatus({ rules, openedAt: opened, durationMs: hour, firstJoinAt, presentMs }),
        want,
      );
    });
  }
  await t.step("0 % and 0 minutes: any join counts, only a first-minute join is on time", () => {
    const r = { lateAfterMinutes: 0, minPresentPercent: 0 };
    const at = (firstJoinAt: number) =>
      attendanceStatus({ rules: r, openedAt: opened, durationMs: hour, firstJoinAt, presentMs: 0 });
    assert.equal(at(opened), "present");
    assert.equal(at(opened + 1), "late");
  });
  await t.step("100 %: a minute missing is absent", () => {
    const r = { lateAfterMinutes: 10, minPresentPercent: 100 };
    const s = (presentMs: number) =>
      attendanceStatus({
        rules: r,
        openedAt: opened,
        durationMs: hour,
        firstJoinAt: opened,
        presentMs,
      });
    assert.equal(s(hour), "present");
    assert.equal(s(hour - MIN), "absent");
  });
  await t.step("connected to a live lecture: not absent by the share rule", () => {
    const input = {
      rules,
      openedAt: opened,
      durationMs: hour,
      firstJoinAt: opened,
      presentMs: MIN,
    };
    assert.equal(attendanceStatus(input), "absent");
    assert.equal(attendanceStatus({ ...input, online: true }), "present");
    assert.equal(
      attendanceStatus({ ...input, firstJoinAt: opened + hour / 2, online: true }),
      "late",
    );
  });
  await t.step("a lecture that just opened (no duration yet): joining is enough", () => {
    assert.equal(
      attendanceStatus({
        rules,
        openedAt: opened,
        durationMs: 0,
        firstJoinAt: opened,
        presentMs: 0,
      }),
      "present",
    );
  });
});

Deno.test("[attendance] merging what events say is order-independent and idempotent", () => {
  const joined = { joinedAt: 100, role: "student" as const };
  const left = { joinedAt: 100, leftAt: 500, role: "student" as const };
  const leftNoJoin = { leftAt: 500, role: "student" as const };
  const inferred = { leftAt: 900, inferred: true, role: "student" as const };
  const patches = [joined, left, leftNoJoin, inferred, joined, left];
  const want: Interval = { joinedAt: 100, leftAt: 500, role: "student" };
  // Every permutation of a few patches gives the same record.
  const perms = (xs: typeof patches): (typeof patches)[] =>
    xs.length <= 1
      ? [xs]
      : xs.flatMap((x, i) => perms([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
  for (const order of perms(patches.slice(0, 4))) {
    const got = order.reduce<Interval | null>((acc, p) => mergeInterval(acc, p), null);
    assert.deepEqual(got, want, JSON.stringify(order));
  }
  // Only an inferred leave: kept until a reported one arrives.
  assert.deepEqual(mergeInterval(mergeInterval(null, joined), inferred), {
    joinedAt: 100,
    leftAt: 900,
    inferred: true,
    role: "student",
  });
  // A leave whose join is unknown starts and ends at the leave until the join arrives.
  assert.deepEqual(mergeInterval(null, leftNoJoin), {
    joinedAt: 500,
    leftAt: 500,
    role: "student",
  });
  // Teacher wins whatever the order (metadata is the same on every event of one connection).
  assert.equal(
    mergeInterval(mergeInterval(null, joined), { ...left, role: "teacher" }).role,
    "teacher",
  );
});

Deno.test("[attendance] a person's figures in a window", () => {
  const from = 0, to = 60 * MIN;
  const ivs: Interval[] = [
    { joinedAt: 30 * MIN, leftAt: 40 * MIN, role: "student" },
    { joinedAt: 2 * MIN, leftAt: 20 * MIN, role: "student" },
    { joinedAt: 35 * MIN, role: "student" }, // still connected
  ];
  const live = personFigures(ivs, { from, to, live: true }, rules);
  assert.equal(live.presentMs, 18 * MIN + 30 * MIN);
  assert.equal(live.firstJoinAt, 2 * MIN);
  assert.equal(live.joins, 3);
  assert.equal(live.online, true);
  assert.equal(live.lastLeaveAt, undefined);
  assert.equal(live.status, "present");
  assert.deepEqual(live.intervals.map((i) => i.joinedAt), [2 * MIN, 30 * MIN, 35 * MIN]);
  // Once the lecture ended, the open connection ends with it.
  const ended = personFigures(ivs, { from, to, live: false }, rules);
  assert.equal(ended.online, false);
  assert.equal(ended.lastLeaveAt, to);
  assert.deepEqual(personFigures([], { from, to, live: false }, rules), {
    status: "absent",
    presentMs: 0,
    firstJoinAt: undefined,
    lastLeaveAt: undefined,
    joins: 0,
    online: false,
    intervals: [],
  });
});
