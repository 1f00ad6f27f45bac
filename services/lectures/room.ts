/**
 * A live lecture's room: joining (a token after the membership checks), messages the server
 * sends on the data channel, the stage (students the teacher lets publish) and moderation
 * (mute, remove). Permissions are enforced by the media server, not by the clients: taking a
 * student off stage revokes their publish grant, which makes the server unpublish them.
 * @module
 */
import { DataPacket_Kind, TrackSource, TrackType } from "livekit-server-sdk";
import type { ClassMember } from "../classes/members.ts";
import type { LiveKitServer } from "../livekit/link.ts";
import type { Actor } from "../web/define.ts";
import { AppError, forbidden } from "../web/errors.ts";
import { isNotFound, lectureAccess } from "./lectures.ts";
import { lectureGate, refreshGate } from "./gate.ts";
import { recordJoin } from "./joins.ts";
import { verifyJoinPass } from "./pass.ts";
import { isSessionRevoked } from "../auth/revocations.ts";
import {
  type Lecture,
  RemovedMarkSchema,
  type StageSeat,
  StageSeatSchema,
  TOPICS,
} from "./model.ts";
import { type LectureRole, mintLectureToken } from "./tokens.ts";

/** What a client needs to connect to a lecture. */
export interface LectureTicket {
  url: string;
  token: string;
  identity: string;
  role: LectureRole;
  onStage: boolean;
  expiresAt: string;
  /** Whether students may write in the chat now. */
  studentChat: boolean;
}

/** 409 while scheduled, 410 once ended. */
export function requireLive(lecture: Lecture): void {
  if (lecture.status === "scheduled") {
    throw new AppError(
      "conflict",
      "The lecture hasn't started yet. It opens when your teacher goes live.",
    );
  }
  if (lecture.status === "ended") throw new AppError("gone", "This lecture has ended.");
}

/**
 * A token for the asker to join a live lecture. Class members only (404 otherwise); students
 * the teacher removed get 403. The join is recorded before the token is handed out.
 */
export async function joinLecture(
  kv: Deno.Kv,
  server: LiveKitServer,
  actor: Actor,
  lectureId: string,
): Promise<LectureTicket> {
  const userId = actor.user.id;
  const { lecture, role: classRole, extra: [removed, seat] } = await lectureAccess(
    kv,
    actor,
    lectureId,
    undefined,
    [["lecture_removed", lectureId, userId], ["lecture_stage", lectureId, userId]],
  );
  return await admit(kv, server, lecture, {
    userId,
    name: actor.user.name,
    role: classRole === "student" ? "student" : "teacher",
    removed: removed.value !== null,
    onStage: seat.value !== null,
  });
}

/**
 * A token for a student who holds a join pass (pass.ts): no session or membership read, only
 * the lecture's gate (gate.ts) and the ended sessions (revocations.ts) from memory. 401 for a
 * bad or expired pass (the page reloads and gets a new one) or one whose session ended, 404
 * for another school's lecture, 409/410 when not live, 403 when the teacher removed them.
 */
export async function joinWithPass(
  kv: Deno.Kv,
  server: LiveKitServer,
  secret: string,
  lectureId: string,
  passText: string,
): Promise<LectureTicket> {
  const pass = verifyJoinPass(secret, passText);
  if (!pass || pass.lectureId !== lectureId) {
    throw new AppError("unauthorized", "This lecture pass is not valid any more. Reload the page.");
  }
  const [gate, revoked] = await Promise.all([
    lectureGate(kv, lectureId),
    isSessionRevoked(kv, pass.session),
  ]);
  if (revoked) {
    throw new AppError("unauthorized", "You signed out since this page was opened. Sign in again.");
  }
  if (!gate || gate.lecture.orgId !== pass.orgId) {
    throw new AppError("not_found", "Lecture not found");
  }
  return await admit(kv, server, gate.lecture, {
    userId: pass.userId,
    name: pass.name,
    role: pass.role,
    removed: gate.removed.has(pass.userId),
    onStage: gate.onStage.has(pass.userId),
  });
}

/**
 * What both ways of joining end with: the lecture must be live and a student not removed;
 * then the token is minted and the join recorded before it is handed out.
 */
async function admit(
  kv: Deno.Kv,
  server: LiveKitServer,
  lecture: Lecture,
  who: { userId: string; name: string; role: LectureRole; removed: boolean; onStage: boolean },
): Promise<LectureTicket> {
  requireLive(lecture);
  const student = who.role === "student";
  if (student && who.removed) throw forbidden("Your teacher removed you from this lecture.");
  const onStage = student && who.onStage;
  const now = Date.now();
  const { token, expiresAt } = mintLectureToken(server, lecture, { ...who, onStage }, now);
  await recordJoin(kv, lecture.id, who.userId, { at: now, role: who.role });
  return {
    url: server.url,
    token,
    identity: who.userId,
    role: who.role,
    onStage,
    expiresAt,
    studentChat: lecture.studentChat !== false,
  };
}

/**
 * Sends a JSON message on the lecture's data channel (to everyone, or to some identities).
 * A lecture whose room is gone has nobody to tell: that is not an error.
 */
