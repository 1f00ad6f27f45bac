/**
 * Attendance webhooks from the REAL livekit-server: the app serves on a free port, the server
 * posts its webhooks there, and the deliveries must verify and apply. Participants need a
 * media client; the lecture room's browser test covers those events.
 */
import assert from "node:assert/strict";
import { keys } from "../services/attendance/attendance.ts";
import { endLecture, getLecture, openLecture } from "../services/lectures/lectures.ts";
import { lectureOpenedAt } from "./attendance.ts";
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
