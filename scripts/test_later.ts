/**
 * Runs the test suite 400 days in the future (`faketime -f '+400d'`, Debian's `faketime`),
 * so that a test that holds a calendar date instead of building it from "now" fails today,
 * not the day that date passes. `deno task test:later`; `.ci/run` runs it after the suite.
 *
 * Left out: test files that start the LiveKit server or a browser (the Go-built server and
 * Chromium do not follow the fake clock, and tokens signed a year ahead are refused), found by
 * what they call rather than by a list that could go stale.
 * @module
 */
import { fileURLToPath } from "node:url";
import { ensurePackage } from "./setup.ts";

/** What a test file calls when it needs a real clock outside Deno (tests/browser/ all do). */
const REAL_CLOCK = /\b(startTestLiveKit|spawnServer)\(/;
const SKIP_DIRS = new Set(["node_modules", ".git", ".tools", "data", "static"]);

const root = fileURLToPath(new URL("..", import.meta.url));

async function testFiles(dir: string, out: string[] = []): Promise<string[]> {
  for await (const e of Deno.readDir(`${root}${dir}`)) {
    const path = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory && !SKIP_DIRS.has(e.name)) await testFiles(path, out);
    else if (e.isFile && /_test\.tsx?$/.test(e.name)) out.push(path);
  }
  return out;
}

if (import.meta.main) {
  try {
    await ensurePackage("faketime", "/usr/bin/faketime", "to run the tests a year ahead");
  } catch (err) {
    console.error((err as Error).message);
    Deno.exit(1);
  }
  const files: string[] = [];
  const left: string[] = [];
  for (const f of (await testFiles("")).sort()) {
    const real = f.startsWith("tests/browser/") ||
      REAL_CLOCK.test(await Deno.readTextFile(`${root}${f}`));
    (real ? left : files).push(f);
  }
  console.log(`Tests 400 days ahead: ${files.length} files (${left.length} need a real clock).`);
  const { code } = await new Deno.Command("faketime", {
    args: ["-f", "+400d", Deno.execPath(), "test", "--allow-all", "--parallel", ...files],
    cwd: root,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  Deno.exit(code);
}
