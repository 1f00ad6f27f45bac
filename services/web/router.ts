/**
 * File-system routing in Fresh 1.x's shape: turns the entries of `fresh.gen.ts` (a manifest
 * of `routes/` and `islands/`) into route patterns, in the order they must be tried.
 * @module
 */

export interface RouteFile {
  /** Manifest key, e.g. "./routes/classes/[classId].tsx" */
  file: string;
  /** Folder under routes/, e.g. "/classes" ("" for the root). */
  dir: string;
  /** Hono pattern, e.g. "/classes/:classId" */
  pattern: string;
  /** OpenAPI path, e.g. "/classes/{classId}" */
  openapiPath: string;
  /** `_app`, `_layout`, `_middleware`, `_404`, `_500`, or undefined for a route. */
  special?: "_app" | "_layout" | "_middleware" | "_404" | "_500";
  isApi: boolean;
}

const SPECIALS = new Set(["_app", "_layout", "_middleware", "_404", "_500"]);

/** Parses one manifest key. */
export function parseRouteFile(file: string): RouteFile {
  const rel = file.replace(/^\.\/routes/, "").replace(/\.(tsx?|jsx?)$/, "");
  const parts = rel.split("/").filter((s) => s && !/^\(.+\)$/.test(s));
  const last = parts[parts.length - 1] ?? "";
  const dirParts = parts.slice(0, -1);
  const dir = dirParts.length ? `/${dirParts.join("/")}` : "";
  if (SPECIALS.has(last)) {
    return {
      file,
      dir,
      pattern: dir || "/",
      openapiPath: dir || "/",
      special: last as RouteFile["special"],
      isApi: false,
    };
  }
  const segments = last === "index" ? dirParts : parts;
  const isRest = (s: string) => /^\[\.\.\.\w+\]$/.test(s);
  const hono = segments.map((s) => isRest(s) ? "*" : s.replace(/\[(\w+)\]/g, ":$1"));
  const openapi = segments.map((s) => isRest(s) ? "*" : s.replace(/\[(\w+)\]/g, "{$1}"));
  return {
    file,
    dir,
    pattern: `/${hono.join("/")}`,
    openapiPath: `/${openapi.join("/")}`,
    isApi: segments[0] === "api",
  };
}

/** Rank of a pattern segment: static before dynamic before catch-all. */
function segmentRank(s: string): number {
  return s === "*" ? 2 : s.startsWith(":") ? 1 : 0;
}

/** Sorts routes so that a more specific pattern is tried first (`/classes/new` before `/classes/:id`). */
export function sortRoutes<T extends { pattern: string }>(routes: T[]): T[] {
  return [...routes].sort((a, b) => {
    const as = a.pattern.split("/"), bs = b.pattern.split("/");
    for (let i = 0; i < Math.max(as.length, bs.length); i++) {
      if (as[i] === undefined) return -1;
      if (bs[i] === undefined) return 1;
      const d = segmentRank(as[i]) - segmentRank(bs[i]);
      if (d !== 0) return d;
    }
    return a.pattern.localeCompare(b.pattern);
  });
}

/** Island name from its file: "./islands/RosterImport.tsx" -> "RosterImport". */
export function islandName(file: string): string {
  return file.replace(/^.*\//, "").replace(/\.(tsx?|jsx?)$/, "");
}
