/**
 * The app's link to its LiveKit deployment: a local server started by main.ts, or an existing
 * server / LiveKit Cloud from LIVEKIT_URL and keys. Pages ask it for the status (to say what
 * to install or configure); services ask it for the server (503 until there is one).
 * @module
 */
import { RoomServiceClient, WebhookReceiver } from "livekit-server-sdk";
import type { Config } from "@/fresh.config.ts";
import { AppError } from "../web/errors.ts";
import {
  type BuildProgress,
  INSTALL_HELP,
  isInstalled,
  type LocalLiveKit,
  startLocalLiveKit,
} from "./local.ts";

/** Whether live video can be used now, and what to tell people when it cannot. */
export type LiveKitStatus =
  | { state: "ready" }
  | { state: "starting" | "unavailable"; message: string; build?: BuildProgress };

/** A LiveKit deployment the app can use. */
export interface LiveKitServer {
  /** ws(s):// URL browsers connect to. */
  url: string;
  apiKey: string;
  apiSecret: string;
  rooms: RoomServiceClient;
  webhooks: WebhookReceiver;
}

/** http(s):// for the server API, from the ws(s):// URL clients use. */
export function apiUrl(url: string): string {
  return url.replace(/^ws(s?):\/\//, "http$1://");
}

/** ws(s):// for clients, from either form. */
export function clientUrl(url: string): string {
  return url.replace(/^http(s?):\/\//, "ws$1://");
}

export class LiveKitLink {
  #server: LiveKitServer | null = null;
  #status: LiveKitStatus;

  constructor(status: LiveKitStatus = { state: "unavailable", message: "" }) {
    this.#status = status;
  }

  /** A link to the server named by the configuration (LIVEKIT_URL…), or a pending one. */
  static fromConfig(config: Pick<Config, "livekit" | "livekitOff">): LiveKitLink {
    const link = new LiveKitLink({
      state: "unavailable",
      message: config.livekitOff || INSTALL_HELP,
    });
    if (config.livekit) link.connect(config.livekit);
    return link;
  }

  /** Uses the server at `url` with these keys from now on. */
  connect(creds: { url: string; apiKey: string; apiSecret: string }): void {
    this.#server = {
      url: clientUrl(creds.url),
      apiKey: creds.apiKey,
      apiSecret: creds.apiSecret,
      rooms: new RoomServiceClient(apiUrl(creds.url), creds.apiKey, creds.apiSecret),
      webhooks: new WebhookReceiver(creds.apiKey, creds.apiSecret),
    };
    this.#status = { state: "ready" };
  }

  /** No server (any more): say why, in words a person can act on (and how a build goes). */
  fail(state: "starting" | "unavailable", message: string, build?: BuildProgress): void {
    this.#server = null;
    this.#status = build ? { state, message, build } : { state, message };
  }

  status(): LiveKitStatus {
    return this.#status;
  }

  /** The server, or 503 with the reason when live video is not available. */
  require(): LiveKitServer {
    if (this.#server) return this.#server;
    const s = this.#status;
    throw new AppError(
      "unavailable",
      s.state === "ready" ? "Live video is not available." : s.message,
      undefined,
      s.state === "starting" ? { "retry-after": "5" } : undefined,
    );
  }

  /** The server when there is one (webhook verification may run before status is ready). */
  get server(): LiveKitServer | null {
    return this.#server;
  }
}

/**
 * Development: installs (first run) and starts a local LiveKit server for `link`, in the
 * background. Until it is ready the lecture pages say it is starting; when it cannot run
 * they say what to install. Resolves to the running server, or null.
 */
export async function startLinkedLiveKit(
  link: LiveKitLink,
  opts: { dir: string; webhookUrl: string; port?: number; log?: (line: string) => void },
): Promise<LocalLiveKit | null> {
  const log = opts.log ?? console.log;
  const building = "The live video server is being installed (first run only, a few minutes). " +
    "Try again soon.";
  link.fail(
    "starting",
    (await isInstalled()) ? "The live video server is starting. Try again in a moment." : building,
  );
  try {
    const server = await startLocalLiveKit({
      ...opts,
      log,
      onProgress: (build) => link.fail("starting", building, build),
    });
    link.connect(server);
    log(`LiveKit server ready at ${server.url} (webhooks to ${opts.webhookUrl}).`);
    return server;
  } catch (err) {
    const message = (err as Error).message;
    link.fail("unavailable", message.startsWith("Live lectures need") ? message : INSTALL_HELP);
    log(`Live lectures are off: ${message}`);
    return null;
  }
}
