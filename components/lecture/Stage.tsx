/**
 * What the lecture room shows in its main area: for the teacher, the camera preview before
 * going live, then their own camera, screen share and the students on stage, with the
 * controls; for a student, the teacher's video large (the shared screen larger still when
 * there is one) and the students on stage. Browser only.
 * @module
 */
import {
  type RemoteAudioTrack,
  type RemoteParticipant,
  type RemoteVideoTrack,
  type Room,
  Track,
} from "livekit-client";
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import {
  BEAUTIFY_LABELS,
  BeautifyControls,
  type BeautifyLabels,
  BeautifyPreview,
} from "../beautify/BeautifyControls.tsx";
import { fill } from "../island_client.ts";
import type { LectureRoomLabels } from "./labels.ts";
import { participantRole } from "./livekit.ts";
import { MicMeter, TrackAudio, TrackVideo } from "./Media.tsx";
import { ownCamera, type TeacherMedia } from "./use_teacher_media.ts";
import type { Phase } from "./use_room.ts";

interface RemoteVideo {
  participant: RemoteParticipant;
  role: "teacher" | "student";
  source: Track.Source;
  track: RemoteVideoTrack;
}

/** Every received, unmuted video of the room. */
export function remoteVideos(room: Room | null): RemoteVideo[] {
  const out: RemoteVideo[] = [];
  if (!room) return out;
  for (const p of room.remoteParticipants.values()) {
    for (const pub of p.videoTrackPublications.values()) {
      const track = pub.videoTrack as RemoteVideoTrack | undefined;
      if (track && !pub.isMuted) {
        out.push({ participant: p, role: participantRole(p), source: pub.source, track });
      }
    }
  }
  return out;
}

/** Every received sound of the room (teacher, students on stage, shared-screen audio). */
function RemoteAudio({ room }: { room: Room | null }) {
  const tracks: RemoteAudioTrack[] = [];
  for (const p of room?.remoteParticipants.values() ?? []) {
    for (const pub of p.audioTrackPublications.values()) {
      if (pub.audioTrack) tracks.push(pub.audioTrack as RemoteAudioTrack);
    }
  }
  return (
    <>
      {tracks.map((t) => <TrackAudio key={t.sid} track={t} />)}
    </>
  );
}

function StageTiles(
  { videos, title, own }: {
    videos: RemoteVideo[];
    title: string;
    own?: ComponentChildren;
  },
) {
  if (!videos.length && !own) return null;
  return (
    <section class="stage-tiles" aria-label={title}>
      {own}
      {videos.map((v) => (
        <figure key={v.track.sid} class="tile">
          <TrackVideo
            track={v.track}
            label={v.participant.name || v.participant.identity}
            source={v.source}
            participant={v.participant.identity}
          />
          <figcaption>{v.participant.name || v.participant.identity}</figcaption>
        </figure>
      ))}
    </section>
  );
}

/** The beautify controls' strings from the room's labels (`beautify.<key>`). */
function beautifyLabels(L: LectureRoomLabels): Partial<BeautifyLabels> {
  const out: Partial<BeautifyLabels> = {};
  for (const key of BEAUTIFY_LABELS) {
    const text = (L as Record<string, string>)[`beautify.${key}`];
    if (text) out[key] = text;
  }
  return out;
}

/**
 * Camera effects (the beautify filter), in the preview and in the live controls: an
 * expandable panel with the switch, the strengths, the filter's notice and a before/after
 * pair of small videos. Effects apply to the camera track, which is the same before and
 * after going live: changing them only updates the filter.
 */
function EffectsSlot(
  { media, labels: L, where }: {
    media: TeacherMedia;
    labels: LectureRoomLabels;
    where: "preview" | "live";
  },
) {
  const b = media.beautify;
  // Open in the preview (where the teacher gets ready), folded away while live.
  const [open, setOpen] = useState(where === "preview");
  return (
    <div class="beautify-slot" data-slot="beautify" aria-label={L.effects} role="group">
      <details open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary>{L.effects}</summary>
        <BeautifyControls
          settings={b.settings}
          onChange={b.change}
          showBefore={b.showBefore}
          onShowBeforeChange={b.setShowBefore}
          notice={b.settings.enabled ? b.notice : null}
          labels={beautifyLabels(L)}
          idPrefix={`beautify-${where}`}
        />
        {b.showBefore && (
          <div class="beautify-compare">
            <figure>
              <BeautifyPreview
                track={b.sourceTrack}
                label={L["beautify.before"]}
                class="beautify-preview mirror"
              />
              <figcaption>{L["beautify.before"]}</figcaption>
            </figure>
            <figure>
              <BeautifyPreview
                track={b.processedTrack}
                label={L["beautify.after"]}
                class="beautify-preview mirror"
              />
              <figcaption>{L["beautify.after"]}</figcaption>
            </figure>
          </div>
        )}
      </details>
    </div>
  );
}

