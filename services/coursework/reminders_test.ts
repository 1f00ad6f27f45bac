import assert from "node:assert/strict";
import { randomClass, randomOrg, randomUser } from "@/tests/fixtures.ts";

import { addMemberOps } from "../classes/members.ts";

import { createUserOps, newUser } from "../orgs/users.ts";
import {
  closeAssignment,
  createAssignment,
  publishAssignment,
  updateAssignment,
} from "./assignments.ts";
import { saveGradeDraft } from "./grading.ts";
import type { Assignment, Submission } from "./model.ts";
import { listNotifications, type Notification } from "../notifications/notifications.ts";
import {
  handleCourseworkMessage,
  handleReminder,
  MAX_QUEUE_DELAY_MS,
  nudgeNonSubmitters,
  type ReminderMessage,
  scheduleReminders,
} from "./reminders.ts";

const DUE = "2026-12-01T00:00:00.000Z";
const HOUR = 3_600_000;
const at = (hoursBeforeDue: number) => new Date(Date.parse(DUE) - hoursBeforeDue * HOUR);

async function world(kv: Deno.Kv, studentCount = 3) {
  const org = await randomOrg(kv, { timeZone: "UTC" });
  const teacher = await randomUser(kv, org.id, "teacher");
  const students = [];
  for (let i = 0; i < studentCount; i++) students.push(await randomUser(kv, org.id, "student"));
  const cls = await randomClass(kv, org.id, { teachers: [teacher], students });
  const draft = await createAssignment(kv, cls, {
    title: "Poem",
    points: 10,
    due: { date: "2026-12-01", time: "00:00" },
  }, teacher.id);
  const a = await publishAssignment(kv, org.id, draft.id, at(48));
  return { org, teacher, students, cls, a };
}

function submit(kv: Deno.Kv, a: Assignment, studentId: string) {
  const sub: Submission = {
    assignmentId: a.id,
    studentId,
    classId: a.classId,
    orgId: a.orgId,
    version: 1,
    text: "done",
    files: [],
    submittedAt: at(30).toISOString(),
    daysLate: 0,
  };
  return kv.atomic()
    .set(["submission_latest", a.id, studentId], 1)
    .set(["submissions", a.id, studentId, 1], sub)
    .commit();
}

const msg = (a: Assignment, offsetHours: number, dueAt = a.dueAt): ReminderMessage => ({
  type: "assignment_reminder",
  assignmentId: a.id,
  dueAt,
  offsetHours,
});

async function reminders(kv: Deno.Kv, userId: string): Promise<Notification[]> {
  return (await listNotifications(kv, userId)).items.filter((n) => n.kind === "reminder");
}

