/**
 * The recorder supervisor after the app died mid-recording: at the next start it stores the
 * WebM the dead run left as an interrupted part (its length read from the file's header),
 * removes files no part claims, and takes lectures that are no longer live out of the wanted
 * set. No media server is needed for this (the files are made by ffmpeg).
 */
import assert from "node:assert/strict";
import { KvFileStore } from "@/services/files/store.ts";
import { scheduleLecture } from "@/services/lectures/lectures.ts";
import type { Lecture } from "@/services/lectures/model.ts";
import { LiveKitLink } from "@/services/livekit/link.ts";
import {
  beginRecording,
  listLectureRecordings,
  noteLectureEnded,
  noteLectureLive,
} from "@/services/recordings/recordings.ts";
import { startRecordingSupervisor, writtenDuration } from "@/services/recordings/supervisor.ts";
import { twoSchools } from "./fixtures.ts";

async function webm(path: string, seconds: number) {
  const out = await new Deno.Command("ffmpeg", {
    args: [
      ...["-loglevel", "error", "-y", "-f", "lavfi", "-i", `testsrc=size=320x180:rate=15`],
      ...["-f", "lavfi", "-i", "sine=frequency=440", "-t", String(seconds)],
      ...["-c:v", "libvpx", "-b:v", "200k", "-c:a", "libopus", path],
    ],
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
}

Deno.test("[recordings] a part left by a dead app is stored at the next start", async () => {
  const kv = await Deno.openKv(":memory:");
  const dir = await Deno.makeTempDir({ prefix: "mirae-recordings-" });
  try {
    const { one } = await twoSchools(kv);
    const schedule = (title: string) =>
      scheduleLecture(kv, one.classA, one.teacherA.id, {
        title,
        startsAt: new Date().toISOString(),
      });
    const lecture: Lecture = { ...await schedule("Live"), status: "live" };
    await kv.set(["lectures", lecture.id], lecture);
    const notLive = await schedule("Not live");
    await kv.set(["recording_wanted", notLive.id], { since: new Date().toISOString() });

    // What the dead run left: its part "recording", the file it was writing, a stray file.
    const left = `${dir}/${lecture.id}-${Date.now() - 5_000}.webm`;
    await webm(left, 2);
    const stray = `${dir}/${notLive.id}-${Date.now() - 5_000}.webm`;
    await Deno.copyFile(left, stray);
    const bytes = await Deno.readFile(left);
    const part = await beginRecording(kv, lecture, new Date(Date.now() - 5_000));
    assert.ok(Math.abs(await writtenDuration(left) - 2_000) < 100, "ffmpeg wrote ~2 s");

    const store = new KvFileStore(kv);
    await using sup = startRecordingSupervisor({
      kv,
      livekit: new LiveKitLink(), // no media server: nothing is recorded anew
      store,
      bin: "/bin/false",
      dir,
      log: () => {},
      pollMs: 100,
    });
    await sup.idle();
    const [stored] = await listLectureRecordings(kv, lecture.id);
    assert.equal(stored.id, part.id);
    assert.equal(stored.status, "ready");
    assert.equal(stored.ending, "interrupted");
    assert.ok(Math.abs(stored.durationMs! - 2_000) < 100, `length ${stored.durationMs}`);
    const meta = await store.get(stored.fileId!);
    assert.equal(meta?.type, "video/webm");
    assert.deepEqual(meta?.holder, { kind: "recording", id: lecture.id });
    const back = new Uint8Array(await new Response(await store.open(meta!.id)).arrayBuffer());
    assert.deepEqual(back, bytes);
    const files = [];
    for await (const f of Deno.readDir(dir)) if (f.name.endsWith(".webm")) files.push(f.name);
    assert.deepEqual(files, [], "the stored file and the stray one are gone");
    assert.equal((await kv.get(["recording_wanted", notLive.id])).value, null);
    assert.deepEqual(sup.recording(), []);
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});

/**
 * A stand-in for mirae-media: writes `source` as its recording (argument 5 is --out's path),
 * says it started, and closes cleanly on SIGTERM like the real one.
 */
async function fakeRecorder(dir: string, source: string): Promise<string> {
  const path = `${dir}/fake-recorder.sh`;
  await Deno.writeTextFile(
    path,
    `#!/bin/sh
cp "${source}" "$5"
echo '{"event":"started","at":'$(date +%s)000'}'
trap 'echo "{\\"event\\":\\"closed\\",\\"durationMs\\":2000}"; exit 0' TERM
while true; do sleep 0.1; done
`,
  );
  await Deno.chmod(path, 0o755);
  return path;
}

Deno.test("[recordings] app hosts sharing a KV run one recorder per lecture", async () => {
  const kv = await Deno.openKv(":memory:");
  const dir = await Deno.makeTempDir({ prefix: "mirae-recordings-" });
  try {
    const { one } = await twoSchools(kv);
    await kv.set(["recording_prefs", "class", one.classA.id], { record: true });
    const lecture: Lecture = {
      ...await scheduleLecture(kv, one.classA, one.teacherA.id, {
        title: "Shared",
        startsAt: new Date().toISOString(),
      }),
      status: "live",
    };
    await kv.set(["lectures", lecture.id], lecture);
    await webm(`${dir}/source.webm`, 2);
    const bin = await fakeRecorder(dir, `${dir}/source.webm`);
    const link = new LiveKitLink();
    link.connect({ url: "ws://127.0.0.1:9", apiKey: "key", apiSecret: "s".repeat(40) });
    const store = new KvFileStore(kv);
    const host = (name: string) =>
      startRecordingSupervisor({
        kv,
        livekit: link,
        store,
        bin,
        dir: `${dir}/${name}`,
        log: () => {},
        pollMs: 100,
      });
    const a = host("a");
    const b = host("b");
    try {
      await noteLectureLive(kv, lecture);
      const both = () => [...a.recording(), ...b.recording()];
      for (let i = 0; i < 100 && both().length === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, 500)); // several rounds of both supervisors
      assert.deepEqual(both(), [lecture.id], "one recorder, on one host");
      // The host that records goes away: the other takes the lecture over (a second part).
      const [first, second] = a.recording().length ? [a, b] : [b, a];
      await first.stop();
      for (let i = 0; i < 100 && second.recording().length === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.deepEqual(second.recording(), [lecture.id]);
      await noteLectureEnded(kv, lecture.id);
      for (let i = 0; i < 100 && second.recording().length; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      await second.idle();
      const parts = await listLectureRecordings(kv, lecture.id);
      assert.deepEqual(parts.map((p) => [p.part, p.status, p.ending]), [
        [1, "ready", "clean"],
        [2, "ready", "clean"],
      ]);
      assert.notEqual(parts[0].host, parts[1].host);
      assert.equal((await kv.get(["recording_leases", lecture.id])).value, null);
    } finally {
      await a.stop();
      await b.stop();
    }
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
