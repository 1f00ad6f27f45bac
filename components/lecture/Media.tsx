/**
 * Media elements of the lecture room: a video element bound to a LiveKit track (adaptive
 * stream watches the element's size and visibility), hidden audio elements for remote sound,
 * and the connection-quality indicator. Browser only.
 * @module
 */
import type { AudioTrack, VideoTrack } from "livekit-client";
import { useEffect, useRef } from "preact/hooks";
import type { QualityName } from "./livekit.ts";

/** A video element showing `track` (attached while mounted). */
export function TrackVideo(
  { track, label, source, participant, mirror, className }: {
    track: VideoTrack;
    /** What the video shows, for screen readers. */
    label: string;
    /** "camera" or "screen_share": tests and styles find videos by it. */
    source: string;
    participant: string;
    /** Mirror the picture (one's own camera). */
    mirror?: boolean;
    className?: string;
  },
) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    track.attach(el);
    return () => {
      track.detach(el);
    };
  }, [track]);
  return (
    <video
      ref={ref}
      class={`lecture-video${mirror ? " mirror" : ""}${className ? ` ${className}` : ""}`}
      autoPlay
      playsInline
      muted
      aria-label={label}
      data-lecture-video={source}
      data-participant={participant}
    />
  );
}

/** Plays a remote audio track (an element the user never sees). */
export function TrackAudio({ track }: { track: AudioTrack }) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    track.attach(el);
    return () => {
      track.detach(el);
    };
  }, [track]);
  return <audio ref={ref} autoPlay hidden />;
}

/** The local participant's own link quality: four bars and a word. */
export function QualityIndicator(
  { quality, label, word }: { quality: QualityName; label: string; word: string },
) {
  const level = { excellent: 4, good: 3, poor: 1, lost: 0, unknown: 0 }[quality];
  return (
    <p class={`quality q-${quality}`} data-quality={quality} role="status">
      <span class="bars" aria-hidden="true">
        {[1, 2, 3, 4].map((i) => <span key={i} class={i <= level ? "on" : undefined} />)}
      </span>
      <span>
        {label}: <strong>{word}</strong>
      </span>
    </p>
  );
}

/** How often the level meter reads the microphone (~15 times a second). */
const METER_EVERY_MS = 66;

/**
 * A microphone level meter: a Web Audio AnalyserNode on `track`, read ~15 times a second into
 * a `<meter>` (0 to 1; peaks fall back slowly so a short sound stays visible). The audio
 * context is closed when the track changes or the meter goes away.
 */
export function MicMeter({ track, label }: { track: MediaStreamTrack; label: string }) {
  const ref = useRef<HTMLMeterElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ctx = new AudioContext();
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 1024;
    ctx.createMediaStreamSource(new MediaStream([track])).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let level = 0;
    const id = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const x of samples) sum += x * x;
      // RMS, scaled so speech fills most of the bar.
      const now = Math.min(1, Math.sqrt(sum / samples.length) * 4);
      level = Math.max(now, level * 0.85);
      el.value = level < 0.005 ? 0 : level;
    }, METER_EVERY_MS);
    // A page opened without a click may start the audio context suspended.
    const resume = () => void ctx.resume();
    resume();
    document.addEventListener("pointerdown", resume, { once: true });
    return () => {
      clearInterval(id);
      document.removeEventListener("pointerdown", resume);
      void ctx.close();
    };
  }, [track]);
  return (
    <meter
      ref={ref}
      class="mic-meter"
      min={0}
      max={1}
      low={0.6}
      high={0.9}
      value={0}
      aria-label={label}
      data-mic-meter=""
    />
  );
}
