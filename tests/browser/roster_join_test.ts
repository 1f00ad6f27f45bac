/**
 * The real-browser path of the foundation, against the real server (main.ts with its demo
 * school) in real Chromium: the admin signs in, previews a roster with one bad row and sees the
 * error with its line, fixes it and imports; then creates a join link (a hydrated island that
 * responds to clicks), and a student opens it, gives a name and lands in the class. Then a
 * teacher makes a link with approval: a student signs up and waits, the teacher approves on
 * the class page, and the student's page moves on to the class by itself.
 */
import assert from "node:assert/strict";
import { spawnServer } from "@/scripts/spawn_server.ts";
import { DEMO_ADMIN, DEMO_PASSWORD, DEMO_TEACHERS } from "@/services/demo/seed.ts";
import { launchBrowser } from "./browser.ts";

const BAD = `name,email,role
박서준,seojun.park@example.org,student
Ana Lima,ana.lima(at)example.org,student
王芳,wang.fang@example.org,student
`;

Deno.test({
  name: "[browser] admin imports a roster with a bad row, fixes it; a student joins by link",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await using server = await spawnServer();
    const browser = await launchBrowser();
    try {
      const admin = await browser.newPage();
      let classUrl = "";

      await t.step("the admin signs in and opens the demo class", async () => {
        await admin.goto(`${server.url}/signin`);
        await admin.getByLabel("Email or student number").fill(DEMO_ADMIN);
        await admin.getByLabel("Password").fill(DEMO_PASSWORD);
        await admin.getByRole("button", { name: "Sign in" }).click();
        await admin.waitForURL(`${server.url}/today`);
        await admin.getByRole("link", { name: "Admin dashboard" }).click();
        await admin.waitForURL(`${server.url}/admin`);
        await admin.getByRole("link", { name: "3-1 Mathematics" }).first().click();
        await admin.waitForURL(/\/admin\/classes\/[0-9A-Z]{26}$/);
        classUrl = admin.url();
      });

      await t.step(
        "the preview shows the bad row with its line, and Import stays off",
        async () => {
          const csv = admin.getByLabel("Or paste CSV text");
          await csv.fill(BAD);
          await admin.getByRole("button", { name: "Preview" }).click();
          const alert = admin.locator('.roster-import [role="alert"]');
          await alert.waitFor();
          const text = await alert.innerText();
          assert.match(text, /\b3\b/, `the error names line 3: ${text}`);
          assert.match(text, /email/i);
          assert.equal(
            await admin.getByRole("button", { name: "Import", exact: true }).isDisabled(),
            true,
          );
        },
      );

      await t.step(
        "after the fix, the import goes through and the roster shows the names",
        async () => {
          await admin.getByLabel("Or paste CSV text").fill(BAD.replace("(at)", "@"));
          await admin.getByRole("button", { name: "Preview" }).click();
          const importButton = admin.getByRole("button", { name: "Import", exact: true });
          await admin.waitForFunction(() => {
            const b = [...document.querySelectorAll(".roster-import button")]
              .find((el) => el.textContent?.trim() === "Import") as HTMLButtonElement | undefined;
            return b && !b.disabled;
          });
          await importButton.click();
          await admin.getByText("Imported: 3 new, 0 added, 0 unchanged.").waitFor();
          const page = await browser.newPage();
          await page.context().addCookies(await admin.context().cookies());
          const classId = classUrl.split("/").pop();
          await page.goto(`${server.url}/classes/${classId}?q=%EB%B0%95%EC%84%9C%EC%A4%80`);
          assert.ok((await page.content()).includes("seojun.park@example.org"));
          await page.close();
        },
      );

      let link = "";
      await t.step("the join-links island creates a link on click", async () => {
        await admin.goto(classUrl);
        await admin.getByRole("button", { name: "Create link" }).click();
        const field = admin.getByRole("textbox", { name: "Join link", exact: true }).first();
        await field.waitFor();
        link = await field.inputValue();
        assert.match(link, new RegExp(`^${server.url}/join/[0-9A-Z]{26}\\.[A-Za-z0-9_-]{22}$`));
      });

      await t.step("a student opens the link, gives a name and lands in the class", async () => {
        const student = await (await browser.newContext()).newPage();
        await student.goto(link);
        await student.getByLabel("Your name").fill("Student Kim 김학생");
        await student.getByRole("button", { name: "Join the class" }).click();
        await student.waitForURL(/\/classes\/[0-9A-Z]{26}$/);
        const html = await student.content();
        assert.ok(html.includes("3-1 Mathematics"));
        assert.ok(html.includes("Student Kim 김학생"));
        // Students see names, never classmates' emails.
        assert.ok(!html.includes("seojun.park@example.org"));
        await student.context().close();
      });

      await t.step(
        "with approval: the student waits, the teacher approves on the class page, the page moves on",
        async () => {
          const teacher = await (await browser.newContext()).newPage();
          await teacher.goto(`${server.url}/signin`);
          await teacher.getByLabel("Email or student number").fill(DEMO_TEACHERS[0]);
          await teacher.getByLabel("Password").fill(DEMO_PASSWORD);
          await teacher.getByRole("button", { name: "Sign in" }).click();
          await teacher.waitForURL(`${server.url}/today`);
          const classId = classUrl.split("/").pop();
          await teacher.goto(`${server.url}/classes/${classId}`);
          await teacher.getByLabel("I approve each student before they join").check();
          await teacher.getByRole("button", { name: "Create link" }).click();
          await teacher.getByText("Needs approval").first().waitFor();
          const field = teacher.getByRole("textbox", { name: "Join link", exact: true }).first();
          const approvalLink = await field.inputValue();
          assert.notEqual(approvalLink, link);

          const student = await (await browser.newContext()).newPage();
          await student.goto(approvalLink);
          await student.getByText("Your teacher approves each student").waitFor();
          await student.getByLabel("Your name").fill("Waiting Park 박대기");
          await student.getByRole("button", { name: "Join the class" }).click();
          await student.getByText("Waiting for your teacher to approve you.").waitFor();

          // The panel asks again every 10 s; a reload shows the request at once.
          await teacher.reload();
          const approve = teacher.getByRole("button", { name: "Approve: Waiting Park 박대기" });
          await approve.click();
          await teacher.getByText("Approved: 1.").waitFor();
          // The waiting page reloads itself and moves on to the class.
          await student.waitForURL(/\/classes\/[0-9A-Z]{26}$/, { timeout: 20_000 });
          const html = await student.content();
          assert.ok(html.includes("3-1 Mathematics"));
          assert.ok(html.includes("Waiting Park 박대기"));
          await student.context().close();
          await teacher.context().close();
        },
      );
    } finally {
      await browser.close();
    }
  },
});
