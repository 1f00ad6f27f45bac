/**
 * The beautify filter without the track plumbing: settings, the WebGL2 pipeline, the face
 * tracker, the fade in and out, and the notices. {@link BeautifyEngine.process} handles one
 * frame and says whether the canvas holds a filtered picture or the frame should pass through
 * unchanged; the processor (processor.ts), the tests and the benchmark all drive it.
 * @module
 */
import { FaceTracker, type FaceTrackerOptions } from "./detector.ts";
import type { Landmarks } from "./geometry.ts";
import { BeautifyPipeline, type FrameSource } from "./pipeline.ts";
import {
  type BeautifyNotice,
  type BeautifySettings,
  DEFAULT_BEAUTIFY,
  mergeSettings,
  notice,
} from "./settings.ts";

export interface BeautifyEngineOptions extends FaceTrackerOptions {
  settings?: Partial<BeautifySettings>;
  /** Frames over which the filter fades in when a face appears (or it is switched on). */
  fadeFrames?: number;
  /** Where the pipeline draws (default: a new OffscreenCanvas). */
  canvas?: HTMLCanvasElement | OffscreenCanvas;
}

/** Failures in a row (detection or drawing) after which the filter gives up and passes through. */
const MAX_FAILURES = 3;

/** One teacher's filter: settings, pipeline, tracker. */
export class BeautifyEngine {
  private current: BeautifySettings;
  private state: BeautifyNotice = notice("ok");
  private listeners = new Set<(n: BeautifyNotice) => void>();
  readonly pipeline: BeautifyPipeline | null = null;
  private tracker: FaceTracker | null = null;
  private loading: Promise<void> | null = null;
  private face: Landmarks | null = null;
  private amount = 0;
  private failures = 0;
  private readonly fadeStep: number;

  constructor(private readonly opts: BeautifyEngineOptions = {}) {
    this.current = mergeSettings(DEFAULT_BEAUTIFY, opts.settings);
    this.fadeStep = opts.fadeFrames === 0 ? 1 : 1 / (opts.fadeFrames ?? 8);
    try {
      this.pipeline = BeautifyPipeline.create(opts.canvas);
    } catch (err) {
      this.state = notice("no-webgl2", (err as Error).message);
    }
    if (this.current.enabled) void this.load();
  }

  get settings(): BeautifySettings {
    return { ...this.current };
  }

  get notice(): BeautifyNotice {
    return this.state;
  }

  /** The canvas {@link process} draws into (null without WebGL2). */
  get canvas(): HTMLCanvasElement | OffscreenCanvas | null {
    return this.pipeline?.canvas ?? null;
  }

  /** Calls `cb` on every change of notice; returns the unsubscribe function. */
  onNotice(cb: (n: BeautifyNotice) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  private setNotice(n: BeautifyNotice): void {
    if (n.kind === this.state.kind && n.message === this.state.message) return;
    this.state = n;
    for (const cb of this.listeners) {
      try {
        cb(n);
      } catch (err) {
        console.error("beautify notice listener failed", err);
      }
    }
  }

  /** Changes settings live; switching on loads the face model the first time. */
  update(patch: Partial<BeautifySettings>): void {
    const was = this.current.enabled;
    this.current = mergeSettings(this.current, patch);
    if (this.current.enabled && !was) {
      this.resetFace();
      void this.load();
    }
  }

  /** Forgets the face (a new camera, or switched back on): it fades in again once found. */
  resetFace(): void {
    this.tracker?.reset();
    this.face = null;
    this.amount = 0;
  }

  /**
   * Loads the face model (once; later calls share the first). Never rejects: a failure shows
   * as the "model-failed" notice. Resolves with the notice after loading.
   */
  load(): Promise<BeautifyNotice> {
    if (!this.pipeline) return Promise.resolve(this.state);
    this.loading ??= FaceTracker.create(this.opts).then(
      (t) => {
        this.tracker = t;
      },
      (err) => {
        console.error("beautify: the face model failed to load", err);
        this.setNotice(notice("model-failed", String((err as Error)?.message ?? err)));
      },
    );
    return this.loading.then(() => this.state);
  }

  /**
   * Handles one frame. True: the canvas holds the filtered frame. False: pass `source` through
   * unchanged (filter off, no WebGL2, model not loaded or failed, no face).
   */
  process(source: FrameSource, ms = performance.now()): boolean {
    const p = this.pipeline;
    if (!this.current.enabled || !p || !this.tracker) return false;
    if (!p.usable) {
      this.setNotice(notice("no-webgl2", "the WebGL context was lost"));
      return false;
    }
    try {
      const found = this.tracker.update(source as TexImageSource, ms);
      if (found) {
        this.face = found;
        this.setNotice(notice("ok"));
      } else {
        this.setNotice(notice("no-face"));
      }
      // Fades in; a lost face goes at once (held landmarks over a frame without the face would
      // brighten an empty oval).
      this.amount = found ? Math.min(1, this.amount + this.fadeStep) : 0;
      if (this.amount <= 0 || !this.face) return false;
      const s = this.current, a = this.amount;
      p.render(source, this.face, {
        smoothing: s.smoothing * a,
        brightening: s.brightening * a,
        slimming: s.slimming * a,
      });
      this.failures = 0;
      return true;
    } catch (err) {
      console.error("beautify: frame failed", err);
      if (++this.failures >= MAX_FAILURES) {
        this.tracker?.close();
        this.tracker = null;
        this.setNotice(notice("model-failed", String((err as Error)?.message ?? err)));
      }
      return false;
    }
  }

  /** Draws `source` unchanged into the canvas (upload and copy). False without WebGL2. */
  copy(source: FrameSource): boolean {
    if (!this.pipeline?.usable) return false;
    this.pipeline.copy(source);
    return true;
  }

  /** The face the last frame used (normalised landmarks), for tests. */
  get lastFace(): Landmarks | null {
    return this.face;
  }

  /** The face tracker, once loaded (tests run detections on it directly). */
  get faceTracker(): FaceTracker | null {
    return this.tracker;
  }

  dispose(): void {
    this.tracker?.close();
    this.tracker = null;
    this.pipeline?.dispose();
    this.listeners.clear();
  }
}
