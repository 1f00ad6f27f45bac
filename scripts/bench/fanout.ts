/**
 * `deno task bench fanout`: one teacher, many students, one local LiveKit server (the real
 * livekit-server v1.13.5 on loopback). The teacher publishes a 1280x720 camera exactly like a
 * lecture (components/lecture/livekit.ts: 180p + 360p + 720p simulcast, dynacast); students
 * join with the app's student grant (subscribe only, hidden) and watch on "data saver" (the
 * lowest layer), added in steps until FANOUT_MAX or until this machine stops keeping up. Then
 * the run holds for FANOUT_HOLD_S seconds and measures, per student, the video received
 * (getStats, inbound-rtp: kbps, packet loss, frames per second, frame size), and the CPU time
 * of the livekit-server process and of the whole machine (/proc).
 *
 * The students are real livekit-client Rooms (many per page) in ONE headless Chromium, on the
 * same cores as the server, so on a small machine the students' decoding, not the server, is
 * what runs out first; the output says which it was. `lk perf load-test` (which does not
 * decode) does not work against this server here (docs/research/livekit.md, section 6).
 *
 * Knobs (environment): FANOUT_MAX (200 students), FANOUT_STEP (20 per step), FANOUT_PER_PAGE
 * (25 Rooms per page), FANOUT_HOLD_S (15), FANOUT_QUALITY (low | medium | high: the layer the
 * students ask for; low = data saver), FANOUT_ATTACH (1 = attach each received track to a
 * 32x18 video element: not needed, Chromium receives and decodes a subscribed track with no
 * element; measured: 320x180 at ~20 fps, framesDecoded advancing), FANOUT_CONNECT_AT_ONCE (5).
 * @module
 */
/// <reference lib="dom" />
import { RoomServiceClient } from "livekit-server-sdk";
import type { Browser, Page } from "playwright-core";
import { mintLectureToken } from "@/services/lectures/tokens.ts";
import { generateKeys, type LocalLiveKit, startLocalLiveKit } from "@/services/livekit/local.ts";
import { launchBrowser } from "@/tests/browser/browser.ts";
import { bundleLiveKitClient, fakeCamera720p, needTools } from "./_lib.ts";

await needTools("chromium", "ffmpeg", "livekit");

