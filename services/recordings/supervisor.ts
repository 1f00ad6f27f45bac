/**
 * The recorder supervisor, run by the first process (main.ts), like the local LiveKit server:
 * it keeps one `mirae-media record` process (media/) running for every lecture in the wanted
 * set (recordings.ts: live lectures with recording on) and stops it when the lecture leaves
 * the set. It wakes on `["recording_signal"]` (a KV watch) and every few seconds.
 *
 * Data path: the recorder writes its WebM to a file in `dir` (seekable, so a clean close adds
 * the seek index and exact duration in place; the Duration is also rewritten every second);
 * when the process exits, the file is streamed into the FileStore (60 KiB chunks, metadata
 * last) and the recording marked ready. A recorder that dies leaves a playable prefix, which
 * is stored as an `interrupted` part; while the lecture is live a new recorder starts a further
 * part. Files of an app that died are found at the next start and stored the same way.
 * @module
 */
import type { FileStore } from "../files/store.ts";
import { LectureSchema } from "../lectures/model.ts";
import { mintRecorderToken } from "../lectures/tokens.ts";
import type { LiveKitLink } from "../livekit/link.ts";
import { terminate } from "../platform/host.ts";
import { getRecord } from "../db/kv.ts";
import {
  beginRecording,
  claimRecording,
  dropWanted,
  finishRecording,
  listWantedLectures,
  releaseRecording,
  sweepExpiredRecordings,
} from "./recordings.ts";
import { type Recording, RecordingSchema } from "./model.ts";

export interface SupervisorOptions {
  kv: Deno.Kv;
  livekit: LiveKitLink;
  store: FileStore;
  /** The mirae-media binary (services/livekit/local.ts ensureMediaWorker). */
  bin: string;
  /** Folder for the files being written. */
  dir: string;
  log?: (line: string) => void;
  /** How often the wanted set is read again without a signal (ms). */
  pollMs?: number;
  /** How often expired recordings are swept (ms). */
  sweepMs?: number;
}

/** One running recorder. */
interface Running {
  lectureId: string;
  child: Deno.ChildProcess;
  path: string;
  recording: Promise<Recording | null>;
  stopping: boolean;
  done: Promise<void>;
}

export interface RecordingSupervisor extends AsyncDisposable {
  /** Lectures being recorded now. */
  recording(): string[];
  /** The recorder process of a lecture (tests kill it to check a crash leaves a part). */
  pidOf(lectureId: string): number | undefined;
  /** Reads the wanted set now and starts/stops recorders to match. */
  reconcile(): Promise<void>;
  /** Resolves when every part stored so far is finished (tests). */
  idle(): Promise<void>;
  /** Stops every recorder (their parts are stored) and the supervisor. */
  stop(): Promise<void>;
}

/** Reads the recorder's JSON lines; resolves `started` with the wall time of the video's 0 s. */
async function readEvents(
  stream: ReadableStream<Uint8Array>,
  on: (e: { event: string; at?: number; durationMs?: number }) => void,
) {
  let rest = "";
  const decoder = new TextDecoder();
  for await (const bytes of stream) {
    const lines = (rest + decoder.decode(bytes, { stream: true })).split("\n");
    rest = lines.pop()!;
    for (const line of lines) {
      try {
        on(JSON.parse(line));
      } catch { /* not an event */ }
    }
  }
}

