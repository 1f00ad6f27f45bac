/**
 * Starts the real server (`main.ts`) as a child process on a free loopback port with its own
 * KV file, for browser tests and benchmarks. `await using` stops it and removes its data.
 * @module
 */
import { fileURLToPath } from "node:url";
import { freePort } from "@/services/livekit/local.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

export { freePort };

export interface RunningServer extends AsyncDisposable {
  url: string;
  port: number;
  kvPath: string;
  /** The server process (e.g. to kill it without warning in a crash test). */
  pid: number;
  output: () => string;
  stop(): Promise<void>;
}

/** Starts main.ts and resolves once it listens. */
export async function spawnServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const dir = await Deno.makeTempDir({ prefix: "mirae-server-" });
  const port = freePort();
  const kvPath = `${dir}/mirae.kv`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "main.ts"],
    cwd: root,
    env: {
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      DENO_KV_PATH: kvPath,
      MIRAE_PUBLIC_URL: `http://127.0.0.1:${port}`,
      MIRAE_SECRET: "spawned-server-secret-0123456789abcdef",
      NO_COLOR: "1",
      MIRAE_LIVEKIT_PORT: "0",
      // One process, so a test sees its own writes at once (a lecture's gate may be a second
      // old in the other processes); tests/workers_test.ts and the join storm run several.
      // MIRAE_TEST_WORKERS=2 runs the browser tests against several.
      MIRAE_WORKERS: Deno.env.get("MIRAE_TEST_WORKERS") ?? "1",
      ...env,
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let log = "";
  const decoder = new TextDecoder();
  const ready = Promise.withResolvers<void>();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) {
      log += decoder.decode(chunk);
      // Ready when it listens and its live video server is up (or known to be off).
      const liveKitSettled = env.LIVEKIT_URL ||
        /LiveKit server ready|Live lectures are off/.test(log);
      if (log.includes("Mirae is running at") && liveKitSettled) ready.resolve();
    }
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  const timer = setTimeout(() => ready.reject(new Error(`server did not start:\n${log}`)), 60_000);
  child.status.then((s) => ready.reject(new Error(`server exited (${s.code}):\n${log}`)));
  try {
    await ready.promise;
  } finally {
    clearTimeout(timer);
  }
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    await child.status;
    await pumps;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    kvPath,
    pid: child.pid,
    output: () => log,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
