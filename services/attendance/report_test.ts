import assert from "node:assert/strict";
import { lectureOpenedAt, MIN, participantEvent } from "@/tests/attendance.ts";
import { randomClass, randomOrg, randomUser } from "@/tests/fixtures.ts";
import { addMemberOps } from "../classes/members.ts";
import { commit } from "../db/kv.ts";
import { updateLecture } from "../lectures/lectures.ts";
import { newUser, type User } from "../orgs/users.ts";
import { keys } from "./attendance.ts";
import { classAttendance } from "./class_report.ts";
import { lectureAttendance, lectureAttendanceCsv, localTime } from "./report.ts";
import { applyEvent } from "./webhooks.ts";

Deno.test("[attendance] a 5,000-student lecture: a join storm through the webhook path, then the report", async () => {
  using kv = await Deno.openKv(":memory:");
  const org = await randomOrg(kv);
  const teacher = await randomUser(kv, org.id, "teacher");
  const cls = await randomClass(kv, org.id, { teachers: [teacher] });
  const N = 5_000;
  const students: User[] = [];
  for (let i = 0; i < N; i++) {
    students.push(newUser({
      orgId: org.id,
      name: `Student ${String(i).padStart(4, "0")}`,
      role: "student",
      studentNumber: `S${i}`,
    }));
  }
  for (let i = 0; i < N; i += 300) {
    const op = kv.atomic();
    for (const s of students.slice(i, i + 300)) addMemberOps(op, cls.id, s, "student");
    await commit(op);
  }
  const t0 = Math.floor((Date.now() - 60 * MIN) / MIN) * MIN;
  const lecture = await lectureOpenedAt(kv, cls, teacher, t0);
  // 4,000 join (every 4th of them 20 minutes late); 1,000 never do; a quarter of the
  // on-time ones leave after 10 minutes (absent by the 50 % rule).
  const now = t0 + 60 * MIN;
  for (let i = 0; i < 4_000; i++) {
    const s = students[i];
    const joinedAt = t0 + (i % 4 === 0 ? 20 * MIN : 0) + (i % 60) * 1000;
    await applyEvent(
      kv,
      participantEvent("participant_joined", lecture, s, `PA_${i}`, { joinedAt, at: joinedAt }),
      { now },
    );
    if (i % 4 === 1) {
      await applyEvent(
        kv,
        participantEvent("participant_left", lecture, s, `PA_${i}`, {
          joinedAt,
          at: joinedAt + 10 * MIN,
        }),
        { now },
      );
    }
  }
  const report = await lectureAttendance(kv, lecture, { now, limit: 50 });
  assert.deepEqual(report.counts, { students: N, present: 2_000, late: 1_000, absent: 2_000 });
  assert.equal(report.total, N);
  assert.equal(report.items.length, 50);
  assert.equal(report.items[0].name, "Student 0000");
  assert.equal(report.items[0].status, "late");
  assert.equal(report.items[1].status, "absent");
  assert.equal(report.items[2].status, "present");
  const found = await lectureAttendance(kv, lecture, { now, q: "S4999" });
  assert.deepEqual(found.items.map((r) => [r.name, r.status, r.joins]), [
    ["Student 4999", "absent", 0],
  ]);
  const csv = await lectureAttendanceCsv(kv, lecture, "UTC", now);
  assert.equal(csv.split("\r\n").length, N + 2);
  const overview = await classAttendance(kv, cls, { now, limit: 10 });
  assert.deepEqual(overview.lectures[0].counts, report.counts);
  assert.equal(overview.total, N);
});

Deno.test("[attendance] the class overview follows rule changes and late webhooks of ended lectures", async () => {
  using kv = await Deno.openKv(":memory:");
  const org = await randomOrg(kv);
  const teacher = await randomUser(kv, org.id, "teacher");
  const ahn = await randomUser(kv, org.id, "student", { name: "Ahn" });
  const cls = await randomClass(kv, org.id, { teachers: [teacher], students: [ahn] });
  const t0 = Math.floor((Date.now() - 3 * 60 * MIN) / MIN) * MIN;
  const ended = await lectureOpenedAt(kv, cls, teacher, t0, {
    status: "ended",
    endedAt: new Date(t0 + 60 * MIN).toISOString(),
  });
  const live = await lectureOpenedAt(kv, cls, teacher, t0 + 90 * MIN);
  const join = (roomName: string, at: number, sid: string) =>
    applyEvent(
      kv,
      participantEvent("participant_joined", { roomName }, ahn, sid, {
        joinedAt: at,
        at,
      }),
    );
  const statuses = async () => (await classAttendance(kv, cls)).items[0].statuses;
  assert.deepEqual(await statuses(), ["absent", "absent"]);
  // A late delivery for the ended lecture (a retry) is counted at once.
  await join(ended.roomName, t0 + 15 * MIN, "PA_1");
  await join(live.roomName, t0 + 91 * MIN, "PA_2");
  assert.deepEqual(await statuses(), ["late", "present"]);
  // New rules for the live lecture: 0 minutes' grace makes a minute-late join "late".
  await updateLecture(kv, live.id, { attendance: { lateAfterMinutes: 0 } });
  assert.deepEqual(await statuses(), ["late", "late"]);
  // An ended lecture's rules changed at the source (as a migration would) are seen too.
  const e = await kv.get(["lectures", ended.id]);
  await kv.set(["lectures", ended.id], {
    ...(e.value as object),
    attendance: { lateAfterMinutes: 30, minPresentPercent: 50 },
  });
  assert.deepEqual(await statuses(), ["present", "late"]);
  const overview = await classAttendance(kv, cls);
  assert.deepEqual(
    overview.items.map((r) => [r.present, r.late, r.absent, r.rate]),
    [[1, 1, 0, 1]],
  );
  // The interval keys are where the report says they are.
  assert.ok((await kv.get(keys.interval(ended.id, ahn.id, "PA_1"))).value);
});

Deno.test("[attendance] times on the school's clock", () => {
  const at = Date.UTC(2026, 2, 8, 10, 30, 5); // 2026-03-08, the US switches to summer time
  assert.equal(localTime(at, "UTC"), "2026-03-08 10:30:05");
  assert.equal(localTime(at, "Asia/Seoul"), "2026-03-08 19:30:05");
  assert.equal(localTime(at, "America/New_York"), "2026-03-08 06:30:05");
  assert.equal(localTime(Date.UTC(2026, 0, 1, 4, 0, 0), "America/New_York"), "2025-12-31 23:00:00");
});
