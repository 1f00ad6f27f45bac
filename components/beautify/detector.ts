/**
 * Finds the face for the beautify filter with MediaPipe's FaceLandmarker (tasks-vision, bundled
 * by esbuild and imported on first use; wasm and model served by the app from
 * `/vendor/mediapipe/`, nothing fetched from elsewhere). Detection runs every few frames; in
 * between the last landmarks are held, and each new detection is blended in (steady when
 * still, immediate when moving).
 * @module
 */
import type { FaceLandmarker } from "@mediapipe/tasks-vision";
import { type Landmarks, MESH_POINTS, smoothLandmarks } from "./geometry.ts";

/** Where `scripts/beautify_assets.ts` puts the wasm and the models (served by the app). */
export const DEFAULT_ASSETS_BASE = "/vendor/mediapipe";

export interface FaceTrackerOptions {
  /** URL folder with `wasm/` and `face_landmarker.task`. */
  assetsBase?: string;
  /** "GPU" tries the GPU first and falls back to the CPU; tests use "CPU". Default "GPU". */
  delegate?: "CPU" | "GPU";
  /** Run the landmarker on one frame in this many (default 3). */
  detectEvery?: number;
  /** Detections in a row without a face before the face counts as gone (default 1). */
  missesToLose?: number;
}

/** Landmarks of the first face (points 0..467, normalised x, y pairs), or null. */
function firstFace(lm: FaceLandmarker, source: TexImageSource, ms: number): Landmarks | null {
  const face = lm.detectForVideo(source, ms).faceLandmarks[0];
  if (!face || face.length < MESH_POINTS) return null;
  const out = new Float32Array(MESH_POINTS * 2);
  for (let i = 0; i < MESH_POINTS; i++) {
    out[2 * i] = face[i].x;
    out[2 * i + 1] = face[i].y;
  }
  return out;
}

/** The timestamp of the GPU probe's detection. */
const PROBE_MS = 0;

/** One detection on a small blank picture; throws when the landmarker cannot run. */
function probe(lm: FaceLandmarker): void {
  const canvas = new OffscreenCanvas(64, 64);
  const ctx = canvas.getContext("2d")!;
  ctx.fillStyle = "#808080";
  ctx.fillRect(0, 0, 64, 64);
  lm.detectForVideo(canvas, PROBE_MS);
}

/** Tracks one face through a video: call {@link FaceTracker.update} once per frame. */
export class FaceTracker {
  private frame = 0;
  private lastMs = -1;
  private misses = 0;
  private current: Landmarks | null = null;
  /** Milliseconds the last detection took (for reports). */
  lastDetectMs = 0;
  /** Detections run so far. */
  detections = 0;

  private constructor(
    private landmarker: FaceLandmarker,
    private detectEvery: number,
    private missesToLose: number,
  ) {}

  /** Loads the wasm and the model; rejects when either fails. */
  static async create(opts: FaceTrackerOptions = {}): Promise<FaceTracker> {
    const base = (opts.assetsBase ?? DEFAULT_ASSETS_BASE).replace(/\/$/, "");
    // Loaded on first use: an island that bundles the processor (split into chunks by esbuild)
    // fetches MediaPipe's JavaScript only when a teacher switches the filter on.
    const { FaceLandmarker, FilesetResolver } = await import("@mediapipe/tasks-vision");
    const fileset = await FilesetResolver.forVisionTasks(`${base}/wasm`);
    const make = (delegate: "CPU" | "GPU") =>
      FaceLandmarker.createFromOptions(fileset, {
        baseOptions: { modelAssetPath: `${base}/face_landmarker.task`, delegate },
        runningMode: "VIDEO",
        numFaces: 1,
        minFaceDetectionConfidence: 0.5,
        minFacePresenceConfidence: 0.5,
        minTrackingConfidence: 0.5,
      });
    let landmarker: FaceLandmarker | null = null;
    if ((opts.delegate ?? "GPU") === "GPU") {
      try {
        landmarker = await make("GPU");
        // The GPU graph may start and still fail on its first frame (WebGL on SwiftShader:
        // "No support of const"): one detection on a blank picture tells.
        probe(landmarker);
      } catch {
        try {
          landmarker?.close();
        } catch { /* already broken */ }
        landmarker = null;
      }
    }
    landmarker ??= await make("CPU");
    const tracker = new FaceTracker(
      landmarker,
      Math.max(1, opts.detectEvery ?? 3),
      opts.missesToLose ?? 1,
    );
    tracker.lastMs = PROBE_MS; // timestamps must keep increasing after the probe
    return tracker;
  }

  /** A strictly increasing timestamp for the landmarker (it rejects repeats). */
  private stamp(ms: number): number {
    this.lastMs = Math.max(ms, this.lastMs + 1);
    return this.lastMs;
  }

  /** Landmarks of `source` now, unsmoothed (one detection). */
  detect(source: TexImageSource, ms = performance.now()): Landmarks | null {
    const t0 = performance.now();
    try {
      return firstFace(this.landmarker, source, this.stamp(ms));
    } finally {
      this.lastDetectMs = performance.now() - t0;
      this.detections++;
    }
  }

  /**
   * The face in this frame: detects on every `detectEvery`-th frame (the first one included),
   * holds the landmarks in between.
   */
  update(source: TexImageSource, ms = performance.now()): Landmarks | null {
    if (this.frame++ % this.detectEvery !== 0) return this.current;
    const found = this.detect(source, ms);
    if (found) {
      this.misses = 0;
      this.current = smoothLandmarks(this.current, found);
    } else if (++this.misses >= this.missesToLose) {
      this.current = null;
    }
    return this.current;
  }

  /** Forgets the face (e.g. after the camera changed). */
  reset(): void {
    this.current = null;
    this.misses = 0;
    this.frame = 0;
  }

  close(): void {
    this.landmarker.close();
  }
}
