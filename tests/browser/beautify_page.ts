/**
 * Browser-side helpers for the beautify test and benchmark, bundled with the filter (see
 * beautify_harness.ts) and reached from `page.evaluate` as `globalThis.beautify`. The measuring
 * instrument here is independent of the filter: a FaceLandmarker in IMAGE mode of its own.
 * @module
 */
import { FaceLandmarker, FilesetResolver } from "@mediapipe/tasks-vision";

/** A photo scaled to the frame's height and centred on grey, like the fake camera's clip. */
export async function letterbox(url: string, width = 640, height = 480): Promise<ImageBitmap> {
  const img = await createImageBitmap(await (await fetch(url)).blob());
  const c = new OffscreenCanvas(width, height);
  const ctx = c.getContext("2d")!;
  ctx.fillStyle = "#808080";
  ctx.fillRect(0, 0, width, height);
  const w = Math.round((img.width * height) / img.height);
  ctx.drawImage(img, Math.round((width - w) / 2), 0, w, height);
  return c.transferToImageBitmap();
}

/** A frame of one colour. */
export function blank(width: number, height: number, color = "#808080"): ImageBitmap {
  const c = new OffscreenCanvas(width, height);
  const ctx = c.getContext("2d")!;
  ctx.fillStyle = color;
  ctx.fillRect(0, 0, width, height);
  return c.transferToImageBitmap();
}

/** RGBA pixels of an image or video frame, top row first. */
export function pixels(source: ImageBitmap | VideoFrame | OffscreenCanvas): Uint8Array {
  const w = "displayWidth" in source ? source.displayWidth : source.width;
  const h = "displayHeight" in source ? source.displayHeight : source.height;
  const c = new OffscreenCanvas(w, h);
  const ctx = c.getContext("2d", { willReadFrequently: true })!;
  ctx.drawImage(source, 0, 0);
  return new Uint8Array(ctx.getImageData(0, 0, w, h).data.buffer);
}

/** Bytes as base64 (to hand pixels back to Deno). */
export function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

let imageLandmarker: Promise<FaceLandmarker> | null = null;

/** Face-mesh landmarks (468 points, pixels) found by an IMAGE-mode landmarker, or null. */
export async function measureLandmarks(
  image: ImageBitmap,
  assetsBase = "/vendor/mediapipe",
): Promise<number[] | null> {
  imageLandmarker ??= FilesetResolver.forVisionTasks(`${assetsBase}/wasm`).then((fileset) =>
    FaceLandmarker.createFromOptions(fileset, {
      baseOptions: { modelAssetPath: `${assetsBase}/face_landmarker.task`, delegate: "CPU" },
      runningMode: "IMAGE",
      numFaces: 1,
    })
  );
  const face = (await imageLandmarker).detect(image).faceLandmarks[0];
  if (!face) return null;
  return face.slice(0, 468).flatMap((p) => [p.x * image.width, p.y * image.height]);
}

/** Collects frames of `track` until `stop()`: arrival times and a copy of chosen frames. */
export function watchTrack(track: MediaStreamTrack) {
  type Reader = { readable: ReadableStream<VideoFrame> };
  const Ctor = (globalThis as unknown as {
    MediaStreamTrackProcessor: new (init: { track: MediaStreamTrack }) => Reader;
  }).MediaStreamTrackProcessor;
  const copy = track.clone();
  const reader = new Ctor({ track: copy }).readable.getReader();
  const times: number[] = [];
  const wanted: ((px: Uint8Array) => void)[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const { value, done } = await reader.read();
      if (done || !value) break;
      times.push(performance.now());
      const take = wanted.shift();
      if (take) take(pixels(value));
      value.close();
    }
  })();
  return {
    times,
    /** Pixels of the next frame (rejects when none comes within `ms`). */
    next(ms = 5000): Promise<Uint8Array> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          wanted.splice(wanted.indexOf(take), 1);
          reject(new Error(`no frame from the ${track.label || "track"} in ${ms} ms`));
        }, ms);
        const take = (px: Uint8Array) => {
          clearTimeout(timer);
          resolve(px);
        };
        wanted.push(take);
      });
    },
    async stop(): Promise<void> {
      running = false;
      await reader.cancel();
      await done.catch(() => {});
      copy.stop();
    },
  };
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
