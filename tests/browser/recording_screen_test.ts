/**
 * The recorder writes the teacher's screen share, in real Chromium against the real app, its
 * LiveKit server and its recorder (media/): the teacher goes live with a 640x360 fake camera,
 * shares the screen with the lecture room's own Share button and stops; the stored part's
 * video is the camera, then the 1280x720 screen (decoded frames of that size), then the camera
 * again, and the microphone throughout.
 *
 * Headless Chromium's own screen capture is not used: it starts blank (8x8 frames) and sends
 * a frame only when the screen changes, so whether a picture reaches the media server within a
 * test step is chance. The page's getDisplayMedia hands out a canvas.captureStream() of a
 * moving 1280x720 "slide" instead; everything after it (livekit-client's publishing with the
 * lecture room's screen-share layers, the media server, the recorder, the file store) is real.
 */
/// <reference lib="dom" />
import assert from "node:assert/strict";
import { spawnServer } from "@/scripts/spawn_server.ts";
import {
  api,
  demoLecture,
  eventually,
  fakeCamera,
  launchMediaBrowser,
  serverTracks,
  signInPage,
  spawnedLiveKit,
  userIdOf,
  waitForPlayingVideo,
} from "./lecture_fixtures.ts";
import { DEMO_TEACHERS } from "@/services/demo/seed.ts";

/** Replaces getDisplayMedia with a moving 1280x720 canvas (runs in the page). */
function canvasScreen() {
  navigator.mediaDevices.getDisplayMedia = () => {
    const canvas = document.createElement("canvas");
    canvas.width = 1280;
    canvas.height = 720;
    const g = canvas.getContext("2d")!;
    let n = 0;
    const draw = () => {
      n++;
      g.fillStyle = `hsl(${(n * 7) % 360} 55% 45%)`;
      g.fillRect(0, 0, 1280, 720);
      g.fillStyle = "#fff";
      g.font = "96px sans-serif";
      g.fillText(`Slide ${n}`, 80 + (n * 13) % 700, 380);
    };
    draw();
    setInterval(draw, 66);
    return Promise.resolve(canvas.captureStream(15));
  };
}

