/**
 * The whole coursework flow in real Chromium against the real server (main.ts with its demo
 * school): a teacher creates and publishes an assignment; a student opens it, uploads a PDF
 * with an answer and turns it in; the teacher grades it with feedback and releases it; the
 * student finds the grade and the feedback on My grades.
 *
 * Set SCREENSHOT_DIR to keep screenshots of the student's assignment page and the teacher's
 * grading page.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { spawnServer } from "@/scripts/spawn_server.ts";
import {
  DEMO_PASSWORD,
  DEMO_SLUG,
  DEMO_STUDENT_NUMBER,
  DEMO_TEACHERS,
} from "@/services/demo/seed.ts";
import { launchBrowser } from "./browser.ts";

/** The demo student with number 2026001 (services/demo/seed.ts). */
const STUDENT_NAME = "김민준";
const TITLE = "Water cycle diagram";
const FEEDBACK = "Clear labels. Add where the water goes underground.";
const PDF = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
  "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n" +
  "trailer << /Root 1 0 R >>\n%%EOF\n";

async function screenshot(page: Page, name: string): Promise<void> {
  const dir = Deno.env.get("SCREENSHOT_DIR");
  if (!dir) return;
  await Deno.mkdir(dir, { recursive: true });
  await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}

Deno.test({
  name: "[browser] a teacher publishes an assignment, a student turns in a PDF, gets a grade",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await using server = await spawnServer();
    const dir = await Deno.makeTempDir({ prefix: "mirae-coursework-" });
    const pdfPath = `${dir}/water-cycle.pdf`;
    await Deno.writeTextFile(pdfPath, PDF);
    const mapPath = `${dir}/map.pdf`;
    await Deno.writeTextFile(mapPath, PDF);
    const oldPath = `${dir}/old.pdf`;
    await Deno.writeTextFile(oldPath, PDF);
    const fakePath = `${dir}/notes.pdf`;
    await Deno.writeTextFile(fakePath, "<!doctype html><html><body>not a PDF</body></html>\n");
    const browser = await launchBrowser();
    try {
      const teacher = await (await browser.newContext()).newPage();
      const student = await (await browser.newContext()).newPage();
      let assignmentUrl = "";

      await t.step("the teacher creates and publishes an assignment", async () => {
        await teacher.goto(`${server.url}/signin`);
        await teacher.getByLabel("Email or student number").fill(DEMO_TEACHERS[0]);
        await teacher.getByLabel("Password").fill(DEMO_PASSWORD);
        await teacher.getByRole("button", { name: "Sign in" }).click();
        await teacher.waitForURL(`${server.url}/today`);
        await teacher.getByRole("link", { name: "3-1 Mathematics" }).click();
        await teacher.getByRole("link", { name: "Assignments", exact: true }).click();
        await teacher.getByText("No assignments yet.").waitFor();
        await teacher.getByRole("link", { name: "New assignment" }).click();
        await teacher.locator("form.assignment-editor[data-hydrated]").waitFor();
        assert.ok(
          (await teacher.content()).includes("Asia/Seoul"),
          "the school's time zone is shown",
        );
        // A missing title is caught before anything is sent.
        await teacher.getByRole("button", { name: "Save and publish" }).click();
        const alert = teacher.locator('.assignment-editor [role="alert"]');
        assert.match(await alert.innerText(), /Give the assignment a title\./);
        await teacher.getByLabel("Title").fill(TITLE);
        await teacher.getByLabel("Instructions").fill("Draw the **water cycle** and label it.");
        await teacher.getByLabel("Points", { exact: true }).fill("10");
        const due = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
        await teacher.getByLabel("Due date", { exact: true }).fill(due);
        await teacher.getByLabel("Due time", { exact: true }).fill("18:00");
        // Two attachments; one is deleted for good from the list (after a confirmation).
        await teacher.getByLabel("Add files").setInputFiles([mapPath, oldPath]);
        await teacher.getByText("old.pdf", { exact: true }).waitFor();
        await teacher.getByRole("button", { name: "Delete: old.pdf" }).click();
        await teacher.getByText("Delete “old.pdf” for good?").waitFor();
        await teacher.getByRole("button", { name: "Delete file" }).click();
        await teacher.getByText("old.pdf", { exact: true }).waitFor({ state: "detached" });
        await teacher.getByText("map.pdf", { exact: true }).waitFor();
        await screenshot(teacher, "teacher-new-assignment");
        await teacher.getByRole("button", { name: "Save and publish" }).click();
        await teacher.waitForURL(/\/assignments\/[0-9A-Z]{26}\?published=1$/);
        assignmentUrl = teacher.url().replace(/\?.*$/, "");
        await teacher.getByText("Published. Students can see it now.").waitFor();
        const html = await teacher.content();
        assert.ok(html.includes("<strong>water cycle</strong>"), "the Markdown is rendered");
        assert.ok(html.includes("18:00") || html.includes("6:00"), "the due time is shown");
        await teacher.getByRole("link", { name: "map.pdf" }).waitFor();
        assert.ok(!html.includes("old.pdf"), "the deleted attachment is gone");
      });

      await t.step("the student turns in a PDF and an answer, and sees Submitted", async () => {
        await student.goto(`${server.url}/signin`);
        await student.getByLabel("Email or student number").fill(DEMO_STUDENT_NUMBER);
        await student.getByLabel("Password").fill(DEMO_PASSWORD);
        await student.getByLabel("School code").fill(DEMO_SLUG);
        await student.getByRole("button", { name: "Sign in" }).click();
        await student.waitForURL(`${server.url}/today`);
        await student.getByRole("link", { name: "3-1 Mathematics" }).click();
        await student.getByRole("link", { name: "Assignments", exact: true }).click();
        await student.getByText("Not started").waitFor();
        await student.getByRole("link", { name: TITLE }).click();
        await student.waitForURL(assignmentUrl);
        await student.locator("form.submit-work[data-hydrated]").waitFor();
        // A web page named like a PDF is refused by the server, which says why.
        await student.getByLabel("Attach files").setInputFiles(fakePath);
        await student.getByRole("button", { name: "Turn in", exact: true }).click();
        const alert = student.locator('.submit-work [role="alert"]');
        await alert.waitFor();
        // In the page's words: what was refused, and what is accepted instead.
        assert.match(
          await alert.innerText(),
          /“notes\.pdf” was not accepted\. Upload a file of one of these kinds, named with its usual extension: \.pdf, \.png/,
        );
        await student.getByText("Not accepted", { exact: true }).waitFor();
        // The published assignment's attachment is the class's to download.
        const material = await student.getByRole("link", { name: "map.pdf" }).getAttribute("href");
        assert.equal((await student.request.get(`${server.url}${material}`)).status(), 200);
        await student.getByRole("button", { name: "Remove: notes.pdf" }).click();
        await student.getByLabel("Attach files").setInputFiles(pdfPath);
        await student.getByText("water-cycle.pdf").waitFor();
        await student.getByLabel("Your answer").fill("My diagram is attached.");
        await student.getByRole("button", { name: "Turn in", exact: true }).click();
        await student.waitForURL(/\?submitted=1#your-work$/);
        await student.getByText("Turned in (version 1).").waitFor();
        assert.equal(await student.locator("h1 .badge").innerText(), "Submitted");
        const link = student.getByRole("link", { name: "water-cycle.pdf" });
        const href = await link.getAttribute("href");
        assert.match(href ?? "", /^\/api\/v1\/files\/[0-9A-Z]{26}$/);
        const file = await student.request.get(`${server.url}${href}`);
        assert.equal(file.status(), 200);
        assert.equal(file.headers()["content-type"], "application/pdf");
        assert.equal(await file.text(), PDF);
        await screenshot(student, "student-assignment");
      });

      await t.step("the teacher grades it with feedback and releases the grade", async () => {
        await teacher.goto(assignmentUrl);
        await screenshot(teacher, "teacher-submissions");
        await teacher.getByRole("link", { name: STUDENT_NAME }).click();
        await teacher.waitForURL(/\/submissions\/[0-9A-Z]{26}$/);
        assert.ok((await teacher.content()).includes("My diagram is attached."));
        await teacher.getByRole("link", { name: "water-cycle.pdf" }).waitFor();
        await teacher.getByLabel("Points (out of 10)").fill("8");
        await teacher.getByLabel("Feedback").fill(FEEDBACK);
        await teacher.getByRole("button", { name: "Save draft" }).click();
        await teacher.getByText("Grade saved as a draft.").waitFor();
        assert.equal(await teacher.getByLabel("Points (out of 10)").inputValue(), "8");
        await teacher.getByRole("button", { name: "Save and release" }).click();
        await teacher.getByText("Grade released. The student can see it now.").waitFor();
        await screenshot(teacher, "teacher-grading");
      });

      await t.step("the student sees the grade and the feedback on My grades", async () => {
        await student.getByRole("link", { name: "My grades" }).click();
        await student.waitForURL(`${server.url}/grades`);
        const row = student.getByRole("row", { name: new RegExp(TITLE) });
        const text = await row.innerText();
        assert.match(text, /8 \/ 10/);
        assert.ok(text.includes(FEEDBACK), text);
        assert.ok(text.includes("Graded"), text);
        await screenshot(student, "student-grades");
        await student.getByRole("link", { name: "Notifications" }).click();
        await student.getByText(`Grade released: ${TITLE}`).waitFor();
        await screenshot(student, "student-notifications");
        await teacher.goto(`${assignmentUrl.replace(/\/assignments\/.*$/, "")}/gradebook`);
        await screenshot(teacher, "teacher-gradebook");
      });
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
