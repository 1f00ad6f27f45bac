/**
 * `deno task bench recording`: the lecture recorder (media/, `mirae-media record`) on a probe
 * lecture. A teacher in headless Chromium publishes a 1280x720 camera the way the lecture room
 * does (180p + 360p + 720p simulcast; ffmpeg's `testsrc`, whose frames carry their number) and
 * the fake microphone to a local livekit-server; the recorder records it for RECORDING_S
 * seconds (60); RECORDING_KEEP=<folder> keeps the written file there. Figures:
 *
 * - `recording_cpu_pct`: the recorder's CPU time over the run, in percent of one core (goal
 *   <= 5: it depacketizes and writes, never decodes or encodes);
 * - `recording_mb_per_min`: size of the written WebM per minute of video (MB = 10^6 bytes);
 * - `recording_max_gap_ms`: the largest step between consecutive video frames in the file
 *   (ffprobe; goal <= 200). The `#` lines say where a gap comes from: the recorder's note
 *   gives the largest gap as the frames arrived from the media server and as written (and
 *   frames it skipped waiting for a keyframe), and the teacher's page the longest time each
 *   simulcast layer sent nothing. On a loaded machine the teacher's browser stops its 720p
 *   layer for a second or more (held back for bandwidth); when the recorder was on that layer,
 *   the media server moves it to 360p at that layer's next keyframe, and the file, like every
 *   student's screen, shows the wait;
 * - `playback_first_frame_s`: from setting a <video>'s src (served with Range from the KV file
 *   store, as GET /api/v1/files/{id} does) to its first frame shown, in Chromium (goal <= 1);
 * - `playback_seek_s`: from a seek to the middle to the frame shown there.
 * @module
 */
/// <reference lib="dom" />
import { RoomServiceClient } from "livekit-server-sdk";
import type { Browser } from "playwright-core";
import { WEBM } from "@/services/files/sniff.ts";
import { byteRange, KvFileStore } from "@/services/files/store.ts";
import { mintLectureToken, mintRecorderToken } from "@/services/lectures/tokens.ts";
import {
  generateKeys,
  type LocalLiveKit,
  MEDIA_BIN,
  startLocalLiveKit,
} from "@/services/livekit/local.ts";
import { terminate } from "@/services/platform/host.ts";
import { launchBrowser } from "@/tests/browser/browser.ts";
import { bundleLiveKitClient, fakeCamera720p, needTools, withFileKv } from "./_lib.ts";

await needTools("chromium", "ffmpeg", "livekit", "recorder");

const RECORDING_S = Number(Deno.env.get("RECORDING_S") ?? 60) || 60;
const ROOM = "lecture-recording-bench";
const f = (n: number, d = 1) => n.toFixed(d);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What runs in the teacher's page: camera (simulcast, as the lecture room) and microphone. */
async function publish(a: { url: string; token: string }): Promise<void> {
  // deno-lint-ignore no-explicit-any
  const LK = (globalThis as any).LK;
  LK.setLogLevel("warn");
  const room = LK.newLectureRoom();
  await room.connect(a.url, a.token);
  const camera = await LK.createLocalVideoTrack({ resolution: LK.CAMERA_RESOLUTION });
  await room.localParticipant.publishTrack(camera, LK.CAMERA_PUBLISH);
  await room.localParticipant.setMicrophoneEnabled(true);
  // deno-lint-ignore no-explicit-any
  (globalThis as any).teacher = room;
}

/**
 * What the teacher's browser encoded on the camera's top simulcast layer (rid "f") so far:
 * frames, and seconds its encoder was held back for CPU or bandwidth (WebRTC's own figures).
 */
