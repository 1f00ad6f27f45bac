/**
 * A live lecture end to end, in real Chromium against the real app (main.ts, which starts its
 * own livekit-server with webhooks to the app): students who open the lecture link early wait
 * and join by themselves when the teacher goes live with a fake camera, and receive the
 * video; the webhooks give attendance; the teacher turns the students' chat off and on; a
 * student cannot publish (the media server refuses) until the teacher invites them on stage,
 * and taking them back unpublishes them; screen share reaches students; a non-member gets no
 * token; a late joiner sees the earlier chat and can be removed, and a token a stale process
 * would still hand them gets them removed again by the server; a teacher who leaves without
 * ending, or reloads, resumes the lecture; ending it disconnects everyone and leaves the chat
 * readable.
 */
/// <reference lib="dom" />
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { spawnServer } from "@/scripts/spawn_server.ts";
import { DEMO_ADMIN, DEMO_PASSWORD, DEMO_TEACHERS } from "@/services/demo/seed.ts";
import { mintLectureToken } from "@/services/lectures/tokens.ts";
import {
  api,
  apiToken,
  eventually,
  fakeCamera,
  joinLink,
  launchMediaBrowser,
  screenshot,
  serverTracks,
  spawnedLiveKit,
  spawnedLiveKitKeys,
  studentByLink,
  studentSessionByLink,
  userIdOf,
  waitForPlayingVideo,
} from "./lecture_fixtures.ts";

const TITLE = "Fractions, live";
const TEACHER_SAYS = "Welcome! Open your workbook at page 12.";
const STUDENT_SAYS = "<b>Ready</b> & waiting";
const TEACHER_VIDEO = 'video[data-lecture-video="camera"]:not([data-participant="local"])';
const SCREEN_VIDEO = 'video[data-lecture-video="screen_share"]';
/** TrackSource on the server API. */
const CAMERA = 1;
const MICROPHONE = 2;
const SCREEN_SHARE = 3;

/** Waits for the room's phase; a timeout says which phase the page was in instead. */
const phase = async (page: Page, p: string) => {
  try {
    await page.locator(`.lecture-room[data-phase="${p}"]`).waitFor({ timeout: 20_000 });
  } catch (err) {
    const seen = await page.locator(".lecture-room").getAttribute("data-phase", { timeout: 1_000 })
      .catch(() => "no lecture room");
    const notice = await page.locator(".lecture-banner").innerText({ timeout: 1_000 })
      .catch(() => "");
    throw new Error(`expected phase "${p}", the page shows "${seen}" (${notice.trim()})`, {
      cause: err,
    });
  }
};

