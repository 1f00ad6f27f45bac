/**
 * What the beautify browser test and benchmark share: real face photos from Debian packages
 * (cached under `.tools/beautify/`), a fake-camera y4m made with ffmpeg, an esbuild bundle of
 * `components/beautify/` exposed to the page as `globalThis.beautify`, a small server for it and
 * the MediaPipe assets, and Chromium flags for the CPU renderer or a real GPU.
 * @module
 */
import * as esbuild from "esbuild";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { BEAUTIFY_ASSETS_DIR, ensureBeautifyAssets } from "@/scripts/beautify_assets.ts";
import { CHROMIUM } from "@/scripts/setup.ts";
import { exists } from "@/services/platform/host.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TOOLS = join(ROOT, ".tools", "beautify");

/** Real portraits, each from a Debian package: where the file sits inside the package. */
const PHOTOS = {
  /** Grace Hopper, 512x512 JPEG (facedetect's example). */
  hopper: {
    pkg: "facedetect",
    inner: "usr/share/doc/facedetect/examples/grace_hopper_512x512.jpg",
    file: "grace_hopper.jpg",
  },
  /** Eileen Collins (NASA, public domain), 512x512 PNG (scikit-image's sample data). */
  astronaut: {
    pkg: "python3-skimage",
    inner: "usr/lib/python3/dist-packages/skimage/data/astronaut.png",
    file: "astronaut.png",
  },
} as const;
export type PhotoName = keyof typeof PHOTOS;

async function run(cmd: string, args: string[], cwd?: string): Promise<boolean> {
  const { success, stderr } = await new Deno.Command(cmd, {
    args,
    cwd,
    stdout: "null",
    stderr: "piped",
    env: { DEBIAN_FRONTEND: "noninteractive" },
  }).output();
  if (!success) console.error(new TextDecoder().decode(stderr));
  return success;
}

function canApt(): Promise<boolean> {
  return Promise.resolve(Deno.uid?.() === 0).then(async (root) =>
    root && await exists("/usr/bin/apt-get")
  );
}

/** The photo's path, extracting it from its Debian package on first use. */
export async function ensurePhoto(name: PhotoName): Promise<string> {
  const { pkg, inner, file } = PHOTOS[name];
  const out = join(TOOLS, file);
  if (await exists(out)) return out;
  if (!(await exists("/usr/bin/apt-get")) || !(await exists("/usr/bin/dpkg-deb"))) {
    throw new Error(
      `The beautify tests take a face photo from Debian's ${pkg} package: apt-get and dpkg-deb are needed (or put ${inner} at ${out}).`,
    );
  }
  await Deno.mkdir(TOOLS, { recursive: true });
  const work = await Deno.makeTempDir({ dir: TOOLS, prefix: ".deb-" });
  try {
    if (!(await run("apt-get", ["download", "-qq", pkg], work))) {
      if (
        !(await canApt()) || !(await run("apt-get", ["update", "-qq"])) ||
        !(await run("apt-get", ["download", "-qq", pkg], work))
      ) {
        throw new Error(`apt-get download ${pkg} failed (see above)`);
      }
    }
    const deb = [...Deno.readDirSync(work)].find((e) => e.name.endsWith(".deb"));
    if (!deb) throw new Error(`apt-get download ${pkg} left no .deb`);
    if (!(await run("dpkg-deb", ["-x", deb.name, "x"], work))) {
      throw new Error(`dpkg-deb could not unpack ${deb.name}`);
    }
    await Deno.rename(join(work, "x", inner), out);
  } finally {
    await Deno.remove(work, { recursive: true });
  }
  return out;
}

/** ffmpeg, installed with apt when missing (as scripts/setup.ts installs Chromium). */
export async function ensureFfmpeg(): Promise<void> {
  if (await exists("/usr/bin/ffmpeg")) return;
  if (!(await canApt())) {
    throw new Error(
      "ffmpeg is needed to make the beautify tests' fake camera: apt-get install -y ffmpeg",
    );
  }
  console.log("Installing ffmpeg for the beautify tests (apt-get install ffmpeg)…");
  if (
    !(await run("apt-get", ["update", "-qq"])) ||
    !(await run("apt-get", ["install", "-y", "-qq", "ffmpeg"]))
  ) {
    throw new Error("apt-get could not install ffmpeg; see the output above.");
  }
}

/**
 * A y4m clip for Chromium's fake camera: the photo scaled to the frame's height, centred on a
 * grey background, repeated (Chromium loops the file).
 */
export async function makeY4m(
  photo: string,
  dir: string,
  width = 640,
  height = 480,
): Promise<string> {
  await ensureFfmpeg();
  const out = join(dir, `camera-${width}x${height}.y4m`);
  const ok = await run("ffmpeg", [
    "-loglevel",
    "error",
    "-y",
    "-loop",
    "1",
    "-i",
    photo,
    "-vf",
    `scale=-2:${height},pad=${width}:${height}:(ow-iw)/2:0:gray,format=yuv420p`,
    "-frames:v",
    "10",
    "-r",
    "30",
    out,
  ]);
  if (!ok) throw new Error("ffmpeg could not make the fake camera clip");
  return out;
}

/**
 * Bundles `components/beautify/` (with tasks-vision, Preact and livekit-client) and the page
 * helpers (beautify_page.ts) into one module that puts their exports on `globalThis.beautify`.
 */
