/**
 * The class stream in real Chromium against the real app (demo seed): a teacher posts an
 * announcement with Markdown and an attachment from the class page; a student opens the class
 * and sees it first (the Markdown rendered, the file downloadable), comments; the teacher
 * switches comments off and the student's comment box is gone.
 */
/// <reference lib="dom" />
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
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
  name:
    "[browser] a teacher posts an announcement; a student sees it first, comments; comments off",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await using server = await spawnServer();
    const browser = await launchBrowser();
    try {
      const token = await apiToken(server, DEMO_TEACHERS[0]);
      const classes = await api(server, token, "GET", "/api/v1/classes");
      const cls = (classes.body.items as { id: string; name: string }[])
        .find((c) => c.name === "3-1 Mathematics")!;
      const classUrl = `${server.url}/classes/${cls.id}`;
      const tag = crypto.randomUUID().slice(0, 6);

      const teacher = await (await browser.newContext()).newPage();
      await t.step("the teacher posts Markdown with a file", async () => {
        await teacher.goto(`${server.url}/signin`);
        await teacher.getByLabel("Email or student number").fill(DEMO_TEACHERS[0]);
        await teacher.getByLabel("Password").fill(DEMO_PASSWORD);
        await teacher.getByRole("button", { name: "Sign in" }).click();
        await teacher.waitForURL(`${server.url}/today`);
        await teacher.goto(classUrl);
        await teacher.locator(".stream[data-hydrated]").waitFor();
        await teacher.getByLabel("Announcement", { exact: true }).fill(
          `**Quiz ${tag}** on Friday.\n\n- bring a pencil`,
        );
        await teacher.getByLabel("Add files").setInputFiles({
          name: "quiz-plan.txt",
          mimeType: "text/plain",
          buffer: Buffer.from("Chapters 1 to 3."),
        });
        await teacher.locator(".stream-compose .file-list").getByText("quiz-plan.txt").waitFor();
        await teacher.getByRole("button", { name: "Post", exact: true }).click();
        await teacher.locator(".stream-post strong", { hasText: `Quiz ${tag}` }).waitFor();
        await screenshot(teacher, "stream-teacher");
      });

      const student = await (await browser.newContext({ viewport: { width: 390, height: 844 } }))
        .newPage();
      await t.step("the student opens the class and sees it first, and comments", async () => {
        await student.goto(`${server.url}/signin`);
        await student.getByLabel("Email or student number").fill(DEMO_STUDENT_NUMBER);
        await student.getByLabel("Password").fill(DEMO_PASSWORD);
        await student.getByLabel("School code").fill(DEMO_SLUG);
        await student.getByRole("button", { name: "Sign in" }).click();
        await student.waitForURL(`${server.url}/today`);
        await student.goto(classUrl);
        // The stream is the first section after the class's header.
        const first = await student.evaluate(() =>
          document.querySelector("main .page-head")?.nextElementSibling?.className ?? ""
        );
        assert.match(first, /class-stream/);
        const post = student.locator(".stream-post").first();
        assert.equal(await post.locator("strong", { hasText: `Quiz ${tag}` }).count(), 1);
        assert.equal(await post.locator(".post-body li", { hasText: "bring a pencil" }).count(), 1);
        const file = post.getByRole("link", { name: "quiz-plan.txt" });
        const href = await file.getAttribute("href");
        const got = await student.request.get(`${server.url}${href}`);
        assert.equal(got.status(), 200);
        assert.equal(await got.text(), "Chapters 1 to 3.");
        // One column on a phone: nothing wider than the screen.
        const wide = await student.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(wide <= 390, `page is ${wide}px wide on a 390px screen`);

        await student.locator(".stream[data-hydrated]").waitFor();
        await post.getByLabel("Add a comment").fill(`Will it be hard? ${tag}`);
        await post.getByRole("button", { name: "Comment", exact: true }).click();
        await post.locator(".stream-comment-list", { hasText: `Will it be hard? ${tag}` })
          .waitFor();
        await screenshot(student, "stream-student");
      });

      await t.step("the teacher switches comments off; the student's box goes", async () => {
        await teacher.reload();
        const post = teacher.locator(".stream-post").first();
        await teacher.locator(".stream[data-hydrated]").waitFor();
        assert.match(await post.innerText(), /Show comments \(1\)/);
        await post.getByRole("button", { name: "Turn comments off" }).click();
        await post.getByRole("button", { name: "Turn comments on" }).waitFor();
        await student.reload();
        const theirs = student.locator(".stream-post").first();
        await theirs.getByText("Comments are off.").waitFor();
        assert.equal(await theirs.getByLabel("Add a comment").count(), 0);
        await screenshot(student, "stream-comments-off");
      });

      await t.step("ten newer posts later, the student pages back to it by keyboard", async () => {
        for (let i = 0; i < 10; i++) {
          const res = await api(server, token, "POST", `/api/v1/classes/${cls.id}/posts`, {
            body: `Later ${tag} ${i}`,
          });
          assert.equal(res.status, 201);
        }
        await student.reload();
        await student.locator(".stream[data-hydrated]").waitFor();
        const quiz = student.locator(".stream-post strong", { hasText: `Quiz ${tag}` });
        assert.equal(await quiz.count(), 0, "one page is ten posts");
        const older = student.getByRole("button", { name: "Older announcements" });
        await older.focus();
        await student.keyboard.press("Enter");
        await quiz.waitFor();
      });
    } finally {
      await browser.close();
    }
  },
});
