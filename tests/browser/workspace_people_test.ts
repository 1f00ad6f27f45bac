/**
 * Adding people to a workspace in real Chromium, against the real server (the demo school with
 * its staff workspace on): the admin previews a CSV on /workspace/import, sees a bad row with
 * its line, fixes it, sees the departments the file creates and imports; then an invite link
 * for a department is opened by someone new, who signs up with an email and a password and
 * lands in the workspace as a teacher of that department.
 */
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { spawnServer } from "@/scripts/spawn_server.ts";
import { getMemberRole } from "@/services/classes/members.ts";
import { DEMO_ADMIN, DEMO_PASSWORD, DEMO_SLUG } from "@/services/demo/seed.ts";
import { findOrgBySlug, setStaffWorkspace } from "@/services/orgs/orgs.ts";
import { findUserByEmail } from "@/services/orgs/users.ts";
import { listDepartments } from "@/services/workspace/departments.ts";
import { launchBrowser } from "./browser.ts";
import { api, apiToken } from "./lecture_fixtures.ts";

const BAD = `name,email,role,department,manager_email
Kim Office,kim.office@example.org,,Academic Affairs/Exams,
Lee Office,lee.office@example.org,student,Academic Affairs,kim.office@example.org
`;

Deno.test({
  name: "[browser] a workspace admin imports staff into departments; an invite link adds a teacher",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await using server = await spawnServer();
    const kv = await Deno.openKv(server.kvPath);
    let browser: Browser | null = null;
    try {
      const org = (await findOrgBySlug(kv, DEMO_SLUG))!;
      await setStaffWorkspace(kv, org.id, true);
      browser = await launchBrowser();
      const admin = await browser.newPage();
      await admin.goto(`${server.url}/signin`);
      await admin.getByLabel("Email or student number").fill(DEMO_ADMIN);
      await admin.getByLabel("Password").fill(DEMO_PASSWORD);
      await admin.getByRole("button", { name: "Sign in" }).click();
      await admin.waitForURL(`${server.url}/today`);

      await t.step("the preview names the bad row's line; Import stays off", async () => {
        await admin.goto(`${server.url}/workspace/import`);
        await admin.locator(".roster-import[data-hydrated]").waitFor();
        await admin.getByLabel("Or paste CSV text").fill(BAD);
        await admin.getByRole("button", { name: "Preview" }).click();
        const alert = admin.locator('.roster-import [role="alert"]');
        await alert.waitFor();
        const text = await alert.innerText();
        assert.match(text, /Line 3/, text);
        assert.match(text, /admin or teacher/, text);
        assert.equal(
          await admin.getByRole("button", { name: "Import", exact: true }).isDisabled(),
          true,
        );
      });

      await t.step(
        "fixed, the preview shows the departments it creates; Import writes them",
        async () => {
          await admin.getByLabel("Or paste CSV text").fill(BAD.replace(",student,", ",,"));
          await admin.getByRole("button", { name: "Preview" }).click();
          const departments = admin.locator(".departments-preview");
          await departments.waitFor();
          const listed = await departments.innerText();
          assert.match(listed, /Academic Affairs\s+Created/, listed);
          assert.match(listed, /Academic Affairs \/ Exams\s+Created/, listed);
          await admin.waitForFunction(() => {
            const b = [...document.querySelectorAll(".roster-import button")]
              .find((el) => el.textContent?.trim() === "Import") as HTMLButtonElement | undefined;
            return b && !b.disabled;
          });
          await admin.getByRole("button", { name: "Import", exact: true }).click();
          await admin.getByText("Imported: 2 new, 0 added to departments, 0 unchanged, 2")
            .waitFor();
          const depts = await listDepartments(kv, org.id);
          const affairs = depts.find((d) => d.name === "Academic Affairs")!;
          const kim = (await findUserByEmail(kv, "kim.office@example.org"))!;
          assert.equal(kim.role, "teacher");
          assert.equal(await getMemberRole(kv, affairs.id, kim.id), "teacher", "the manager");
        },
      );

      await t.step(
        "someone new opens a department's invite and lands in the workspace",
        async () => {
          const affairs = (await listDepartments(kv, org.id)).find((d) =>
            d.name === "Academic Affairs"
          )!;
          const token = await apiToken(server, DEMO_ADMIN);
          const made = await api(server, token, "POST", `/api/v1/classes/${affairs.id}/join-links`);
          assert.equal(made.status, 201, JSON.stringify(made.body));
          const context = await browser!.newContext();
          const page = await context.newPage();
          await page.goto(made.body.url as string);
          await page.getByRole("heading", { name: "Join Academic Affairs" }).waitFor();
          await page.getByLabel("Your name").fill("Park New");
          await page.getByLabel("Email").fill("park.new@example.org");
          await page.getByLabel("Password").fill("long enough pass");
          await page.getByRole("button", { name: "Join the workspace" }).click();
          await page.waitForURL(`${server.url}/workspace`);
          const park = (await findUserByEmail(kv, "park.new@example.org"))!;
          assert.equal(park.role, "teacher");
          assert.equal(await getMemberRole(kv, affairs.id, park.id), "student");
          await context.close();
        },
      );
    } finally {
      await browser?.close();
      kv.close();
    }
  },
});
