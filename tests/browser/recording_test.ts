/**
 * A recorded lecture end to end, in real Chromium against the real app and its LiveKit server:
 * the teacher turns recording on and goes live with a fake camera and microphone; the app's
 * recorder (media/, a hidden subscribe-only participant, never in attendance or the
 * participant list) writes WebM; killing it mid-lecture leaves a playable part and a new
 * part starts; ending the lecture stores the last part, seekable. The files are valid WebM
 * (VP8 + Opus, rising timestamps: ffprobe), served with Range; a student plays the recording
 * on the lecture page at another speed while the chat beside it follows the video time, and
 * the time watched is counted apart from live attendance.
 */
/// <reference lib="dom" />
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { spawnServer } from "@/scripts/spawn_server.ts";
import { DEMO_PASSWORD, DEMO_TEACHERS } from "@/services/demo/seed.ts";
import { RECORDER_IDENTITY } from "@/services/lectures/tokens.ts";
import {
  api,
  demoLecture,
  eventually,
  fakeCamera,
  launchMediaBrowser,
  screenshot,
  spawnedLiveKit,
  studentByLink,
  waitForPlayingVideo,
} from "./lecture_fixtures.ts";

interface Part {
  id: string;
  part: number;
  status: string;
  url?: string;
  startedAt: string;
  durationMs?: number;
  ending?: string;
}

/** The recorder processes of this app (found by the app's own data folder in their arguments). */
async function recorderPids(dataDir: string): Promise<number[]> {
  const pids: number[] = [];
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const cmd = await Deno.readTextFile(`/proc/${e.name}/cmdline`).catch(() => "");
    if (cmd.includes("mirae-media\0record") && cmd.includes(dataDir)) pids.push(Number(e.name));
  }
  return pids;
}