/**
 * The camera and microphone pickers with the microphone's level meter, in the preview and
 * while live. The lists come from the browser once it allowed the devices.
 */
function DevicePickers(
  { media, room, labels: L, where }: {
    media: TeacherMedia;
    room: Room | null;
    labels: LectureRoomLabels;
    where: "preview" | "live";
  },
) {
  const mic = media.micTrack(room);
  const select = (
    kind: "camera" | "mic",
    options: { id: string; label: string }[],
    value: string,
    choose: (id: string) => void,
  ) => (
    <div class="device-pick">
      <label for={`device-${where}-${kind}`}>{kind === "camera" ? L.camera : L.microphone}</label>
      <select
        id={`device-${where}-${kind}`}
        value={value}
        disabled={!options.length}
        onChange={(e) => choose(e.currentTarget.value)}
      >
        {!options.some((o) => o.id === value) && <option value={value}>{L.deviceDefault}</option>}
        {options.map((o) => <option key={o.id} value={o.id}>{o.label}</option>)}
      </select>
    </div>
  );
  return (
    <div class="device-pickers" role="group" aria-label={L.devices} data-devices={where}>
      {select("camera", media.cameras, media.cameraId, (id) => void media.chooseCamera(id, room))}
      {select("mic", media.mics, media.micId, (id) => void media.chooseMic(id, room))}
      <div class="mic-level">
        <span aria-hidden="true">{L.micLevel}</span>
        {mic
          ? <MicMeter track={mic} label={L.micLevel} />
          : <meter class="mic-meter" min={0} max={1} value={0} aria-label={L.micLevel} />}
      </div>
      {media.gone.map((kind) => (
        <p key={kind} class="notice" role="status">
          {kind === "camera" ? L.cameraGone : L.micGone}
        </p>
      ))}
      {media.deviceError && (
        <p class="error" role="alert">{fill(L.deviceError, { message: media.deviceError })}</p>
      )}
    </div>
  );
}

