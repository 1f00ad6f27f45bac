/**
 * The beautify filter's settings and notices, shared by the processor, the engine and the
 * controls. No DOM, no WebGL: safe to import anywhere.
 * @module
 */

/** What the teacher chose. Strengths go from 0 (off) to 1 (strongest). */
export interface BeautifySettings {
  enabled: boolean;
  smoothing: number;
  brightening: number;
  slimming: number;
}

/**
 * Off until the teacher switches it on (a filter that changes a face is the teacher's choice);
 * the strengths are what switching it on gives: moderate smoothing and brightening, a light
 * slimming.
 */
export const DEFAULT_BEAUTIFY: BeautifySettings = Object.freeze({
  enabled: false,
  smoothing: 0.5,
  brightening: 0.4,
  slimming: 0.4,
});

/** What the teacher is told about the filter: `kind` is stable (translate by it). */
export type BeautifyNotice = {
  kind: "no-webgl2" | "no-face" | "model-failed" | "ok";
  message: string;
};

/** English notices; an island may show its own text for each `kind`. */
export const NOTICES: Record<BeautifyNotice["kind"], string> = {
  "ok": "Beautify is ready.",
  "no-face": "No face found: the camera is shown unchanged.",
  "no-webgl2": "This browser cannot run the filter (no WebGL2): the camera is shown unchanged.",
  "model-failed": "The face model could not be loaded: the camera is shown unchanged.",
};

export function notice(kind: BeautifyNotice["kind"], detail?: string): BeautifyNotice {
  return { kind, message: detail ? `${NOTICES[kind]} (${detail})` : NOTICES[kind] };
}

function strength(value: unknown, fallback: number): number {
  const n = typeof value === "number" && Number.isFinite(value) ? value : fallback;
  return Math.min(1, Math.max(0, n));
}

/** `base` with the valid parts of `patch` applied (strengths clamped to 0..1). */
export function mergeSettings(
  base: BeautifySettings,
  patch: Partial<BeautifySettings> = {},
): BeautifySettings {
  return {
    enabled: typeof patch.enabled === "boolean" ? patch.enabled : base.enabled,
    smoothing: strength(patch.smoothing, base.smoothing),
    brightening: strength(patch.brightening, base.brightening),
    slimming: strength(patch.slimming, base.slimming),
  };
}