async function topLayerSent(): Promise<{ frames: number; cpuS: number; bandwidthS: number }> {
  // deno-lint-ignore no-explicit-any
  const room = (globalThis as any).teacher;
  const pub = [...room.localParticipant.videoTrackPublications.values()][0];
  const stats: RTCStatsReport = await pub.track.sender.getStats();
  let top: RTCOutboundRtpStreamStats | undefined;
  stats.forEach((s) => {
    if (s.type === "outbound-rtp" && s.rid === "f") top = s;
  });
  const limited = (top as { qualityLimitationDurations?: Record<string, number> } | undefined)
    ?.qualityLimitationDurations ?? {};
  return {
    frames: top?.framesEncoded ?? 0,
    cpuS: limited.cpu ?? 0,
    bandwidthS: limited.bandwidth ?? 0,
  };
}

/**
 * Starts sampling, every 100 ms in the teacher's page, how many frames each simulcast layer
 * of the camera has sent (rid q/h/f): where the file has a gap, this tells whether the
 * teacher's browser had stopped sending the layer then.
 */
function sampleLayers(): void {
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  const samples: { t: number; sent: Record<string, number> }[] = g.layerSamples = [];
  const pub = [...g.teacher.localParticipant.videoTrackPublications.values()][0];
  g.layerTimer = setInterval(async () => {
    const sent: Record<string, number> = {};
    (await pub.track.sender.getStats() as RTCStatsReport).forEach((s) => {
      if (s.type === "outbound-rtp" && s.rid) sent[s.rid] = s.framesSent ?? 0;
    });
    samples.push({ t: Date.now(), sent });
  }, 100);
}

/** The samples of sampleLayers(), and stops it. */
function layerSamples(): { t: number; sent: Record<string, number> }[] {
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  clearInterval(g.layerTimer);
  return g.layerSamples;
}

/** The longest time (ms) a layer sent no frame, and when it began (unix ms). */
function longestStall(samples: { t: number; sent: Record<string, number> }[], rid: string) {
  let best = { ms: 0, from: 0 };
  let since = samples[0];
  for (const s of samples.slice(1)) {
    if ((s.sent[rid] ?? 0) !== (since.sent[rid] ?? 0)) since = s;
    else if (s.t - since.t > best.ms) best = { ms: s.t - since.t, from: since.t };
  }
  return best;
}

