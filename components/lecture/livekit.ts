/**
 * How the lecture room uses livekit-client: room options (adaptive stream, dynacast), the
 * teacher's simulcast camera and screen-share layers, data saver, and reading the server's
 * data packets. Browser only (the lecture room island bundles it).
 * @module
 */
import {
  ConnectionQuality,
  type LocalTrack,
  type RemoteParticipant,
  type RemoteTrackPublication,
  type RemoteVideoTrack,
  Room,
  ScreenSharePresets,
  Track,
  type TrackPublishOptions,
  VideoPresets,
  VideoQuality,
} from "livekit-client";

/**
 * The teacher's camera: 720p on top (~1.7 Mbps) with 360p and 180p simulcast layers, so a
 * student on a small screen or a weak link gets a small layer instead of stalling.
 */
export const CAMERA_PUBLISH: TrackPublishOptions = {
  source: Track.Source.Camera,
  simulcast: true,
  videoEncoding: { maxBitrate: 1_700_000, maxFramerate: 30 },
  videoSimulcastLayers: [VideoPresets.h180, VideoPresets.h360],
};

/**
 * Screen share: 1080p at 15 fps on top and a 720p layer at 5 fps, which keeps slides and
 * code readable for students on data saver or a weak link (text needs pixels, not frames).
 */
export const SCREEN_PUBLISH: TrackPublishOptions = {
  source: Track.Source.ScreenShare,
  simulcast: true,
  screenShareEncoding: ScreenSharePresets.h1080fps15.encoding,
  screenShareSimulcastLayers: [ScreenSharePresets.h720fps5],
};

/** Camera capture size: the top simulcast layer needs a 720p capture. */
export const CAMERA_RESOLUTION = VideoPresets.h720.resolution;

/**
 * A room for either role. Adaptive stream makes every received video follow the size and
 * visibility of its element; dynacast stops encoding layers nobody receives.
 */
export function newLectureRoom(): Room {
  return new Room({
    adaptiveStream: true,
    dynacast: true,
    videoCaptureDefaults: { resolution: CAMERA_RESOLUTION },
    publishDefaults: {
      simulcast: true,
      videoEncoding: CAMERA_PUBLISH.videoEncoding,
      videoSimulcastLayers: CAMERA_PUBLISH.videoSimulcastLayers,
      screenShareEncoding: SCREEN_PUBLISH.screenShareEncoding,
      screenShareSimulcastLayers: SCREEN_PUBLISH.screenShareSimulcastLayers,
    },
  });
}

/**
 * Data saver caps a received video at its lowest layer; "auto" lets adaptive stream pick by
 * element size. With adaptive stream on, the smaller of the two wins.
 */
export function applyVideoQuality(pub: RemoteTrackPublication, dataSaver: boolean): void {
  if (pub.kind !== Track.Kind.Video || !pub.isSubscribed) return;
  pub.setVideoQuality(dataSaver ? VideoQuality.LOW : VideoQuality.HIGH);
}

/** Applies data saver (or auto) to every received video of the room. */
export function applyVideoQualityAll(room: Room, dataSaver: boolean): void {
  for (const p of room.remoteParticipants.values()) {
    for (const pub of p.trackPublications.values()) applyVideoQuality(pub, dataSaver);
  }
}

export type QualityName = "excellent" | "good" | "poor" | "lost" | "unknown";

/** The indicator's name for a connection quality. */
export function qualityName(q: ConnectionQuality): QualityName {
  switch (q) {
    case ConnectionQuality.Excellent:
      return "excellent";
    case ConnectionQuality.Good:
      return "good";
    case ConnectionQuality.Poor:
      return "poor";
    case ConnectionQuality.Lost:
      return "lost";
    default:
      return "unknown";
  }
}

const decoder = new TextDecoder();

/**
 * A data packet's JSON, only when the server sent it: packets from participants (who could
 * forge a chat message or an "ended" notice) carry a participant and are ignored.
 */
export function serverPayload(
  payload: Uint8Array,
  participant: RemoteParticipant | undefined,
): unknown {
  if (participant) return undefined;
  try {
    return JSON.parse(decoder.decode(payload));
  } catch {
    return undefined;
  }
}

/** The role a participant joined with (from the token's metadata). */
export function participantRole(p: { metadata?: string }): "teacher" | "student" {
  try {
    return JSON.parse(p.metadata || "{}").role === "teacher" ? "teacher" : "student";
  } catch {
    return "student";
  }
}

/** Stops and unpublishes every local track (a student taken off stage, or leaving). */
export async function unpublishAll(room: Room): Promise<void> {
  const tracks = [...room.localParticipant.trackPublications.values()]
    .map((pub) => pub.track)
    .filter((t): t is LocalTrack => !!t);
  for (const track of tracks) {
    try {
      await room.localParticipant.unpublishTrack(track, true);
    } catch {
      track.stop();
    }
  }
}

/** What a test or a curious developer reads from `window.__mirae_lecture` (not in production). */
export interface VideoStat {
  participant: string;
  source: string;
  frameWidth?: number;
  frameHeight?: number;
  framesDecoded?: number;
  bytesReceived?: number;
  elementWidth?: number;
  elementHeight?: number;
}

/** The inbound video statistics of every received video (getStats' inbound-rtp entry). */
export async function receivedVideoStats(room: Room): Promise<VideoStat[]> {
  const out: VideoStat[] = [];
  for (const p of room.remoteParticipants.values()) {
    for (const pub of p.videoTrackPublications.values()) {
      const track = pub.videoTrack as RemoteVideoTrack | undefined;
      const receiver = track?.receiver;
      if (!track || !receiver) continue;
      const stat: VideoStat = { participant: p.identity, source: pub.source };
      (await receiver.getStats()).forEach((s: RTCInboundRtpStreamStats & { type: string }) => {
        if (s.type === "inbound-rtp" && s.kind === "video") {
          stat.frameWidth = s.frameWidth;
          stat.frameHeight = s.frameHeight;
          stat.framesDecoded = s.framesDecoded;
          stat.bytesReceived = s.bytesReceived;
        }
      });
      const el = track.attachedElements[0];
      if (el) {
        stat.elementWidth = el.clientWidth;
        stat.elementHeight = el.clientHeight;
      }
      out.push(stat);
    }
  }
  return out;
}