const env = (name: string, fallback: number) => {
  const v = Number(Deno.env.get(name) ?? fallback);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const MAX = env("FANOUT_MAX", 200);
const STEP = env("FANOUT_STEP", 20);
const PER_PAGE = env("FANOUT_PER_PAGE", 25);
const HOLD_S = env("FANOUT_HOLD_S", 15);
const QUALITY_NAME = (Deno.env.get("FANOUT_QUALITY") ?? "low").toLowerCase();
/** livekit-client's VideoQuality: LOW 0, MEDIUM 1, HIGH 2. */
const QUALITY = ({ low: 0, medium: 1, high: 2 } as Record<string, number>)[QUALITY_NAME] ?? 0;
const ATTACH = Deno.env.get("FANOUT_ATTACH") === "1";
const CONNECT_AT_ONCE = env("FANOUT_CONNECT_AT_ONCE", 5);
/** Stop adding students once the ramp has taken this long (the run should stay short). */
const RAMP_BUDGET_MS = 170_000;
/** A student is "held" while receiving at least this many frames per second. */
const MIN_FPS = 5;
const MAX_LOSS_PCT = 5;
const ROOM = "lecture-fanout-bench";

// ---------------------------------------------------------------------------------------------
// What runs in the pages (serialized by Playwright: no references to this module's scope).

/** Connects the teacher and publishes the camera the way the lecture room does. */
async function teacherPublish(a: { url: string; token: string }): Promise<string> {
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  const LK = g.LK;
  LK.setLogLevel("warn");
  const room = LK.newLectureRoom();
  await room.connect(a.url, a.token);
  const track = await LK.createLocalVideoTrack({ resolution: LK.CAMERA_RESOLUTION });
  const pub = await room.localParticipant.publishTrack(track, LK.CAMERA_PUBLISH);
  g.teacher = { room, pub };
  return pub.trackSid;
}

interface LayerStat {
  rid: string;
  width: number;
  height: number;
  bytes: number;
  fps: number;
  active: boolean;
  limitation: string;
  at: number;
}

/** The teacher's outbound simulcast layers (one outbound-rtp per rid). */
async function teacherLayers(): Promise<LayerStat[]> {
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  const out: LayerStat[] = [];
  const stats: RTCStatsReport = await g.teacher.pub.track.sender.getStats();
  stats.forEach((s) => {
    if (s.type !== "outbound-rtp" || s.kind !== "video") return;
    out.push({
      rid: s.rid ?? "",
      width: s.frameWidth ?? 0,
      height: s.frameHeight ?? 0,
      bytes: s.bytesSent ?? 0,
      fps: s.framesPerSecond ?? 0,
      active: s.active ?? true,
      limitation: s.qualityLimitationReason ?? "",
      at: s.timestamp,
    });
  });
  return out.sort((x, y) => x.rid.localeCompare(y.rid));
}

/**
 * Connects students, one livekit-client Room each, all at once. Each asks for `quality` as
 * soon as the teacher's camera is subscribed (data saver = LOW). Resolves with the connect
 * error of each student (null when connected).
 */
async function addStudents(
  a: { url: string; students: { id: string; token: string }[]; quality: number; attach: boolean },
): Promise<(string | null)[]> {
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  const LK = g.LK;
  LK.setLogLevel("warn");
  g.students ??= new Map();
  return await Promise.all(a.students.map(async ({ id, token }) => {
    // No adaptive stream: with it, a track attached to no visible element is paused. The
    // requested layer is what the server sees of a data-saver student either way.
    const room = new LK.Room({ adaptiveStream: false, dynacast: true });
    // deno-lint-ignore no-explicit-any
    const student: { room: any; track: any; connectMs: number } = {
      room,
      track: null,
      connectMs: 0,
    };
    // deno-lint-ignore no-explicit-any
    room.on(LK.RoomEvent.TrackSubscribed, (track: any, pub: any) => {
      if (track.kind !== "video") return;
      pub.setVideoQuality(a.quality);
      student.track = track;
      if (a.attach) {
        const el = track.attach() as HTMLVideoElement;
        el.muted = true;
        el.style.width = "32px";
        el.style.height = "18px";
        document.body.appendChild(el);
      }
    });
    const started = performance.now();
    try {
      await room.connect(a.url, token);
      student.connectMs = performance.now() - started;
      g.students.set(id, student);
      return null;
    } catch (err) {
      await room.disconnect().catch(() => {});
      return String(err);
    }
  }));
}

/** Disconnects the named students. */
async function removeStudents(ids: string[]): Promise<void> {
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  await Promise.all(ids.map(async (id) => {
    const s = g.students?.get(id);
    g.students?.delete(id);
    await s?.room.disconnect().catch(() => {});
  }));
}

interface StudentStat {
  id: string;
  connected: boolean;
  connectMs: number;
  bytes: number;
  packets: number;
  lost: number;
  frames: number;
  width: number;
  height: number;
  /** Stats timestamp, ms. */
  at: number;
}

/** Every student's received video so far (inbound-rtp; zeros before the track arrives). */
async function sampleStudents(): Promise<StudentStat[]> {
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  // deno-lint-ignore no-explicit-any
  const all = [...(g.students ?? new Map()).entries()] as [string, any][];
  return await Promise.all(all.map(async ([id, s]) => {
    const out: StudentStat = {
      id,
      connected: s.room.state === "connected",
      connectMs: s.connectMs,
      bytes: 0,
      packets: 0,
      lost: 0,
      frames: 0,
      width: 0,
      height: 0,
      at: performance.timeOrigin + performance.now(),
    };
    const receiver: RTCRtpReceiver | undefined = s.track?.receiver;
    if (receiver) {
      (await receiver.getStats()).forEach((st) => {
        if (st.type !== "inbound-rtp" || st.kind !== "video") return;
        out.bytes = st.bytesReceived ?? 0;
        out.packets = st.packetsReceived ?? 0;
        out.lost = Math.max(0, st.packetsLost ?? 0);
        out.frames = st.framesDecoded ?? 0;
        out.width = st.frameWidth ?? 0;
        out.height = st.frameHeight ?? 0;
        out.at = st.timestamp;
      });
    }
    return out;
  }));
}

// ---------------------------------------------------------------------------------------------
// CPU time from /proc.

const CLK_TCK = 100;

function procStat(pid: number | "self"): { ppid: number; ticks: number } | null {
  try {
    const text = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
    // After the command: state(3) ppid(4) ... utime(14) stime(15).
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
  } catch {
    return null;
  }
}

/** CPU ticks of every process below `pid` (Chromium's browser, renderers, GPU and utility). */
function descendantTicks(pid: number, exclude: number): number {
  const children = new Map<number, number[]>();
  const ticks = new Map<number, number>();
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const st = procStat(Number(e.name));
    if (!st) continue;
    ticks.set(Number(e.name), st.ticks);
    children.set(st.ppid, [...(children.get(st.ppid) ?? []), Number(e.name)]);
  }
  let sum = 0;
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      if (c === exclude) continue;
      sum += ticks.get(c) ?? 0;
      walk(c);
    }
  };
  walk(pid);
  return sum;
}