/** A KV whose scheduled messages (`atomic().enqueue`) are recorded instead of queued. */
function recordingKv(kv: Deno.Kv) {
  const sent: { msg: unknown; delay?: number }[] = [];
  const recordingOp = (real: Deno.AtomicOperation): Deno.AtomicOperation => {
    const wrapped: Deno.AtomicOperation = new Proxy(real, {
      get(target, prop) {
        if (prop === "enqueue") {
          return (m: unknown, o?: { delay?: number }) => {
            sent.push({ msg: m, delay: o?.delay });
            return wrapped;
          };
        }
        const v = Reflect.get(target, prop, target);
        if (typeof v !== "function") return v;
        return (...args: unknown[]) => {
          const r = v.apply(target, args);
          return r === target ? wrapped : r;
        };
      },
    });
    return wrapped;
  };
  const fake = new Proxy(kv, {
    get(target, prop) {
      if (prop === "atomic") return () => recordingOp(target.atomic());
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  return { fake, sent };
}

Deno.test("[reminders] scheduling: one message per offset still ahead, delayed to its time", async () => {
  await using kv = await Deno.openKv(":memory:");
  const { a } = await world(kv, 0);
  const { fake, sent } = recordingKv(kv);
  assert.equal(await scheduleReminders(fake, a, at(48)), 2);
  assert.deepEqual(sent, [
    { msg: msg(a, 24), delay: 24 * HOUR },
    { msg: msg(a, 1), delay: 47 * HOUR },
  ]);
  sent.length = 0;
  assert.equal(await scheduleReminders(fake, a, at(2)), 1); // the 24 h one is past
  assert.deepEqual(sent, [{ msg: msg(a, 1), delay: HOUR }]);
  sent.length = 0;
  // Far away: the first hop waits KV's longest delay; the handler re-enqueues the rest.
  assert.equal(await scheduleReminders(fake, a, at(24 * 90)), 2);
  assert.equal(sent[0].delay, MAX_QUEUE_DELAY_MS);
  sent.length = 0;
  const early = await handleReminder(fake, msg(a, 24), at(24 * 60));
  assert.equal(early.status, "rescheduled");
  assert.deepEqual(sent, [{ msg: msg(a, 24), delay: MAX_QUEUE_DELAY_MS }]);
});

Deno.test("[reminders] non-submitters who are not excused are reminded once", async () => {
  await using kv = await Deno.openKv(":memory:");
  const { teacher, students: [done, excused, waiting], a } = await world(kv);
  await submit(kv, a, done.id);
  await saveGradeDraft(kv, a, excused.id, { mark: "excused" }, teacher.id);

  assert.deepEqual(await handleReminder(kv, msg(a, 24), at(24)), { status: "sent", notified: 1 });
  const got = await reminders(kv, waiting.id);
  assert.equal(got.length, 1);
  assert.match(got[0].title, /Due in 24 hours: Poem/);
  assert.equal(got[0].link, `/classes/${a.classId}/assignments/${a.id}`);
  assert.equal((await reminders(kv, done.id)).length, 0);
  assert.equal((await reminders(kv, excused.id)).length, 0);

  // The same message again (at-least-once delivery) notifies no one.
  assert.deepEqual(await handleReminder(kv, msg(a, 24), at(24)), {
    status: "already_sent",
    notified: 0,
  });
  assert.equal((await reminders(kv, waiting.id)).length, 1);
  // Another offset is another reminder.
  assert.equal((await handleReminder(kv, msg(a, 1), at(1))).notified, 1);
  assert.equal((await reminders(kv, waiting.id)).length, 2);
});

Deno.test("[reminders] a retry after a crash mid-way notifies only those not yet reminded", async () => {
  await using kv = await Deno.openKv(":memory:");
  const org = await randomOrg(kv, { timeZone: "UTC" });
  const teacher = await randomUser(kv, org.id, "teacher");
  const cls = await randomClass(kv, org.id, { teachers: [teacher] });
  const students = Array.from(
    { length: 250 },
    (_, i) => newUser({ orgId: org.id, name: `S${i}`, role: "student" }),
  );
  for (let i = 0; i < students.length; i += 100) {
    const op = kv.atomic();
    for (const u of students.slice(i, i + 100)) {
      addMemberOps(createUserOps(op, u, false), cls.id, u, "student");
    }
    await op.commit();
  }
  const draft = await createAssignment(kv, cls, {
    title: "Big",
    points: 10,
    due: { date: "2026-12-01", time: "00:00" },
  }, teacher.id);
  const a = await publishAssignment(kv, org.id, draft.id, at(48));
  // A first delivery got as far as reminding 5 students, then died before finishing.
  const first = students.slice(0, 5).map((s) => s.id);
  const op = kv.atomic();
  for (const id of first) {
    op.set(["reminders_sent", a.id, a.dueAt, 24, id], "x");
  }
  await op.commit();

  const out = await handleReminder(kv, msg(a, 24), at(24));
  assert.deepEqual(out, { status: "sent", notified: 245 });
  assert.equal((await reminders(kv, first[0])).length, 0);
  assert.equal((await reminders(kv, students[5].id)).length, 1);
  assert.equal((await reminders(kv, students[249].id)).length, 1);
  // Two deliveries at once still remind each student once.
  const [x, y] = await Promise.all([
    handleReminder(kv, msg(a, 1), at(1)),
    handleReminder(kv, msg(a, 1), at(1)),
  ]);
  assert.equal(x.notified + y.notified, 250);
  assert.equal((await reminders(kv, students[100].id)).length, 2);
});

Deno.test("[reminders] stale messages are ignored", async () => {
  await using kv = await Deno.openKv(":memory:");
  const { org, students: [s], a } = await world(kv, 1);
  const old = msg(a, 24);
  const moved = await updateAssignment(kv, org.id, a.id, {
    due: { date: "2026-12-02", time: "00:00" },
  });
  assert.equal((await handleReminder(kv, old, at(24))).status, "stale");
  assert.equal((await handleReminder(kv, msg(moved, 5), at(24))).status, "stale"); // not an offset
  const fresh = msg(moved, 24);
  await closeAssignment(kv, org.id, a.id);
  assert.equal((await handleReminder(kv, fresh, new Date("2026-12-01T00:00:00Z"))).status, "stale");
  assert.equal((await reminders(kv, s.id)).length, 0);
  // A deleted assignment, and a message that is not ours.
  assert.equal((await handleReminder(kv, { ...fresh, assignmentId: "gone" })).status, "stale");
  assert.equal(await handleCourseworkMessage(kv, { type: "file_cleanup", fileId: "f" }), false);
  assert.equal(await handleCourseworkMessage(kv, null), false);
});

Deno.test("[reminders] nudge notifies non-submitters now", async () => {
  await using kv = await Deno.openKv(":memory:");
  const { students: [done, a1, a2], a } = await world(kv);
  await submit(kv, a, done.id);
  assert.equal(await nudgeNonSubmitters(kv, a), 2);
  for (const s of [a1, a2]) {
    const n = (await listNotifications(kv, s.id)).items[0];
    assert.equal(n.kind, "nudge");
    assert.match(n.body, /2026-12-01 00:00 \(UTC\)/);
  }
  assert.ok((await listNotifications(kv, done.id)).items.every((n) => n.kind !== "nudge"));
});

Deno.test("[reminders] the KV queue delivers a reminder to the handler", async () => {
  const kv = await Deno.openKv(":memory:");
  const { students: [s], a } = await world(kv, 1);
  // Pretend the reminder time has come: due in 30 minutes, remind 1 hour before.
  const soon = new Date(Date.now() + 30 * 60_000).toISOString();
  const current: Assignment = { ...a, dueAt: soon };
  await kv.set(["assignments", a.id], current);
  let delivered!: () => void;
  const done = new Promise<void>((r) => delivered = r);
  const listening = kv.listenQueue(async (m) => {
    assert.equal(await handleCourseworkMessage(kv, m), true);
    delivered();
  });
  await kv.enqueue(msg(current, 1), { delay: 0 });
  await done;
  try {
    const got = await reminders(kv, s.id);
    assert.equal(got.length, 1);
    assert.match(got[0].title, /Due in 1 hour: Poem/);
  } finally {
    kv.close();
    await listening;
  }
});

Deno.test("[reminders] moving a published due time schedules reminders for the new one", async () => {
  await using kv = await Deno.openKv(":memory:");
  const { org, a } = await world(kv, 0);
  const { fake, sent } = recordingKv(kv);
  const now = at(48);
  await updateAssignment(fake, org.id, a.id, { title: "Poem (longer)" }, now);
  assert.deepEqual(sent, []); // same due time: the queued ones still hold
  const moved = await updateAssignment(fake, org.id, a.id, {
    due: { date: "2026-12-02", time: "00:00" },
  }, now);
  assert.deepEqual(sent, [
    { msg: msg(moved, 24), delay: 48 * HOUR },
    { msg: msg(moved, 1), delay: 71 * HOUR },
  ]);
  sent.length = 0;
  await closeAssignment(kv, org.id, a.id);
  await updateAssignment(fake, org.id, a.id, { due: { date: "2026-12-03", time: "00:00" } }, now);
  assert.deepEqual(sent, []); // closed: no reminders
});
