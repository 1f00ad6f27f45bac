import assert from "node:assert/strict";
import type { ParticipantInfo } from "livekit-server-sdk";
import { eventId, lectureOpenedAt, MIN, participantEvent, roomEvent } from "@/tests/attendance.ts";
import { randomClass, randomOrg, randomUser } from "@/tests/fixtures.ts";
import { getLecture } from "../lectures/lectures.ts";
import type { LiveKitServer } from "../livekit/link.ts";
import { keys } from "./attendance.ts";
import { listLiveParticipants, presenceCount } from "./participants.ts";
import { lectureAttendance } from "./report.ts";
import { applyEvent, type LiveKitEvent } from "./webhooks.ts";

async function world() {
  const kv = await Deno.openKv(":memory:");
  const org = await randomOrg(kv);
  const teacher = await randomUser(kv, org.id, "teacher", { name: "Teacher Kim" });
  const names = ["Ahn", "Baek", "Choi", "Do"];
  const students = [];
  for (const n of names) students.push(await randomUser(kv, org.id, "student", { name: n }));
  const cls = await randomClass(kv, org.id, { teachers: [teacher], students });
  // Opened two hours ago (within the day webhooks are accepted for).
  const t0 = Math.floor((Date.now() - 2 * 60 * MIN) / MIN) * MIN;
  const lecture = await lectureOpenedAt(kv, cls, teacher, t0);
  const [ahn, baek, choi, doh] = students;
  return { kv, org, teacher, cls, lecture, t0, ahn, baek, choi, doh };
}

/** The events of one lecture hour (minutes after t0). */
function lectureHour(w: Awaited<ReturnType<typeof world>>, finish: boolean): LiveKitEvent[] {
  const { lecture, t0, teacher, ahn, baek, choi } = w;
  const at = (m: number) => t0 + m * MIN;
  const pair = (
    who: { id: string; name: string; role: string },
    sid: string,
    from: number,
    to?: number,
  ) => {
    const times = { joinedAt: at(from), at: at(from) };
    const evs = [participantEvent("participant_joined", lecture, who, sid, times)];
    if (to !== undefined) {
      evs.push(participantEvent("participant_left", lecture, who, sid, { ...times, at: at(to) }));
    }
    return evs;
  };
  return [
    roomEvent("room_started", lecture, at(0)),
    ...pair(teacher, "PA_T", 0, finish ? 61 : undefined),
    // Ahn: on time, drops out at 20, back at 25 until 58 -> 52 min, present.
    ...pair(ahn, "PA_A1", 1, 20),
    ...pair(ahn, "PA_A2", 25, 58),
    // Baek: joins at 15 (late), stays.
    ...pair(baek, "PA_B1", 15, finish ? 61 : undefined),
    // Choi: 2 to 10 only -> absent (8 of 60 minutes).
    ...pair(choi, "PA_C1", 2, 10),
    // Do never joins.
    ...(finish ? [roomEvent("room_finished", lecture, at(61))] : []),
  ];
}