/** Busy and total jiffies of the whole machine (all cores), from /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  const line = Deno.readTextFileSync("/proc/stat").split("\n")[0];
  const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - v[3] - v[4], total };
}

interface CpuMark {
  at: number;
  server: number;
  client: number;
  self: number;
  machine: { busy: number; total: number };
}

function cpuMark(serverPid: number): CpuMark {
  return {
    at: performance.now(),
    server: procStat(serverPid)?.ticks ?? 0,
    client: descendantTicks(Deno.pid, serverPid),
    self: procStat("self")?.ticks ?? 0,
    machine: machineTicks(),
  };
}

/** CPU between two marks, in % of one core (the machine's as % of all its cores too). */
function cpuBetween(a: CpuMark, b: CpuMark) {
  const s = (b.at - a.at) / 1000;
  const pct = (ticks: number) => ticks / CLK_TCK / s * 100;
  const cores = navigator.hardwareConcurrency;
  const machineBusyPct = (b.machine.busy - a.machine.busy) / (b.machine.total - a.machine.total) *
    100;
  const server = pct(b.server - a.server);
  const client = pct(b.client - a.client);
  const self = pct(b.self - a.self);
  const machine = machineBusyPct * cores;
  return { server, client, self, machine, machineBusyPct, other: machine - server - client - self };
}

// ---------------------------------------------------------------------------------------------
// Received video between two samples.

interface Received {
  id: string;
  kbps: number;
  lossPct: number;
  fps: number;
  pps: number;
  width: number;
  height: number;
  connected: boolean;
}

function received(before: StudentStat[], after: StudentStat[]): Received[] {
  const prev = new Map(before.map((s) => [s.id, s]));
  return after.map((b) => {
    const a = prev.get(b.id);
    const s = a && b.at > a.at ? (b.at - a.at) / 1000 : 0;
    if (!a || !s) {
      return { ...b, kbps: 0, lossPct: 0, fps: 0, pps: 0 };
    }
    const packets = b.packets - a.packets;
    const lost = Math.max(0, b.lost - a.lost);
    return {
      id: b.id,
      kbps: (b.bytes - a.bytes) * 8 / 1000 / s,
      lossPct: packets + lost > 0 ? lost / (packets + lost) * 100 : 0,
      fps: (b.frames - a.frames) / s,
      pps: packets / s,
      width: b.width,
      height: b.height,
      connected: b.connected,
    };
  });
}

const mean = (xs: number[]) => xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const f = (n: number, d = 1) => n.toFixed(d);

// ---------------------------------------------------------------------------------------------

const cleanups: (() => Promise<unknown> | unknown)[] = [];
async function cleanup() {
  while (cleanups.length) {
    try {
      await cleanups.pop()!();
    } catch { /* keep cleaning */ }
  }
}
const onSignal = async () => {
  await cleanup();
  Deno.exit(130);
};
Deno.addSignalListener("SIGINT", onSignal);
Deno.addSignalListener("SIGTERM", onSignal);

try {
  await run();
} finally {
  await cleanup();
  Deno.removeSignalListener("SIGINT", onSignal);
  Deno.removeSignalListener("SIGTERM", onSignal);
}

