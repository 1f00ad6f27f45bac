/**
 * `deno task bench` runs every benchmark group; `deno task bench GROUP` runs one. Each group
 * is `scripts/bench/GROUP.ts`, run in its own process (so memory figures are its own), and
 * prints each figure alone on a line as `BENCH name=value unit`.
 * @module
 */
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL("./bench/", import.meta.url));
const all: string[] = [];
for await (const e of Deno.readDir(dir)) {
  if (e.isFile && e.name.endsWith(".ts") && !e.name.startsWith("_")) all.push(e.name.slice(0, -3));
}
all.sort();
const wanted = Deno.args.length ? Deno.args : all;
const unknown = wanted.filter((g) => !all.includes(g));
if (unknown.length) {
  console.error(`Unknown benchmark group(s): ${unknown.join(", ")}. Groups: ${all.join(", ")}`);
  Deno.exit(2);
}
let failed = 0;
for (const group of wanted) {
  console.log(`# bench ${group}`);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", `${dir}${group}.ts`],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) {
    console.error(`# bench ${group} failed (exit ${code})`);
    failed++;
  }
}
Deno.exit(failed ? 1 : 0);
