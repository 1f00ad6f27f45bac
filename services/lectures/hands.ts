/**
 * Raised hands: a queue in raise order, one entry per student. Teachers are told the count
 * on the data channel (topic `mirae.hands`) and read the queue through the API, so a
 * lecture of thousands sends nothing to the other students when a hand goes up.
 * @module
 */
import { listClassMembers } from "../classes/members.ts";
import type { LiveKitServer } from "../livekit/link.ts";
import { type Lecture, type RaisedHand, RaisedHandSchema, TOPICS } from "./model.ts";
import { requireLive, sendToLecture } from "./room.ts";

/** The queue, oldest first, and its length. */
export async function listHands(
  kv: Deno.Kv,
  lectureId: string,
): Promise<RaisedHand[]> {
  const out: RaisedHand[] = [];
  for await (const e of kv.list({ prefix: ["lecture_hands", lectureId] })) {
    out.push(RaisedHandSchema.parse(e.value));
  }
  return out.sort((a, b) => a.at - b.at || a.userId.localeCompare(b.userId));
}

/** A student's place in the queue (1 = next), or null when their hand is down. */
export async function handPosition(
  kv: Deno.Kv,
  lectureId: string,
  userId: string,
): Promise<number | null> {
  const hands = await listHands(kv, lectureId);
  const i = hands.findIndex((h) => h.userId === userId);
  return i < 0 ? null : i + 1;
}

async function notifyTeachers(
  kv: Deno.Kv,
  server: LiveKitServer | null,
  lecture: Lecture,
  count: number,
) {
  if (!server) return;
  // The class's teachers come from the cached roster (no scan of thousands of students).
  const teachers = (await listClassMembers(kv, lecture.classId, { role: "teacher", limit: 500 }))
    .items.map((m) => m.userId);
  // School admins who run a lecture are not class teachers: they poll the queue.
  await sendToLecture(server, lecture, TOPICS.hands, { count }, [...teachers, lecture.createdBy]);
}

/** Raises the student's hand (raising it again keeps their place). */
export async function raiseHand(
  kv: Deno.Kv,
  server: LiveKitServer | null,
  lecture: Lecture,
  user: { id: string; name: string },
): Promise<number> {
  requireLive(lecture);
  const key = ["lecture_hands", lecture.id, user.id];
  const hand: RaisedHand = { userId: user.id, name: user.name, at: Date.now() };
  await kv.atomic().check({ key, versionstamp: null }).set(key, hand).commit();
  const hands = await listHands(kv, lecture.id);
  await notifyTeachers(kv, server, lecture, hands.length);
  return hands.findIndex((h) => h.userId === user.id) + 1;
}

/** Lowers a hand (the student's own, or any hand by a teacher). */
export async function lowerHand(
  kv: Deno.Kv,
  server: LiveKitServer | null,
  lecture: Lecture,
  userId: string,
  byTeacher: boolean,
): Promise<void> {
  await kv.delete(["lecture_hands", lecture.id, userId]);
  if (!server) return;
  if (byTeacher) await sendToLecture(server, lecture, TOPICS.hands, { raised: false }, [userId]);
  await notifyTeachers(kv, server, lecture, (await listHands(kv, lecture.id)).length);
}
