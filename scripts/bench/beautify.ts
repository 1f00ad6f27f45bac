/**
 * `deno task bench beautify`: milliseconds per frame (median of 4 interleaved rounds) of the
 * teacher's beautify filter in
 * headless Chromium, at 640x480 and 1280x720, on a real face photo (Grace Hopper, from Debian's
 * facedetect package): pass-through (upload and copy into the output canvas) and the full
 * filter with face detection every third frame, each frame made into a VideoFrame as the
 * processor sends it. Prints `BENCH passthrough_720p_ms`, `beautify_720p_ms`,
 * `beautify_720p_ratio` (filter / pass-through) and the same for 480p, plus the WebGL renderer
 * on a `# renderer:` line.
 *
 * By default WebGL runs on SwiftShader (CPU) and MediaPipe on its CPU delegate. BEAUTIFY_GPU=1
 * switches Chromium to a real GPU (`--use-angle=vulkan --ignore-gpu-blocklist ...`, or
 * BEAUTIFY_GPU_FLAGS) and MediaPipe to its GPU delegate. BENCH_FRAMES sets frames per figure.
 * @module
 */
/// <reference lib="dom" />
import {
  type BeautifyGlobal,
  launchBeautifyBrowser,
  photoUrl,
  serveBeautify,
} from "@/tests/browser/beautify_harness.ts";
import { needTools } from "./_lib.ts";

await needTools("chromium", "ffmpeg", "beautify");

const gpu = Deno.env.get("BEAUTIFY_GPU") === "1";
const frames = Number(Deno.env.get("BENCH_FRAMES") ?? 24);

await using server = await serveBeautify();
const browser = await launchBeautifyBrowser({ gpu });
try {
  const page = await browser.newPage();
  page.on("crash", () => {
    console.error(
      "# the page crashed" +
        (gpu ? " (the GPU flags may not suit this machine: try BEAUTIFY_GPU_FLAGS)" : ""),
    );
  });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(server.url);
  await page.waitForFunction(() => "beautify" in globalThis);
  for (const [label, width, height] of [["480p", 640, 480], ["720p", 1280, 720]] as const) {
    const r = await page.evaluate(async ({ photo, width, height, frames, gpu }) => {
      const B = (globalThis as unknown as { beautify: BeautifyGlobal }).beautify;
      const bitmap = await B.letterbox(photo, width, height);
      const engine = new B.BeautifyEngine({
        delegate: gpu ? "GPU" : "CPU",
        detectEvery: 3,
        fadeFrames: 0,
        settings: { ...B.DEFAULT_BEAUTIFY, enabled: true },
      });
      const loaded = await engine.load();
      if (loaded.kind !== "ok") throw new Error(`filter not ready: ${loaded.message}`);
      let ts = 0;
      /** ms per frame over `n` frames, through `step`; the GPU is drained before and after. */
      const time = (n: number, step: (frame: VideoFrame) => boolean) => {
        engine.pipeline!.finish();
        const started = performance.now();
        for (let i = 0; i < n; i++) {
          ts += 33_333;
          const frame = new VideoFrame(bitmap, { timestamp: ts });
          if (!step(frame)) throw new Error("the filter did not run");
          const out = new VideoFrame(engine.canvas!, { timestamp: ts });
          out.close();
          frame.close();
        }
        engine.pipeline!.finish();
        return (performance.now() - started) / n;
      };
      const copy = (f: VideoFrame) => engine.copy(f);
      const filter = (f: VideoFrame) => engine.process(f, ts / 1000);
      time(3, copy); // warm up (shader compilation, first detections)
      time(9, filter);
      // Alternate the two in rounds and take each one's median round, so that a burst of load
      // from elsewhere on the machine does not land on one side only.
      const rounds = 4, perRound = Math.max(3, Math.round(frames / rounds / 3) * 3);
      const copies: number[] = [], filters: number[] = [];
      for (let round = 0; round < rounds; round++) {
        copies.push(time(perRound, copy));
        filters.push(time(perRound, filter));
      }
      const median = (xs: number[]) => {
        const s = [...xs].sort((a, b) => a - b);
        return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
      };
      const passthrough = median(copies), beautify = median(filters);
      const tracker = engine.faceTracker!;
      const result = {
        passthrough,
        beautify,
        detectMs: tracker.lastDetectMs,
        renderer: engine.pipeline!.renderer(),
        face: engine.lastFace !== null,
      };
      engine.dispose();
      return result;
    }, { photo: photoUrl("hopper"), width, height, frames, gpu });
    if (!r.face) throw new Error(`no face found at ${label}`);
    if (label === "480p") {
      console.log(`# renderer: ${r.renderer} (${gpu ? "BEAUTIFY_GPU=1" : "CPU renderer"})`);
      if (gpu && /SwiftShader/i.test(r.renderer)) {
        console.log("# warning: BEAUTIFY_GPU=1 but WebGL fell back to SwiftShader (CPU)");
      }
    }
    console.log(
      `# ${label}: one face detection took ${r.detectMs.toFixed(1)} ms (every 3rd frame)`,
    );
    console.log(`BENCH passthrough_${label}_ms=${r.passthrough.toFixed(1)} ms`);
    console.log(`BENCH beautify_${label}_ms=${r.beautify.toFixed(1)} ms`);
    console.log(`BENCH beautify_${label}_ratio=${(r.beautify / r.passthrough).toFixed(2)} x`);
  }
  if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);
} finally {
  await browser.close();
}
