/**
 * Installs what the test suite needs beyond Deno, when it is missing: Chromium and ffmpeg
 * (Debian's packages) for the real-browser tests and their fake cameras, the LiveKit server
 * (`go install`, cached in .tools/bin), the lecture recorder (`go build` of media/, beside
 * it), and the beautify filter's wasm and models (from npm
 * packages into static/vendor/). Runs before `deno task test`; does nothing
 * when all is there. Set CHROMIUM_PATH to use a browser installed elsewhere.
 * @module
 */
import { ensureLiveKitServer, ensureMediaWorker } from "@/services/livekit/local.ts";
import { ensureBeautifyAssets } from "./beautify_assets.ts";
import { exists } from "@/services/platform/host.ts";

export const CHROMIUM = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";

async function run(cmd: string, args: string[]): Promise<boolean> {
  const { success } = await new Deno.Command(cmd, {
    args,
    stdout: "inherit",
    stderr: "inherit",
    env: { DEBIAN_FRONTEND: "noninteractive" },
  }).output();
  return success;
}

/** Installs Debian packages with apt-get (as root), or says what to install. */
export async function ensurePackage(pkg: string, binary: string, why: string): Promise<void> {
  if (await exists(binary)) return;
  const isRoot = Deno.uid?.() === 0;
  if (!isRoot || !(await exists("/usr/bin/apt-get"))) {
    throw new Error(
      `${pkg} is needed ${why} and was not found at ${binary}.\n` +
        `Install it (Debian/Ubuntu: sudo apt-get install -y ${pkg}).`,
    );
  }
  console.log(`Installing ${pkg} ${why} (apt-get install ${pkg})…`);
  if (
    !(await run("apt-get", ["update", "-qq"])) ||
    !(await run("apt-get", ["install", "-y", "-qq", pkg]))
  ) {
    throw new Error(`apt-get could not install ${pkg}; see the output above.`);
  }
}

export function ensureChromium(): Promise<void> {
  if (Deno.env.get("CHROMIUM_PATH")) {
    return exists(CHROMIUM).then((ok) => {
      if (!ok) throw new Error(`CHROMIUM_PATH=${CHROMIUM} does not exist.`);
    });
  }
  return ensurePackage("chromium", CHROMIUM, "for the browser tests");
}

/** What the tests and benchmarks may need, each with the step that installs it. */
const TOOLS = {
  chromium: async () => {
    await ensureChromium();
    // Korean and Chinese pages are drawn with real glyphs, not boxes of another width: the
    // phone-width tests measure whether header items wrap in all three languages.
    await ensurePackage(
      "fonts-wqy-microhei",
      "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
      "so the browser tests draw Korean and Chinese text",
    );
  },
  ffmpeg: () =>
    ensurePackage("ffmpeg", "/usr/bin/ffmpeg", "to make the browser tests' fake cameras"),
  livekit: async () => {
    await ensureLiveKitServer();
  },
  /** The lecture recorder (media/, `go build`): its tests, the recording bench. */
  recorder: async () => {
    await ensureMediaWorker();
  },
  beautify: ensureBeautifyAssets,
  wrk: () => ensurePackage("wrk", "/usr/bin/wrk", "to load the server (HTTP benchmarks)"),
} as const;
export type Tool = keyof typeof TOOLS;

/**
 * Installs the named tools when missing, or throws one message that says what to install.
 * @example await ensureTools(["wrk"]);
 */
export async function ensureTools(tools: Tool[]): Promise<void> {
  for (const tool of tools) await TOOLS[tool]();
}

if (import.meta.main) {
  try {
    await ensureTools(["chromium", "ffmpeg", "livekit", "recorder", "beautify"]);
  } catch (err) {
    console.error((err as Error).message);
    Deno.exit(1);
  }
}
