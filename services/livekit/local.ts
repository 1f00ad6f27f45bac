/**
 * A local LiveKit server for development and tests: the real `livekit-server` (v1.13.5),
 * installed once with `go install` into `.tools/bin`, started on 127.0.0.1 with a generated
 * config (API keys generated per install, webhooks pointed back at the app). Production uses
 * LiveKit's own deployment instead (LIVEKIT_URL and keys; see README.md).
 * @module
 */
import { fileURLToPath } from "node:url";
import { exists, terminate } from "../platform/host.ts";

/** The LiveKit server release Mirae is built and tested against. */
export const LIVEKIT_VERSION = "v1.13.5";
const MODULE = "github.com/livekit/livekit-server/cmd/server";

const root = fileURLToPath(new URL("../..", import.meta.url));
/** Where `go install` puts the server binary (git-ignored). */
export const TOOLS_BIN = `${root}.tools/bin`;
export const LIVEKIT_BIN = Deno.env.get("LIVEKIT_SERVER_BIN") ?? `${TOOLS_BIN}/server`;

/** What a person must do when the server cannot be installed here. */
export const INSTALL_HELP =
  "Live lectures need a LiveKit server. Install Go 1.24 or newer (https://go.dev/dl/) and " +
  "restart Mirae: it then builds livekit-server " + LIVEKIT_VERSION + " into .tools/bin once " +
  "(several minutes). Or set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET to use an " +
  "existing LiveKit server or LiveKit Cloud.";

/** The `go` binary, or null when Go is not installed. */
export async function findGo(): Promise<string | null> {
  const candidates = [
    Deno.env.get("GOROOT") ? `${Deno.env.get("GOROOT")}/bin/go` : "",
    "/usr/local/go/bin/go",
    "/usr/lib/go/bin/go",
    "/usr/bin/go",
  ].filter(Boolean);
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) if (dir) candidates.push(`${dir}/go`);
  for (const c of candidates) if (await exists(c)) return c;
  return null;
}

/** True when the server binary is already installed. */
export function isInstalled(): Promise<boolean> {
  return exists(LIVEKIT_BIN);
}

/** How far a first-run build of the server has come, for the pages that wait for it. */
export interface BuildProgress {
  /** Fetching Go modules, then compiling packages. */
  step: "downloading" | "building";
  /** Modules fetched so far (`go: downloading` lines). */
  modules: number;
  /** Packages compiled so far (`go install -v` prints each one's import path). */
  packages: number;
  /** ISO time the build started. */
  startedAt: string;
}

/** The progress after one line of `go install -v` output. */
export function advanceBuild(p: BuildProgress, line: string): BuildProgress {
  const text = line.trim();
  if (!text) return p;
  if (text.startsWith("go: downloading ")) {
    return { ...p, step: "downloading", modules: p.modules + 1 };
  }
  // A compiled package is printed as its bare import path; anything else is a message.
  if (/^[\w.\-~]+(\/[\w.\-~+]+)*$/.test(text)) {
    return { ...p, step: "building", packages: p.packages + 1 };
  }
  return p;
}

/** Reads a stream of text line by line. */
async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let rest = "";
  const decoder = new TextDecoder();
  for await (const bytes of stream) {
    const parts = (rest + decoder.decode(bytes, { stream: true })).split("\n");
    rest = parts.pop()!;
    yield* parts;
  }
  if (rest) yield rest;
}

/**
 * Installs livekit-server with `go install` when it is missing (cached in `.tools/bin` and in
 * Go's module and build caches), telling `onProgress` as modules arrive and packages compile
 * (a cold build takes minutes; the app serves meanwhile and its lecture pages show this).
 * Throws with INSTALL_HELP when Go is missing, or with Go's output when the build fails.
 */
