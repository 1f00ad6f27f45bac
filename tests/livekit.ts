/**
 * The real LiveKit server for tests: one per test file, on free loopback ports, with fresh
 * keys, its webhooks posted to `webhookUrl`. Installed by scripts/setup.ts before the suite.
 * @module
 */
import { generateKeys, type LocalLiveKit, startLocalLiveKit } from "@/services/livekit/local.ts";
import { LiveKitLink } from "@/services/livekit/link.ts";

/** Starts a server; `await using` stops it and removes its folder. */
export async function startTestLiveKit(
  webhookUrl?: string,
): Promise<LocalLiveKit & { link: LiveKitLink }> {
  const dir = await Deno.makeTempDir({ prefix: "mirae-livekit-" });
  const server = await startLocalLiveKit({ dir, keys: generateKeys(), webhookUrl, port: 0 });
  const link = new LiveKitLink();
  link.connect(server);
  const stop = async () => {
    await server.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  return { ...server, link, stop, [Symbol.asyncDispose]: stop };
}

/** A link with keys but no server: enough to verify signed webhooks in route tests. */
export function offlineLiveKitLink(): LiveKitLink & {
  keys: { apiKey: string; apiSecret: string };
} {
  const keys = generateKeys();
  const link = new LiveKitLink();
  link.connect({ url: "ws://127.0.0.1:9", ...keys });
  return Object.assign(link, { keys });
}
