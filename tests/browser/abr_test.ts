/**
 * Adaptive bitrate in real Chromium against the real app and its LiveKit server: the teacher
 * publishes a 1280x720 fake camera in three simulcast layers; student A watches in a large
 * video element, B in a 160x90 one, C in a large one with "Data saver" chosen. The frame
 * size each receives (getStats, inbound-rtp) must follow: B and C get a smaller layer than A,
 * A gets at least 640 wide once the bandwidth estimate has ramped up (~15-25 s on loopback),
 * and all three keep decoding frames.
 */
/// <reference lib="dom" />
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { spawnServer } from "@/scripts/spawn_server.ts";
import { DEMO_PASSWORD, DEMO_TEACHERS } from "@/services/demo/seed.ts";
import type { VideoStat } from "@/components/lecture/livekit.ts";
import {
  demoLecture,
  eventually,
  fakeCamera,
  launchMediaBrowser,
  spawnedLiveKit,
  studentByLink,
  waitForPlayingVideo,
} from "./lecture_fixtures.ts";

const TEACHER_VIDEO = 'video[data-lecture-video="camera"]:not([data-participant="local"])';
/** How long A's received size may take to settle (bandwidth estimation ramps up). */
const RAMP_MS = 35_000;

/** The teacher camera's inbound statistics on a student's page. */
async function cameraStats(page: Page): Promise<VideoStat> {
  const stats: VideoStat[] = await page.evaluate(() =>
    // deno-lint-ignore no-explicit-any
    (globalThis as any).__mirae_lecture.videoStats()
  );
  const camera = stats.find((s) => s.source === "camera");
  assert.ok(camera, `no camera video received: ${JSON.stringify(stats)}`);
  return camera;
}

/** Sizes the student's view of the teacher (as a thumbnail or a small window would). */
async function sizeVideo(page: Page, width: number, height: number) {
  await page.$eval(TEACHER_VIDEO, (el, size) => {
    const v = el as HTMLVideoElement;
    v.style.width = `${size.width}px`;
    v.style.height = `${size.height}px`;
  }, { width, height });
}

Deno.test({
  name: "[browser] simulcast + adaptive stream: small element and data saver get lower layers",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "mirae-abr-" });
    await using server = await spawnServer();
    const rooms = await spawnedLiveKit(server);
    const camera = await fakeCamera(dir, { width: 1280, height: 720 }, 60);
    const browser = await launchMediaBrowser(camera);
    try {
      const { lectureUrl, roomName, link } = await demoLecture(
        server,
        "Adaptive bitrate",
      );

      await t.step("the teacher goes live with three simulcast layers", async () => {
        const teacher = await (await browser.newContext()).newPage();
        await teacher.goto(`${server.url}/signin`);
        await teacher.getByLabel("Email or student number").fill(DEMO_TEACHERS[0]);
        await teacher.getByLabel("Password").fill(DEMO_PASSWORD);
        await teacher.getByRole("button", { name: "Sign in" }).click();
        await teacher.waitForURL(`${server.url}/today`);
        await teacher.goto(lectureUrl);
        await waitForPlayingVideo(teacher, 'video[data-participant="local"]');
        await teacher.getByRole("button", { name: "Go live" }).click();
        const layers = await eventually("the camera's layers on the media server", async () => {
          const people = await rooms.listParticipants(roomName);
          const track = people.flatMap((p) => p.tracks).find((x) => x.width === 1280);
          return track && track.layers.length === 3 && track.layers;
        });
        assert.deepEqual(layers.map((l) => l.width).sort((a, b) => a - b), [320, 640, 1280]);
      });

      const students: Record<"large" | "small" | "saver", Page> = {} as never;
      await t.step("three students watch: large, small, and large with data saver", async () => {
        const [large, small, saver] = await Promise.all(
          ["Ada Large", "Bo Small", "Cy Saver"].map((name) =>
            studentByLink(browser, link, name, { width: 1600, height: 1000 })
          ),
        );
        Object.assign(students, { large, small, saver });
        await Promise.all([large, small, saver].map((p) => p.goto(lectureUrl)));
        await Promise.all([large, small, saver].map((p) => waitForPlayingVideo(p, TEACHER_VIDEO)));
        // A and C keep the page's layout (the video fills the main column, ~1200 px wide);
        // B's video is shrunk to a thumbnail.
        await sizeVideo(small, 160, 90);
        await saver.getByLabel("Data saver").check();
      });

      await t.step("the received frame sizes follow element size and data saver", async () => {
        const started = Date.now();
        let best = 0;
        let bestAt = started;
        let last: Record<string, VideoStat> = {};
        // A's size grows while bandwidth estimation ramps up; stop once it is the top layer
        // or has stopped growing for a while.
        while (Date.now() - started < RAMP_MS) {
          await new Promise((r) => setTimeout(r, 1_000));
          const [large, small, saver] = await Promise.all(
            [students.large, students.small, students.saver].map(cameraStats),
          );
          last = { large, small, saver };
          const width = large.frameWidth ?? 0;
          if (width > best) [best, bestAt] = [width, Date.now()];
          if (best >= 1280 || (best >= 640 && Date.now() - bestAt > 12_000)) break;
        }
        const { large, small, saver } = last;
        const summary = JSON.stringify(last);
        console.log(`received after ${Math.round((Date.now() - started) / 1000)} s: ${summary}`);
        assert.ok(large.elementWidth! >= 960 && saver.elementWidth! >= 960, `large: ${summary}`);
        assert.equal(small.elementWidth, 160);
        assert.ok((large.frameWidth ?? 0) >= 640, `large element gets >= 640 wide: ${summary}`);
        assert.ok((small.frameWidth ?? 0) > 0, summary);
        assert.ok((saver.frameWidth ?? 0) > 0, summary);
        assert.ok(small.frameWidth! < large.frameWidth!, `small < large: ${summary}`);
        assert.ok(saver.frameWidth! < large.frameWidth!, `data saver < large: ${summary}`);
        assert.ok(small.frameWidth! <= 320, `the 160x90 element gets the lowest layer: ${summary}`);
        assert.ok(saver.frameWidth! <= 320, `data saver gets the lowest layer: ${summary}`);

        // All three keep decoding.
        await new Promise((r) => setTimeout(r, 2_000));
        const [large2, small2, saver2] = await Promise.all(
          [students.large, students.small, students.saver].map(cameraStats),
        );
        assert.ok(large2.framesDecoded! > large.framesDecoded!, "large keeps decoding");
        assert.ok(small2.framesDecoded! > small.framesDecoded!, "small keeps decoding");
        assert.ok(saver2.framesDecoded! > saver.framesDecoded!, "data saver keeps decoding");
      });

      await t.step("switching data saver off ('auto') brings the larger layer back", async () => {
        await students.saver.getByLabel("Auto").check();
        await eventually(
          "a larger layer for the former data-saver student",
          async () => ((await cameraStats(students.saver)).frameWidth ?? 0) >= 640,
          20_000,
          1_000,
        );
      });
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
