/**
 * "Class starts now" in real Chromium against the real app (main.ts with its own LiveKit
 * server, on the demo seed): the teacher goes live, the signed-in student's header badge
 * counts one more on their next page, and one tap on the notification opens the lecture
 * page, which joins the live room (and the badge counts one less).
 */
/// <reference lib="dom" />
import assert from "node:assert/strict";
import { spawnServer } from "@/scripts/spawn_server.ts";
import {
  DEMO_PASSWORD,
  DEMO_SLUG,
  DEMO_STUDENT_NUMBER,
  DEMO_TEACHERS,
} from "@/services/demo/seed.ts";
import { launchBrowser } from "./browser.ts";
import { api, apiToken, screenshot } from "./lecture_fixtures.ts";

Deno.test({
  name: "[browser] a lecture goes live: the student's badge counts it, one tap opens the lecture",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using server = await spawnServer();
    const browser = await launchBrowser();
    try {
      const teacherToken = await apiToken(server, DEMO_TEACHERS[0]);
      const classes = await api(server, teacherToken, "GET", "/api/v1/classes");
      const cls = (classes.body.items as { id: string; name: string }[])
        .find((c) => c.name === "3-1 Mathematics")!;
      const title = `Class starts now ${crypto.randomUUID().slice(0, 6)}`;
      const created = await api(
        server,
        teacherToken,
        "POST",
        `/api/v1/classes/${cls.id}/lectures`,
        {
          title,
          startsAt: new Date().toISOString(),
        },
      );
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const lectureId = created.body.id as string;

      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${server.url}/signin`);
      await page.getByLabel("Email or student number").fill(DEMO_STUDENT_NUMBER);
      await page.getByLabel("Password").fill(DEMO_PASSWORD);
      await page.getByLabel("School code").fill(DEMO_SLUG);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(`${server.url}/today`);
      const badge = page.locator(".topnav a[href='/notifications'] .nav-count");
      const count = async () => Number((await badge.count()) ? await badge.textContent() : 0);
      const before = await count();

      const opened = await api(server, teacherToken, "POST", `/api/v1/lectures/${lectureId}/open`);
      assert.equal(opened.status, 200, JSON.stringify(opened.body));

      await page.reload();
      assert.equal(await count(), before + 1, "the badge counts the new notification");
      const link = page.locator(".topnav").getByRole("link", {
        name: /^Notifications, \d+ unread$/,
      });
      assert.ok(await link.isVisible());
      await link.click();
      await page.waitForURL(`${server.url}/notifications`);
      await screenshot(page, "notify-list");
      // One tap on the notification: the lecture page, which joins the live lecture; the
      // notification is read, so the badge is back where it was.
      await page.getByRole("button", { name: `Class starts now: ${title}`, exact: true }).click();
      await page.waitForURL(`${server.url}/lectures/${lectureId}`);
      await page.locator('.lecture-room[data-phase="live"]').waitFor({ timeout: 30_000 });
      assert.equal(await count(), before);
      await screenshot(page, "notify-joined");
    } finally {
      await browser.close();
    }
  },
});
