/**
 * The teacher's beautify controls: an on/off switch, strength sliders (smoothing, brightening,
 * slimming), a before/after toggle for the preview and the filter's notice. Controlled: the
 * island keeps the settings and calls `processor.update(patch)` from `onChange`. Native inputs,
 * each with a label, so it works from the keyboard (Space toggles, arrows move a slider by 5%).
 * Strings come in `labels` (translated by the page); English defaults in BEAUTIFY_LABELS_EN.
 * @module
 */
import { useEffect, useRef } from "preact/hooks";
import type { BeautifyNotice, BeautifySettings } from "./settings.ts";

/** The strings the controls show. */
export const BEAUTIFY_LABELS = [
  "title",
  "enabled",
  "smoothing",
  "brightening",
  "slimming",
  "showBefore",
  "noticeOk",
  "noticeNoFace",
  "noticeNoWebgl2",
  "noticeModelFailed",
] as const;
export type BeautifyLabels = Record<(typeof BEAUTIFY_LABELS)[number], string>;

export const BEAUTIFY_LABELS_EN: BeautifyLabels = {
  title: "Beautify",
  enabled: "Beautify my camera",
  smoothing: "Smoothing",
  brightening: "Brightening",
  slimming: "Slimming",
  showBefore: "Show my camera without the filter (before)",
  noticeOk: "",
  noticeNoFace: "No face found: your camera is sent unchanged.",
  noticeNoWebgl2: "This browser cannot run the filter: your camera is sent unchanged.",
  noticeModelFailed: "The face model could not be loaded: your camera is sent unchanged.",
};

const NOTICE_LABEL: Record<BeautifyNotice["kind"], keyof BeautifyLabels> = {
  "ok": "noticeOk",
  "no-face": "noticeNoFace",
  "no-webgl2": "noticeNoWebgl2",
  "model-failed": "noticeModelFailed",
};

export interface BeautifyControlsProps {
  settings: BeautifySettings;
  /** Called with what changed, e.g. `{ smoothing: 0.65 }`. */
  onChange: (patch: Partial<BeautifySettings>) => void;
  /** The preview shows the unfiltered camera. */
  showBefore: boolean;
  onShowBeforeChange: (before: boolean) => void;
  notice?: BeautifyNotice | null;
  /** Translated strings (missing ones fall back to English). */
  labels?: Partial<BeautifyLabels>;
  /** Prefix for element ids, when the controls appear twice on a page. */
  idPrefix?: string;
}

const SLIDERS = ["smoothing", "brightening", "slimming"] as const;

export function BeautifyControls(props: BeautifyControlsProps) {
  const t = { ...BEAUTIFY_LABELS_EN, ...props.labels };
  const id = (name: string) => `${props.idPrefix ?? "beautify"}-${name}`;
  const { settings } = props;
  const noticeText = props.notice
    ? (t[NOTICE_LABEL[props.notice.kind]] ||
      (props.notice.kind === "ok" ? "" : props.notice.message))
    : "";
  return (
    <fieldset class="beautify-controls">
      <legend>{t.title}</legend>
      <label class="beautify-switch">
        <input
          type="checkbox"
          role="switch"
          id={id("enabled")}
          checked={settings.enabled}
          aria-checked={settings.enabled}
          onChange={(e) => props.onChange({ enabled: e.currentTarget.checked })}
        />{" "}
        {t.enabled}
      </label>
      {SLIDERS.map((name) => {
        const percent = Math.round(settings[name] * 100);
        return (
          <div class="beautify-slider" key={name}>
            <label for={id(name)}>{t[name]}</label>
            <input
              type="range"
              id={id(name)}
              min={0}
              max={100}
              step={5}
              value={percent}
              aria-valuetext={`${percent}%`}
              onInput={(e) => props.onChange({ [name]: Number(e.currentTarget.value) / 100 })}
            />
            <output for={id(name)}>{percent}%</output>
          </div>
        );
      })}
      <label class="beautify-before">
        <input
          type="checkbox"
          id={id("before")}
          checked={props.showBefore}
          onChange={(e) => props.onShowBeforeChange(e.currentTarget.checked)}
        />{" "}
        {t.showBefore}
      </label>
      <p class="beautify-notice muted" role="status" aria-live="polite">{noticeText}</p>
    </fieldset>
  );
}

export interface BeautifyPreviewProps {
  /** What to show: the processor's `sourceTrack` (before) or `processedTrack` (after). */
  track?: MediaStreamTrack | null;
  label: string;
  class?: string;
}

/** A muted `<video>` showing a track, for the before/after preview. */
export function BeautifyPreview(props: BeautifyPreviewProps) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    video.srcObject = props.track ? new MediaStream([props.track]) : null;
    if (props.track) video.play().catch(() => {});
    return () => {
      video.srcObject = null;
    };
  }, [props.track]);
  return (
    <video
      ref={ref}
      class={props.class ?? "beautify-preview"}
      aria-label={props.label}
      muted
      playsInline
      autoplay
    />
  );
}
