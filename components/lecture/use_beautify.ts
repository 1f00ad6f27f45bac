/**
 * The teacher's beautify filter on their camera track: one BeautifyProcessor per camera track,
 * set with `track.setProcessor` on the preview track (so the preview shows the filtered
 * picture and the same track is published), set again on a track the page had to re-create
 * (a rejoin after a disconnect; LiveKit itself calls the processor's `restart` when a camera
 * restarts). The switch and the strengths only call `processor.update()`: the published track
 * is never stopped, replaced or re-published. The teacher's choice is kept in localStorage,
 * so a reload resumes with it. The filter's code (and, once switched on, the face model) is
 * loaded on demand. Browser only.
 * @module
 */
import { type LocalVideoTrack, TrackEvent } from "livekit-client";
import { useEffect, useRef, useState } from "preact/hooks";
import type { BeautifyProcessor } from "../beautify/processor.ts";
import {
  type BeautifyNotice,
  type BeautifySettings,
  DEFAULT_BEAUTIFY,
  mergeSettings,
} from "../beautify/settings.ts";

export interface TeacherBeautify {
  settings: BeautifySettings;
  /** The filter's latest notice (no face, no WebGL2, model failed), or null. */
  notice: BeautifyNotice | null;
  /** The before/after preview is open. */
  showBefore: boolean;
  setShowBefore(on: boolean): void;
  /** Applies a change live (`processor.update`) and keeps it for the next visit. */
  change(patch: Partial<BeautifySettings>): void;
  /** The camera without the filter, for the "before" picture (null when there is none). */
  sourceTrack: MediaStreamTrack | null;
  /** What the filter sends (the "after" picture). */
  processedTrack: MediaStreamTrack | null;
  /**
   * Loads the face model of the filter in use now (it loads by itself when switched on) and
   * resolves with its notice; null when no camera has the filter.
   */
  whenLoaded(): Promise<BeautifyNotice | null>;
  /** Puts the filter on `track` unless it has it already. Never throws. */
  attach(track: LocalVideoTrack | null | undefined): Promise<void>;
}

/** Where the teacher's choice is kept (one choice per teacher, for every lecture). */
export const BEAUTIFY_STORAGE_KEY = "mirae.beautify";

function loadSettings(): BeautifySettings {
  try {
    const saved = JSON.parse(localStorage.getItem(BEAUTIFY_STORAGE_KEY) ?? "{}");
    return mergeSettings(DEFAULT_BEAUTIFY, saved && typeof saved === "object" ? saved : {});
  } catch {
    return { ...DEFAULT_BEAUTIFY };
  }
}

function saveSettings(settings: BeautifySettings) {
  try {
    localStorage.setItem(BEAUTIFY_STORAGE_KEY, JSON.stringify(settings));
  } catch { /* not kept */ }
}

/** Loaded on first use, so students' pages never fetch the filter. */
let processorModule: Promise<typeof import("../beautify/processor.ts")> | null = null;

export function useTeacherBeautify(): TeacherBeautify {
  // The server renders the defaults; the teacher's choice is read once hydrated (before the
  // camera opens: this effect runs before the media hook's).
  const [settings, setSettings] = useState<BeautifySettings>({ ...DEFAULT_BEAUTIFY });
  const settingsRef = useRef(settings);
  useEffect(() => {
    const saved = loadSettings();
    settingsRef.current = saved;
    setSettings(saved);
  }, []);
  const [notice, setNotice] = useState<BeautifyNotice | null>(null);
  const [showBefore, setShowBefore] = useState(false);
  const [tracks, setTracks] = useState<
    { source: MediaStreamTrack | null; processed: MediaStreamTrack | null }
  >(
    { source: null, processed: null },
  );
  /** The processor of each camera track this page put one on. */
  const processors = useRef(new WeakMap<LocalVideoTrack, BeautifyProcessor>());
  const attaching = useRef(new WeakMap<LocalVideoTrack, Promise<void>>());
  /** The processor the controls act on, and its track. */
  const current = useRef<{ track: LocalVideoTrack; processor: BeautifyProcessor } | null>(null);

  const show = (processor: BeautifyProcessor) =>
    setTracks({
      source: processor.sourceTrack ?? null,
      processed: processor.processedTrack ?? null,
    });

  const setOn = async (track: LocalVideoTrack) => {
    try {
      processorModule ??= import("../beautify/processor.ts");
      const { createBeautifyProcessor } = await processorModule;
      const processor = createBeautifyProcessor({ settings: settingsRef.current });
      processors.current.set(track, processor);
      processor.onNotice((n) => {
        if (current.current?.processor === processor) setNotice(n);
      });
      await track.setProcessor(processor);
      current.current = { track, processor };
      setNotice(processor.notice);
      show(processor);
      // A camera restart (turned back on while live) gives the processor a new source.
      track.on(TrackEvent.Restarted, () => {
        if (current.current?.processor === processor) show(processor);
      });
    } catch (err) {
      // The camera goes on unfiltered; the teacher is told the filter cannot run here.
      console.error("beautify: could not set the filter on the camera", err);
      processors.current.delete(track);
      setNotice({ kind: "no-webgl2", message: (err as Error)?.message ?? String(err) });
    }
  };

  const attach = (track: LocalVideoTrack | null | undefined): Promise<void> => {
    if (!track) return Promise.resolve();
    const mine = processors.current.get(track);
    // LiveKit destroys the processor when the track stops (unpublish, disconnect).
    if (mine && track.getProcessor() === mine) return Promise.resolve();
    let pending = attaching.current.get(track);
    if (!pending) {
      pending = setOn(track).finally(() => attaching.current.delete(track));
      attaching.current.set(track, pending);
    }
    return pending;
  };

  const change = (patch: Partial<BeautifySettings>) => {
    const next = mergeSettings(settingsRef.current, patch);
    settingsRef.current = next;
    setSettings(next);
    saveSettings(next);
    const on = current.current;
    // Only while the track still has it (a stopped track's processor is destroyed).
    if (on && on.track.getProcessor() === on.processor) on.processor.update(patch);
  };

  return {
    settings,
    notice,
    showBefore,
    setShowBefore,
    change,
    sourceTrack: tracks.source,
    processedTrack: tracks.processed,
    attach,
    whenLoaded: () => current.current?.processor.whenLoaded() ?? Promise.resolve(null),
  };
}