/** CPU seconds (user + system) of a process so far, from /proc. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ (100)
}

/** The video frames' times (s) in a WebM file, by ffprobe, and its streams. */
async function probe(path: string) {
  const out = await new Deno.Command("ffprobe", {
    args: [
      ...["-v", "error", "-print_format", "json", "-show_streams", "-show_format"],
      ...["-show_entries", "packet=stream_index,pts_time", "-show_packets", path],
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`ffprobe: ${new TextDecoder().decode(out.stderr)}`);
  const info = JSON.parse(new TextDecoder().decode(out.stdout));
  const streams = info.streams as {
    index: number;
    codec_name: string;
    width?: number;
    height?: number;
  }[];
  const video = streams.find((s) => s.codec_name === "vp8")?.index;
  return {
    times: (info.packets as { stream_index: number; pts_time: string }[])
      .filter((p) => p.stream_index === video).map((p) => Number(p.pts_time)),
    streams,
    duration: Number(info.format.duration),
  };
}

const cleanups: (() => Promise<unknown> | unknown)[] = [];
try {
  await run();
} finally {
  while (cleanups.length) {
    try {
      await cleanups.pop()!();
    } catch { /* keep cleaning */ }
  }
}

async function run() {
  const load = Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
  console.log(`# ${navigator.hardwareConcurrency} cores, load average ${load} at start`);
  const dir = await Deno.makeTempDir({ prefix: "mirae-bench-recording-" });
  cleanups.push(() => Deno.remove(dir, { recursive: true }));
  const [camera, script] = await Promise.all([
    fakeCamera720p(dir, "testsrc"),
    bundleLiveKitClient(),
  ]);
  const lk: LocalLiveKit = await startLocalLiveKit({
    dir: `${dir}/livekit`,
    keys: generateKeys(),
    port: 0,
    log: () => {},
  });
  cleanups.push(() => lk.stop());
  const rooms = new RoomServiceClient(lk.httpUrl, lk.apiKey, lk.apiSecret);
  await rooms.createRoom({ name: ROOM, emptyTimeout: 60 });
  const lecture = { roomName: ROOM };

  // Pages and the recording, served from here (the recording with Range, from the KV store).
  let video: { store: KvFileStore; id: string; size: number } | null = null;
  const page = `<!doctype html><meta charset="utf-8"><title>probe</title><script src="/lk.js">` +
    `</script><body style="margin:0"></body>`;
  const http = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/lk.js") {
      return new Response(script, { headers: { "content-type": "text/javascript" } });
    }
    if (path === "/recording.webm" && video) {
      const headers = { "content-type": WEBM, "accept-ranges": "bytes" };
      const range = byteRange(req.headers.get("range"), video.size);
      if (range === "unsatisfiable") return new Response(null, { status: 416, headers });
      if (!range) return new Response(await video.store.open(video.id), { headers });
      return new Response(await video.store.open(video.id, range), {
        status: 206,
        headers: {
          ...headers,
          "content-range": `bytes ${range.start}-${range.end}/${video.size}`,
          "content-length": String(range.end - range.start + 1),
        },
      });
    }
    return new Response(page, { headers: { "content-type": "text/html" } });
  });
  cleanups.push(() => http.shutdown());
  const origin = `http://127.0.0.1:${http.addr.port}`;

  const browser: Browser = await launchBrowser([
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    `--use-file-for-fake-video-capture=${camera}`,
    "--autoplay-policy=no-user-gesture-required",
  ]);
  cleanups.push(() => browser.close());
  const teacher = await browser.newPage();
  await teacher.goto(origin);
  await teacher.waitForFunction(() => "LK" in globalThis);
  const { token } = mintLectureToken(lk, lecture, {
    userId: "teacher",
    name: "Teacher",
    role: "teacher",
  });
  await teacher.evaluate(publish, { url: lk.url, token });
  // Wait for the three layers and the microphone on the media server.
  const deadline = Date.now() + 30_000;
  let layers = 0;
  for (; Date.now() < deadline; await sleep(500)) {
    const p = (await rooms.listParticipants(ROOM)).find((x) => x.identity === "teacher");
    layers = p?.tracks.find((t) => t.source === 1)?.layers.length ?? 0;
    if (layers === 3 && p?.tracks.some((t) => t.source === 2)) break;
  }
  console.log(`# probe teacher publishing: camera with ${layers} simulcast layers, microphone`);

  const out = `${dir}/recording.webm`;
  const child = new Deno.Command(MEDIA_BIN, {
    args: ["record", "--url", lk.url, "--out", out],
    env: { MIRAE_MEDIA_TOKEN: mintRecorderToken(lk, lecture) },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  cleanups.push(() => terminate(child, 2_000).catch(() => {}));
  const stderr = new Response(child.stderr).text();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  const joined = Date.now();
  while (!buffered.includes('"started"')) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the recorder stopped before recording:\n${await stderr}`);
    buffered += value;
  }
  const cpu0 = await cpuSeconds(child.pid);
  const sent0 = await teacher.evaluate(topLayerSent);
  await teacher.evaluate(sampleLayers);
  const fileZero = JSON.parse(buffered.split("\n").find((l) => l.includes('"started"'))!).at;
  const t0 = performance.now();
  console.log(`# recorder: first frame written ${f((Date.now() - joined) / 1000)} s after start`);
  await sleep(RECORDING_S * 1000);
  const cpu1 = await cpuSeconds(child.pid);
  const wall = (performance.now() - t0) / 1000;
  const sent1 = await teacher.evaluate(topLayerSent);
  const samples = await teacher.evaluate(layerSamples);
  for (const [rid, name] of [["f", "720p"], ["h", "360p"]]) {
    const stall = longestStall(samples, rid);
    console.log(
      `# teacher's ${name} layer: longest time without a frame sent (sampled every 100 ms): ` +
        (stall.ms
          ? `${stall.ms} ms from ${f((stall.from - fileZero) / 1000)} s of the file`
          : "none"),
    );
  }
  console.log(
    `# teacher's 720p layer: ${f((sent1.frames - sent0.frames) / wall)} frames/s encoded, ` +
      `held back for CPU ${f(sent1.cpuS - sent0.cpuS)} s, for bandwidth ` +
      `${f(sent1.bandwidthS - sent0.bandwidthS)} s of ${f(wall)} s`,
  );
  await terminate(child, 10_000);
  const rest = await (async () => {
    let s = buffered;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return s;
      s += value;
    }
  })();
  const closed = rest.split("\n").map((l) => l.trim()).filter(Boolean).map((l) => JSON.parse(l))
    .find((e) => e.event === "closed");
  const size = (await Deno.stat(out)).size;
  const keep = Deno.env.get("RECORDING_KEEP"); // a folder to keep the written file in
  if (keep) await Deno.copyFile(out, `${keep}/recording.webm`);
  const { times, streams, duration } = await probe(out);
  let maxGap = 0, gapAt = 0;
  for (let i = 1; i < times.length; i++) {
    if (times[i] - times[i - 1] > maxGap) [maxGap, gapAt] = [times[i] - times[i - 1], times[i - 1]];
  }
  console.log(`# largest gap between video frames at ${f(gapAt)} s of the file`);
  const v = streams.find((s) => s.codec_name === "vp8");
  for (const line of (await stderr).split("\n").filter((l) => l.startsWith("note: "))) {
    console.log(`# recorder ${line}`);
  }
  if (!streams.some((s) => s.codec_name === "opus")) {
    console.log(
      `# no audio track written; recorder log: ${(await stderr).replaceAll("\n", " | ")}`,
    );
  }
  console.log(
    `# written: ${streams.map((s) => s.codec_name).join(" + ")}, ${v?.width}x${v?.height}, ` +
      `${times.length} video frames in ${f(duration)} s (closed cleanly: ${!!closed}), ` +
      `${f(size / 1e6, 2)} MB`,
  );
  console.log(`BENCH recording_cpu_pct=${f((cpu1 - cpu0) / wall * 100, 2)} %`);
  console.log(`BENCH recording_mb_per_min=${f(size / 1e6 / (duration / 60), 2)} MB/min`);
  console.log(`BENCH recording_max_gap_ms=${Math.round(maxGap * 1000)} ms`);

  // Playback in Chromium from the chunked store, with Range.
  await withFileKv("recording", async (kv) => {
    const store = new KvFileStore(kv);
    const meta = await store.put((await Deno.open(out)).readable, {
      name: "recording.webm",
      orgId: "bench",
      ownerId: "bench",
      classId: "bench",
      purpose: "recording",
      maxBytes: 8 * 1024 ** 3,
      allowedTypes: [WEBM],
    });
    video = { store, id: meta.id, size: meta.size };
    const viewer = await browser.newPage();
    await viewer.goto(origin);
    const timing = await viewer.evaluate(async (mid: number) => {
      const v = document.createElement("video");
      v.muted = true;
      document.body.append(v);
      const frame = () => new Promise<void>((r) => v.requestVideoFrameCallback(() => r()));
      const t0 = performance.now();
      v.src = "/recording.webm";
      await v.play();
      await frame();
      const first = (performance.now() - t0) / 1000;
      const t1 = performance.now();
      v.currentTime = mid;
      await new Promise((r) => v.addEventListener("seeked", r, { once: true }));
      await frame();
      return { first, seek: (performance.now() - t1) / 1000, duration: v.duration };
    }, duration / 2);
    console.log(`# played back: duration ${f(timing.duration)} s in Chromium`);
    console.log(`BENCH playback_first_frame_s=${f(timing.first, 2)} s`);
    console.log(`BENCH playback_seek_s=${f(timing.seek, 2)} s`);
    await viewer.close();
    await http.shutdown(); // before the store's KV closes under a response still streaming
  });
}