/** Starts the supervisor; see the module doc. */
export function startRecordingSupervisor(opts: SupervisorOptions): RecordingSupervisor {
  const { kv, store, dir } = opts;
  const log = opts.log ?? console.log;
  const running = new Map<string, Running>();
  /** Recorders that ended without recording (no server, a refused join): retried later. */
  const failures = new Map<string, { count: number; retryAt: number }>();
  const finishing = new Set<Promise<unknown>>();
  let stopped = false;
  let reconciling: Promise<void> | null = null;
  /** This app host, kept in `dir` (its parts and files are its own). */
  let host = "";
  async function hostIdentity(): Promise<string> {
    await Deno.mkdir(dir, { recursive: true });
    try {
      return (await Deno.readTextFile(`${dir}/host-id`)).trim();
    } catch {
      const id = crypto.randomUUID();
      await Deno.writeTextFile(`${dir}/host-id`, id);
      return id;
    }
  }
  let again = false;

  const track = <T>(p: Promise<T>) => {
    finishing.add(p);
    p.finally(() => finishing.delete(p));
    return p;
  };

  /** Stores a written file as the recording's part (or marks it failed), then removes it. */
  async function store_(recording: Recording, path: string, durationMs: number, clean: boolean) {
    try {
      const file = await Deno.open(path, { read: true });
      await finishRecording(kv, store, recording, file.readable, {
        durationMs,
        ending: clean ? "clean" : "interrupted",
      });
    } catch (err) {
      log(`recording ${recording.id}: could not store ${path}: ${(err as Error).message}`);
    }
    await Deno.remove(path).catch(() => {});
  }

  async function startRecorder(lectureId: string): Promise<void> {
    const lecture = await getRecord(kv, LectureSchema, ["lectures", lectureId]);
    if (!lecture || lecture.status !== "live") {
      await dropWanted(kv, lectureId);
      return;
    }
    const server = opts.livekit.server;
    if (!server) return; // not ready yet: the next round tries again
    await Deno.mkdir(dir, { recursive: true });
    const path = `${dir}/${lectureId}-${Date.now()}.webm`;
    const child = new Deno.Command(opts.bin, {
      args: ["record", "--url", server.url, "--out", path],
      env: { MIRAE_MEDIA_TOKEN: mintRecorderToken(server, lecture) },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    let resolveRecording!: (r: Recording | null) => void;
    const recording = new Promise<Recording | null>((r) => resolveRecording = r);
    let durationMs = 0;
    let begun: Promise<Recording> | null = null;
    const events = readEvents(child.stdout, (e) => {
      if (e.event === "started" && typeof e.at === "number" && !begun) {
        begun = beginRecording(kv, lecture, new Date(e.at), new Date(), host);
        begun.then(resolveRecording, (err) => {
          log(`recording of lecture ${lectureId} could not begin: ${err.message}`);
          resolveRecording(null);
        });
      }
      if (e.event === "closed" && typeof e.durationMs === "number") durationMs = e.durationMs;
    }).catch(() => {});
    let stderrTail = "";
    const errs = (async () => {
      let line = "";
      for await (const b of child.stderr.pipeThrough(new TextDecoderStream())) {
        stderrTail = (stderrTail + b).slice(-2000);
        // What happened to the picture (a new size, a wait for a keyframe) goes to the log.
        const lines = (line + b).split("\n");
        line = lines.pop()!;
        for (const l of lines) {
          if (l.startsWith("note: ")) log(`recorder of lecture ${lectureId}: ${l.slice(6)}`);
        }
      }
    })().catch(() => {});
    const entry: Running = {
      lectureId,
      child,
      path,
      recording,
      stopping: false,
      done: Promise.resolve(),
    };
    entry.done = track((async () => {
      const status = await child.status;
      await Promise.all([events, errs]);
      running.delete(lectureId);
      if (entry.stopping || stopped) await releaseRecording(kv, lectureId, host).catch(() => {});
      if (!begun) resolveRecording(null);
      const rec = await recording;
      const clean = status.code === 0;
      if (!clean && !entry.stopping) {
        log(
          `recorder of lecture ${lectureId} exited (${status.code ?? status.signal}): ` +
            stderrTail.trim().split("\n").slice(-3).join(" | "),
        );
      }
      if (rec || entry.stopping) failures.delete(lectureId);
      else {
        // Each retry waits twice as long (1 s, 2 s, 4 s… at most a minute).
        const count = (failures.get(lectureId)?.count ?? 0) + 1;
        failures.set(lectureId, {
          count,
          retryAt: Date.now() + Math.min(60_000, 500 * 2 ** count),
        });
      }
      if (rec) {
        if (!clean) durationMs = await writtenDuration(path);
        await store_(rec, path, durationMs, clean);
      } else {
        await Deno.remove(path).catch(() => {});
      }
      // Still wanted (a crash, or the room came back): record a further part.
      const retry = Math.max(
        entry.stopping ? 0 : 1_000,
        (failures.get(lectureId)?.retryAt ?? 0) - Date.now(),
      );
      if (!stopped) Deno.unrefTimer(setTimeout(() => void reconcile(), retry));
    })());
    running.set(lectureId, entry);
  }

  async function reconcileOnce(): Promise<void> {
    if (!host) return; // not started yet (or no folder to record into)
    const wanted = new Set(await listWantedLectures(kv));
    for (const [id, r] of running) {
      if (!wanted.has(id) && !r.stopping) {
        r.stopping = true;
        void terminate(r.child, 10_000);
      } else if (!r.stopping && !(await claimRecording(kv, id, host))) {
        // Another host took the lecture over (ours was too slow to renew): one recorder only.
        r.stopping = true;
        void terminate(r.child, 10_000);
      }
    }
    for (const id of failures.keys()) if (!wanted.has(id)) failures.delete(id);
    for (const id of wanted) {
      if ((failures.get(id)?.retryAt ?? 0) > Date.now()) continue;
      if (!running.has(id) && !stopped && await claimRecording(kv, id, host)) {
        await startRecorder(id).catch((err) =>
          log(`recorder of lecture ${id} could not start: ${(err as Error).message}`)
        );
      }
    }
  }

  function reconcile(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (reconciling) {
      again = true;
      return reconciling;
    }
    reconciling = (async () => {
      do {
        again = false;
        await reconcileOnce().catch((err) => log(`recordings: ${(err as Error).message}`));
      } while (again && !stopped);
      reconciling = null;
    })();
    return reconciling;
  }

  /** Files left by a process that died: stored as interrupted parts. */
  async function recoverLeftovers() {
    const parts: Recording[] = [];
    for await (const e of kv.list({ prefix: ["recordings"] })) {
      const r = RecordingSchema.safeParse(e.value);
      // Only this host's parts: another host's recorder may still be writing its own.
      const mine = !r.data?.host || r.data.host === host;
      if (r.success && r.data.status === "recording" && mine) parts.push(r.data);
    }
    const files: string[] = [];
    try {
      for await (const f of Deno.readDir(dir)) if (f.name.endsWith(".webm")) files.push(f.name);
    } catch { /* no folder yet */ }
    for (const r of parts) {
      // The file of a part is the lecture's one written last before the part began.
      const started = Date.parse(r.createdAt);
      const mine = files.filter((f) => f.startsWith(`${r.lectureId}-`))
        .map((f) => ({ f, at: Number(f.slice(r.lectureId.length + 1, -5)) }))
        .filter((x) => x.at <= started).sort((a, b) => b.at - a.at)[0];
      if (mine) {
        const path = `${dir}/${mine.f}`;
        files.splice(files.indexOf(mine.f), 1);
        await store_(r, path, await writtenDuration(path), false);
      } else {
        await finishRecording(kv, store, r, new Blob([]).stream(), {
          durationMs: 0,
          ending: "interrupted",
        });
      }
    }
    for (const f of files) await Deno.remove(`${dir}/${f}`).catch(() => {});
  }

  const watcher = kv.watch([["recording_signal"]]).getReader();
  const watching = (async () => {
    try {
      while (!stopped) {
        if ((await watcher.read()).done) break;
        void reconcile();
      }
    } catch { /* KV closed */ }
  })();
  const poll = setInterval(() => void reconcile(), opts.pollMs ?? 5_000);
  const sweep = setInterval(
    () => void sweepExpiredRecordings(kv, store).catch(() => {}),
    opts.sweepMs ?? 3_600_000,
  );
  const started = hostIdentity().then((id) => host = id).then(recoverLeftovers).catch((err) =>
    log(`recordings left by an earlier run: ${(err as Error).message}`)
  ).then(() => sweepExpiredRecordings(kv, store)).catch(() => {}).then(() => reconcile());

  async function idle() {
    await started;
    await reconciling;
    while (finishing.size) await Promise.allSettled([...finishing]);
  }

  async function stop() {
    if (stopped) return;
    stopped = true;
    clearInterval(poll);
    clearInterval(sweep);
    await started;
    await reconciling;
    for (const r of running.values()) {
      r.stopping = true;
      void terminate(r.child, 10_000);
    }
    while (finishing.size) await Promise.allSettled([...finishing]);
    await watcher.cancel().catch(() => {});
    await watching;
  }

  return {
    recording: () => [...running.keys()],
    pidOf: (id) => running.get(id)?.child.pid,
    reconcile,
    idle,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/**
 * The Duration a recorder last wrote into its file's header (it rewrites it every second, so
 * an interrupted file says how far it got), in ms; 0 when it cannot be read.
 */
export async function writtenDuration(path: string): Promise<number> {
  try {
    const f = await Deno.open(path, { read: true });
    try {
      const head = new Uint8Array(1024);
      const n = (await f.read(head)) ?? 0;
      for (let i = 0; i + 11 <= n; i++) {
        if (head[i] === 0x44 && head[i + 1] === 0x89 && head[i + 2] === 0x88) {
          return Math.round(new DataView(head.buffer, i + 3, 8).getFloat64(0));
        }
      }
    } finally {
      f.close();
    }
  } catch { /* unreadable */ }
  return 0;
}
