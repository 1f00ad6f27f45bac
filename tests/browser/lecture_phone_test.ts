/**
 * The lecture room before going live and on a phone, in real Chromium against the real app
 * (main.ts with its own livekit-server) with Chromium's fake devices (two cameras, and a
 * microphone that beeps): the teacher's preview lists the cameras and microphones, the
 * microphone's level meter moves, a chosen camera is switched to (the filter stays on the new
 * track) and remembered across a reload, and a remembered camera that is gone falls back to
 * the default with a notice. A student on a phone (390x844) has no sideways scrolling, opens
 * the chat as an overlay (its button counts unread messages) and writes; the room's buttons
 * keep their words whole in English, Korean and Chinese; held sideways (844x390) the video
 * fills the screen, and a shared screen is the main video. While live the teacher switches
 * the microphone (Chromium offers three fake ones: the published track restarts on the chosen
 * one, the meter follows it); where the Fullscreen API is refused the phone's Full screen
 * button gives the CSS full window; a teacher who leaves stops the meter (its audio context
 * closed, the microphone released).
 */
/// <reference lib="dom" />
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { spawnServer } from "@/scripts/spawn_server.ts";
import { DEMO_PASSWORD, DEMO_TEACHERS } from "@/services/demo/seed.ts";
import { launchBrowser } from "./browser.ts";
import {
  demoLecture,
  eventually,
  screenshot,
  studentByLink,
  waitForPlayingVideo,
} from "./lecture_fixtures.ts";

const TEACHER_VIDEO = 'video[data-lecture-video="camera"]:not([data-participant="local"])';
const SCREEN_VIDEO = 'video[data-lecture-video="screen_share"]';
const LOCAL_VIDEO = 'video[data-participant="local"]';
const PHONE = { width: 390, height: 844 };
const PHONE_SIDEWAYS = { width: 844, height: 390 };

const phase = (page: Page, p: string) =>
  page.locator(`.lecture-room[data-phase="${p}"]`).waitFor({ timeout: 20_000 });

/** The teacher's camera as the page's debug hook sees it. */
const cameraOf = (page: Page) =>
  page.evaluate(() =>
    // deno-lint-ignore no-explicit-any
    (globalThis as any).__mirae_lecture.camera() as {
      device: string;
      filtered: boolean;
      live: boolean;
    } | null
  );

/** Buttons of the room whose label takes more than one line (text broken inside words). */
const wrappedButtons = (page: Page) =>
  page.evaluate(() => {
    const out: string[] = [];
    for (const b of document.querySelectorAll<HTMLButtonElement>(".lecture-room button")) {
      if (!b.offsetParent || !b.textContent?.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(b);
      const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      if (tops.size > 1) out.push(`${b.textContent.trim()} (${tops.size} lines)`);
    }
    return out;
  });

/**
 * Runs in the page: notes every audio context fed by a microphone (the level meter's), to see
 * which are closed. The contexts themselves are the browser's own.
 */
function noteAudioContexts() {
  const fed: { ctx: AudioContext; track: string }[] = [];
  // deno-lint-ignore no-explicit-any
  (globalThis as any).__fedContexts = fed;
  const real = AudioContext.prototype.createMediaStreamSource;
  AudioContext.prototype.createMediaStreamSource = function (stream: MediaStream) {
    fed.push({ ctx: this, track: stream.getAudioTracks()[0]?.id ?? "" });
    return real.call(this, stream);
  };
}

/** The microphone-fed audio contexts of the page: the track each hears and its state. */
const audioContexts = (page: Page) =>
  page.evaluate(() =>
    // deno-lint-ignore no-explicit-any
    ((globalThis as any).__fedContexts as { ctx: AudioContext; track: string }[])
      .map((c) => ({ track: c.track, state: c.ctx.state }))
  );

/** The teacher's published microphone: its track, device and publication. */
const publishedMic = (page: Page) =>
  page.evaluate(() => {
    // deno-lint-ignore no-explicit-any
    const room = (globalThis as any).__mirae_lecture.room;
    const pub = room?.localParticipant.getTrackPublication("microphone");
    const track = pub?.track?.mediaStreamTrack as MediaStreamTrack | undefined;
    return track
      ? {
        id: track.id,
        device: track.getSettings().deviceId ?? "",
        live: track.readyState === "live",
        sid: pub.trackSid as string,
        muted: pub.isMuted as boolean,
      }
      : null;
  });

const overflowX = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - globalThis.innerWidth);