export async function sendToLecture(
  server: LiveKitServer,
  lecture: Lecture,
  topic: typeof TOPICS[keyof typeof TOPICS],
  payload: unknown,
  to?: string[],
): Promise<void> {
  if (lecture.status !== "live" || (to && !to.length)) return;
  try {
    await server.rooms.sendData(
      lecture.roomName,
      new TextEncoder().encode(JSON.stringify(payload)),
      DataPacket_Kind.RELIABLE,
      { topic, ...(to ? { destinationIdentities: to } : {}) },
    );
  } catch (err) {
    if (!isNotFound(err)) console.error("sendData failed:", err);
  }
}

/** Students on stage, in the order they were invited. */
export async function listStage(kv: Deno.Kv, lectureId: string): Promise<StageSeat[]> {
  const out: StageSeat[] = [];
  for await (const e of kv.list({ prefix: ["lecture_stage", lectureId] })) {
    out.push(StageSeatSchema.parse(e.value));
  }
  return out.sort((a, b) => a.at - b.at);
}

const STUDENT_BASE = { canSubscribe: true, canPublishData: true };

/** The student `userId` of this lecture's class, or 404. */
async function requireStudent(kv: Deno.Kv, lecture: Lecture, userId: string) {
  const member = (await kv.get<ClassMember>(["class_members", lecture.classId, userId])).value;
  if (member?.role !== "student") {
    throw new AppError("not_found", "That student is not in this class.");
  }
  return { name: member.name };
}

/**
 * Invites a student on stage: they may publish camera and microphone and become visible.
 * Their raised hand is lowered. 409 when they are not connected to the lecture now.
 */
export async function inviteToStage(
  kv: Deno.Kv,
  server: LiveKitServer,
  lecture: Lecture,
  userId: string,
): Promise<StageSeat> {
  requireLive(lecture);
  const { name } = await requireStudent(kv, lecture, userId);
  try {
    await server.rooms.updateParticipant(lecture.roomName, userId, {
      permission: {
        ...STUDENT_BASE,
        canPublish: true,
        canPublishSources: [TrackSource.CAMERA, TrackSource.MICROPHONE],
        hidden: false,
      },
    });
  } catch (err) {
    if (isNotFound(err)) {
      throw new AppError("conflict", "This student is not in the lecture right now.");
    }
    throw err;
  }
  const seat: StageSeat = { userId, name, at: Date.now() };
  await kv.atomic()
    .set(["lecture_stage", lecture.id, userId], seat)
    .delete(["lecture_hands", lecture.id, userId])
    .commit();
  refreshGate(kv, lecture.id);
  await sendToLecture(server, lecture, TOPICS.stage, { onStage: true }, [userId]);
  return seat;
}

/**
 * Takes a student off stage: their publish grant is revoked, so the media server unpublishes
 * their tracks whatever their client does.
 */
export async function takeOffStage(
  kv: Deno.Kv,
  server: LiveKitServer,
  lecture: Lecture,
  userId: string,
): Promise<void> {
  await kv.delete(["lecture_stage", lecture.id, userId]);
  refreshGate(kv, lecture.id);
  if (lecture.status !== "live") return;
  await sendToLecture(server, lecture, TOPICS.stage, { onStage: false }, [userId]);
  try {
    await server.rooms.updateParticipant(lecture.roomName, userId, {
      permission: { ...STUDENT_BASE, canPublish: false, hidden: true },
    });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** Mutes a participant's microphone (the server mutes the published track). */
export async function muteParticipant(
  server: LiveKitServer,
  lecture: Lecture,
  userId: string,
): Promise<number> {
  requireLive(lecture);
  let muted = 0;
  try {
    const p = await server.rooms.getParticipant(lecture.roomName, userId);
    for (const t of p.tracks) {
      if (t.type === TrackType.AUDIO && !t.muted) {
        await server.rooms.mutePublishedTrack(lecture.roomName, userId, t.sid, true);
        muted++;
      }
    }
  } catch (err) {
    if (isNotFound(err)) {
      throw new AppError("conflict", "This person is not in the lecture right now.");
    }
    throw err;
  }
  return muted;
}

/**
 * Removes a student from the lecture: disconnected now, and no new token for this lecture
 * (their current token is revoked too).
 */
export async function removeFromLecture(
  kv: Deno.Kv,
  server: LiveKitServer,
  lecture: Lecture,
  userId: string,
  by: string,
): Promise<void> {
  requireLive(lecture);
  await requireStudent(kv, lecture, userId);
  await kv.atomic()
    .set(["lecture_removed", lecture.id, userId], RemovedMarkSchema.parse({ by, at: Date.now() }))
    .delete(["lecture_stage", lecture.id, userId])
    .delete(["lecture_hands", lecture.id, userId])
    .commit();
  refreshGate(kv, lecture.id);
  await removeFromRoom(server, lecture.roomName, userId);
}

/**
 * Disconnects someone from a room and revokes the tokens signed for them until now; someone
 * who is not there (any more) is not an error.
 */
export async function removeFromRoom(
  server: Pick<LiveKitServer, "rooms">,
  roomName: string,
  identity: string,
): Promise<void> {
  try {
    await server.rooms.removeParticipant(roomName, identity, {
      revokeTokenTs: BigInt(Math.floor(Date.now() / 1000)),
    });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