export async function ensureLiveKitServer(
  log: (line: string) => void = console.log,
  onProgress?: (p: BuildProgress) => void,
): Promise<string> {
  if (await isInstalled()) return LIVEKIT_BIN;
  const go = await findGo();
  if (!go) throw new Error(INSTALL_HELP);
  log(`Building livekit-server ${LIVEKIT_VERSION} with go install (first run only)…`);
  const started = Date.now();
  let progress: BuildProgress = {
    step: "downloading",
    modules: 0,
    packages: 0,
    startedAt: new Date(started).toISOString(),
  };
  onProgress?.(progress);
  const child = new Deno.Command(go, {
    args: ["install", "-v", `${MODULE}@${LIVEKIT_VERSION}`],
    env: { GOBIN: TOOLS_BIN, GOFLAGS: "-mod=mod" },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const tail: string[] = [];
  let lastLog = started;
  for await (const line of lines(child.stderr)) {
    progress = advanceBuild(progress, line);
    onProgress?.(progress);
    tail.push(line);
    if (tail.length > 15) tail.shift();
    if (Date.now() - lastLog > 20_000) {
      lastLog = Date.now();
      log(
        `  …${Math.round((lastLog - started) / 1000)} s: ${progress.modules} modules ` +
          `downloaded, ${progress.packages} packages built`,
      );
    }
  }
  const { success } = await child.status;
  if (!success || !(await isInstalled())) {
    throw new Error(`go install ${MODULE}@${LIVEKIT_VERSION} failed:\n${tail.join("\n")}`);
  }
  log(`livekit-server installed in ${Math.round((Date.now() - started) / 1000)} s.`);
  return LIVEKIT_BIN;
}

/** API credentials of a LiveKit deployment. */
export interface LiveKitKeys {
  apiKey: string;
  apiSecret: string;
}

function randomChars(n: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = crypto.getRandomValues(new Uint8Array(n));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

/** New API key and secret (the secret is 48 characters; the server wants at least 32). */
export function generateKeys(): LiveKitKeys {
  return { apiKey: `API${randomChars(12)}`, apiSecret: randomChars(48) };
}

/**
 * The install's LiveKit keys, kept in `<dir>/keys.json` (owner-only), generated on first use.
 */
export async function loadOrCreateKeys(dir: string): Promise<LiveKitKeys> {
  const path = `${dir}/keys.json`;
  try {
    const keys = JSON.parse(await Deno.readTextFile(path));
    if (typeof keys.apiKey === "string" && typeof keys.apiSecret === "string") return keys;
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  const keys = generateKeys();
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(path, JSON.stringify(keys), { mode: 0o600 });
  return keys;
}

/** Ports of a local server: HTTP/WebSocket signalling, ICE over TCP, and the UDP mux. */
export interface LiveKitPorts {
  http: number;
  tcp: number;
  udp: number;
}

/** A free TCP port on 127.0.0.1 (`preferred` when it is free). */
export function freePort(preferred = 0): number {
  try {
    const l = Deno.listen({ hostname: "127.0.0.1", port: preferred });
    const port = (l.addr as Deno.NetAddr).port;
    l.close();
    return port;
  } catch (err) {
    if (preferred && err instanceof Deno.errors.AddrInUse) return freePort(0);
    throw err;
  }
}

/** The server's YAML config (JSON is valid YAML). */
export function liveKitConfig(
  keys: LiveKitKeys,
  ports: LiveKitPorts,
  webhookUrl?: string,
): string {
  return JSON.stringify(
    {
      port: ports.http,
      bind_addresses: ["127.0.0.1"],
      rtc: {
        tcp_port: ports.tcp,
        udp_port: ports.udp,
        use_external_ip: false,
        node_ip: "127.0.0.1",
        // Without it the UDP mux binds only the non-loopback addresses and clients on
        // 127.0.0.1 cannot connect (docs/research/livekit.md).
        enable_loopback_candidate: true,
      },
      keys: { [keys.apiKey]: keys.apiSecret },
      // Only the app creates rooms (when a teacher opens a lecture): a token for an ended
      // lecture must not bring its room back.
      room: { auto_create: false, empty_timeout: 300, departure_timeout: 20 },
      logging: { level: "warn" },
      ...(webhookUrl
        ? {
          webhook: {
            api_key: keys.apiKey,
            urls: [webhookUrl],
            // A join storm queues one webhook per student in the room's queue; the default
            // depth (200) would drop most of them.
            resource_url_notifier: { max_depth: 20_000, max_age: "120s" },
          },
        }
        : {}),
    },
    null,
    2,
  );
}

/** A running local server. */
export interface LocalLiveKit extends AsyncDisposable, LiveKitKeys {
  /** ws:// URL clients connect to. */
  url: string;
  /** http:// URL of the server API. */
  httpUrl: string;
  ports: LiveKitPorts;
  /** The server's process id (benchmarks read its CPU time from /proc). */
  pid: number;
  /** The server's recent log output. */
  output(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Folder for the config (and, unless `keys` is given, keys.json). */
  dir: string;
  keys?: LiveKitKeys;
  /** Where the server posts webhooks (the app's /api/v1/livekit/webhook). */
  webhookUrl?: string;
  /** Preferred HTTP port (7880 by default; any free port when taken). 0 = any. */
  port?: number;
  log?: (line: string) => void;
  /** Told how a first-run build of the server goes. */
  onProgress?: (p: BuildProgress) => void;
}

/**
 * Stops a server an earlier run left behind (its app was killed without a chance to stop
 * it), recognized by its pid file and its command line naming the same config.
 */
async function killStale(dir: string, configPath: string): Promise<void> {
  try {
    const pid = Number(await Deno.readTextFile(`${dir}/server.pid`));
    const cmdline = await Deno.readTextFile(`/proc/${pid}/cmdline`);
    if (cmdline.includes(configPath)) Deno.kill(pid, "SIGKILL");
  } catch { /* none, or not ours */ }
}

/** Starts the installed server and resolves when it answers "OK" on its HTTP port. */
export async function startLocalLiveKit(opts: StartOptions): Promise<LocalLiveKit> {
  const bin = await ensureLiveKitServer(opts.log, opts.onProgress);
  const keys = opts.keys ?? await loadOrCreateKeys(opts.dir);
  const http = freePort(opts.port ?? 7880);
  const tcp = freePort(http === 7880 ? 7881 : 0);
  // UDP: the TCP-free port is very likely free for UDP too.
  const ports = { http, tcp, udp: freePort(http === 7880 ? 7882 : 0) };
  await Deno.mkdir(opts.dir, { recursive: true });
  const configPath = `${opts.dir}/livekit.yaml`;
  await Deno.writeTextFile(configPath, liveKitConfig(keys, ports, opts.webhookUrl), {
    mode: 0o600,
  });
  await killStale(opts.dir, configPath);
  const child = new Deno.Command(bin, {
    args: ["--config", configPath],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  await Deno.writeTextFile(`${opts.dir}/server.pid`, String(child.pid));
  let log = "";
  const decoder = new TextDecoder();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) log = (log + decoder.decode(chunk)).slice(-20_000);
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  let exited = false;
  child.status.then(() => exited = true);
  const httpUrl = `http://127.0.0.1:${ports.http}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (exited) throw new Error(`livekit-server exited at start:\n${log}`);
    try {
      const res = await fetch(httpUrl);
      if ((await res.text()).trim() === "OK") break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`livekit-server did not become ready in 15 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await terminate(child, 1_000);
    await pumps.catch(() => {});
  };
  return {
    ...keys,
    url: `ws://127.0.0.1:${ports.http}`,
    httpUrl,
    ports,
    pid: child.pid,
    output: () => log,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** Mirae's own media worker (media/, Go: the lecture recorder), built beside the server. */
export const MEDIA_BIN = Deno.env.get("MIRAE_MEDIA_BIN") ?? `${TOOLS_BIN}/mirae-media`;
const MEDIA_SRC = `${root}media`;

/** The newest modification time of the media worker's sources (go.mod, go.sum, *.go). */
async function mediaSourcesChanged(dir = MEDIA_SRC): Promise<number> {
  let newest = 0;
  for await (const e of Deno.readDir(dir)) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) newest = Math.max(newest, await mediaSourcesChanged(path));
    else if (/\.go$|^go\.(mod|sum)$/.test(e.name)) {
      newest = Math.max(newest, (await Deno.stat(path)).mtime?.getTime() ?? 0);
    }
  }
  return newest;
}

/**
 * Builds the media worker (`go build` of media/ into .tools/bin/mirae-media) when it is
 * missing or older than its sources (go build creates the folder); its Go modules
 * (LiveKit's Go SDK v2.19.0, pinned in media/go.sum) come from the module cache or proxy.
 * Throws with what to install when Go is missing, or with Go's output when the build fails.
 */
export async function ensureMediaWorker(
  log: (line: string) => void = console.log,
): Promise<string> {
  if (Deno.env.get("MIRAE_MEDIA_BIN")) return MEDIA_BIN;
  const built = await Deno.stat(MEDIA_BIN).then((s) => s.mtime?.getTime() ?? 0, () => -1);
  if (built >= 0 && built >= await mediaSourcesChanged()) return MEDIA_BIN;
  const go = await findGo();
  if (!go) {
    throw new Error(
      "Recording lectures needs Go 1.24 or newer (https://go.dev/dl/) to build the recorder " +
        "(media/, once). Install it and restart Mirae.",
    );
  }
  log("Building the lecture recorder (media/, go build; first run only)…");
  const started = Date.now();

  const out = await new Deno.Command(go, {
    args: ["build", "-o", MEDIA_BIN, "./cmd/mirae-media"],
    cwd: MEDIA_SRC,
    env: { GOFLAGS: "-mod=mod" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    const tail = new TextDecoder().decode(out.stderr).split("\n").slice(-15).join("\n");
    throw new Error(`go build of the recorder (media/) failed:\n${tail}`);
  }
  // go build leaves an up-to-date binary as it was: mark it newer than the sources.
  await Deno.utime(MEDIA_BIN, new Date(), new Date()).catch(() => {});
  log(`Lecture recorder built in ${Math.round((Date.now() - started) / 1000)} s.`);
  return MEDIA_BIN;
}