export async function bundleBeautify(): Promise<Uint8Array<ArrayBuffer>> {
  try {
    const result = await esbuild.build({
      absWorkingDir: ROOT,
      stdin: {
        contents: `
          import * as processor from "./components/beautify/processor.ts";
          import * as engine from "./components/beautify/engine.ts";
          import * as detector from "./components/beautify/detector.ts";
          import * as controls from "./components/beautify/BeautifyControls.tsx";
          import * as geometry from "./components/beautify/geometry.ts";
          import * as page from "./tests/browser/beautify_page.ts";
          import * as livekit from "livekit-client";
          import { h, render } from "preact";
          globalThis.beautify = {
            ...processor, ...engine, ...detector, ...controls, ...geometry, ...page, livekit, h, render,
          };
          globalThis.dispatchEvent(new Event("beautify-ready"));`,
        loader: "ts",
        resolveDir: ROOT,
        sourcefile: "beautify-test-entry.ts",
      },
      bundle: true,
      format: "esm",
      write: false,
      jsx: "automatic",
      jsxImportSource: "preact",
      target: ["es2022"],
      logLevel: "silent",
    });
    return new Uint8Array(result.outputFiles[0].contents);
  } finally {
    await esbuild.stop();
  }
}

const TYPES: Record<string, string> = {
  js: "text/javascript",
  wasm: "application/wasm",
  html: "text/html; charset=utf-8",
  png: "image/png",
  jpg: "image/jpeg",
};

/** The app's content security policy plus what running WebAssembly needs. */
export const BEAUTIFY_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
].join("; ");

export interface BeautifyServer extends AsyncDisposable {
  url: string;
}

/**
 * Serves `/` (an empty page that loads the bundle), `/beautify.js`, `/vendor/mediapipe/*`
 * (prepared by {@link ensureBeautifyAssets}) and `/photos/<name>`.
 */
export async function serveBeautify(): Promise<BeautifyServer> {
  await ensureBeautifyAssets();
  const bundle = await bundleBeautify();
  const photos = new Map<string, string>();
  for (const name of Object.keys(PHOTOS) as PhotoName[]) {
    photos.set(PHOTOS[name].file, await ensurePhoto(name));
  }
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>beautify</title></head><body><script type="module" src="/beautify.js"></script></body></html>`;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    const headers = new Headers({ "content-security-policy": BEAUTIFY_CSP });
    const ext = path.split(".").pop() ?? "";
    headers.set("content-type", TYPES[ext] ?? "application/octet-stream");
    if (path === "/") {
      headers.set("content-type", TYPES.html);
      return new Response(page, { headers });
    }
    if (path === "/beautify.js") return new Response(bundle, { headers });
    let file: string | undefined;
    if (path.startsWith("/vendor/mediapipe/") && !path.includes("..")) {
      file = join(BEAUTIFY_ASSETS_DIR, path.slice("/vendor/mediapipe/".length));
    } else if (path.startsWith("/photos/")) {
      file = photos.get(path.slice("/photos/".length));
    }
    try {
      if (file) return new Response(await Deno.readFile(file), { headers });
    } catch {
      // fall through to 404
    }
    return new Response("not found", { status: 404, headers });
  });
  const { port } = server.addr;
  return {
    url: `http://127.0.0.1:${port}`,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

/** URL path of a photo on {@link serveBeautify}'s server. */
export function photoUrl(name: PhotoName): string {
  return `/photos/${PHOTOS[name].file}`;
}

/**
 * Chromium for the beautify tests and bench. By default WebGL runs on SwiftShader (CPU); with
 * `gpu` the GPU flags (for a machine with a real GPU, e.g. NVIDIA: Vulkan through ANGLE) are
 * used instead, or BEAUTIFY_GPU_FLAGS (space-separated) when set. `camera` is a y4m file for
 * the fake camera.
 */
export async function launchBeautifyBrowser(
  opts: { gpu?: boolean; camera?: string } = {},
): Promise<Browser> {
  const common = [
    "--no-sandbox",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
  ];
  const renderer = opts.gpu
    ? (Deno.env.get("BEAUTIFY_GPU_FLAGS")?.split(/\s+/).filter(Boolean) ?? [
      "--ignore-gpu-blocklist",
      "--enable-gpu",
      "--use-angle=vulkan",
      "--enable-features=Vulkan",
      "--disable-vulkan-surface",
    ])
    : ["--disable-gpu", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"];
  const camera = opts.camera
    ? [
      "--use-fake-ui-for-media-stream",
      "--use-fake-device-for-media-stream",
      `--use-file-for-fake-video-capture=${opts.camera}`,
    ]
    : [];
  return await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...common, ...renderer, ...camera],
  });
}

/** What the bundle puts on `globalThis.beautify` (for typing `page.evaluate` code). */
export type BeautifyGlobal =
  & typeof import("@/components/beautify/processor.ts")
  & typeof import("@/components/beautify/engine.ts")
  & typeof import("@/components/beautify/detector.ts")
  & typeof import("@/components/beautify/BeautifyControls.tsx")
  & typeof import("@/components/beautify/geometry.ts")
  & typeof import("./beautify_page.ts")
  & {
    livekit: typeof import("livekit-client");
    h: typeof import("preact").h;
    render: typeof import("preact").render;
  };