/** What the page's debug hook sees: identities of the other participants in its room. */
const visibleParticipants = (page: Page) =>
  page.evaluate(() =>
    // deno-lint-ignore no-explicit-any
    [...(globalThis as any).__mirae_lecture.room.remoteParticipants.keys()] as string[]
  );

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
      // A student of another class (made meanwhile, for the non-member step).
      const stranger = (async () => {
        const admin = await apiToken(server, DEMO_ADMIN);
        const other = await api(server, admin, "POST", "/api/v1/classes", { name: "Other class" });
        assert.equal(other.status, 201, JSON.stringify(other.body));
        const otherLink = await joinLink(server, admin, other.body.id as string);
        return await studentSessionByLink(otherLink, "Stranger Student");
      })();
      stranger.catch(() => {}); // awaited (and its failure reported) in its step

      const teacher = await (await browser.newContext({ viewport: { width: 1400, height: 900 } }))
        .newPage();
      // "End the lecture?" and "Remove …?" are answered yes.
      teacher.on("dialog", (d) => d.accept());
      let lectureUrl = "";
      let lectureId = "";
      let roomName = "";
      let teacherId = "";

      await t.step("the teacher schedules a lecture and previews the camera", async () => {
        await teacher.goto(`${server.url}/signin`);
        await teacher.getByLabel("Email or student number").fill(DEMO_TEACHERS[0]);
        await teacher.getByLabel("Password").fill(DEMO_PASSWORD);
        await teacher.getByRole("button", { name: "Sign in" }).click();
        await teacher.waitForURL(`${server.url}/today`);
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
        await waitForPlayingVideo(teacher, 'video[data-participant="local"]');
      });

      let ana: Page;
      let ben: Page;
      let anaId = "";
      let benId = "";
      await t.step("students who open the link early wait for the lecture", async () => {
        [ana, ben] = await Promise.all([
          studentByLink(browser, link, "Ana Student"),
          studentByLink(browser, link, "Ben Student"),
        ]);
        [anaId, benId] = await Promise.all([userIdOf(ana), userIdOf(ben)]);
        await Promise.all([ana.goto(lectureUrl), ben.goto(lectureUrl)]);
        await Promise.all([phase(ana, "waiting"), phase(ben, "waiting")]);
        await ana.getByText("The lecture hasn't started yet.", { exact: false }).waitFor();
      });

      await t.step(
        "the teacher goes live; the students join by themselves and see video",
        async () => {
          await teacher.getByRole("button", { name: "Go live" }).click();
          await phase(teacher, "live");
          const cam = await eventually(
            "the teacher's camera on the media server",
            async () =>
              (await serverTracks(rooms, roomName, teacherId)).find((x) => x.source === CAMERA),
          );
          assert.equal(cam.width, 640);
          assert.equal(cam.layers, 2, "640x360 is sent as 320x180 + 640x360");
          const sizes = await Promise.all([
            waitForPlayingVideo(ana, TEACHER_VIDEO),
            waitForPlayingVideo(ben, TEACHER_VIDEO),
          ]);
          for (const size of sizes) assert.ok(size.width > 0 && size.height > 0);
          // Students are hidden from each other: only the teacher is in their room.
          assert.deepEqual(await visibleParticipants(ana), [teacherId]);
          await ana.getByRole("status").and(ana.locator("[data-quality]")).waitFor();
          await screenshot(ben, "lecture-student");
        },
      );

      await t.step("the webhooks make attendance: both students present", async () => {
        await eventually("both students present in the attendance report", async () => {
          const res = await api(
            server,
            teacherToken,
            "GET",
            `/api/v1/lectures/${lectureId}/attendance?limit=200`,
          );
          assert.equal(res.status, 200, JSON.stringify(res.body));
          const items = res.body.items as { userId: string; status: string }[];
          const mine = items.filter((r) => r.userId === anaId || r.userId === benId);
          return mine.length === 2 && mine.every((r) => r.status === "present");
        });
        // The teacher's participant list counts them too (teacher + 2).
        await teacher.locator("[data-participant-count='3']").waitFor({ timeout: 15_000 });
      });

      await t.step("chat reaches everyone once, as text", async () => {
        await teacher.getByPlaceholder("Message").fill(TEACHER_SAYS);
        await teacher.getByRole("button", { name: "Send" }).click();
        await ana.locator(".chat-log li", { hasText: TEACHER_SAYS }).waitFor();
        await ana.getByPlaceholder("Message").fill(STUDENT_SAYS);
        await ana.getByRole("button", { name: "Send" }).click();
        const inBen = ben.locator(".chat-log li", { hasText: STUDENT_SAYS });
        await inBen.waitFor();
        assert.equal(await inBen.count(), 1);
        assert.equal(await ben.locator(".chat-log b").count(), 0, "no HTML from chat text");
        await teacher.locator(".chat-log li", { hasText: STUDENT_SAYS }).waitFor();
      });

      await t.step(
        "the teacher turns the students' chat off and on; their pages follow",
        async () => {
          const allowed = teacher.getByRole("checkbox", { name: "Students can write" });
          assert.ok(await allowed.isChecked());
          await allowed.uncheck();
          await ana.getByText("Your teacher has turned off the chat for students.").waitFor();
          assert.equal(await ana.getByPlaceholder("Message").count(), 0, "no box to write in");
          // The teacher still writes.
          assert.equal(await teacher.getByPlaceholder("Message").count(), 1);
          await allowed.check();
          await ana.getByPlaceholder("Message").waitFor();
          assert.equal(
            await ana.getByText("Your teacher has turned off the chat for students.").count(),
            0,
          );
        },
      );

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
          await ana.getByRole("button", { name: "Turn microphone on" }).click();
          await eventually("Ana's camera and microphone on the media server", async () => {
            const sources = (await serverTracks(rooms, roomName, anaId)).map((x) => x.source);
            return sources.includes(CAMERA) && sources.includes(MICROPHONE);
          });
          // On stage she is visible: the teacher and Ben receive her video.
          await waitForPlayingVideo(teacher, `video[data-participant="${anaId}"]`);
          await waitForPlayingVideo(ben, `video[data-participant="${anaId}"]`);
          await screenshot(teacher, "lecture-teacher-stage");
          await screenshot(ana, "lecture-student-on-stage");

          // The teacher mutes her from the participant list.
          await teacher.getByRole("group", { name: "Actions for Ana Student" })
            .getByRole("button", { name: "Mute" }).click();
          await eventually(
            "Ana's microphone muted by the server",
            async () =>
              (await serverTracks(rooms, roomName, anaId))
                .some((x) => x.source === MICROPHONE && x.muted),
          );

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

      await t.step("the teacher's screen share reaches students", async () => {
        await teacher.getByRole("button", { name: "Share screen" }).click();
        await eventually(
          "the screen share on the media server",
          async () =>
            (await serverTracks(rooms, roomName, teacherId)).some((x) => x.source === SCREEN_SHARE),
        );
        await waitForPlayingVideo(ana, SCREEN_VIDEO);
        await screenshot(ana, "lecture-student-screen-share");
        await teacher.getByRole("button", { name: "Stop sharing" }).click();
        await ana.locator(SCREEN_VIDEO).waitFor({ state: "detached" });
      });

      await t.step("a non-member gets no token and no lecture page", async () => {
        const { cookie, csrf } = await stranger;
        const token = await fetch(`${server.url}/api/v1/lectures/${lectureId}/token`, {
          method: "POST",
          headers: { cookie, "x-csrf-token": csrf },
        });
        assert.equal(token.status, 404, await token.text());
        const page = await fetch(lectureUrl, { headers: { cookie } });
        await page.body?.cancel();
        assert.equal(page.status, 404);
      });

      await t.step(
        "a late joiner sees the whole chat; removed, they cannot come back",
        async () => {
          await ben.context().close();
          const late = await studentByLink(browser, link, "Late Student");
          await late.goto(lectureUrl);
          await phase(late, "live");
          await late.locator(".chat-log li", { hasText: TEACHER_SAYS }).waitFor();
          await late.locator(".chat-log li", { hasText: STUDENT_SAYS }).waitFor();

          await teacher.getByPlaceholder("Search by name").fill("Late");
          await teacher.getByRole("group", { name: "Actions for Late Student" })
            .getByRole("button", { name: "Remove" }).click({ timeout: 15_000 });
          await phase(late, "removed");
          await late.getByText("You were removed from this lecture.").waitFor();
          const removedAt = Date.now();
          await late.reload();
          await phase(late, "removed");

          // Another process whose gate has not seen the removal yet hands the page a token
          // signed after the revocation second. The media server lets it in; the app, told by
          // the participant_joined webhook, removes it again (PARTICIPANT_REMOVED: "removed").
          const lateId = await userIdOf(late);
          const lateRow = async () => {
            const res = await api(
              server,
              teacherToken,
              "GET",
              `/api/v1/lectures/${lectureId}/attendance?limit=200`,
            );
            const items = res.body.items as { userId: string; joins: number; online: boolean }[];
            return items.find((r) => r.userId === lateId)!;
          };
          const joinsBefore = (await lateRow()).joins;
          const lk = await spawnedLiveKitKeys(server);
          await new Promise((r) => setTimeout(r, Math.max(0, removedAt + 1_100 - Date.now())));
          const stale = mintLectureToken(lk, { roomName }, {
            userId: lateId,
            name: "Late Student",
            role: "student",
          });
          let staleAnswers = 0;
          await late.route("**/api/v1/lectures/*/token", (route) => {
            staleAnswers++;
            return route.fulfill({
              json: {
                url: lk.url,
                identity: lateId,
                role: "student",
                onStage: false,
                studentChat: true,
                ...stale,
              },
            });
          });
          await late.reload();
          await phase(late, "removed");
          assert.equal(staleAnswers, 1);
          // It did connect, and that connection counts for attendance; it is over now.
          // Two webhooks (joined, then left after the app's removal) must both arrive: on a
          // busy 2-core machine that has taken more than 15 s. The row says which is missing.
          let lastRow: unknown;
          await eventually(
            "the stale connection recorded and closed",
            async () => {
              const row = await lateRow();
              lastRow = { joinsBefore, ...row };
              return row.joins === joinsBefore + 1 && !row.online;
            },
            45_000,
          ).catch((err) => {
            throw new Error(
              `${(err as Error).message}; attendance row: ${JSON.stringify(lastRow)}`,
            );
          });
          const inRoom = await rooms.listParticipants(roomName);
          assert.ok(
            !inRoom.some((p) => p.identity === lateId),
            "the removed student is in the room",
          );
          await late.context().close();
          await teacher.getByPlaceholder("Search by name").fill("");
        },
      );

      await t.step("a teacher who leaves without ending: the students stay live", async () => {
        await teacher.getByRole("button", { name: "Leave (keep it live)" }).click();
        await phase(teacher, "left");
        await teacher.getByText("You left the lecture. It is still live for your students.")
          .waitFor();
        await eventually(
          "the teacher gone from the room",
          async () =>
            !(await rooms.listParticipants(roomName)).some((p) => p.identity === teacherId),
        );
        // The lecture goes on: the student is still in it, and it can still be ended from here.
        assert.equal(await ana.locator(".lecture-room").getAttribute("data-phase"), "live");
        assert.ok(await teacher.getByRole("button", { name: "End lecture" }).isVisible());
        await teacher.getByRole("status").getByRole("button", { name: "Rejoin" }).click();
        await phase(teacher, "live");
        await eventually(
          "the teacher's camera after rejoining",
          async () =>
            (await serverTracks(rooms, roomName, teacherId)).some((x) => x.source === CAMERA),
        );
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
        const history = ana.locator(".lecture-history .chat-log li");
        await history.filter({ hasText: TEACHER_SAYS }).waitFor();
        await history.filter({ hasText: STUDENT_SAYS }).waitFor();
        await screenshot(ana, "lecture-ended");
        await teacher.reload();
        await teacher.getByRole("link", { name: "Attendance report" }).waitFor();
      });
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
