/**
 * Attendance webhooks from the REAL livekit-server: the app serves on a free port, the server
 * posts its webhooks there, and the deliveries must verify and apply. Participants need a
 * media client, so their events are signed here like the server's and posted to the app (the
 * lecture room's browser test has real ones); what the app asks the server is recorded.
 */
import assert from "node:assert/strict";
import { keys } from "@/services/attendance/attendance.ts";
import { endLecture, getLecture, isNotFound, openLecture } from "@/services/lectures/lectures.ts";
import { lectureOpenedAt, signWebhook, webhookJson } from "./attendance.ts";
import { randomClass, randomOrg, randomUser, testApp } from "./helpers.ts";
import { startTestLiveKit } from "./livekit.ts";

interface Delivery {
  status: number;
  event: string;
  room: string;
  outcome?: string;
}

/** Polls until `check` is true (10 s at most). */
async function until(what: string, check: () => boolean | Promise<boolean>) {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

Deno.test("[attendance] real LiveKit webhooks verify, apply once, and end a lecture whose room closed", async (t) => {
  const deliveries: Delivery[] = [];
  let handle: ((req: Request) => Promise<Response>) | undefined;
  const http = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const raw = await req.clone().text();
    const res = await handle!(req);
    const body = await res.clone().json().catch(() => ({}));
    const ev = JSON.parse(raw || "{}");
    deliveries.push({
      status: res.status,
      event: ev.event,
      room: ev.room?.name,
      outcome: body.outcome,
    });
    return res;
  });
  try {
    await using lk = await startTestLiveKit(
      `http://127.0.0.1:${http.addr.port}/api/v1/livekit/webhook`,
    );
    await using app = await testApp({}, { livekit: lk.link });
    handle = (req) => Promise.resolve(app.app.fetch(req));
    const { kv } = app;
    const org = await randomOrg(kv);
    const teacher = await randomUser(kv, org.id, "teacher");
    const cls = await randomClass(kv, org.id, { teachers: [teacher] });
    const server = lk.link.require();
    const seen = (event: string, room: string) =>
      deliveries.some((d) => d.event === event && d.room === room);

    let roomName = "";
    let lectureId = "";
    await t.step("opening a lecture creates its room: room_started arrives, verifies", async () => {
      const lecture = await lectureOpenedAt(kv, cls, teacher, null);
      [roomName, lectureId] = [lecture.roomName, lecture.id];
      await openLecture(kv, server, lecture.id);
      await until("room_started", () => seen("room_started", roomName));
      const d = deliveries.find((d) => d.room === roomName)!;
      assert.deepEqual([d.status, d.outcome], [200, "applied"]);
    });

    await t.step(
      "a removed student who joins anyway is removed again; the join is recorded",
      async () => {
        const [removed, other, promoted] = [
          await randomUser(kv, org.id, "student"),
          await randomUser(kv, org.id, "student"),
          await randomUser(kv, org.id, "teacher"),
        ];
        const mark = { by: teacher.id, at: Date.now() };
        await kv.set(["lecture_removed", lectureId, removed.id], mark);
        // A mark left from when they were a student: joining as a teacher, they stay.
        await kv.set(["lecture_removed", lectureId, promoted.id], mark);
        // What the app asks the real server, and what it answers.
        const asked: { room: string; identity: string; revokeTs: number; answer: string }[] = [];
        const realRemove = server.rooms.removeParticipant.bind(server.rooms);
        server.rooms.removeParticipant = async (room, identity, opts) => {
          const entry = {
            room,
            identity,
            revokeTs: Number(opts?.revokeTokenTs),
            answer: "removed",
          };
          asked.push(entry);
          try {
            return await realRemove(room, identity, opts);
          } catch (err) {
            entry.answer = isNotFound(err) ? "not found" : String(err);
            throw err;
          }
        };
        try {
          const before = Math.floor(Date.now() / 1000);
          const joins = [
            [removed, "student"],
            [other, "student"],
            [promoted, "teacher"],
          ] as const;
          const post = async (body: string) => {
            const res = await app.app.request("/api/v1/livekit/webhook", {
              method: "POST",
              headers: {
                "content-type": "application/webhook+json",
                authorization: await signWebhook(lk, body),
              },
              body,
            });
            assert.equal(res.status, 200);
            return (await res.json()).outcome;
          };
          let removedJoin = "";
          for (const [who, role] of joins) {
            const body = webhookJson("participant_joined", roomName, {
              participant: {
                sid: `PA_${who.id}`,
                identity: who.id,
                name: who.name,
                role,
                joinedAt: Date.now(),
              },
            });
            if (who === removed) removedJoin = body;
            assert.equal(await post(body), "applied");
            assert.ok((await kv.get(keys.interval(lectureId, who.id, `PA_${who.id}`))).value);
          }
          // Only the removed student, and nobody is connected under that name (no media client
          // here: the browser lecture test connects one), so the server says "not found".
          assert.deepEqual(
            asked.map(({ room, identity, answer }) => ({ room, identity, answer })),
            [{ room: roomName, identity: removed.id, answer: "not found" }],
          );
          assert.ok(asked[0].revokeTs >= before && asked[0].revokeTs <= Date.now() / 1000);
          // The server repeats a delivery (the first may have been recorded by a process that
          // died before removing them): a duplicate for attendance, removed again all the same.
          assert.equal(await post(removedJoin), "duplicate");
          assert.deepEqual(asked.map((a) => a.identity), [removed.id, removed.id]);
        } finally {
          server.rooms.removeParticipant = realRemove;
        }
      },
    );

    await t.step("a room deleted on the media server ends the live lecture", async () => {
      const opened = await getLecture(kv, org.id, lectureId);
      assert.equal(opened.status, "live");
      await server.rooms.deleteRoom(roomName);
      await until("room_finished", () => seen("room_finished", roomName));
      const ended = await getLecture(kv, org.id, lectureId);
      assert.equal(ended.status, "ended");
      assert.ok(ended.endedAt! >= opened.openedAt!);
      assert.ok((await kv.get(keys.roomFinished(lectureId))).value);
    });

    await t.step("ending a lecture deletes its room; room_finished is applied too", async () => {
      const lecture = await lectureOpenedAt(kv, cls, teacher, null);
      await openLecture(kv, server, lecture.id);
      await until("room_started", () => seen("room_started", lecture.roomName));
      const ended = await endLecture(kv, server, lecture.id);
      await until("room_finished", () => seen("room_finished", lecture.roomName));
      // The lecture keeps the end time the teacher gave it.
      assert.equal((await getLecture(kv, org.id, lecture.id)).endedAt, ended.endedAt);
    });

    await t.step("every delivery verified (200), none retried for lack of an answer", () => {
      const ours = deliveries.filter((d) => d.room?.startsWith("lecture-"));
      assert.equal(ours.length, 4, JSON.stringify(deliveries));
      for (const d of ours) assert.deepEqual([d.status, d.outcome], [200, "applied"]);
    });
  } finally {
    await http.shutdown();
  }
});
