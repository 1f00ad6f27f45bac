/**
 * The teacher's camera beautify filter as a livekit-client TrackProcessor:
 *
 * ```ts
 * const processor = createBeautifyProcessor();
 * await localVideoTrack.setProcessor(processor); // once, before or after publishing
 * processor.update({ enabled: true, smoothing: 0.7 }); // live: the track is never replaced
 * processor.onNotice((n) => showNotice(n.kind));
 * ```
 *
 * `processedTrack` is created once by `init` and keeps producing frames until `destroy`:
 * switching the filter, changing strengths, losing the face or failing to load the model only
 * change what goes into it (the camera frame itself when the filter cannot or should not run).
 *
 * In Chromium frames flow through MediaStreamTrackProcessor / MediaStreamTrackGenerator; other
 * browsers get a `<video>` drawn into a canvas whose `captureStream()` is the processed track.
 * @module
 */
import type { ProcessorOptions, Track, TrackProcessor } from "livekit-client";
import { DEFAULT_ASSETS_BASE } from "./detector.ts";
import { BeautifyEngine } from "./engine.ts";
import type { BeautifyNotice, BeautifySettings } from "./settings.ts";

export { DEFAULT_BEAUTIFY } from "./settings.ts";
export type { BeautifyNotice, BeautifySettings } from "./settings.ts";

/** The beautify filter, ready for `LocalVideoTrack.setProcessor`. */
export interface BeautifyProcessor extends TrackProcessor<Track.Kind.Video> {
  name: string;
  processedTrack?: MediaStreamTrack;
  init(opts: ProcessorOptions<Track.Kind.Video>): Promise<void>;
  restart(opts: ProcessorOptions<Track.Kind.Video>): Promise<void>;
  destroy(): Promise<void>;
  /** Changes settings live; never re-creates `processedTrack`. */
  update(settings: Partial<BeautifySettings>): void;
  readonly settings: BeautifySettings;
  readonly notice: BeautifyNotice;
  /** Calls `cb` on every change of notice; returns the unsubscribe function. */
  onNotice(cb: (n: BeautifyNotice) => void): () => void;
  /** For the before/after preview: the unprocessed track. */
  readonly sourceTrack?: MediaStreamTrack;
  /**
   * Loads the face model now (it loads by itself when the filter is first switched on) and
   * resolves with the notice once it is loaded or has failed.
   */
  whenLoaded(): Promise<BeautifyNotice>;
}

export interface BeautifyProcessorOptions {
  /** URL folder of the wasm and models (default "/vendor/mediapipe"). */
  assetsBase?: string;
  settings?: Partial<BeautifySettings>;
  /** MediaPipe delegate: "GPU" (default, falls back to the CPU) or "CPU". */
  delegate?: "CPU" | "GPU";
  /** Run face detection on one frame in this many (default 3). */
  detectEvery?: number;
  /** Frames over which the filter fades in when a face appears or it is switched on (default 8). */
  fadeFrames?: number;
  /** Frame plumbing; default "insertable" where the browser has it, else "canvas". */
  io?: "insertable" | "canvas";
}

// Chromium's insertable streams (not in TypeScript's DOM types).
interface TrackReaderCtor {
  new (init: { track: MediaStreamTrack; maxBufferSize?: number }): {
    readable: ReadableStream<VideoFrame>;
  };
}
interface TrackWriterCtor {
  new (init: { kind: "video" }): MediaStreamTrack & { writable: WritableStream<VideoFrame> };
}
const insertable = globalThis as unknown as {
  MediaStreamTrackProcessor?: TrackReaderCtor;
  MediaStreamTrackGenerator?: TrackWriterCtor;
};

type VideoWithCallback = HTMLVideoElement & {
  requestVideoFrameCallback?: (cb: () => void) => number;
};

/** Creates the beautify processor (see the module documentation). */
export function createBeautifyProcessor(opts: BeautifyProcessorOptions = {}): BeautifyProcessor {
  return new BeautifyTrackProcessor(opts);
}

class BeautifyTrackProcessor implements BeautifyProcessor {
  readonly name = "mirae-beautify";
  processedTrack?: MediaStreamTrack;
  sourceTrack?: MediaStreamTrack;
  private engine: BeautifyEngine | null = null;
  private readonly io: "insertable" | "canvas";
  /** Bumped to stop the running frame loop. */
  private generation = 0;
  private stopLoop: (() => void) | null = null;
  private writer: WritableStreamDefaultWriter<VideoFrame> | null = null;
  private output: HTMLCanvasElement | null = null;
  private listeners = new Set<(n: BeautifyNotice) => void>();

  constructor(private readonly opts: BeautifyProcessorOptions) {
    const hasInsertable = !!insertable.MediaStreamTrackProcessor &&
      !!insertable.MediaStreamTrackGenerator;
    this.io = opts.io === "canvas" || !hasInsertable ? "canvas" : "insertable";
  }

