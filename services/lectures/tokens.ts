/**
 * LiveKit access tokens for a lecture: short-lived and bound to the lecture's one room.
 * Teachers (and school admins) may publish camera, microphone and screen share and administer
 * the room; students may only subscribe and send data, and are hidden from each other, until
 * a teacher invites them on stage.
 * @module
 */
import { TrackSource, type VideoGrant } from "livekit-server-sdk";
import { toBase64url } from "../auth/base64url.ts";
import { hmacSha256 } from "../auth/hmac.ts";
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

/** The names LiveKit's token format uses for track sources. */
const SOURCE_NAMES: Record<number, string> = {
  [TrackSource.CAMERA]: "camera",
  [TrackSource.MICROPHONE]: "microphone",
  [TrackSource.SCREEN_SHARE]: "screen_share",
  [TrackSource.SCREEN_SHARE_AUDIO]: "screen_share_audio",
};

const encoder = new TextEncoder();

/**
 * Signs a LiveKit access token (a JWT, HS256). The SDK's AccessToken does the same but sets
 * the key up for every token; under a join storm that cost more than the rest of the join.
 * Tests check the result with the SDK's TokenVerifier.
 */
function signToken(apiKey: string, apiSecret: string, claims: object): string {
  const head = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"; // {"alg":"HS256","typ":"JWT"}
  const body = toBase64url(encoder.encode(JSON.stringify({ ...claims, iss: apiKey })));
  const sig = toBase64url(hmacSha256(apiSecret)(`${head}.${body}`));
  return `${head}.${body}.${sig}`;
}

/** A signed token for one participant of one lecture. */
export function mintLectureToken(
  server: Pick<LiveKitServer, "apiKey" | "apiSecret">,
  lecture: Pick<Lecture, "roomName">,
  who: { userId: string; name: string; role: LectureRole; onStage?: boolean },
  now = Date.now(),
): { token: string; expiresAt: string } {
  const grant = lectureGrant(lecture.roomName, who.role, who.onStage);
  const seconds = Math.floor(now / 1000);
  const token = signToken(server.apiKey, server.apiSecret, {
    video: {
      ...grant,
      canPublishSources: grant.canPublishSources?.map((s) => SOURCE_NAMES[s]),
    },
    name: who.name,
    metadata: JSON.stringify({ role: who.role }),
    sub: who.userId,
    nbf: seconds,
    exp: seconds + TOKEN_TTL_S,
  });
  return { token, expiresAt: new Date((seconds + TOKEN_TTL_S) * 1000).toISOString() };
}

/**
 * The identity of a lecture's recorder (services/recordings/): never a user id, so attendance
 * and the participant list, which take only user-id identities of standard participants,
 * never count it.
 */
export const RECORDER_IDENTITY = "mirae:recorder";

/**
 * A token for a lecture's recorder: hidden, subscribe-only (no publishing, no data), marked a
 * recorder (`recorder` grant, `egress` kind) so the media server neither keeps an empty room
 * open for it nor counts it as a participant, and clients see the room as being recorded.
 */
export function mintRecorderToken(
  server: Pick<LiveKitServer, "apiKey" | "apiSecret">,
  lecture: Pick<Lecture, "roomName">,
  now = Date.now(),
): string {
  const seconds = Math.floor(now / 1000);
  return signToken(server.apiKey, server.apiSecret, {
    video: {
      room: lecture.roomName,
      roomJoin: true,
      canSubscribe: true,
      canPublish: false,
      canPublishData: false,
      hidden: true,
      recorder: true,
    },
    kind: "egress",
    name: "Recorder",
    metadata: JSON.stringify({ role: "recorder" }),
    sub: RECORDER_IDENTITY,
    nbf: seconds,
    exp: seconds + TOKEN_TTL_S,
  });
}
