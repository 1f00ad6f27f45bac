/**
 * LiveKit access tokens for a lecture: short-lived and bound to the lecture's one room.
 * Teachers (and school admins) may publish camera, microphone and screen share and administer
 * the room; students may only subscribe and send data, and are hidden from each other, until
 * a teacher invites them on stage.
 * @module
 */
import { AccessToken, TrackSource, type VideoGrant } from "livekit-server-sdk";
import type { LiveKitServer } from "../livekit/link.ts";
import type { Lecture } from "./model.ts";

/** How long a token may be used to connect. Connected clients get refreshed tokens. */
export const TOKEN_TTL_S = 10 * 60;

export type LectureRole = "teacher" | "student";

/** The room grant for a role (students on stage may publish camera and microphone). */
export function lectureGrant(roomName: string, role: LectureRole, onStage = false): VideoGrant {
  if (role === "teacher") {
    return {
      room: roomName,
      roomJoin: true,
      roomAdmin: true,
      canPublish: true,
      canPublishSources: [
        TrackSource.CAMERA,
        TrackSource.MICROPHONE,
        TrackSource.SCREEN_SHARE,
        TrackSource.SCREEN_SHARE_AUDIO,
      ],
      canSubscribe: true,
      canPublishData: true,
    };
  }
  return {
    room: roomName,
    roomJoin: true,
    canPublish: onStage,
    ...(onStage ? { canPublishSources: [TrackSource.CAMERA, TrackSource.MICROPHONE] } : {}),
    canSubscribe: true,
    canPublishData: true,
    // Students are not listed to each other (nor to the teacher's client: the teacher's list
    // comes from the server); on stage they become visible.
    hidden: !onStage,
  };
}

/** A signed token for one participant of one lecture. */
export async function mintLectureToken(
  server: Pick<LiveKitServer, "apiKey" | "apiSecret">,
  lecture: Pick<Lecture, "roomName">,
  who: { userId: string; name: string; role: LectureRole; onStage?: boolean },
  now = Date.now(),
): Promise<{ token: string; expiresAt: string }> {
  const at = new AccessToken(server.apiKey, server.apiSecret, {
    identity: who.userId,
    name: who.name,
    ttl: TOKEN_TTL_S,
    metadata: JSON.stringify({ role: who.role }),
  });
  at.addGrant(lectureGrant(lecture.roomName, who.role, who.onStage));
  return {
    token: await at.toJwt(),
    expiresAt: new Date(now + TOKEN_TTL_S * 1000).toISOString(),
  };
}
