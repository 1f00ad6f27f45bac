/**
 * One identity per student (issue 16) in real Chromium against the real server: a teacher
 * imports a Korean-header CSV through the class page, prints login slips and makes a join
 * link (with its class code and QR code); the imported student opens the link, says "I'm on
 * the class list" with the student number and the slip's code, chooses a password and lands
 * in the class, and the roster still has one row for them. (The code sign-in at /signin/code
 * is account_reset_test.ts.)
 */
import assert from "node:assert/strict";
import { spawnServer } from "@/scripts/spawn_server.ts";
import { DEMO_PASSWORD, DEMO_TEACHERS } from "@/services/demo/seed.ts";
import { launchBrowser } from "./browser.ts";

const NAME = "홍길동";
const NUMBER = "2026801";
const CSV = `이름,학번,역할\n${NAME},${NUMBER},학생\n`;

Deno.test({
  name:
    "[browser] a Korean-header roster imports; the imported student claims the entry through the join link",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await using server = await spawnServer();
    const browser = await launchBrowser();
    try {
      const teacher = await (await browser.newContext()).newPage();
      let classPath = "";
      let code = "";
      let link = "";

      await t.step("the teacher imports the Korean-header CSV through the page", async () => {
        await teacher.goto(`${server.url}/signin`);
        await teacher.getByLabel("Email or student number").fill(DEMO_TEACHERS[0]);
        await teacher.getByLabel("Password").fill(DEMO_PASSWORD);
        await teacher.getByRole("button", { name: "Sign in" }).click();
        await teacher.waitForURL(`${server.url}/today`);
        await teacher.goto(`${server.url}/classes`);
        await teacher.getByRole("link", { name: "3-1 Mathematics" }).first().click();
        await teacher.waitForURL(/\/classes\/[0-9A-Z]{26}$/);
        classPath = new URL(teacher.url()).pathname;
        await teacher.getByLabel("Or paste CSV text").fill(CSV);
        await teacher.getByRole("button", { name: "Preview" }).click();
        await teacher.waitForFunction(() => {
          const b = [...document.querySelectorAll(".roster-import button")]
            .find((el) => el.textContent?.trim() === "Import") as HTMLButtonElement | undefined;
          return b && !b.disabled;
        });
        await teacher.getByRole("button", { name: "Import", exact: true }).click();
        await teacher.getByText("Imported: 1 new, 0 added, 0 unchanged.").waitFor();
      });

      await t.step("the teacher prints login slips and reads the student's code", async () => {
        await teacher.goto(`${server.url}${classPath}/slips`);
        await teacher.getByRole("button", { name: "Make login slips" }).click();
        const slip = teacher.locator("article.slip", { hasText: NAME });
        code = (await slip.locator("[data-code]").innerText()).trim();
        assert.match(code, /^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
      });

      await t.step("the teacher makes a join link: its class code and QR code show", async () => {
        await teacher.goto(`${server.url}${classPath}`);
        await teacher.getByRole("button", { name: "Create link" }).click();
        const field = teacher.getByRole("textbox", { name: "Join link", exact: true }).first();
        await field.waitFor();
        link = await field.inputValue();
        const box = teacher.locator(".class-code").first();
        assert.match(await box.locator(".code").innerText(), /^[A-HJKMNP-Z2-9]{7}$/);
        const size = await box.locator(".qr svg").boundingBox();
        assert.ok(size && size.width >= 150, `the QR code is big enough: ${size?.width}`);
      });

      await t.step(
        "the student claims the roster entry with the code and sets a password",
        async () => {
          const student = await (await browser.newContext()).newPage();
          await student.goto(link);
          await student.getByText("I'm on the class list").click();
          await student.getByLabel("Student number (or email)").first().fill(NUMBER);
          await student.getByLabel("One-time code").fill(code.toLowerCase());
          await student.getByRole("button", { name: "Continue with my code" }).click();
          await student.getByRole("heading", { name: "Choose your password" }).waitFor();
          await student.locator('input[name="password"]').fill("my own passphrase");
          await student.locator('input[name="confirm"]').fill("my own passphrase");
          await student.getByRole("button", { name: "Save the password and sign in" }).click();
          await student.waitForURL(`${server.url}${classPath}`);
          assert.ok((await student.content()).includes("3-1 Mathematics"));
          await student.context().close();
        },
      );

      await t.step("the roster shows one row for the student, not two", async () => {
        await teacher.goto(`${server.url}${classPath}?q=${encodeURIComponent(NAME)}`);
        const rows = teacher.locator("#roster tbody tr", { hasText: NAME });
        assert.equal(await rows.count(), 1);
      });
    } finally {
      await browser.close();
    }
  },
});