/** The decoded video frames' sizes in order, each run of one size with its frame count. */
async function frameRuns(path: string): Promise<{ size: string; frames: number }[]> {
  const out = await new Deno.Command("ffprobe", {
    args: [
      ...["-v", "error", "-select_streams", "v:0", "-show_entries", "frame=width,height"],
      ...["-of", "csv=p=0", path],
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const runs: { size: string; frames: number }[] = [];
  for (const line of new TextDecoder().decode(out.stdout).split("\n")) {
    const size = line.trim().replace(",", "x");
    if (!size) continue;
    if (runs.at(-1)?.size === size) runs.at(-1)!.frames++;
    else runs.push({ size, frames: 1 });
  }
  return runs;
}

/** The streams of a WebM file and its video packets (keyframe flag, size in bytes). */
async function streams(path: string) {
  const out = await new Deno.Command("ffprobe", {
    args: ["-v", "error", "-print_format", "json", "-show_streams", path],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return (JSON.parse(new TextDecoder().decode(out.stdout)).streams as {
    codec_name: string;
    codec_type: string;
  }[]).map((s) => `${s.codec_type}:${s.codec_name}`);
}

Deno.test({
  name: "[browser] the recorder writes the teacher's screen share between camera parts",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "mirae-recording-screen-" });
    await using server = await spawnServer();
    const rooms = await spawnedLiveKit(server);
    const camera = await fakeCamera(dir, { width: 640, height: 360 }, 60);
    const browser = await launchMediaBrowser(camera);
    try {
      const { teacherToken, lectureUrl, roomName } = await demoLecture(server, "Shared slides");
      const lectureId = lectureUrl.split("/").pop()!;
      const base = `/api/v1/lectures/${lectureId}/recordings`;
      const parts = async () =>
        ((await api(server, teacherToken, "GET", base)).body.items ?? []) as {
          status: string;
          url?: string;
          ending?: string;
        }[];
      /** The recorder's notes in the app's log since `from` (an offset into the log). */
      const notes = (from = 0) =>
        server.output().slice(from).split("\n").filter((l) =>
          l.includes(`recorder of lecture ${lectureId}:`)
        );
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      await context.addInitScript(canvasScreen);
      const teacher = await signInPage(context, server.url, DEMO_TEACHERS[0]);
      const teacherId = await userIdOf(teacher);

      await t.step("the teacher records and goes live with the camera", async () => {
        const on = await api(server, teacherToken, "PATCH", base, { record: true });
        assert.equal(on.status, 200, JSON.stringify(on.body));
        await teacher.goto(lectureUrl);
        await waitForPlayingVideo(teacher, 'video[data-participant="local"]');
        await teacher.getByRole("button", { name: "Go live" }).click();
        await teacher.locator('.lecture-room[data-phase="live"]').waitFor({ timeout: 20_000 });
        await eventually(
          "the recording started",
          async () => (await parts()).some((p) => p.status === "recording"),
          45_000,
          500,
        );
      });

      await t.step("the teacher shares the screen: the recorder writes it", async () => {
        const from = server.output().length;
        await teacher.getByRole("button", { name: "Share screen" }).click();
        await eventually(
          "the screen share on the media server",
          async () => (await serverTracks(rooms, roomName, teacherId)).some((x) => x.source === 3),
        );
        // The recorder notes each picture size it starts writing.
        await eventually(
          "the recorder writing the 1280x720 screen",
          () =>
            Promise.resolve(
              notes(from).some((l) => /SCREEN_SHARE at \d+ ms: now 1280x720/.test(l)),
            ),
          30_000,
          200,
        ).catch((err) => {
          throw new Error(`${err.message}\n${notes().join("\n")}`);
        });
        await new Promise((r) => setTimeout(r, 3_000));
      });

      await t.step("the teacher stops sharing: the camera is written again", async () => {
        const from = server.output().length;
        await teacher.getByRole("button", { name: "Stop sharing" }).click();
        await eventually(
          "the recorder back on the camera",
          // The camera's top layer, or a lower one where the media server is short of CPU.
          () => Promise.resolve(notes(from).some((l) => /CAMERA at \d+ ms: now \d+x\d+/.test(l))),
          30_000,
          200,
        ).catch((err) => {
          throw new Error(`${err.message}\n${notes().join("\n")}`);
        });
        await new Promise((r) => setTimeout(r, 1_500));
        const end = await api(server, teacherToken, "POST", `/api/v1/lectures/${lectureId}/end`);
        assert.equal(end.status, 200, JSON.stringify(end.body));
      });

      await t.step("the stored part holds camera, screen share, camera", async () => {
        const [part] = await eventually(
          "the part stored",
          async () => {
            const items = await parts();
            return items.length === 1 && items[0].status === "ready" && items;
          },
          45_000,
          500,
        );
        assert.equal(part.ending, "clean");
        const res = await fetch(`${server.url}${part.url}`, {
          headers: { authorization: `Bearer ${teacherToken}` },
        });
        assert.equal(res.status, 200);
        const path = `${dir}/part.webm`;
        await Deno.writeFile(path, new Uint8Array(await res.arrayBuffer()));
        assert.deepEqual(await streams(path), ["video:vp8", "audio:opus"]);
        const runs = await frameRuns(path);
        const why = `${runs.map((r) => `${r.size} (${r.frames})`).join(" then ")}\n` +
          notes().join("\n");
        // The camera is 640x360 (or a lower simulcast layer of it when the machine is busy:
        // the media server then sends the recorder 320x180 for a while); the screen 1280x720.
        const what = (size: string) => size === "1280x720" ? "screen" : "camera";
        const spans = runs.reduce<{ what: string; frames: number }[]>((out, r) => {
          if (out.at(-1)?.what === what(r.size)) out.at(-1)!.frames += r.frames;
          else out.push({ what: what(r.size), frames: r.frames });
          return out;
        }, []);
        assert.deepEqual(spans.map((s) => s.what), ["camera", "screen", "camera"], why);
        assert.ok(
          runs.every((r) => what(r.size) === "screen" || Number(r.size.split("x")[0]) <= 640),
          why,
        );
        // A moving picture: many screen frames, not one stray keyframe.
        assert.ok(spans[1].frames >= 5, why);
      });
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
