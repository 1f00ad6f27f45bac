/**
 * An admin's sign-in reset in real Chromium against the real server (main.ts with its demo
 * school): the admin resets a student's sign-in and reads the one-time code off the page; the
 * student signs in with it ("I have a one-time code"), must choose a password before anything
 * else, lands signed in, signs out, and signs in again with the new password (the old one no
 * longer works).
 */
import assert from "node:assert/strict";
import { spawnServer } from "@/scripts/spawn_server.ts";
import { DEMO_ADMIN, DEMO_PASSWORD, DEMO_SLUG } from "@/services/demo/seed.ts";
import { launchBrowser } from "./browser.ts";

const STUDENT = { name: "김민준", number: "2026001" };
const NEW_PASSWORD = "my own new passphrase";

Deno.test({
  name: "[browser] admin resets a student's sign-in; the student signs in with the code",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await using server = await spawnServer();
    const browser = await launchBrowser();
    try {
      let code = "";

      await t.step("the admin resets the student's sign-in and sees the code once", async () => {
        const admin = await browser.newPage();
        await admin.goto(`${server.url}/signin`);
        await admin.getByLabel("Email or student number").fill(DEMO_ADMIN);
        await admin.getByLabel("Password").fill(DEMO_PASSWORD);
        await admin.getByRole("button", { name: "Sign in" }).click();
        await admin.waitForURL((u) => u.pathname !== "/signin");
        await admin.goto(`${server.url}/admin`);
        await admin.getByRole("link", { name: STUDENT.name, exact: true }).click();
        await admin.waitForURL(/\/admin\/people\/[0-9A-Z]{26}$/);
        await admin.getByRole("button", { name: "Reset sign-in" }).click();
        code = (await admin.locator("[data-code]").innerText()).trim();
        assert.match(code, /^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
        await admin.goto(admin.url().replace(/#.*$/, ""));
        assert.equal(await admin.locator("[data-code]").count(), 0, "shown only once");
        await admin.close();
      });

      const student = await (await browser.newContext()).newPage();

      await t.step("the old password no longer works", async () => {
        await student.goto(`${server.url}/signin`);
        await student.getByLabel("Email or student number").fill(STUDENT.number);
        await student.getByLabel("Password").fill(DEMO_PASSWORD);
        await student.getByLabel("School code").fill(DEMO_SLUG);
        await student.getByRole("button", { name: "Sign in" }).click();
        await student.getByRole("alert").waitFor();
        assert.match(await student.getByRole("alert").innerText(), /not right/);
      });

      await t.step("the student signs in with the code and must choose a password", async () => {
        await student.getByRole("link", { name: "I have a one-time code" }).click();
        await student.waitForURL(`${server.url}/signin/code`);
        await student.getByLabel("Email or student number").fill(STUDENT.number);
        await student.getByLabel("One-time code").fill(code.toLowerCase().replace("-", " "));
        await student.getByLabel("School code").fill(DEMO_SLUG);
        await student.getByRole("button", { name: "Continue" }).click();
        await student.getByRole("heading", { name: "Choose your password" }).waitFor();
        const cookies = await student.context().cookies();
        assert.ok(!cookies.some((c) => c.name === "mirae_session"), "no session yet");
        await student.locator('input[name="password"]').fill(NEW_PASSWORD);
        await student.locator('input[name="confirm"]').fill(NEW_PASSWORD);
        await student.getByRole("button", { name: "Save the password and sign in" }).click();
        await student.waitForURL((u) => !u.pathname.startsWith("/signin"));
        await student.getByRole("button", { name: "Sign out" }).waitFor();
      });

      await t.step("signed out, the student signs in again with the new password", async () => {
        await student.getByRole("button", { name: "Sign out" }).click();
        await student.waitForURL(`${server.url}/signin`);
        await student.getByLabel("Email or student number").fill(STUDENT.number);
        await student.getByLabel("Password").fill(NEW_PASSWORD);
        await student.getByLabel("School code").fill(DEMO_SLUG);
        await student.getByRole("button", { name: "Sign in" }).click();
        await student.waitForURL((u) => u.pathname !== "/signin");
        await student.getByRole("button", { name: "Sign out" }).waitFor();
        await student.getByRole("link", { name: "Account" }).click();
        await student.waitForURL(`${server.url}/account`);
        await student.getByRole("heading", { name: "Change your password" }).waitFor();
      });
    } finally {
      await browser.close();
    }
  },
});
