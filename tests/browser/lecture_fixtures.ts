/**
 * What the lecture browser tests share: a fake camera file made at test time, Chromium with
 * fake media devices, the spawned app's own LiveKit server (to ask it who publishes what),
 * API calls with a bearer token, students who join a class by link, and waiting for a video
 * element to play.
 * @module
 */
/// <reference lib="dom" />
import assert from "node:assert/strict";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { RoomServiceClient } from "livekit-server-sdk";
import type { RunningServer } from "@/scripts/spawn_server.ts";
import { DEMO_PASSWORD, DEMO_TEACHERS } from "@/services/demo/seed.ts";
import { launchBrowser } from "./browser.ts";

/**
 * Makes a y4m test picture (moving colour bars and a clock) for Chromium's fake camera. The
 * file's size is the camera's capture size; the picture loops.
 */
export async function fakeCamera(
  dir: string,
  size: { width: number; height: number },
  frames: number,
): Promise<string> {
  const path = `${dir}/camera-${size.width}x${size.height}.y4m`;
  const out = await new Deno.Command("ffmpeg", {
    args: [
      ...["-loglevel", "error", "-y", "-f", "lavfi"],
      ...["-i", `testsrc2=size=${size.width}x${size.height}:rate=30`],
      ...["-frames:v", String(frames), "-pix_fmt", "yuv420p", path],
    ],
    stderr: "piped",
  }).output();
  assert.ok(out.success, `ffmpeg failed: ${new TextDecoder().decode(out.stderr)}`);
  return path;
}

/** Chromium with fake camera and microphone (no permission prompts, sound plays unasked). */
export function launchMediaBrowser(cameraFile: string): Promise<Browser> {
  return launchBrowser([
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    `--use-file-for-fake-video-capture=${cameraFile}`,
    "--autoplay-policy=no-user-gesture-required",
  ]);
}

/** Where the spawned app's LiveKit server is and its keys (from the app's data folder). */
export async function spawnedLiveKitKeys(
  server: RunningServer,
): Promise<{ url: string; apiKey: string; apiSecret: string }> {
  const url = /LiveKit server ready at (ws:\/\/[^\s]+)/.exec(server.output())?.[1];
  assert.ok(url, `the app started no LiveKit server:\n${server.output()}`);
  const dir = server.kvPath.replace(/[/\\][^/\\]*$/, "");
  const keys = JSON.parse(await Deno.readTextFile(`${dir}/livekit/keys.json`));
  return { url, apiKey: keys.apiKey, apiSecret: keys.apiSecret };
}

/** The LiveKit server the spawned app started, to ask it who is in a room. */
export async function spawnedLiveKit(server: RunningServer): Promise<RoomServiceClient> {
  const { url, apiKey, apiSecret } = await spawnedLiveKitKeys(server);
  return new RoomServiceClient(url.replace(/^ws/, "http"), apiKey, apiSecret);
}

/** Tracks a participant publishes, as the media server sees them (none when not in the room). */
export async function serverTracks(
  rooms: RoomServiceClient,
  roomName: string,
  identity: string,
): Promise<{ source: number; width: number; muted: boolean; layers: number }[]> {
  const people = await rooms.listParticipants(roomName);
  const p = people.find((x) => x.identity === identity);
  return (p?.tracks ?? []).map((t) => ({
    source: t.source,
    width: t.width,
    muted: t.muted,
    layers: t.layers.length,
  }));
}

/** Polls `check` until it returns a truthy value (or fails with the last value seen). */
export async function eventually<T>(
  what: string,
  check: () => Promise<T>,
  timeoutMs = 15_000,
  everyMs = 250,
): Promise<Exclude<T, false | null | undefined | 0 | "">> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await check();
    if (last) return last as Exclude<T, false | null | undefined | 0 | "">;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A bearer token for the app's API (the demo password). */
export async function apiToken(server: RunningServer, login: string): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/sessions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ login, password: DEMO_PASSWORD }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()).token;
}