Deno.test({
  name: "[browser] the lecture room: devices before going live, a student on a phone",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await using server = await spawnServer();
    const browser = await launchBrowser([
      "--use-fake-ui-for-media-stream",
      // Three fake cameras: the second is a depth camera (16-bit grey, never received by the
      // media server here), the third sends MJPEG.
      "--use-fake-device-for-media-stream=device-count=3",
      "--autoplay-policy=no-user-gesture-required",
    ]);
    try {
      const { lectureUrl, link } = await demoLecture(server, "Devices and phones");
      const teacher = await (await browser.newContext({ viewport: { width: 1280, height: 900 } }))
        .newPage();
      teacher.on("dialog", (d) => d.accept());
      await teacher.addInitScript(noteAudioContexts);
      const cameraSelect = teacher.getByRole("group", { name: "Camera and microphone" })
        .getByLabel("Camera", { exact: true });
      const micSelect = teacher.getByRole("group", { name: "Camera and microphone" })
        .getByLabel("Microphone", { exact: true });
      let chosen = "";

      await t.step("the preview lists the cameras and microphones; the meter moves", async () => {
        await teacher.goto(`${server.url}/signin`);
        await teacher.getByLabel("Email or student number").fill(DEMO_TEACHERS[0]);
        await teacher.getByLabel("Password").fill(DEMO_PASSWORD);
        await teacher.getByRole("button", { name: "Sign in" }).click();
        await teacher.waitForURL(`${server.url}/today`);
        await teacher.goto(lectureUrl);
        await waitForPlayingVideo(teacher, LOCAL_VIDEO);
        const listed = await teacher.evaluate(async () => {
          const all = await navigator.mediaDevices.enumerateDevices();
          return {
            cameras: all.filter((d) => d.kind === "videoinput").map((d) => d.deviceId),
            mics: all.filter((d) => d.kind === "audioinput").map((d) => d.deviceId),
          };
        });
        assert.equal(listed.cameras.length, 3, "Chromium's fake devices: three cameras");
        assert.ok(listed.mics.length >= 1);
        await eventually("the pickers list the browser's devices", async () => {
          const cams = await cameraSelect.locator("option").evaluateAll((os) =>
            os.map((o) => (o as HTMLOptionElement).value)
          );
          const mics = await micSelect.locator("option").evaluateAll((os) =>
            os.map((o) => (o as HTMLOptionElement).value)
          );
          return listed.cameras.every((id) => cams.includes(id)) &&
            listed.mics.every((id) => mics.includes(id));
        });
        const meter = teacher.getByRole("meter", { name: "Microphone level" });
        await meter.waitFor();
        // The fake microphone beeps: the meter shows it within 2 s.
        await teacher.waitForFunction(
          () => (document.querySelector<HTMLMeterElement>("[data-mic-meter]")?.value ?? 0) > 0,
          undefined,
          { timeout: 2_000 },
        );
        // The effects panel is there to set before going live.
        await teacher.getByRole("group", { name: "Camera effects" }).waitFor();
        assert.ok(await teacher.getByLabel("Beautify my camera").isVisible());
      });

      await t.step({
        name: "a chosen camera is switched to (filtered) and remembered",
        fn: async () => {
          const before = await cameraOf(teacher);
          assert.ok(before?.filtered, "the preview camera has the filter");
          const current = await cameraSelect.inputValue();
          chosen = (await cameraSelect.locator("option").evaluateAll((os) =>
            os.map((o) =>
              (o as HTMLOptionElement).value
            )
          )).findLast((id) => id && id !== current)!; // the MJPEG one
          assert.ok(chosen);
          await cameraSelect.selectOption(chosen);
          await eventually("the preview on the chosen camera", async () => {
            const cam = await cameraOf(teacher);
            return cam?.device === chosen && cam.live && cam.filtered;
          });
          await waitForPlayingVideo(teacher, LOCAL_VIDEO);

          await teacher.reload();
          await waitForPlayingVideo(teacher, LOCAL_VIDEO);
          assert.equal((await cameraOf(teacher))?.device, chosen);
          assert.equal(await cameraSelect.inputValue(), chosen);
        },
      });

      await t.step({
        name: "a remembered camera that is gone: the default, with a notice",
        fn: async () => {
          await teacher.evaluate(() => {
            const saved = JSON.parse(localStorage.getItem("mirae.lecture.devices") ?? "{}");
            localStorage.setItem(
              "mirae.lecture.devices",
              JSON.stringify({ ...saved, camera: "a-camera-that-is-unplugged" }),
            );
          });
          await teacher.reload();
          await teacher.getByText("The camera you chose last time is not connected.", {
            exact: false,
          }).waitFor();
          await waitForPlayingVideo(teacher, LOCAL_VIDEO);
          await cameraSelect.selectOption(chosen);
          await eventually("the chosen camera again", async () => {
            return (await cameraOf(teacher))?.device === chosen;
          });
        },
      });

      await t.step("the teacher goes live on the chosen camera", async () => {
        await teacher.getByRole("button", { name: "Go live" }).click();
        await phase(teacher, "live");
        await eventually("the published camera on the chosen device", async () => {
          const cam = await cameraOf(teacher);
          return cam?.device === chosen && cam.filtered;
        });
        // The published microphone is metered too.
        await teacher.getByText("Camera and microphone", { exact: true }).click();
        await teacher.locator('[data-devices="live"] [data-mic-meter]').waitFor();
        // While live the teacher goes back to the first camera: the published track restarts
        // on it with its filter (the phone student below receives it).
        const live = teacher.locator("#device-live-camera");
        const first = (await live.locator("option").evaluateAll((os) =>
          os.map((o) =>
            (o as HTMLOptionElement).value
          )
        )).find((id) => id && id !== chosen)!;
        await live.selectOption(first);
        await eventually("the published camera on the first camera", async () => {
          const cam = await cameraOf(teacher);
          return cam?.device === first && cam.live && cam.filtered;
        });
      });

      await t.step("while live the teacher switches the microphone", async () => {
        const before = await publishedMic(teacher);
        assert.ok(before?.live, "the microphone is published");
        const liveMic = teacher.locator("#device-live-mic");
        const ids = await liveMic.locator("option").evaluateAll((os) =>
          os.map((o) => (o as HTMLOptionElement).value)
        );
        // Chromium's fake microphones: the default and "Fake Audio Input 1" and "2".
        assert.ok(ids.filter((id) => id && id !== "default").length >= 2, ids.join(", "));
        const next = ids.findLast((id) => id && id !== "default" && id !== before.device)!;
        await liveMic.selectOption(next);
        const after = await eventually("the published microphone on the chosen one", async () => {
          const mic = await publishedMic(teacher);
          return mic?.device === next && mic.live && mic.id !== before.id && mic;
        });
        assert.equal(after.sid, before.sid, "the same publication, its track restarted");
        assert.equal(after.muted, false);
        assert.equal(await liveMic.inputValue(), next);
        // The meter follows the new track (and has closed the context on the old one).
        await eventually("the meter on the new microphone", async () => {
          const ctxs = await audioContexts(teacher);
          return ctxs.some((c) => c.track === after.id && c.state === "running") &&
            ctxs.filter((c) => c.track === before.id).every((c) => c.state === "closed");
        });
        await teacher.waitForFunction(
          () =>
            (document.querySelector<HTMLMeterElement>('[data-devices="live"] [data-mic-meter]')
              ?.value ?? 0) > 0,
          undefined,
          { timeout: 5_000 },
        );
      });

      let phone: Page;
      await t.step("a student on a phone: no sideways scroll, the chat as an overlay", async () => {
        phone = await studentByLink(browser, link, "Phone Student", PHONE);
        // This phone's browser refuses the Fullscreen API (as iOS Safari has none for elements).
        await phone.addInitScript(() => {
          Element.prototype.requestFullscreen = () =>
            Promise.reject(new DOMException("Full screen is not allowed", "NotAllowedError"));
        });
        await phone.goto(lectureUrl);
        await phase(phone, "live");
        await waitForPlayingVideo(phone, TEACHER_VIDEO);
        assert.ok(await overflowX(phone) <= 0, `sideways scroll: ${await overflowX(phone)}px`);
        const message = phone.getByPlaceholder("Message");
        assert.equal(await message.isVisible(), false, "the chat waits behind its button");

        await teacher.getByPlaceholder("Message").fill("Look at the board");
        await teacher.getByRole("button", { name: "Send" }).click();
        const toggle = phone.getByRole("button", { name: /^Chat/ });
        await toggle.getByLabel("1 new").waitFor();
        await toggle.click();
        await phone.locator(".chat-log li", { hasText: "Look at the board" }).waitFor();
        await message.fill("Got it");
        await phone.getByRole("button", { name: "Send" }).click();
        await teacher.locator(".chat-log li", { hasText: "Got it" }).waitFor();
        assert.equal(await toggle.getByLabel("1 new").count(), 0, "read: no count");
        await phone.getByRole("button", { name: "Raise hand" }).waitFor();
        assert.ok(await overflowX(phone) <= 0);
        await screenshot(phone, "lecture-phone-chat");
        await phone.getByRole("button", { name: "Close" }).click();
        assert.equal(await message.isVisible(), false);
      });

      await t.step("the room's buttons keep words whole in en, ko and zh", async () => {
        assert.deepEqual(await wrappedButtons(phone), [], "en");
        for (const lang of ["ko", "zh"]) {
          await phone.context().addCookies([{ name: "lang", value: lang, url: server.url }]);
          await phone.reload();
          await phase(phone, "live");
          await phone.locator("[data-quality]").waitFor({ state: "attached" });
          assert.deepEqual(await wrappedButtons(phone), [], lang);
          await phone.locator(".panel-toggle").click();
          assert.deepEqual(await wrappedButtons(phone), [], `${lang}, panel open`);
          assert.ok(await overflowX(phone) <= 0, `${lang}: sideways scroll`);
          await phone.locator(".panel-close").click();
        }
        await phone.context().addCookies([{ name: "lang", value: "en", url: server.url }]);
        await phone.reload();
        await phase(phone, "live");
      });

      await t.step("held sideways, the video fills the screen; a shared screen leads", async () => {
        await phone.setViewportSize(PHONE_SIDEWAYS);
        await waitForPlayingVideo(phone, TEACHER_VIDEO);
        const fills = (selector: string) =>
          phone.$eval(selector, (v) => {
            const r = v.getBoundingClientRect();
            return r.width >= innerWidth - 1 || r.height >= innerHeight - 1;
          });
        assert.ok(await fills(TEACHER_VIDEO), "the camera fills the screen");
        assert.equal(
          await phone.$eval(TEACHER_VIDEO, (v) => getComputedStyle(v).objectFit),
          "contain",
        );
        await screenshot(phone, "lecture-phone-sideways");

        await teacher.getByRole("button", { name: "Share screen" }).click();
        await waitForPlayingVideo(phone, SCREEN_VIDEO);
        assert.ok(await fills(SCREEN_VIDEO), "the shared screen fills the screen");
        const area = (selector: string) =>
          phone.$eval(selector, (v) => {
            const r = v.getBoundingClientRect();
            return r.width * r.height;
          });
        assert.ok(
          await area(SCREEN_VIDEO) > 4 * await area(TEACHER_VIDEO),
          "the screen share is the big picture, the camera a small one",
        );
        await phone.setViewportSize(PHONE);
        assert.ok(await area(SCREEN_VIDEO) > 4 * await area(TEACHER_VIDEO), "portrait too");
        assert.ok(await overflowX(phone) <= 0);
        await screenshot(phone, "lecture-phone-screen");
      });

      await t.step("full screen refused: the CSS full window, and back", async () => {
        const layout = phone.locator(".lecture-layout");
        await phone.getByRole("button", { name: "Full screen" }).click();
        const exit = phone.getByRole("button", { name: "Exit full screen" });
        await exit.waitFor();
        assert.equal(await exit.getAttribute("aria-pressed"), "true");
        assert.match((await layout.getAttribute("class"))!, /\bfull-window\b/);
        assert.equal(await phone.evaluate(() => document.fullscreenElement), null);
        const box = await layout.evaluate((el) => {
          const r = el.getBoundingClientRect();
          return { x: r.x, y: r.y, w: r.width, h: r.height, vw: innerWidth, vh: innerHeight };
        });
        assert.deepEqual([box.x, box.y, box.w, box.h], [0, 0, box.vw, box.vh], "covers the page");
        assert.ok(await overflowX(phone) <= 0);
        await screenshot(phone, "lecture-phone-full-window");
        await exit.click();
        await phone.getByRole("button", { name: "Full screen" }).waitFor();
        assert.doesNotMatch((await layout.getAttribute("class"))!, /\bfull-window\b/);
      });

      await t.step("the teacher leaves: the meter stops, the microphone is released", async () => {
        await teacher.evaluate(() => {
          // deno-lint-ignore no-explicit-any
          const g = globalThis as any;
          g.__leftMic = g.__mirae_lecture.room.localParticipant.getTrackPublication("microphone")
            .track.mediaStreamTrack;
        });
        assert.ok((await audioContexts(teacher)).some((c) => c.state === "running"));
        await teacher.getByRole("button", { name: "Leave (keep it live)" }).click();
        await phase(teacher, "left");
        await eventually("every meter's audio context closed", async () => {
          const ctxs = await audioContexts(teacher);
          return ctxs.length > 0 && ctxs.every((c) => c.state === "closed");
        });
        const left = await teacher.evaluate(() =>
          (globalThis as unknown as { __leftMic: MediaStreamTrack }).__leftMic.readyState
        );
        assert.equal(left, "ended", "the microphone is released");
        assert.equal(await teacher.locator("meter[data-mic-meter]").count(), 0);
      });
    } finally {
      await browser.close();
    }
  },
});
