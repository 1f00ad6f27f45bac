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
 * Serves the files under `root` for GET and HEAD (other requests and unknown paths go on to
 * the next handler). Paths that leave `root` (`..`, encoded or not) or name a folder are not
 * files.
 */
export function staticFiles(root: string): MiddlewareHandler {
  const files = new Map<string, Promise<StaticFile | null>>();

  async function load(path: string): Promise<StaticFile | null> {
    try {
      const full = `${root}${path}`;
      const info = await Deno.stat(full);
      if (!info.isFile || info.size > MAX_CACHED_BYTES) return null;
      const body = await Deno.readFile(full);
      const hash = createHash("sha256").update(body).digest("base64url").slice(0, 22);
      return { body, etag: `"${hash}"`, type: contentType(path) };
    } catch {
      return null;
    }
  }

  return async (c, next) => {
    const method = c.req.method;
    if (method !== "GET" && method !== "HEAD") return next();
    let path: string;
    try {
      path = decodeURIComponent(c.req.path);
    } catch {
      return next();
    }
    if (path.includes("..") || path.includes("\0") || path.includes("\\") || path.endsWith("/")) {
      return next();
    }
    let file = files.get(path);
    if (!file) files.set(path, file = load(path));
    const found = await file;
    if (!found) {
      // Only files are remembered: unknown paths cannot fill the memory.
      files.delete(path);
      return next();
    }
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
}
