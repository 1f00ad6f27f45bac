/**
 * What the benchmark groups share: the tools they need, a file-backed KV in a temp folder, a
 * seeded class, and a timer that samples peak RSS.
 * @module
 */
import { createClass } from "@/services/classes/classes.ts";
import { addMemberOps } from "@/services/classes/members.ts";
import { commit } from "@/services/db/kv.ts";
import { createOrg } from "@/services/orgs/orgs.ts";
import { createUser, createUserOps, newUser, type User } from "@/services/orgs/users.ts";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { ensureTools, type Tool } from "../setup.ts";

/**
 * Installs what a benchmark group needs beyond Deno (as `.ci/run` does for the tests), or
 * stops the group with one line that says what to install: never a stack trace.
 */
export async function needTools(...tools: Tool[]): Promise<void> {
  try {
    await ensureTools(tools);
  } catch (err) {
    console.error(`# cannot run this benchmark: ${(err as Error).message.replaceAll("\n", " ")}`);
    Deno.exit(2);
  }
}

/** Runs `fn` with a file-backed KV in a fresh temp folder, removed afterwards. */
export async function withFileKv<T>(name: string, fn: (kv: Deno.Kv) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: `mirae-bench-${name}-` });
  const kv = await Deno.openKv(`${dir}/kv.sqlite3`);
  try {
    return await fn(kv);
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Wall time and peak RSS (sampled every 50 ms) of `fn`. */
export async function measure<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; seconds: number; peakMb: number; beforeMb: number }> {
  const before = Deno.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => peak = Math.max(peak, Deno.memoryUsage().rss), 50);
  const started = performance.now();
  try {
    const result = await fn();
    const seconds = (performance.now() - started) / 1000;
    peak = Math.max(peak, Deno.memoryUsage().rss);
    return { result, seconds, peakMb: peak / 1048576, beforeMb: before / 1048576 };
  } finally {
    clearInterval(sampler);
  }
}

/** A school with a teacher and a class of `students` students (Korean and Latin names). */
export async function seedClass(kv: Deno.Kv, slug: string, students: number) {
  const org = await createOrg(kv, {
    name: "Bench School",
    kind: "school",
    slug,
    timeZone: "Asia/Seoul",
  });
  const teacher = await createUser(
    kv,
    newUser({
      orgId: org.id,
      name: "Teacher",
      email: `teacher@${slug}.bench.example.org`,
      role: "teacher",
    }),
  );
  const cls = await createClass(kv, org.id, { name: "Bench class", teacherIds: [teacher.id] });
  const people: User[] = [];
  for (let i = 0; i < students; i += 100) {
    const op = kv.atomic();
    for (let j = i; j < Math.min(i + 100, students); j++) {
      const s = newUser({
        orgId: org.id,
        name: j % 2 ? `김민준 ${j}` : `Student, ${j}`,
        email: `student${j}@${slug}.bench.example.org`,
        studentNumber: `S${String(j).padStart(6, "0")}`,
        role: "student",
      });
      addMemberOps(createUserOps(op, s, false), cls.id, s, "student");
      people.push(s);
    }
    await commit(op);
  }
  return { org, teacher, cls, students: people };
}

const root = fileURLToPath(new URL("../../", import.meta.url));

/** livekit-client plus the lecture room's publish settings, as one script (global `LK`). */
export async function bundleLiveKitClient(): Promise<string> {
  try {
    const result = await esbuild.build({
      absWorkingDir: root,
      stdin: {
        contents: `export * from "livekit-client";
export { CAMERA_PUBLISH, CAMERA_RESOLUTION, newLectureRoom } from "./components/lecture/livekit.ts";`,
        resolveDir: root,
        loader: "ts",
      },
      bundle: true,
      format: "iife",
      globalName: "LK",
      minify: true,
      target: ["es2022"],
      write: false,
      logLevel: "silent",
    });
    return result.outputFiles[0].text;
  } finally {
    await esbuild.stop();
  }
}

/**
 * A fake 1280x720 camera for Chromium (`--use-file-for-fake-video-capture`): 60 frames of an
 * ffmpeg test pattern (`testsrc2`, or `testsrc` with its frame counter), looped by the browser.
 * ffmpeg comes from `needTools("ffmpeg")`.
 */
export async function fakeCamera720p(dir: string, pattern = "testsrc2"): Promise<string> {
  const path = `${dir}/${pattern}-1280x720.y4m`;
  const out = await new Deno.Command("ffmpeg", {
    args: [
      ...["-loglevel", "error", "-y", "-f", "lavfi", "-i", `${pattern}=size=1280x720:rate=30`],
      ...["-frames:v", "60", "-pix_fmt", "yuv420p", path],
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`ffmpeg failed: ${new TextDecoder().decode(out.stderr)}`);
  return path;
}
