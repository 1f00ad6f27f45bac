/**
 * Bundles the islands for the browser with esbuild: one boot script that finds every
 * `<mirae-island>` and hydrates it, and one lazily loaded chunk per island, all content-hashed
 * so they can be cached for a year. Built in memory once per process, on first need.
 * @module
 */
import * as esbuild from "esbuild";

export interface IslandAssets {
  /** URL of the boot script, e.g. /_islands/boot-5XQ2.js */
  bootUrl: string;
  /** URL path -> file body. */
  files: Map<string, Uint8Array>;
}

const builds = new Map<string, Promise<IslandAssets>>();

/** URL prefix of the island bundles. */
export const ISLANDS_PREFIX = "/_islands/";

function bootSource(islands: Record<string, string>): string {
  const entries = Object.entries(islands).map(([name, path]) =>
    `${JSON.stringify(name)}: () => import(${JSON.stringify(path)})`
  );
  return `import { h, hydrate } from "preact";
const islands = { ${entries.join(", ")} };
for (const el of document.querySelectorAll("mirae-island")) {
  const load = islands[el.dataset.island];
  if (!load) continue;
  load().then((mod) => hydrate(h(mod.default, JSON.parse(el.dataset.props || "{}")), el));
}`;
}

async function build(islands: Record<string, string>, root: string): Promise<IslandAssets> {
  try {
    const result = await esbuild.build({
      absWorkingDir: root,
      entryPoints: [{ in: "mirae:boot", out: "boot" }],
      bundle: true,
      format: "esm",
      splitting: true,
      write: false,
      outdir: "/_islands",
      entryNames: "[name]-[hash]",
      chunkNames: "chunk-[hash]",
      jsx: "automatic",
      jsxImportSource: "preact",
      minify: true,
      target: ["es2022"],
      logLevel: "silent",
      plugins: [{
        name: "mirae-boot",
        setup(b) {
          // The import map's "@/" alias (deno.json) is the project root for the bundle too.
          b.onResolve({ filter: /^@\// }, (args) => ({ path: `${root}/${args.path.slice(2)}` }));
          b.onResolve({ filter: /^mirae:boot$/ }, () => ({ path: "boot", namespace: "mirae" }));
          b.onLoad({ filter: /.*/, namespace: "mirae" }, () => ({
            contents: bootSource(islands),
            loader: "js",
            resolveDir: root,
          }));
        },
      }],
    });
    const files = new Map<string, Uint8Array>();
    let bootUrl = "";
    for (const file of result.outputFiles) {
      const url = file.path.replace(/^.*\/_islands\//, ISLANDS_PREFIX);
      files.set(url, file.contents);
      if (/\/boot-[^/]+\.js$/.test(url)) bootUrl = url;
    }
    return { bootUrl, files };
  } finally {
    // The esbuild service is a child process; stop it so nothing outlives the build.
    await esbuild.stop();
  }
}

/** Builds (once per process and island set) and returns the island bundles. */
export function buildIslands(islands: Record<string, string>, root: string): Promise<IslandAssets> {
  const key = JSON.stringify([root, islands]);
  let p = builds.get(key);
  if (!p) {
    p = build(islands, root);
    builds.set(key, p);
    p.catch(() => builds.delete(key));
  }
  return p;
}
