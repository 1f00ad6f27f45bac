/**
 * Files under `static/`, served from memory with validators. At 8 a.m. every student's page
 * asks for the style sheets and every teacher's for the beautify filter's wasm and models
 * (~10 MB): read from disk once per process, answered with an ETag, and 304 when the browser
 * has them already. Style sheets are revalidated on every use (their names do not change when
 * they do); the vendor files, which change only with their npm packages, are kept for a day.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { getMimeType } from "hono/utils/mime";
import { createHash } from "node:crypto";

/** Files larger than this are not kept in memory (none are, today). */
const MAX_CACHED_BYTES = 32 << 20;
/** All files kept in memory together, by default (the least recently used go first). */
export const STATIC_CACHE_BYTES = 64 << 20;
/** Request paths remembered (each names a file; the file itself is kept once). */
const MAX_PATHS = 4096;

interface StaticFile {
  body: Uint8Array<ArrayBuffer>;
  etag: string;
  type: string;
}

const TYPES: Record<string, string> = {
  wasm: "application/wasm",
  task: "application/octet-stream",
  tflite: "application/octet-stream",
};

function contentType(path: string): string {
  const ext = path.slice(path.lastIndexOf(".") + 1).toLowerCase();
  return TYPES[ext] ?? getMimeType(path) ?? "application/octet-stream";
}

/** The Cache-Control for a path: vendor files for a day, everything else revalidated. */
export function cacheControl(path: string): string {
  return path.startsWith("/vendor/") ? "public, max-age=86400" : "no-cache";
}

/**
 * A request path with repeated slashes and `.` segments removed (`/vendor//./x.wasm` is
 * `/vendor/x.wasm`), or null when it leaves the folder or names one.
 */
export function canonicalPath(decoded: string): string | null {
  if (
    decoded.includes("..") || decoded.includes("\0") || decoded.includes("\\") ||
    decoded.endsWith("/")
  ) return null;
  if (!decoded.includes("//") && !decoded.includes("/.")) return decoded;
  const segments = decoded.split("/").filter((s) => s !== "" && s !== ".");
  return segments.length ? `/${segments.join("/")}` : null;
}

/** The static files middleware, and what its cache holds (for tests and diagnostics). */
export type StaticFilesHandler = MiddlewareHandler & { cachedBytes(): number };

/**
 * Serves the files under `root` for GET and HEAD (other requests and unknown paths go on to
 * the next handler). Paths that leave `root` (`..`, encoded or not) or name a folder are not
 * files. Each file is kept in memory once, by its real path, whatever path named it; the
 * cache holds at most `maxBytes` and lets the least recently used files go beyond that.
 */
export function staticFiles(
  root: string,
  opts: { maxBytes?: number } = {},
): StaticFilesHandler {
  const maxBytes = opts.maxBytes ?? STATIC_CACHE_BYTES;
  /** Canonical request path -> real path of the file. */
  const paths = new Map<string, string>();
  /** Real path -> file, least recently used first. */
  const files = new Map<string, StaticFile>();
  const loading = new Map<string, Promise<StaticFile | null>>();
  let total = 0;

  function remember(path: string, real: string) {
    paths.set(path, real);
    if (paths.size > MAX_PATHS) paths.delete(paths.keys().next().value!);
  }

  function keep(real: string, file: StaticFile) {
    files.set(real, file);
    total += file.body.byteLength;
    for (const [key, old] of files) {
      if (total <= maxBytes || key === real) break;
      files.delete(key);
      total -= old.body.byteLength;
    }
  }

  async function load(path: string): Promise<StaticFile | null> {
    try {
      const real = await Deno.realPath(`${root}${path}`);
      const known = files.get(real);
      if (known) {
        remember(path, real);
        return known;
      }
      const info = await Deno.stat(real);
      if (!info.isFile || info.size > Math.min(MAX_CACHED_BYTES, maxBytes)) return null;
      const body = await Deno.readFile(real);
      const hash = createHash("sha256").update(body).digest("base64url").slice(0, 22);
      const file = { body, etag: `"${hash}"`, type: contentType(real) };
      // Another request may have loaded it meanwhile under another name.
      const again = files.get(real);
      if (again) {
        remember(path, real);
        return again;
      }
      keep(real, file);
      remember(path, real);
      return file;
    } catch {
      return null;
    }
  }

  /** The file for a path from memory (refreshing its place), else read once for all asking. */
  async function find(path: string): Promise<StaticFile | null> {
    const real = paths.get(path);
    const file = real === undefined ? undefined : files.get(real);
    if (file) {
      files.delete(real!);
      files.set(real!, file);
      return file;
    }
    let pending = loading.get(path);
    if (!pending) {
      loading.set(path, pending = load(path));
      pending.finally(() => loading.delete(path));
    }
    return await pending;
  }

  const handler: MiddlewareHandler = async (c, next) => {
    const method = c.req.method;
    if (method !== "GET" && method !== "HEAD") return next();
    let decoded: string;
    try {
      decoded = decodeURIComponent(c.req.path);
    } catch {
      return next();
    }
    const path = canonicalPath(decoded);
    if (!path) return next();
    // Only files are remembered: unknown paths cannot fill the memory.
    const found = await find(path);
    if (!found) return next();
    const headers = {
      "content-type": found.type,
      "cache-control": cacheControl(path),
      etag: found.etag,
    };
    const match = c.req.header("if-none-match");
    if (match && match.split(",").some((t) => t.trim().replace(/^W\//, "") === found.etag)) {
      return c.body(null, 304, headers);
    }
    // HEAD: the server sends the headers only.
    return c.body(found.body, 200, headers);
  };
  return Object.assign(handler, { cachedBytes: () => total });
}
