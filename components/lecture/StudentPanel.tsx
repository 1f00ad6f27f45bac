/**
 * A student's side panel while connected: their own connection quality, raise or lower a
 * hand, data saver or auto video quality, and, when the teacher invited them on stage,
 * their camera and microphone. Browser only.
 * @module
 */
import type { Room } from "livekit-client";
import { useEffect, useState } from "preact/hooks";
import { fill } from "../island_client.ts";
import { callApi, lectureApi, type OwnHand } from "./api.ts";
import type { LectureRoomLabels } from "./labels.ts";
import type { QualityName } from "./livekit.ts";
import { QualityIndicator } from "./Media.tsx";

/** While a hand is up its queue position is refreshed this often (ms). */
const POSITION_POLL = 15_000;

export function StudentPanel(
  { lectureId, room, quality, onStage, dataSaver, setDataSaver, hand, setHand, labels: L }: {
    lectureId: string;
    room: Room;
    quality: QualityName;
    onStage: boolean;
    dataSaver: boolean;
    setDataSaver(on: boolean): void;
    hand: OwnHand;
    setHand(hand: OwnHand): void;
    labels: LectureRoomLabels;
  },
) {
  const api = `${lectureApi(lectureId)}/hands`;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const lp = room.localParticipant;

  useEffect(() => {
    if (!hand.raised) return;
    const id = setInterval(async () => {
      const res = await callApi<OwnHand>("GET", api, L.network);
      if (res.ok) setHand(res.data);
    }, POSITION_POLL);
    return () => clearInterval(id);
  }, [hand.raised]);

  async function toggleHand() {
    setBusy(true);
    setError("");
    const res = hand.raised
      ? await callApi<OwnHand>("DELETE", api, L.network)
      : await callApi<OwnHand>("POST", api, L.network);
    setBusy(false);
    if (!res.ok) return setError(res.problem.message);
    setHand(hand.raised ? { raised: false } : { ...res.data, raised: true });
  }

  async function toggle(kind: "camera" | "mic") {
    setError("");
    try {
      if (kind === "camera") await lp.setCameraEnabled(!lp.isCameraEnabled);
      else await lp.setMicrophoneEnabled(!lp.isMicrophoneEnabled);
    } catch (err) {
      setError((err as Error)?.message || String(err));
    }
  }

  return (
    <section class="card student-panel" aria-label={L.controls}>
      <QualityIndicator quality={quality} label={L.connection} word={L[`q.${quality}`]} />

      {!onStage && (
        <div class="hand">
          <button
            type="button"
            class={hand.raised ? undefined : "primary"}
            disabled={busy}
            onClick={toggleHand}
          >
            {hand.raised ? L.lowerHand : L.raiseHand}
          </button>
          <p class="muted" aria-live="polite">
            {hand.raised
              ? (hand.position ? fill(L.handPosition, { position: hand.position }) : L.handRaised)
              : ""}
          </p>
        </div>
      )}

      {onStage && (
        <div class="on-stage-box" role="status">
          <p>
            <strong>{L.onStage}</strong>
          </p>
          <div class="row">
            <button
              type="button"
              onClick={() => void toggle("camera")}
            >
              {lp.isCameraEnabled ? L.cameraOff : L.cameraOn}
            </button>
            <button
              type="button"
              onClick={() => void toggle("mic")}
            >
              {lp.isMicrophoneEnabled ? L.micOff : L.micOn}
            </button>
          </div>
        </div>
      )}

      <fieldset class="video-quality">
        <legend>{L.videoQuality}</legend>
        <label class="check">
          <input
            type="radio"
            name="video-quality"
            value="auto"
            checked={!dataSaver}
            onChange={() => setDataSaver(false)}
          />
          {L.auto}
        </label>
        <label class="check">
          <input
            type="radio"
            name="video-quality"
            value="low"
            checked={dataSaver}
            aria-describedby="data-saver-hint"
            onChange={() => setDataSaver(true)}
          />
          {L.dataSaver}
        </label>
        <small id="data-saver-hint" class="muted">{L.dataSaverHint}</small>
      </fieldset>

      {error && <p class="error" role="alert">{error}</p>}
    </section>
  );
}
