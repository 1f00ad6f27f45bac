/**
 * A live lecture end to end, in real Chromium against the real app (main.ts, which starts its
 * own livekit-server with webhooks to the app): the teacher schedules a lecture and goes live
 * with a fake camera; students who joined the class by link receive the teacher's video; a
 * student cannot publish (the media server refuses) until the teacher invites them on stage,
 * and taking them back unpublishes them; the webhooks give attendance; a late joiner sees
 * the earlier chat; a non-member gets no token; a teacher who reloads resumes the lecture;
 * ending it disconnects everyone and leaves the chat readable.
 */
/// <reference lib="dom" />
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { spawnServer } from "../../scripts/spawn_server.ts";
import { DEMO_ADMIN, DEMO_PASSWORD, DEMO_TEACHERS } from "../../services/demo/seed.ts";
import {
  api,
  apiToken,
  eventually,
  fakeCamera,
  joinLink,
  launchMediaBrowser,
  serverTracks,
  spawnedLiveKit,
  studentByLink,
  userIdOf,
  waitForPlayingVideo,
} from "./lecture_fixtures.ts";

const TITLE = "Fractions, live";
const TEACHER_SAYS = "Welcome! Open your workbook at page 12.";
const STUDENT_SAYS = "<b>Ready</b> & waiting";
const TEACHER_VIDEO = 'video[data-lecture-video="camera"]:not([data-participant="local"])';
/** livekit TrackSource.CAMERA on the server API. */
const CAMERA = 1;

const phase = (page: Page, p: string) =>
  page.locator(`.lecture-room[data-phase="${p}"]`).waitFor({ timeout: 20_000 });

