/**
 * One app process per core. JavaScript runs on one thread per process, and at 8 a.m. that
 * thread is the limit (the join storm, docs/notes.md), so the first process (instance 0) binds
 * the port with SO_REUSEPORT and starts the others on the same port; the kernel spreads new
 * connections over them. They share the KV store (SQLite takes several processes; KV Connect
 * any number) and keep nothing another process depends on, only caches that are rebuilt from
 * KV (a lecture's gate is at most a second old in the other processes; services/lectures/gate.ts).
 *
 * Only the first process seeds the demo, runs the job queue and the local LiveKit server; the
 * others are told where LiveKit is. A worker exits when the first process goes away (its stdin
 * closes, even on SIGKILL) and is started again when it crashes.
 * @module
 */
import { fileURLToPath } from "node:url";
import { terminate } from "../platform/host.ts";

const CONFIG = fileURLToPath(new URL("../../deno.json", import.meta.url));
/** A worker that exits this many times within a minute is not started again. */
const MAX_RESTARTS = 5;

export interface WorkerPool {
  /** Stops every worker (SIGTERM: each finishes its requests) and starts no more. */
  stop(): Promise<void>;
}

/**
 * Throws a clear error when something already listens on the port. Needed before listening
 * with SO_REUSEPORT: a second Mirae on the same port would otherwise share it silently.
 */
export function assertPortFree(hostname: string, port: number): void {
  if (port === 0) return;
  try {
    Deno.listen({ hostname, port }).close();
  } catch (err) {
    if (err instanceof Deno.errors.AddrInUse) {
      throw new Error(
        `Port ${port} on ${hostname} is in use (another Mirae?). Stop it or set PORT.`,
      );
    }
    throw err;
  }
}

/**
 * The permission flags this process has, for its workers: they need the network, the
 * environment, reading, running esbuild, and writing where the KV file is (`writePaths`).
 */
export function workerPermissionFlags(writePaths: string[]): string[] {
  const flags = ["--no-prompt"];
  // run: esbuild, which bundles the islands, is a child process.
  for (const name of ["net", "env", "read", "sys", "run"] as const) {
    if (Deno.permissions.querySync({ name }).state === "granted") flags.push(`--allow-${name}`);
  }
  if (Deno.permissions.querySync({ name: "write" }).state === "granted") {
    flags.push("--allow-write");
  } else {
    const granted = writePaths.filter((path) =>
      Deno.permissions.querySync({ name: "write", path }).state === "granted"
    );
    if (granted.length) flags.push(`--allow-write=${granted.join(",")}`);
  }
  return flags;
}

/**
 * Starts `count` workers: the main module again, as instances 1..count, with `env` added to
 * this process's environment (the port to share, where LiveKit is).
 */
export function startWorkers(opts: {
  count: number;
  env: Record<string, string>;
  permissions: string[];
  log?: (line: string) => void;
}): WorkerPool {
  const log = opts.log ?? console.log;
  const children = new Map<number, Deno.ChildProcess>();
  const exits: number[] = [];
  let stopping = false;

  const start = (instance: number) => {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--config", CONFIG, ...opts.permissions, Deno.mainModule],
      env: { ...opts.env, MIRAE_INSTANCE: String(instance) },
      // Never written: it closes when this process ends, however it ends, and the worker
      // follows (see `followParent`).
      stdin: "piped",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn();
    children.set(instance, child);
    child.status.then((status) => {
      children.delete(instance);
      if (stopping) return;
      const now = Date.now();
      exits.push(now);
      while (exits.length && now - exits[0] > 60_000) exits.shift();
      if (exits.length > MAX_RESTARTS) {
        log(`Worker ${instance} exited (code ${status.code}); too many exits, not restarting.`);
        return;
      }
      log(`Worker ${instance} exited (code ${status.code}); restarting it.`);
      setTimeout(() => stopping || start(instance), 1000);
    });
  };
  for (let i = 1; i <= opts.count; i++) start(i);
  if (opts.count) log(`Started ${opts.count} more app process${opts.count > 1 ? "es" : ""}.`);

  return {
    async stop() {
      stopping = true;
      await Promise.all([...children.values()].map((child) => terminate(child, 10_000)));
    },
  };
}

/** In a worker: calls `onGone` when the process that started it has ended. */
export function followParent(onGone: () => void): void {
  (async () => {
    try {
      for await (const _ of Deno.stdin.readable) { /* nothing is sent */ }
    } catch { /* closed */ }
    onGone();
  })();
}