/** Calls the app's API with a bearer token; returns status and JSON body. */
export async function api(
  server: RunningServer,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

/** A join link for a class (the caller teaches it or is an admin). */
export async function joinLink(server: RunningServer, token: string, classId: string) {
  const res = await api(server, token, "POST", `/api/v1/classes/${classId}/join-links`, {
    expiresInHours: 24,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.url as string;
}

/** A new student who joins a class through its link, in a fresh browser context. */
export async function studentByLink(
  browser: Browser,
  link: string,
  name: string,
  viewport = { width: 1400, height: 900 },
): Promise<Page> {
  const page = await (await browser.newContext({ viewport })).newPage();
  await page.goto(link);
  await page.getByLabel("Your name").fill(name);
  await page.getByRole("button", { name: "Join the class" }).click();
  await page.waitForURL(/\/classes\/[0-9A-Z]{26}$/);
  return page;
}

/**
 * A new student who joins a class through its link without a browser: the session cookie and
 * CSRF token the join gives, for plain HTTP requests.
 */
export async function studentSessionByLink(
  link: string,
  name: string,
): Promise<{ cookie: string; csrf: string }> {
  const joined = await fetch(link, {
    method: "POST",
    body: new URLSearchParams({ name }),
    redirect: "manual",
  });
  await joined.body?.cancel();
  assert.equal(joined.status, 303);
  const cookie = joined.headers.get("set-cookie")!.split(";")[0];
  const page = await fetch(new URL("/classes", link), { headers: { cookie } });
  const csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(await page.text())?.[1];
  assert.ok(csrf, "a signed-in page carries the CSRF token");
  return { cookie, csrf };
}

/** With SCREENSHOT_DIR set, keeps a screenshot of the page (for a look at the layout). */
export async function screenshot(
  page: Page,
  name: string,
  opts: { fullPage?: boolean } = {},
): Promise<void> {
  const dir = Deno.env.get("SCREENSHOT_DIR");
  if (!dir) return;
  await Deno.mkdir(dir, { recursive: true });
  await page.screenshot({ path: `${dir}/${name}.png`, fullPage: opts.fullPage });
}

/** The user id behind a signed-in page (GET /api/v1/me). */
export async function userIdOf(page: Page): Promise<string> {
  return await page.evaluate(async () => {
    const res = await fetch("/api/v1/me", { headers: { accept: "application/json" } });
    const me = await res.json();
    return (me.user?.id ?? me.id) as string;
  });
}

/**
 * Waits until the video element matching `selector` plays: it has a picture (videoWidth > 0)
 * and its time advances. Returns the picture's size.
 */
export async function waitForPlayingVideo(
  page: Page,
  selector: string,
  timeoutMs = 20_000,
): Promise<{ width: number; height: number }> {
  await page.waitForFunction(
    (sel) => {
      const v = document.querySelector<HTMLVideoElement>(sel);
      return !!v && v.videoWidth > 0 && v.currentTime > 0;
    },
    selector,
    { timeout: timeoutMs },
  );
  const first = await page.$eval(selector, (v) => (v as HTMLVideoElement).currentTime);
  await page.waitForFunction(
    ({ sel, t }) => (document.querySelector<HTMLVideoElement>(sel)?.currentTime ?? 0) > t + 0.5,
    { sel: selector, t: first },
    { timeout: 10_000 },
  );
  return await page.$eval(selector, (v) => ({
    width: (v as HTMLVideoElement).videoWidth,
    height: (v as HTMLVideoElement).videoHeight,
  }));
}

/**
 * The demo teacher schedules a lecture (starting now) in the demo class "3-1 Mathematics"
 * through the API and makes a join link for its students.
 */
export async function demoLecture(server: RunningServer, title: string) {
  const teacherToken = await apiToken(server, DEMO_TEACHERS[0]);
  const classes = await api(server, teacherToken, "GET", "/api/v1/classes");
  const cls = (classes.body.items as { id: string; name: string }[])
    .find((c) => c.name === "3-1 Mathematics")!;
  const created = await api(server, teacherToken, "POST", `/api/v1/classes/${cls.id}/lectures`, {
    title,
    startsAt: new Date().toISOString(),
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return {
    teacherToken,
    cls,
    lectureUrl: `${server.url}/lectures/${created.body.id}`,
    roomName: `lecture-${created.body.id}`,
    link: await joinLink(server, teacherToken, cls.id),
  };
}

/** Signs in through the form (English) in a new page of `context`; the page lands on Today. */
export async function signInPage(
  context: BrowserContext,
  base: string,
  login: string,
  school?: string,
): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/signin`);
  await page.getByLabel("Email or student number").fill(login);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  if (school) await page.getByLabel("School code").fill(school);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${base}/today`);
  return page;
}