Deno.test({
  name: "[browser] a live lecture: video to students, stage permissions, chat, attendance",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "mirae-lecture-" });
    await using server = await spawnServer();
    const rooms = await spawnedLiveKit(server);
    const camera = await fakeCamera(dir, { width: 640, height: 360 }, 60);
    const browser = await launchMediaBrowser(camera);
    try {
      const teacherToken = await apiToken(server, DEMO_TEACHERS[0]);
      const classes = await api(server, teacherToken, "GET", "/api/v1/classes");
      const cls = (classes.body.items as { id: string; name: string }[])
        .find((c) => c.name === "3-1 Mathematics")!;
      const link = await joinLink(server, teacherToken, cls.id);

      const teacher = await (await browser.newContext({ viewport: { width: 1400, height: 900 } }))
        .newPage();
      teacher.on("dialog", (d) => d.accept());
      let lectureUrl = "";
      let lectureId = "";
      let roomName = "";
      let teacherId = "";

      await t.step("the teacher schedules a lecture and goes live with the camera", async () => {
        await teacher.goto(`${server.url}/signin`);
        await teacher.getByLabel("Email or student number").fill(DEMO_TEACHERS[0]);
        await teacher.getByLabel("Password").fill(DEMO_PASSWORD);
        await teacher.getByRole("button", { name: "Sign in" }).click();
        await teacher.waitForURL(`${server.url}/classes`);
        await teacher.goto(`${server.url}/classes/${cls.id}`);
        await teacher.getByRole("link", { name: "Lectures", exact: true }).click();
        await teacher.getByLabel("Title").fill(TITLE);
        await teacher.getByRole("button", { name: "Schedule" }).click();
        await teacher.getByRole("status").getByRole("link", { name: "Open" }).click();
        await teacher.waitForURL(/\/lectures\/[0-9A-Z]{26}$/);
        lectureUrl = await teacher.getByLabel("Link for students").inputValue();
        assert.equal(lectureUrl, teacher.url());
        lectureId = lectureUrl.split("/").pop()!;
        roomName = `lecture-${lectureId}`;
        teacherId = await userIdOf(teacher);
        // The preview shows the camera before going live.
        await waitForPlayingVideo(teacher, 'video[data-participant="local"]');
        await teacher.getByRole("button", { name: "Go live" }).click();
        await phase(teacher, "live");
        const tracks = await eventually(
          "the teacher's camera on the media server",
          async () =>
            (await serverTracks(rooms, roomName, teacherId)).find((x) => x.source === CAMERA),
        );
        assert.equal(tracks.width, 640);
      });

      await t.step("the teacher writes in the chat before any student is there", async () => {
        await teacher.getByPlaceholder("Message").fill(TEACHER_SAYS);
        await teacher.getByRole("button", { name: "Send" }).click();
        await teacher.locator(".chat-log li", { hasText: TEACHER_SAYS }).waitFor();
      });

      let ana: Page;
      let ben: Page;
      let anaId = "";
      let benId = "";
      await t.step("two students open the link and receive the teacher's video", async () => {
        [ana, ben] = await Promise.all([
          studentByLink(browser, link, "Ana Student"),
          studentByLink(browser, link, "Ben Student"),
        ]);
        [anaId, benId] = await Promise.all([userIdOf(ana), userIdOf(ben)]);
        await Promise.all([ana.goto(lectureUrl), ben.goto(lectureUrl)]);
        const sizes = await Promise.all([
          waitForPlayingVideo(ana, TEACHER_VIDEO),
          waitForPlayingVideo(ben, TEACHER_VIDEO),
        ]);
        for (const size of sizes) assert.ok(size.width > 0 && size.height > 0);
        // Students are hidden from each other: only the teacher is in their room.
        const visible = await ana.evaluate(() => // deno-lint-ignore no-explicit-any
        [...(globalThis as any).__mirae_lecture.room.remoteParticipants.keys()]);
        assert.deepEqual(visible, [teacherId]);
      });

      await t.step("the webhooks make attendance: both students present", async () => {
        const rows = await eventually("both students in the attendance report", async () => {
          const res = await api(
            server,
            teacherToken,
            "GET",
            `/api/v1/lectures/${lectureId}/attendance?limit=200`,
          );
          assert.equal(res.status, 200, JSON.stringify(res.body));
          const items = res.body.items as { userId: string; status: string }[];
          const mine = items.filter((r) => r.userId === anaId || r.userId === benId);
          return mine.length === 2 && mine.every((r) => r.status === "present") && mine;
        });
        assert.equal(rows.length, 2);
        // The teacher's participant list counts them too (teacher + 2).
        await teacher.locator("[data-participant-count='3']").waitFor({ timeout: 15_000 });
      });

      await t.step("chat from a student reaches the others once, as text", async () => {
        await ana.getByPlaceholder("Message").fill(STUDENT_SAYS);
        await ana.getByRole("button", { name: "Send" }).click();
        const inBen = ben.locator(".chat-log li", { hasText: STUDENT_SAYS });
        await inBen.waitFor();
        assert.equal(await inBen.count(), 1);
        assert.equal(await ben.locator(".chat-log b").count(), 0, "no HTML from chat text");
        await teacher.locator(".chat-log li", { hasText: STUDENT_SAYS }).waitFor();
        // Both saw the teacher's earlier message in the history.
        await ben.locator(".chat-log li", { hasText: TEACHER_SAYS }).waitFor();
      });

      await t.step(
        "a student cannot publish; on stage they can; taken back, they cannot",
        async () => {
          // Ben tries to publish a camera past his client's own permission check: the media
          // server ignores the request (the client gives up after 10 s).
          const refused = ben.evaluate(async () => {
            // deno-lint-ignore no-explicit-any
            const room = (globalThis as any).__mirae_lecture.room;
            const stream = await navigator.mediaDevices.getUserMedia({ video: true });
            room.localParticipant.hasPermissionsToPublish = () => true;
            try {
              await room.localParticipant.publishTrack(stream.getVideoTracks()[0]);
              return "published";
            } catch (err) {
              return `refused: ${(err as Error).message}`;
            } finally {
              stream.getTracks().forEach((t) => t.stop());
            }
          });

          // Meanwhile Ana raises her hand and the teacher invites her on stage.
          await ana.getByRole("button", { name: "Raise hand" }).click();
          await ana.getByText(/Your hand is raised/).waitFor();
          await teacher.getByRole("button", { name: "Invite to stage: Ana Student" }).click();
          await ana.locator('.lecture-room[data-on-stage="true"]').waitFor({ timeout: 15_000 });
          await ana.getByRole("button", { name: "Turn camera on" }).click();
          await eventually(
            "Ana's camera on the media server",
            async () =>
              (await serverTracks(rooms, roomName, anaId)).some((x) => x.source === CAMERA),
          );
          // On stage she is visible: the teacher and Ben receive her video.
          await waitForPlayingVideo(teacher, `video[data-participant="${anaId}"]`);
          await waitForPlayingVideo(ben, `video[data-participant="${anaId}"]`);

          await teacher.getByRole("button", { name: "Take back: Ana Student" }).click();
          await ana.locator('.lecture-room[data-on-stage="false"]').waitFor({ timeout: 15_000 });
          await eventually(
            "Ana's tracks gone from the media server",
            async () => (await serverTracks(rooms, roomName, anaId)).length === 0,
          );
          await ben.locator(`video[data-participant="${anaId}"]`).waitFor({ state: "detached" });

          assert.match(await refused, /^refused/);
          assert.deepEqual(await serverTracks(rooms, roomName, benId), []);
        },
      );

      await t.step("a non-member gets no token and no lecture page", async () => {
        const admin = await apiToken(server, DEMO_ADMIN);
        const other = await api(server, admin, "POST", "/api/v1/classes", { name: "Other class" });
        assert.equal(other.status, 201, JSON.stringify(other.body));
        const stranger = await studentByLink(
          browser,
          await joinLink(server, admin, other.body.id as string),
          "Stranger Student",
        );
        const status = await stranger.evaluate(async (id) => {
          const csrf = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')!.content;
          const res = await fetch(`/api/v1/lectures/${id}/token`, {
            method: "POST",
            headers: { "x-csrf-token": csrf },
          });
          return res.status;
        }, lectureId);
        assert.equal(status, 404);
        const page = await stranger.goto(lectureUrl);
        assert.equal(page?.status(), 404);
        await stranger.context().close();
      });

      await t.step("a student who joins late sees the whole chat", async () => {
        await ben.context().close();
        const late = await studentByLink(browser, link, "Late Student");
        await late.goto(lectureUrl);
        await phase(late, "live");
        await late.locator(".chat-log li", { hasText: TEACHER_SAYS }).waitFor();
        await late.locator(".chat-log li", { hasText: STUDENT_SAYS }).waitFor();
        await late.context().close();
      });

      await t.step("a teacher who reloads is back live, camera published again", async () => {
        await teacher.reload();
        await phase(teacher, "live");
        await eventually(
          "the teacher's camera again",
          async () =>
            (await serverTracks(rooms, roomName, teacherId)).some((x) => x.source === CAMERA),
        );
        await waitForPlayingVideo(ana, TEACHER_VIDEO);
      });

      await t.step("ending the lecture disconnects students; the chat stays readable", async () => {
        await teacher.getByRole("button", { name: "End lecture" }).click();
        await phase(teacher, "ended");
        await phase(ana, "ended");
        await ana.getByText("The lecture has ended.", { exact: true }).waitFor();
        await ana.reload();
        await ana.locator(".lecture-history .chat-log li", { hasText: TEACHER_SAYS }).waitFor();
        await ana.locator(".lecture-history .chat-log li", { hasText: STUDENT_SAYS }).waitFor();
        await teacher.reload();
        await teacher.getByRole("link", { name: "Attendance report" }).waitFor();
      });
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