/** A deterministic shuffle (mulberry32). */
function shuffled<T>(xs: T[], seed: number): T[] {
  let a = seed;
  const rand = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** What a run leaves behind: the report, the live list and the count. */
async function outcome(w: Awaited<ReturnType<typeof world>>, now: number) {
  const lecture = await getLecture(w.kv, w.org.id, w.lecture.id);
  const report = await lectureAttendance(w.kv, lecture, { now });
  const live = await listLiveParticipants(w.kv, lecture.id);
  return {
    status: lecture.status,
    endedAt: lecture.endedAt,
    counts: report.counts,
    rows: report.items.map((r) => ({
      name: r.name,
      status: r.status,
      minutes: r.minutesPresent,
      joins: r.joins,
      first: r.firstJoinAt,
      last: r.lastLeaveAt,
      online: r.online,
    })),
    others: report.others.map((o) => [o.name, o.minutesPresent, o.joins]),
    live: live.items.map((p) => [p.name, p.role]),
    count: await presenceCount(w.kv, lecture.id),
  };
}

for (const finish of [false, true]) {
  Deno.test(
    `[attendance] the same events in any order, duplicated, give the same result (${
      finish ? "room finished" : "live"
    })`,
    async (t) => {
      const results: unknown[] = [];
      const orders: [string, (evs: LiveKitEvent[]) => LiveKitEvent[]][] = [
        ["in order", (evs) => evs],
        ["reversed", (evs) => [...evs].reverse()],
        ["every event twice", (evs) => evs.flatMap((e) => [e, e])],
        ...[1, 2, 3, 4, 5].map((seed): [string, (evs: LiveKitEvent[]) => LiveKitEvent[]] => [
          `shuffled (seed ${seed}) with replays`,
          (evs) => shuffled([...evs, ...evs.filter((_, i) => i % 3 === seed % 3)], seed),
        ]),
      ];
      for (const [name, order] of orders) {
        await t.step(name, async () => {
          const w = await world();
          try {
            const now = w.t0 + 70 * MIN;
            const evs = order(lectureHour(w, finish));
            const seen = new Set<string>();
            for (const ev of evs) {
              const out = await applyEvent(w.kv, ev, { now });
              assert.equal(out.outcome, seen.has(ev.id) ? "duplicate" : "applied", ev.event);
              seen.add(ev.id);
            }
            results.push(await outcome(w, now));
          } finally {
            w.kv.close();
          }
        });
      }
      await t.step("all orders agree, and the figures are right", () => {
        for (const r of results) assert.deepEqual(r, results[0]);
        const r = results[0] as Awaited<ReturnType<typeof outcome>>;
        const end = finish ? 61 : 70;
        assert.deepEqual(r.counts, { students: 4, present: 1, late: 1, absent: 2 });
        assert.deepEqual(
          r.rows.map((x) => [x.name, x.status, x.minutes, x.joins, x.online]),
          [
            ["Ahn", "present", 19 + 33, 2, false],
            ["Baek", "late", end - 15, 1, !finish],
            ["Choi", "absent", 8, 1, false],
            ["Do", "absent", 0, 0, false],
          ],
        );
        assert.deepEqual(r.others, [["Teacher Kim", end, 1]]);
        if (finish) {
          assert.equal(r.status, "ended");
          assert.deepEqual(r.live, []);
          assert.equal(r.count, 0);
        } else {
          assert.equal(r.status, "live");
          assert.deepEqual(r.live, [["Teacher Kim", "teacher"], ["Baek", "student"]]);
          assert.equal(r.count, 2);
        }
      });
    },
  );
}

Deno.test("[attendance] presence: a rejoin replaces the old connection, its late leave does not remove it", async () => {
  const w = await world();
  try {
    const { kv, lecture, t0, ahn } = w;
    const now = t0 + 30 * MIN;
    const at = (m: number) => t0 + m * MIN;
    const apply = (ev: LiveKitEvent) => applyEvent(kv, ev, { now });
    await apply(
      participantEvent("participant_joined", lecture, ahn, "PA_1", { joinedAt: at(1), at: at(1) }),
    );
    assert.equal(await presenceCount(kv, lecture.id), 1);
    // A reload: the new connection joins before the old one's leave is reported.
    await apply(
      participantEvent("participant_joined", lecture, ahn, "PA_2", { joinedAt: at(5), at: at(5) }),
    );
    await apply(
      participantEvent("participant_left", lecture, ahn, "PA_1", { joinedAt: at(1), at: at(6) }),
    );
    const live = await listLiveParticipants(kv, lecture.id);
    assert.deepEqual(live.items.map((p) => [p.userId, p.joinedAt]), [[
      ahn.id,
      new Date(at(5)).toISOString(),
    ]]);
    assert.equal(live.count, 1);
    await apply(
      participantEvent("participant_left", lecture, ahn, "PA_2", { joinedAt: at(5), at: at(9) }),
    );
    assert.equal(await presenceCount(kv, lecture.id), 0);
    assert.equal((await listLiveParticipants(kv, lecture.id)).total, 0);
  } finally {
    w.kv.close();
  }
});

Deno.test("[attendance] events that are not ours, too old or of other kinds are ignored and write nothing", async (t) => {
  const w = await world();
  try {
    const { kv, lecture, t0, ahn } = w;
    const now = t0 + 10 * MIN;
    const joined = participantEvent("participant_joined", lecture, ahn, "PA_1", {
      joinedAt: t0,
      at: t0,
    });
    const cases: [string, LiveKitEvent][] = [
      ["another room", { ...joined, id: eventId(), roomName: "staff-meeting" }],
      ["a lecture room of no lecture", {
        ...joined,
        id: eventId(),
        roomName: "lecture-01ARZ3NDEKTSV4RRFFQ69G5FAV",
      }],
      ["older than a day", { ...joined, id: eventId(), createdAt: now - 25 * 60 * MIN }],
      ["a recorder", {
        ...joined,
        id: eventId(),
        participant: { ...joined.participant!, standard: false },
      }],
      ["an identity that is not a user id", {
        ...joined,
        id: eventId(),
        participant: { ...joined.participant!, identity: "../../etc" },
      }],
      ["a track event", { ...joined, id: eventId(), event: "track_published" }],
      ["a connection that never became active", {
        ...joined,
        id: eventId(),
        event: "participant_connection_aborted",
      }],
    ];
    for (const [name, ev] of cases) {
      await t.step(name, async () => {
        const out = await applyEvent(kv, ev, { now });
        assert.equal(out.outcome, "ignored");
        assert.ok(out.reason);
        const written = await Array.fromAsync(kv.list({ prefix: ["lk_events"] }));
        assert.equal(written.length, 0);
        assert.equal(
          (await Array.fromAsync(kv.list({ prefix: keys.intervals(lecture.id) }))).length,
          0,
        );
      });
    }
  } finally {
    w.kv.close();
  }
});

Deno.test("[attendance] room finished ends a live lecture at the event time and closes open connections", async () => {
  const w = await world();
  try {
    const { kv, lecture, t0, ahn } = w;
    const at = (m: number) => t0 + m * MIN;
    const now = at(90);
    await applyEvent(
      kv,
      participantEvent("participant_joined", lecture, ahn, "PA_1", { joinedAt: at(0), at: at(0) }),
      {
        now,
      },
    );
    await applyEvent(kv, roomEvent("room_finished", lecture, at(40)), { now });
    const ended = await getLecture(kv, w.org.id, lecture.id);
    assert.equal(ended.status, "ended");
    assert.equal(ended.endedAt, new Date(at(40)).toISOString());
    const report = await lectureAttendance(kv, ended, { now });
    const row = report.items.find((r) => r.userId === ahn.id)!;
    assert.equal(row.minutesPresent, 40);
    assert.equal(row.lastLeaveAt, new Date(at(40)).toISOString());
    assert.equal(row.online, false);
    assert.equal(report.window?.live, false);
    // A join delivered late (a retry) after the room closed is counted but not shown live.
    await applyEvent(
      kv,
      participantEvent("participant_joined", lecture, w.baek, "PA_2", {
        joinedAt: at(30),
        at: at(30),
      }),
      {
        now,
      },
    );
    assert.equal(await presenceCount(kv, lecture.id), 0);
    const again = await lectureAttendance(kv, ended, { now });
    assert.equal(again.items.find((r) => r.userId === w.baek.id)!.minutesPresent, 10);
  } finally {
    w.kv.close();
  }
});

Deno.test("[attendance] dropped webhooks: presence is reconciled with the server's participant list", async () => {
  const w = await world();
  try {
    const { kv, lecture, t0, ahn, baek, choi } = w;
    const at = (m: number) => t0 + m * MIN;
    const now = at(30);
    await applyEvent(
      kv,
      participantEvent("participant_joined", lecture, ahn, "PA_A", { joinedAt: at(1), at: at(1) }),
      {
        now,
      },
    );
    // Ahn's leave and Baek's join were dropped; the server says so on Choi's join.
    const listed = [
      {
        sid: "PA_B",
        identity: baek.id,
        name: baek.name,
        metadata: '{"role":"student"}',
        state: 2,
        kind: 0,
        joinedAtMs: BigInt(at(5)),
        joinedAt: 0n,
      },
      {
        sid: "PA_C",
        identity: choi.id,
        name: choi.name,
        metadata: '{"role":"student"}',
        state: 2,
        kind: 0,
        joinedAtMs: BigInt(at(20)),
        joinedAt: 0n,
      },
      // Still connecting: not counted.
      {
        sid: "PA_X",
        identity: w.doh.id,
        name: w.doh.name,
        metadata: "",
        state: 0,
        kind: 0,
        joinedAtMs: 0n,
        joinedAt: 0n,
      },
    ] as unknown as ParticipantInfo[];
    // The teacher removed Baek (whose join was among the dropped ones) and Ahn (gone already).
    for (const who of [baek, ahn]) {
      await kv.set(["lecture_removed", lecture.id, who.id], { by: "teacher", at: at(6) });
    }
    const removedAgain: string[] = [];
    const server = {
      rooms: {
        listParticipants: (room: string) =>
          Promise.resolve(room === lecture.roomName ? listed : []),
        removeParticipant: (room: string, identity: string) => {
          if (room === lecture.roomName) removedAgain.push(identity);
          return Promise.resolve();
        },
      },
    } as unknown as LiveKitServer;
    const ev = participantEvent("participant_joined", lecture, choi, "PA_C", {
      joinedAt: at(20),
      at: at(20),
    }, {
      numDropped: 2,
    });
    assert.equal((await applyEvent(kv, ev, { now, server })).outcome, "applied");
    // Only the removed student the server still lists is removed again.
    assert.deepEqual(removedAgain, [baek.id]);
    const live = await listLiveParticipants(kv, lecture.id);
    assert.deepEqual(live.items.map((p) => p.name).sort(), [baek.name, choi.name].sort());
    assert.equal(live.count, 2);
    const lec = await getLecture(kv, w.org.id, lecture.id);
    const report = await lectureAttendance(kv, lec, { now });
    const by = Object.fromEntries(report.items.map((r) => [r.name, r]));
    // Ahn's open connection was closed at the reporting event's time (an estimate).
    assert.equal(by[ahn.name].minutesPresent, 19);
    assert.equal(by[baek.name].minutesPresent, 25);
    assert.equal(by[baek.name].online, true);
    // The real leave, if it arrives after all, sets the true time.
    await applyEvent(
      kv,
      participantEvent("participant_left", lecture, ahn, "PA_A", { joinedAt: at(1), at: at(12) }),
      {
        now,
      },
    );
    const after = await lectureAttendance(kv, lec, { now });
    assert.equal(after.items.find((r) => r.userId === ahn.id)!.minutesPresent, 11);
  } finally {
    w.kv.close();
  }
});

Deno.test("[attendance] a server that cannot list participants does not fail the webhook", async () => {
  const w = await world();
  const warn = console.warn;
  const warnings: unknown[] = [];
  console.warn = (...args: unknown[]) => warnings.push(args);
  try {
    const server = {
      rooms: { listParticipants: () => Promise.reject(new Error("connection refused")) },
    } as unknown as LiveKitServer;
    const ev = participantEvent("participant_joined", w.lecture, w.ahn, "PA_A", {
      joinedAt: w.t0,
      at: w.t0,
    }, {
      numDropped: 1,
    });
    assert.equal((await applyEvent(w.kv, ev, { now: w.t0 + MIN, server })).outcome, "applied");
    assert.equal(await presenceCount(w.kv, w.lecture.id), 1);
    assert.equal(warnings.length, 1);
  } finally {
    console.warn = warn;
    w.kv.close();
  }
});