  /** The engine, created on first need (it needs a DOM, so not in the constructor). */
  private get filter(): BeautifyEngine {
    if (!this.engine) {
      this.engine = new BeautifyEngine({
        assetsBase: this.opts.assetsBase ?? DEFAULT_ASSETS_BASE,
        delegate: this.opts.delegate,
        detectEvery: this.opts.detectEvery,
        fadeFrames: this.opts.fadeFrames,
        settings: this.opts.settings,
      });
      this.engine.onNotice((n) => this.listeners.forEach((cb) => cb(n)));
    }
    return this.engine;
  }

  get settings(): BeautifySettings {
    return this.filter.settings;
  }

  get notice(): BeautifyNotice {
    return this.filter.notice;
  }

  onNotice(cb: (n: BeautifyNotice) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  update(settings: Partial<BeautifySettings>): void {
    this.filter.update(settings);
  }

  whenLoaded(): Promise<BeautifyNotice> {
    return this.filter.load();
  }

  async init(opts: ProcessorOptions<Track.Kind.Video>): Promise<void> {
    void this.filter; // creates the engine (and starts loading the model when enabled)
    if (!this.processedTrack) this.createOutput();
    await this.start(opts.track);
  }

  async restart(opts: ProcessorOptions<Track.Kind.Video>): Promise<void> {
    this.filter.resetFace(); // a new camera: find the face again
    await this.start(opts.track);
  }

  async destroy(): Promise<void> {
    this.stop();
    try {
      await this.writer?.close();
    } catch {
      // already closed with the track
    }
    this.writer = null;
    this.processedTrack?.stop();
    this.processedTrack = undefined;
    this.sourceTrack = undefined;
    this.engine?.dispose();
    this.engine = null;
    this.listeners.clear();
  }

  private createOutput(): void {
    if (this.io === "insertable") {
      const generator = new insertable.MediaStreamTrackGenerator!({ kind: "video" });
      this.writer = generator.writable.getWriter();
      this.processedTrack = generator;
    } else {
      this.output = document.createElement("canvas");
      this.output.width = 640;
      this.output.height = 480;
      this.processedTrack = this.output.captureStream().getVideoTracks()[0];
    }
  }

  private stop(): void {
    this.generation++;
    this.stopLoop?.();
    this.stopLoop = null;
  }

  private start(track: MediaStreamTrack): Promise<void> {
    this.stop();
    this.sourceTrack = track;
    const generation = this.generation;
    if (this.io === "insertable") return this.startInsertable(track, generation);
    return this.startCanvas(track, generation);
  }

  private startInsertable(track: MediaStreamTrack, generation: number): Promise<void> {
    const reader = new insertable.MediaStreamTrackProcessor!({ track, maxBufferSize: 2 })
      .readable.getReader();
    this.stopLoop = () => void reader.cancel().catch(() => {});
    const writer = this.writer!;
    const pump = async () => {
      while (generation === this.generation) {
        const { value: frame, done } = await reader.read();
        if (done || !frame) return;
        if (generation !== this.generation) {
          frame.close();
          return;
        }
        await writer.write(this.filtered(frame));
      }
    };
    pump().catch((err) => {
      if (generation === this.generation) console.error("beautify: frame loop stopped", err);
    });
    return Promise.resolve();
  }

  /** The frame to send: a new filtered frame (closing `frame`), or `frame` itself. */
  private filtered(frame: VideoFrame): VideoFrame {
    const engine = this.filter;
    try {
      if (engine.process(frame, frame.timestamp / 1000) && engine.canvas) {
        const out = new VideoFrame(engine.canvas, {
          timestamp: frame.timestamp,
          duration: frame.duration ?? undefined,
          alpha: "discard",
        });
        frame.close();
        return out;
      }
    } catch (err) {
      console.error("beautify: could not make the filtered frame", err);
    }
    return frame;
  }

  private async startCanvas(track: MediaStreamTrack, generation: number): Promise<void> {
    const video = document.createElement("video") as VideoWithCallback;
    video.muted = true;
    video.playsInline = true;
    video.srcObject = new MediaStream([track]);
    const out = this.output!;
    const ctx = out.getContext("2d")!;
    let timer: ReturnType<typeof setTimeout> | undefined;
    this.stopLoop = () => {
      clearTimeout(timer);
      video.srcObject = null;
    };
    const next = () => {
      if (generation !== this.generation) return;
      if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(draw);
      else timer = setTimeout(draw, 1000 / 30);
    };
    const draw = () => {
      if (generation !== this.generation) return;
      if (video.videoWidth && video.readyState >= 2) {
        if (out.width !== video.videoWidth || out.height !== video.videoHeight) {
          out.width = video.videoWidth;
          out.height = video.videoHeight;
        }
        const engine = this.filter;
        let drawn = false;
        try {
          if (engine.process(video) && engine.canvas) {
            ctx.drawImage(engine.canvas, 0, 0);
            drawn = true;
          }
        } catch (err) {
          console.error("beautify: frame failed", err);
        }
        if (!drawn) ctx.drawImage(video, 0, 0);
      }
      next();
    };
    await video.play().catch(() => {});
    next();
  }
}