async function run() {
  const t0 = performance.now();
  const since = () => `${f((performance.now() - t0) / 1000)} s`;
  const load = Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
  console.log(
    `# ${navigator.hardwareConcurrency} cores, load average ${load} at start (other processes ` +
      `share these cores)`,
  );
  const dir = await Deno.makeTempDir({ prefix: "mirae-bench-fanout-" });
  cleanups.push(() => Deno.remove(dir, { recursive: true }));

  const [camera, script] = await Promise.all([fakeCamera720p(dir), bundleLiveKitClient()]);
  const lk: LocalLiveKit = await startLocalLiveKit({
    dir: `${dir}/livekit`,
    keys: generateKeys(),
    port: 0,
    log: () => {},
  });
  cleanups.push(() => lk.stop());

  const page =
    `<!doctype html><meta charset="utf-8"><title>fan-out</title><script src="/lk.js"></script>`;
  const http = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/lk.js") {
      return new Response(script, { headers: { "content-type": "text/javascript" } });
    }
    return new Response(page, { headers: { "content-type": "text/html" } });
  });
  cleanups.push(() => http.shutdown());
  const origin = `http://127.0.0.1:${http.addr.port}/`;

  const rooms = new RoomServiceClient(lk.httpUrl, lk.apiKey, lk.apiSecret);
  await rooms.createRoom({ name: ROOM, emptyTimeout: 60 });
  const lecture = { roomName: ROOM };

  const browser: Browser = await launchBrowser([
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    `--use-file-for-fake-video-capture=${camera}`,
    "--autoplay-policy=no-user-gesture-required",
  ]);
  cleanups.push(() => browser.close());

  const newPage = async (): Promise<Page> => {
    const p = await browser.newPage(); // its own context: its own renderer process
    await p.goto(origin);
    await p.waitForFunction(() => "LK" in globalThis);
    return p;
  };

  // The teacher goes live.
  const teacher = await newPage();
  const { token: teacherToken } = mintLectureToken(lk, lecture, {
    userId: "teacher",
    name: "Teacher",
    role: "teacher",
  });
  await teacher.evaluate(teacherPublish, { url: lk.url, token: teacherToken });
  console.log(`# teacher live (720p camera, 3 simulcast layers, dynacast) after ${since()}`);

  // The server with the teacher alone: the baseline for the students' share of its CPU.
  await sleep(1_000);
  const idleA = cpuMark(lk.pid);
  await sleep(4_000);
  const idle = cpuBetween(idleA, cpuMark(lk.pid));
  console.log(`# server with the teacher alone: ${f(idle.server)} % of a core`);

  // Ramp up.
  const pages: Page[] = [];
  const where = new Map<string, Page>();
  let pageFill = PER_PAGE;
  let next = 0;
  let connectFailures = 0;
  let stopReason = `reached FANOUT_MAX=${MAX}`;
  let lastStep: string[] = [];
  let limited = false;
  const sampleAll = async () =>
    (await Promise.all(pages.map((p) => p.evaluate(sampleStudents)))).flat();

  while (where.size < MAX) {
    if (performance.now() - t0 > RAMP_BUDGET_MS) {
      stopReason = `ramp time budget (${RAMP_BUDGET_MS / 1000} s) spent`;
      break;
    }
    const n = Math.min(STEP, MAX - where.size);
    const batches = new Map<Page, { id: string; token: string }[]>();
    for (let i = 0; i < n; i++) {
      if (pageFill >= PER_PAGE) {
        pages.push(await newPage());
        pageFill = 0;
      }
      const p = pages[pages.length - 1];
      pageFill++;
      const id = `student-${String(next++).padStart(4, "0")}`;
      const { token } = mintLectureToken(lk, lecture, {
        userId: id,
        name: `Student ${next}`,
        role: "student",
      });
      batches.set(p, [...(batches.get(p) ?? []), { id, token }]);
    }
    // Connect CONNECT_AT_ONCE at a time: 20 simultaneous connects on a busy 2-core machine
    // timed out their peer connections ("could not establish pc connection").
    const stepStarted = performance.now();
    const queue = [...batches].flatMap(([p, students]) => students.map((s) => ({ ...s, page: p })));
    const results: { id: string; page: Page; error: string | null }[] = [];
    for (let i = 0; i < queue.length; i += CONNECT_AT_ONCE) {
      const chunk = queue.slice(i, i + CONNECT_AT_ONCE);
      const perPage = new Map<Page, typeof chunk>();
      for (const c of chunk) perPage.set(c.page, [...(perPage.get(c.page) ?? []), c]);
      await Promise.all([...perPage].map(async ([p, students]) => {
        const errors = await p.evaluate(addStudents, {
          url: lk.url,
          students: students.map(({ id, token }) => ({ id, token })),
          quality: QUALITY,
          attach: ATTACH,
        });
        students.forEach((s, j) => results.push({ id: s.id, page: p, error: errors[j] }));
      }));
    }
    const joined = results;
    lastStep = [];
    const errors: string[] = [];
    for (const j of joined) {
      if (j.error) errors.push(j.error);
      else {
        where.set(j.id, j.page);
        lastStep.push(j.id);
      }
    }
    connectFailures += errors.length;
    const connectS = (performance.now() - stepStarted) / 1000;

    // Let the new students' video start, then measure everyone over a short window.
    await sleep(2_000);
    const a = await sampleAll();
    await sleep(3_000);
    const r = received(a, await sampleAll());
    const slow = r.filter((x) => x.fps < MIN_FPS).length;
    const loss = mean(r.map((x) => x.lossPct));
    console.log(
      `# step: ${where.size} students (+${lastStep.length}, ${errors.length} failed, ` +
        `connect ${f(connectS)} s): ${r.length - slow} at >= ${MIN_FPS} fps, mean ` +
        `${f(mean(r.map((x) => x.fps)))} fps, loss ${f(loss, 2)} %, after ${since()}`,
    );
    if (errors.length > Math.max(2, n * 0.1)) {
      stopReason = `${errors.length} of ${n} connects failed (${errors[0]})`;
      limited = true;
    } else if (loss > MAX_LOSS_PCT) {
      stopReason = `mean packet loss ${f(loss, 2)} % > ${MAX_LOSS_PCT} %`;
      limited = true;
    } else if (slow > Math.max(1, r.length * 0.05)) {
      stopReason = `${slow} of ${r.length} students below ${MIN_FPS} fps`;
      limited = true;
    }
    if (limited) break;
  }

  // Past the limit: drop the last step so the hold measures a load this machine sustains.
  if (limited && lastStep.length && where.size > lastStep.length) {
    const byPage = new Map<Page, string[]>();
    for (const id of lastStep) {
      byPage.set(where.get(id)!, [...(byPage.get(where.get(id)!) ?? []), id]);
    }
    await Promise.all([...byPage].map(([p, ids]) => p.evaluate(removeStudents, ids)));
    for (const id of lastStep) where.delete(id);
    console.log(`# stopped: ${stopReason}; backed off to ${where.size} students`);
    await sleep(4_000);
  } else {
    console.log(`# stopped: ${stopReason}`);
  }

  // Hold and measure.
  const listed = (await rooms.listParticipants(ROOM)).length;
  const layersA = await teacher.evaluate(teacherLayers);
  const sA = await sampleAll();
  const cpuA = cpuMark(lk.pid);
  await sleep(HOLD_S * 1000);
  const sB = await sampleAll();
  const cpuB = cpuMark(lk.pid);
  const layersB = await teacher.evaluate(teacherLayers);
  const cpu = cpuBetween(cpuA, cpuB);
  const r = received(sA, sB);
  const held = r.filter((x) => x.connected && x.fps >= MIN_FPS);
  const n = held.length;
  const kbps = mean(held.map((x) => x.kbps));
  const lossPct = mean(held.map((x) => x.lossPct));
  const perSub = n ? Math.max(0, cpu.server - idle.server) / n : 0;
  const sizes = new Map<string, number>();
  for (const x of held) {
    sizes.set(`${x.width}x${x.height}`, (sizes.get(`${x.width}x${x.height}`) ?? 0) + 1);
  }
  const connectMs = sB.map((s) => s.connectMs).sort((a, b) => a - b);

  console.log(
    `# held ${n} of ${r.length} connected students for ${HOLD_S} s (server lists ` +
      `${listed} participants with the teacher); ${connectFailures} connects failed in all`,
  );
  console.log(
    `# students asked for the ${QUALITY_NAME.toUpperCase()} layer` +
      (QUALITY === 0 ? " (data saver)" : "") +
      `; received ${[...sizes].map(([k, v]) => `${k} x${v}`).join(", ") || "nothing"}, mean ${
        f(mean(held.map((x) => x.fps)))
      } fps, ${f(mean(held.map((x) => x.pps)))} ` +
      `packets/s each; video ${ATTACH ? "attached to 32x18 elements" : "attached to no element"}`,
  );
  if (connectMs.length) {
    console.log(
      `# connect time: median ${f(connectMs[connectMs.length >> 1] / 1000, 2)} s, max ${
        f(connectMs[connectMs.length - 1] / 1000, 2)
      } s (steps of ${STEP}, ${CONNECT_AT_ONCE} connecting at once, ${PER_PAGE} Rooms per page, ` +
        `${pages.length} pages)`,
    );
  }
  const before = new Map(layersA.map((l) => [l.rid, l]));
  for (const l of layersB) {
    const a = before.get(l.rid);
    const lkbps = a && l.at > a.at ? (l.bytes - a.bytes) * 8 / (l.at - a.at) : 0;
    console.log(
      `# teacher layer rid=${l.rid || "-"}: ${l.width}x${l.height} ${f(l.fps)} fps ` +
        `${f(lkbps)} kbps${l.active ? "" : " (paused by dynacast: no student asked for it)"}` +
        (l.limitation && l.limitation !== "none" ? ` limited by ${l.limitation}` : ""),
    );
  }
  console.log(
    `# CPU over the hold, % of one core: livekit-server ${f(cpu.server)} (teacher alone ` +
      `${f(idle.server)}), Chromium (teacher + students) ${f(cpu.client)}, this script ` +
      `${f(cpu.self)}, other processes ${f(Math.max(0, cpu.other))}; machine ` +
      `${f(cpu.machineBusyPct)} % busy of ${navigator.hardwareConcurrency} cores`,
  );
  const clientBound = cpu.client > 4 * cpu.server;
  console.log(
    `# limit (${stopReason}): ` +
      (clientBound
        ? `the students' side (Chromium: ${n} Rooms with a peer connection each, SRTP, jitter ` +
          `buffers and VP8 decoding, plus the teacher's capture and encoding) used ` +
          `${f(cpu.client / Math.max(cpu.server, 0.1))}x the server's CPU on the same cores; ` +
          `the server was not the bottleneck`
        : `the server used a large share of the machine`) +
      (cpu.other > 50 ? `; other processes took ${f(cpu.other)} % of a core meanwhile` : "") +
      (cpu.machineBusyPct > 90 ? `; the machine was saturated` : ""),
  );
  const sent = layersB.filter((l) => l.active && l.fps > 0);
  const teacherFps = sent.length ? Math.min(...sent.map((l) => l.fps)) : 0;
  if (teacherFps && teacherFps < 15) {
    console.log(
      `# the teacher's encoder (same Chromium, same cores) sent only ${f(teacherFps)} fps: ` +
        `the students' frame rate was capped at the source, not by the server`,
    );
  }
  if (n < 40) {
    console.log(
      `# only ${n} students held: the server's share per student below is within the noise`,
    );
  }
  const totalPps = held.reduce((a, x) => a + x.pps, 0);
  if (perSub > 0 && totalPps > 0) {
    // LiveKit's published livestream run: 92 % of 16 cores for 560,962 packets/s out.
    const us = Math.max(0, cpu.server - idle.server) / 100 / totalPps * 1e6;
    console.log(
      `# server cost per forwarded video packet: ~${f(us)} µs of CPU (LiveKit's published ` +
        `1 publisher / 3,000 subscribers run on 16 cores: ~26 µs)`,
    );
  }
  if (perSub > 0) {
    const at16 = 1600 * 0.8 / perSub;
    const pps720 = 1_700_000 / 8 / 1_150;
    const pps = mean(held.map((x) => x.pps)) || 1;
    console.log(
      `# naive linear extrapolation (80 % of 16 cores, same layer): ~${Math.round(at16)} ` +
        `students per 16-core node; scaled by packets/s to a ~1.7 Mbps 720p layer ` +
        `(~${Math.round(pps720)} packets/s vs ${f(pps)}): ~${Math.round(at16 * pps / pps720)}. ` +
        `Small loads on a shared 2-core box: an order of magnitude, not a capacity figure`,
    );
  }

  console.log(`BENCH fanout_subscribers=${n} subscribers`);
  console.log(`BENCH fanout_loss_pct=${f(lossPct, 3)} %`);
  console.log(`BENCH fanout_bitrate_kbps=${f(kbps)} kbps`);
  console.log(`BENCH fanout_total_mbps=${f(kbps * n / 1000, 2)} Mbps`);
  console.log(`BENCH fanout_server_cpu_pct=${f(cpu.server)} %`);
  console.log(`BENCH fanout_server_cpu_per_100_subs_pct=${f(perSub * 100, 2)} %`);
  console.log(`# whole run ${since()}`);
}