export function TeacherStage(
  { room, phase, media, resume, onGoLive, onLeave, onEnd, ending, labels: L }: {
    room: Room | null;
    phase: Phase;
    media: TeacherMedia;
    /** The lecture is live already: the button resumes it, and it can be ended from here. */
    resume: boolean;
    onGoLive(): void;
    /** Leave the room without ending the lecture. */
    onLeave(): void;
    onEnd(): void;
    ending: boolean;
    labels: LectureRoomLabels;
  },
) {
  const connected = !!room && (phase === "live" || phase === "reconnecting");
  const camera = ownCamera(connected ? room : null, media.preview);
  const screen = connected
    ? room!.localParticipant.getTrackPublication(Track.Source.ScreenShare)?.videoTrack
    : undefined;
  const videos = remoteVideos(connected ? room : null);
  const busy = phase === "connecting";

  const controls = (
    <div class="lecture-controls" role="toolbar" aria-label={L.controls}>
      <button
        type="button"
        onClick={() => void media.toggleCamera(connected ? room : null)}
      >
        {media.camOn ? L.cameraOff : L.cameraOn}
      </button>
      <button
        type="button"
        onClick={() => void media.toggleMic(connected ? room : null)}
      >
        {media.micOn ? L.micOff : L.micOn}
      </button>
      {connected && (
        <button
          type="button"
          onClick={() => void media.toggleShare(room!)}
        >
          {screen ? L.stopShare : L.shareScreen}
        </button>
      )}
      {!connected && (
        <button
          type="button"
          class="primary"
          disabled={busy || media.previewState === "starting"}
          onClick={onGoLive}
        >
          {busy ? L.goingLive : resume ? L.resume : L.goLive}
        </button>
      )}
      {connected && <button type="button" onClick={onLeave}>{L.leave}</button>}
      {(connected || (resume && !busy)) && (
        <button type="button" class="danger" disabled={ending} onClick={onEnd}>
          {ending ? L.ending : L.endLecture}
        </button>
      )}
    </div>
  );

  return (
    <div class="teacher-stage">
      {!connected && (
        <section class="card preview" aria-labelledby="preview-title">
          <h2 id="preview-title">{L.previewTitle}</h2>
          <div class="video-box">
            {camera
              ? (
                <TrackVideo
                  track={camera}
                  label={L.previewTitle}
                  source="camera"
                  participant="local"
                  mirror
                />
              )
              : (
                <p class="video-placeholder">
                  {media.previewState === "starting" ? L.cameraStarting : L.cameraOn}
                </p>
              )}
          </div>
          <p class="muted">{L.previewHint}</p>
          {media.error && (
            <p class="error" role="alert">{fill(L.cameraError, { message: media.error })}</p>
          )}
          <DevicePickers media={media} room={null} labels={L} where="preview" />
          <EffectsSlot media={media} labels={L} where="preview" />
          {controls}
        </section>
      )}
      {connected && (
        <>
          <div class={`main-video${screen ? " with-screen" : ""}`}>
            {screen && (
              <figure class="screen">
                <TrackVideo
                  track={screen}
                  label={L.yourScreen}
                  source="screen_share"
                  participant="local"
                />
                <figcaption>{L.yourScreen}</figcaption>
              </figure>
            )}
            <figure class="camera">
              {camera
                ? (
                  <TrackVideo
                    track={camera}
                    label={L.you}
                    source="camera"
                    participant="local"
                    mirror
                  />
                )
                : <p class="video-placeholder">{L.cameraOn}</p>}
              <figcaption>
                {L.you} <span class="badge live">{L.live}</span>
              </figcaption>
            </figure>
          </div>
          {media.error && (
            <p class="error" role="alert">{fill(L.cameraError, { message: media.error })}</p>
          )}
          {media.shareError && (
            <p class="error" role="alert">{fill(L.shareError, { message: media.shareError })}</p>
          )}
          {controls}
          <details class="devices-live">
            <summary>{L.devices}</summary>
            <DevicePickers media={media} room={room} labels={L} where="live" />
          </details>
          <EffectsSlot media={media} labels={L} where="live" />
          <StageTiles videos={videos} title={L.stageVideos} />
        </>
      )}
      <RemoteAudio room={connected ? room : null} />
    </div>
  );
}

export function StudentStage(
  { room, phase, labels: L }: { room: Room | null; phase: Phase; labels: LectureRoomLabels },
) {
  const connected = !!room && (phase === "live" || phase === "reconnecting");
  const videos = remoteVideos(connected ? room : null);
  const teacherVideos = videos.filter((v) => v.role === "teacher");
  const screen = teacherVideos.find((v) => v.source === Track.Source.ScreenShare);
  const camera = teacherVideos.find((v) => v.source === Track.Source.Camera);
  const others = videos.filter((v) => v !== screen && v !== camera);
  const own = connected
    ? room!.localParticipant.getTrackPublication(Track.Source.Camera)
    : undefined;
  const ownTrack = own && !own.isMuted ? own.videoTrack : undefined;
  if (!connected) return null;
  return (
    <div class="student-stage">
      <div class={`main-video${screen ? " with-screen" : ""}`}>
        {screen && (
          <figure class="screen">
            <TrackVideo
              track={screen.track}
              label={L.screenShare}
              source="screen_share"
              participant={screen.participant.identity}
            />
          </figure>
        )}
        <figure class="camera">
          {camera
            ? (
              <TrackVideo
                track={camera.track}
                label={L.teacherVideo}
                source="camera"
                participant={camera.participant.identity}
              />
            )
            : <p class="video-placeholder">{L.waitingVideo}</p>}
          {camera && <figcaption>{camera.participant.name}</figcaption>}
        </figure>
      </div>
      <StageTiles
        videos={others}
        title={L.stageVideos}
        own={ownTrack && (
          <figure class="tile">
            <TrackVideo track={ownTrack} label={L.you} source="camera" participant="local" mirror />
            <figcaption>{L.you}</figcaption>
          </figure>
        )}
      />
      <RemoteAudio room={room} />
    </div>
  );
}