/** ffprobe's view of a WebM file: its streams and the video packets' times. */
async function probe(path: string) {
  const out = await new Deno.Command("ffprobe", {
    args: [
      ...["-v", "error", "-print_format", "json", "-show_format", "-show_streams"],
      ...["-show_entries", "packet=stream_index,pts_time,flags", "-show_packets", path],
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout)) as {
    format: { format_name: string; duration?: string };
    streams: { index: number; codec_name: string; codec_type: string }[];
    packets: { stream_index: number; pts_time: string; flags: string }[];
  };
}

/** Checks a stored part is WebM with VP8 and Opus, starting on a keyframe, times rising. */
async function checkWebm(path: string, minSeconds: number) {
  const info = await probe(path);
  assert.match(info.format.format_name, /webm|matroska/);
  const video = info.streams.find((s) => s.codec_type === "video");
  const audio = info.streams.find((s) => s.codec_type === "audio");
  assert.equal(video?.codec_name, "vp8");
  assert.equal(audio?.codec_name, "opus");
  const frames = info.packets.filter((p) => p.stream_index === video!.index);
  assert.ok(frames[0].flags.startsWith("K"), "the first video frame is a keyframe");
  const times = frames.map((p) => Number(p.pts_time));
  for (let i = 1; i < times.length; i++) {
    assert.ok(times[i] > times[i - 1], `video times rise (${times[i - 1]} then ${times[i]})`);
  }
  assert.ok(times[times.length - 1] >= minSeconds, `at least ${minSeconds} s of video`);
  return { info, times };
}

Deno.test({
  name: "[browser] a recorded lecture: recorder crash, stored parts, playback with the chat",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "mirae-recording-" });
    await using server = await spawnServer();
    const dataDir = server.kvPath.replace(/[/\\][^/\\]*$/, "");
    const rooms = await spawnedLiveKit(server);
    const camera = await fakeCamera(dir, { width: 640, height: 360 }, 60);
    const browser = await launchMediaBrowser(camera);
    try {
      const { teacherToken, lectureUrl, roomName, link } = await demoLecture(
        server,
        "Recorded fractions",
      );
      const lectureId = lectureUrl.split("/").pop()!;
      const base = `/api/v1/lectures/${lectureId}/recordings`;
      const parts = async () =>
        (await api(server, teacherToken, "GET", base)).body as {
          record: boolean;
          items: Part[];
          views?: { userId: string; seconds: number }[];
        };
      const say = async (text: string) => {
        const res = await api(server, teacherToken, "POST", `/api/v1/lectures/${lectureId}/chat`, {
          text,
        });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        return Date.parse(res.body.at as string);
      };

      let teacher!: Page;
      await t.step("the teacher turns recording on and goes live", async () => {
        const on = await api(server, teacherToken, "PATCH", base, { record: true });
        assert.equal(on.status, 200, JSON.stringify(on.body));
        assert.equal((await parts()).record, true);
        teacher = await (await browser.newContext()).newPage();
        await teacher.goto(`${server.url}/signin`);
        await teacher.getByLabel("Email or student number").fill(DEMO_TEACHERS[0]);
        await teacher.getByLabel("Password").fill(DEMO_PASSWORD);
        await teacher.getByRole("button", { name: "Sign in" }).click();
        await teacher.waitForURL(`${server.url}/today`);
        await teacher.goto(lectureUrl);
        await teacher.getByLabel("Record this lecture").waitFor();
        assert.equal(await teacher.getByLabel("Record this lecture").isChecked(), true);
        await waitForPlayingVideo(teacher, 'video[data-participant="local"]');
        await teacher.getByRole("button", { name: "Go live" }).click();
        await teacher.locator('.lecture-room[data-phase="live"]').waitFor({ timeout: 20_000 });
      });

      await t.step("the recorder writes part 1, hidden from attendance", async () => {
        await eventually(
          "part 1 recording",
          async () => (await parts()).items.find((p) => p.status === "recording"),
          45_000,
          500,
        );
        const people = await rooms.listParticipants(roomName);
        assert.ok(people.some((p) => p.identity === RECORDER_IDENTITY), "the recorder is in");
        // The participant list (from the media server's webhooks) has the teacher only, and
        // keeps it so once the recorder's own webhooks have come.
        const listed = async () =>
          (await api(server, teacherToken, "GET", `/api/v1/lectures/${lectureId}/participants`))
            .body as { count: number; items: { userId: string }[] };
        await eventually(
          "the teacher in the participant list",
          async () => (await listed()).items.length > 0,
        );
        await new Promise((r) => setTimeout(r, 2_000));
        const { count, items } = await listed();
        assert.equal(count, 1, JSON.stringify(items));
        assert.equal(items.length, 1);
        await say("Before the crash");
        await new Promise((r) => setTimeout(r, 3_000));
      });

      await t.step("a recorder killed mid-lecture leaves part 1; part 2 starts", async () => {
        const pids = await recorderPids(dataDir);
        assert.equal(pids.length, 1, "one recorder for the lecture");
        Deno.kill(pids[0], "SIGKILL");
        const list = await eventually(
          "part 1 stored and part 2 recording",
          async () => {
            const { items } = await parts();
            return items.length === 2 && items[0].status === "ready" &&
              items[1].status === "recording" && items;
          },
          45_000,
          500,
        );
        assert.equal(list[0].ending, "interrupted");
        assert.ok((list[0].durationMs ?? 0) >= 1_000, `part 1 has length ${list[0].durationMs}`);
      });

      const saidAt: number[] = [];
      await t.step("the teacher talks in the chat during part 2 and ends the lecture", async () => {
        await new Promise((r) => setTimeout(r, 2_000));
        saidAt.push(await say("Look at the numerator"));
        await new Promise((r) => setTimeout(r, 3_000));
        saidAt.push(await say("Now the denominator"));
        await new Promise((r) => setTimeout(r, 3_000));
        const end = await api(server, teacherToken, "POST", `/api/v1/lectures/${lectureId}/end`);
        assert.equal(end.status, 200, JSON.stringify(end.body));
        await eventually(
          "part 2 stored",
          async () => {
            const { items } = await parts();
            return items.length === 2 && items[1].status === "ready";
          },
          45_000,
          500,
        );
        assert.deepEqual(await recorderPids(dataDir), [], "no recorder left running");
      });

      let part2!: Part;
      await t.step("the parts are WebM (VP8 + Opus) and download with Range", async () => {
        const { items } = await parts();
        part2 = items[1];
        assert.equal(part2.ending, "clean");
        for (const [i, p] of items.entries()) {
          const res = await fetch(`${server.url}${p.url}`, {
            headers: { authorization: `Bearer ${teacherToken}` },
          });
          assert.equal(res.status, 200);
          assert.equal(res.headers.get("content-type"), "video/webm");
          assert.equal(res.headers.get("accept-ranges"), "bytes");
          const path = `${dir}/part${i + 1}.webm`;
          await Deno.writeFile(path, new Uint8Array(await res.arrayBuffer()));
          const { info } = await checkWebm(path, i === 0 ? 1 : 7);
          if (i === 1) {
            // A clean close writes the exact duration (and the seek index).
            assert.ok(Math.abs(Number(info.format.duration) * 1000 - p.durationMs!) < 1_000);
            // The recorder's notes (picture sizes, waits for keyframes) reach the app's log.
            assert.ok(
              server.output().includes(`recorder of lecture ${lectureId}: subscribed to CAMERA`),
            );
          }
          const ranged = await fetch(`${server.url}${p.url}`, {
            headers: { authorization: `Bearer ${teacherToken}`, range: "bytes=100-199" },
          });
          assert.equal(ranged.status, 206);
          assert.equal(ranged.headers.get("content-range")?.split("/")[0], "bytes 100-199");
          const whole = await Deno.readFile(path);
          assert.deepEqual(new Uint8Array(await ranged.arrayBuffer()), whole.subarray(100, 200));
        }
        // Saying the recorder is never a participant: attendance has only people.
        const report = await api(
          server,
          teacherToken,
          "GET",
          `/api/v1/lectures/${lectureId}/attendance`,
        );
        assert.equal(report.status, 200);
        assert.ok(!JSON.stringify(report.body).includes(RECORDER_IDENTITY));
      });

      await t.step("a student plays part 2 at 1.5x and the chat follows the video", async () => {
        const student = await studentByLink(browser, link, "Late Student");
        await student.goto(lectureUrl);
        await student.getByRole("button", { name: "Part 2" }).click();
        const sel = `video[data-recording="${part2.id}"]`;
        await student.locator(sel).waitFor();
        const started = Date.parse(part2.startedAt);
        const item = (at: number) => student.locator(`.recording-chat-list li[data-at="${at}"]`);
        // At 0 s neither message of part 2 is said yet.
        assert.equal(await item(saidAt[0]).getAttribute("class"), "later");
        await student.getByLabel("Speed").selectOption("1.5");
        await student.locator(sel).evaluate((v: HTMLVideoElement) => v.play());
        await waitForPlayingVideo(student, sel);
        assert.equal(
          await student.locator(sel).evaluate((v: HTMLVideoElement) => v.playbackRate),
          1.5,
        );
        const first = (saidAt[0] - started) / 1000;
        await student.waitForFunction(
          ({ sel, t }) => (document.querySelector<HTMLVideoElement>(sel)?.currentTime ?? 0) > t,
          { sel, t: first + 0.3 },
          { timeout: 20_000 },
        );
        await eventually(
          "the first message lit",
          async () => await item(saidAt[0]).getAttribute("class") === "said",
          3_000,
          100,
        );
        // Seek past the second message: it becomes the current one.
        await student.locator(sel).evaluate(
          (v: HTMLVideoElement, t: number) => v.currentTime = t,
          (saidAt[1] - started) / 1000 + 0.5,
        );
        await screenshot(student, "recording-player");
        await eventually(
          "the second message current",
          async () => await item(saidAt[1]).getAttribute("aria-current") === "true",
          5_000,
          100,
        );
        const duration = await student.locator(sel).evaluate((v: HTMLVideoElement) => v.duration);
        assert.ok(Number.isFinite(duration) && duration > 7, `a seekable length (${duration})`);
        await student.locator(sel).evaluate((v: HTMLVideoElement) => v.pause());
        const watched = await eventually(
          "the student's watching counted",
          async () => (await parts()).views?.find((v) => v.seconds >= 1),
          10_000,
          300,
        );
        assert.ok(watched.seconds <= Math.ceil(duration) + 1);
      });
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
