/**
 * The clock-in page in real Chromium on a 390 x 844 phone, against the real app (main.ts on
 * the demo school with its staff workspace switched on, clock-in on, one site "Main Campus"
 * with a 500 m radius): positions are set with Playwright's geolocation override. Each person
 * punches once (a second punch in the same minute would answer the first).
 * - inside: the punch is stored "inside" and the page says "200 m from Main Campus, ±30 m";
 * - outside: the server asks for a remark, the page offers "Clock in as outside", it is stored
 *   outside with the remark;
 * - uncertain: the accuracy circle straddles the radius, the page takes a second reading by
 *   itself (the same), then offers outside with a remark, stored outside;
 * - clock-in off: the page says the admin has not switched it on; a student gets 404;
 * - a reading worse than the accuracy limit: the server's advice is shown, nothing stored;
 * - geolocation not granted: the page says how to allow it and nothing is stored; on the
 *   person's office network the punch is made without a position;
 * - what is stored about me lists the inside punch with its coordinates; the pages fit the
 *   phone in en, ko and zh;
 * - setup: a setting out of range and a site radius of 20 m get their message at the field; a
 *   site from the admin's own position with an office network is saved;
 * - quick clock-in (setting on, a shift whose window is open): opening the page clocks in
 *   without a tap, says so, and Undo undoes it.
 */
/// <reference lib="dom" />
import assert from "node:assert/strict";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { spawnServer } from "@/scripts/spawn_server.ts";
import { DEMO_ADMIN, DEMO_SLUG } from "@/services/demo/seed.ts";
import { findOrgBySlug, setStaffWorkspace } from "@/services/orgs/orgs.ts";
import { findUserByEmail, type User } from "@/services/orgs/users.ts";
import { browserSessionFor, randomUser } from "@/tests/helpers.ts";
import { launchBrowser } from "./browser.ts";
import { api, apiToken } from "./lecture_fixtures.ts";

const PHONE = { width: 390, height: 844 };
const SITE = { lat: 37.5665, lng: 126.978 };
/** Metres per degree of latitude on the sphere the server measures with. */
const M_PER_DEG = (6_371_008.8 * Math.PI) / 180;
const north = (m: number) => ({ latitude: SITE.lat + m / M_PER_DEG, longitude: SITE.lng });

interface Stored {
  punches: {
    id: string;
    verdict: string;
    kind: string;
    remark?: string;
    source: string;
    undoneAt?: string;
  }[];
}

/** What the steps share: the app, its KV (opened beside it), the browser, the school. */
interface Env {
  url: string;
  kv: Deno.Kv;
  browser: Browser;
  orgId: string;
}

/** A new staff member's phone, signed in on the clock-in page, with a position (or none granted). */
async function phoneOf(
  env: Env,
  position: { latitude: number; longitude: number; accuracy: number } | null,
  someone?: User,
): Promise<{ user: User; context: BrowserContext; page: Page }> {
  const user = someone ?? await randomUser(env.kv, env.orgId, "teacher");
  const context = await env.browser.newContext({
    viewport: PHONE,
    hasTouch: true,
    ...(position && { geolocation: position, permissions: ["geolocation"] }),
  });
  const { cookie } = await browserSessionFor(env.kv, user);
  const [name, value] = cookie.split("=");
  await context.addCookies([{ name, value, url: env.url }]);
  const page = await context.newPage();
  await page.goto(`${env.url}/workspace/clockin`);
  await page.locator(".clockin[data-hydrated]").waitFor();
  return { user, context, page };
}

/** The person's punches of this month as the API stores them. */
async function stored(env: Env, user: User): Promise<Stored["punches"]> {
  const { cookie } = await browserSessionFor(env.kv, user);
  const res = await fetch(`${env.url}/api/v1/clockin/me`, { headers: { cookie } });
  assert.equal(res.status, 200);
  return ((await res.json()) as Stored).punches;
}

/** Waits until the page's islands (`count` of them) have hydrated. */
async function allHydrated(page: Page, count: number) {
  await page.waitForFunction(
    (n) => document.querySelectorAll("[data-hydrated]").length >= n,
    count,
  );
}

async function fitsThePhone(page: Page, where: string) {
  const overflow = await page.evaluate(() =>
    document.documentElement.scrollWidth - globalThis.innerWidth
  );
  assert.ok(overflow <= 0, `${where}: ${overflow}px wider than the phone`);
}

Deno.test({
  name: "[browser] clock-in on a phone: inside, outside, uncertain, denied, quick with undo",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await using server = await spawnServer();
    const kv = await Deno.openKv(server.kvPath);
    let browser: Browser | null = null;
    try {
      const org = (await findOrgBySlug(kv, DEMO_SLUG))!;
      await setStaffWorkspace(kv, org.id, true);
      const admin = await apiToken(server, DEMO_ADMIN);
      browser = await launchBrowser();
      const env: Env = { url: server.url, kv, browser, orgId: org.id };
      await t.step("off until an admin switches it on; 404 without a workspace", async () => {
        const { context, page } = await phoneOf(env, null);
        await page.getByText("Your admin has not switched clock-in on.").waitFor();
        assert.equal(await page.locator(".clockin-button").count(), 0);
        await context.close();
        const student = await randomUser(kv, org.id, "student");
        const { cookie } = await browserSessionFor(kv, student);
        for (const path of ["/workspace/clockin", "/workspace/clockin/history"]) {
          const res = await fetch(`${server.url}${path}`, { headers: { cookie } });
          await res.body?.cancel();
          assert.equal(res.status, 404, path);
        }
      });
      const settings = await api(server, admin, "PUT", "/api/v1/clockin/settings", {
        enabled: true,
        outsideRemark: true,
        outsidePhoto: "off",
      });
      assert.equal(settings.status, 200, JSON.stringify(settings.body));
      const site = await api(server, admin, "POST", "/api/v1/clockin/sites", {
        name: "Main Campus",
        ...SITE,
        radiusM: 500,
      });
      assert.equal(site.status, 201, JSON.stringify(site.body));
      // One person's office network is this machine's loopback (the browser's address here).
      const onNetwork = await randomUser(kv, org.id, "teacher");
      const office = await api(server, admin, "POST", "/api/v1/clockin/sites", {
        name: "HQ network",
        lat: 35.1796,
        lng: 129.0756,
        networks: ["127.0.0.0/8", "::1/128"],
        userIds: [onNetwork.id],
      });
      assert.equal(office.status, 201, JSON.stringify(office.body));

      await t.step("inside: stored inside, labelled with the distance to the site", async () => {
        const { user, context, page } = await phoneOf(env, { ...north(200), accuracy: 30 });
        const button = page.getByRole("button", { name: "Clock in", exact: true });
        await button.focus();
        await page.keyboard.press("Enter"); // the keyboard works the button
        await page.getByRole("status").getByText(/^Clocked in at \d\d:\d\d\.$/).waitFor();
        await page.getByText("200 m from Main Campus, ±30 m").first().waitFor();
        await page.getByRole("button", { name: "Clock out", exact: true }).waitFor();
        const punches = await stored(env, user);
        assert.deepEqual(punches.map((p) => [p.kind, p.verdict, p.source]), [[
          "in",
          "inside",
          "tap",
        ]]);
        await fitsThePhone(page, "after an inside punch");
        // What was stored about me: the punch as stored, raw coordinates included (still kept).
        await page.getByRole("link", { name: "What is stored about me" }).click();
        const item = page.locator(".clockin-history-list li").first();
        await item.waitFor();
        const text = await item.innerText();
        assert.match(text, /On site/);
        assert.match(text, /200 m from Main Campus, ±30 m/);
        const [, lat, lng] = /Coordinates\s+(-?[\d.]+), (-?[\d.]+)/.exec(text) ?? [];
        assert.ok(Math.abs(Number(lat) - north(200).latitude) < 1e-6, `latitude ${lat}`);
        assert.ok(Math.abs(Number(lng) - SITE.lng) < 1e-6, `longitude ${lng}`);
        assert.match(text, /±30 m/);
        for (const lang of ["ko", "zh", "en"]) {
          await context.addCookies([{ name: "mirae_lang", value: lang, url: env.url }]);
          for (const path of ["/workspace/clockin", "/workspace/clockin/history"]) {
            await page.goto(`${env.url}${path}`);
            await page.locator("[data-hydrated]").first().waitFor();
            await fitsThePhone(page, `${path} in ${lang}`);
          }
        }
        await context.close();
      });

      await t.step("outside: a remark is asked for, then the punch is stored outside", async () => {
        const { user, context, page } = await phoneOf(env, { ...north(20_000), accuracy: 30 });
        await page.getByRole("button", { name: "Clock in", exact: true }).click();
        await page.getByText("You are outside your sites. Add a remark").waitFor();
        assert.deepEqual(await stored(env, user), [], "nothing is stored before the remark");
        await page.getByLabel("Remark").fill("Client visit in Uijeongbu");
        await page.getByRole("button", { name: "Clock in as outside" }).click();
        await page.getByRole("status").getByText(/^Clocked in at/).waitFor();
        const punches = await stored(env, user);
        assert.deepEqual(punches.map((p) => [p.verdict, p.remark]), [[
          "outside",
          "Client visit in Uijeongbu",
        ]]);
        await fitsThePhone(page, "after an outside punch");
        await context.close();
      });

      await t.step(
        "uncertain: one more reading by itself, then outside with a remark",
        async () => {
          // 480 m out of 500 with ±50 m: the circle straddles the radius, and stays there.
          const { user, context, page } = await phoneOf(env, { ...north(480), accuracy: 50 });
          const readings = await page.evaluate(() => {
            const w = globalThis as unknown as { readings: number };
            w.readings = 0;
            const original = navigator.geolocation.getCurrentPosition.bind(navigator.geolocation);
            navigator.geolocation.getCurrentPosition = (ok, err, opts) => {
              w.readings++;
              return original(ok, err, opts);
            };
            return w.readings;
          });
          assert.equal(readings, 0, "no position is read before the press");
          await page.getByRole("button", { name: "Clock in", exact: true }).click();
          await page.getByText("We still cannot tell whether you are on site").waitFor();
          assert.equal(
            await page.evaluate(() => (globalThis as unknown as { readings: number }).readings),
            2,
            "the page took a second reading by itself",
          );
          assert.deepEqual(await stored(env, user), []);
          await page.getByLabel("Remark").fill("At the edge of the campus");
          await page.getByRole("button", { name: "Clock in as outside" }).click();
          await page.getByRole("status").getByText(/^Clocked in at/).waitFor();
          const punches = await stored(env, user);
          assert.deepEqual(punches.map((p) => [p.verdict, p.remark]), [[
            "outside",
            "At the edge of the campus",
          ]]);
          await context.close();
        },
      );

      await t.step("a reading less accurate than the limit: the server's advice", async () => {
        const { user, context, page } = await phoneOf(env, { ...north(100), accuracy: 2500 });
        await page.getByRole("button", { name: "Clock in", exact: true }).click();
        await page.getByRole("alert").filter({ hasText: "only known to ±2500 m" }).waitFor();
        assert.deepEqual(await stored(env, user), []);
        await context.close();
      });

      await t.step("geolocation not granted: how to allow it, nothing stored", async () => {
        const { user, context, page } = await phoneOf(env, null);
        await page.getByRole("button", { name: "Clock in", exact: true }).click();
        const alert = page.getByRole("alert").filter({ hasText: "Location is blocked" });
        await alert.waitFor();
        assert.match(await alert.innerText(), /Chrome: .*Safari .*Android/s);
        await page.getByText("On the office network you can clock in without a position.")
          .waitFor();
        assert.deepEqual(await stored(env, user), []);
        await fitsThePhone(page, "with the location message");
        await context.close();
      });

      await t.step("denied, but on the office network: the punch counts as on site", async () => {
        const { user, context, page } = await phoneOf(env, null, onNetwork);
        await page.getByRole("button", { name: "Clock in", exact: true }).click();
        await page.getByRole("status").getByText(/^Clocked in at/).waitFor();
        await page.getByText("office network (HQ network)").first().waitFor();
        const punches = await stored(env, user);
        assert.deepEqual(punches.map((p) => p.verdict), ["network"]);
        await context.close();
      });

      await t.step("setup: a site from the admin's position, errors at their field", async () => {
        const adminUser = (await findUserByEmail(kv, DEMO_ADMIN))!;
        const context = await browser!.newContext({
          viewport: PHONE,
          hasTouch: true,
          geolocation: { ...north(-1000), accuracy: 12 },
          permissions: ["geolocation"],
        });
        const { cookie } = await browserSessionFor(kv, adminUser);
        const [name, value] = cookie.split("=");
        await context.addCookies([{ name, value, url: env.url }]);
        const page = await context.newPage();
        await page.goto(`${env.url}/workspace/clockin/setup`);
        await allHydrated(page, 4); // settings, sites, shifts, assignments
        await fitsThePhone(page, "the setup page");
        // A setting out of range: the message sits under its field.
        await page.getByLabel("Keep raw coordinates (days)").fill("0");
        await page.getByRole("button", { name: "Save", exact: true }).first().click();
        await page.locator("#setting-retentionDays ~ .error").waitFor();
        await page.getByLabel("Keep raw coordinates (days)").fill("14");
        await page.getByRole("button", { name: "Save", exact: true }).first().click();
        await page.getByText("Saved.").waitFor();
        // A site at the admin's own position, first with a radius the server refuses.
        await page.getByRole("button", { name: "Add a site" }).click();
        await page.getByLabel("Name").first().fill("South Gate");
        await page.getByRole("button", { name: "Use my current position" }).click();
        await page.getByText("Position taken (±12 m).").waitFor();
        assert.equal(
          Number(await page.getByLabel("Latitude").inputValue()).toFixed(5),
          north(-1000).latitude.toFixed(5),
        );
        await page.getByLabel("Radius (m)").fill("20");
        await page.getByRole("button", { name: "Save", exact: true }).last().click();
        await page.locator("#site-radius ~ .error").getByText(/50 to 3000/).waitFor();
        await page.getByLabel("Radius (m)").fill("300");
        await page.getByLabel("Office networks").fill("203.0.113.0/24");
        await page.getByRole("button", { name: "Save", exact: true }).last().click();
        await page.locator(".clockin-sites li", { hasText: "South Gate" }).waitFor();
        const sites = await api(server, admin, "GET", "/api/v1/clockin/sites");
        const made = (sites.body.items as { name: string; radiusM: number; networks: string[] }[])
          .find((s) => s.name === "South Gate");
        assert.deepEqual([made?.radiusM, made?.networks], [300, ["203.0.113.0/24"]]);
        // A fixed shift from the form (an end before its start is refused at the field), then
        // everyone's shift; the select shows it after the reload.
        await page.getByRole("button", { name: "Add a shift" }).click();
        await page.locator("#shift-name").fill("Day shift");
        await page.getByLabel("Mon end").fill("08:00");
        await page.getByRole("button", { name: "Save", exact: true }).last().click();
        await page.getByText("The end must be after the start").waitFor();
        await page.getByLabel("Mon end").fill("18:00");
        await page.getByRole("button", { name: "Save", exact: true }).last().click();
        await page.locator("li", { hasText: "Day shift" }).waitFor();
        await allHydrated(page, 4);
        await Promise.all([
          page.waitForEvent("load"),
          page.getByLabel("Everyone's shift").selectOption({ label: "Day shift" }),
        ]);
        await allHydrated(page, 4);
        assert.equal(
          await page.getByLabel("Everyone's shift").evaluate((el) =>
            (el as HTMLSelectElement).selectedOptions[0].textContent
          ),
          "Day shift",
        );
        for (const lang of ["ko", "zh"]) {
          await context.addCookies([{ name: "mirae_lang", value: lang, url: env.url }]);
          await page.reload();
          await allHydrated(page, 4); // settings, sites, shifts, assignments
          await fitsThePhone(page, `the setup page in ${lang}`);
        }
        await context.close();
      });

      await t.step("quick clock-in: opening the page clocks in, Undo undoes it", async () => {
        const allDay = { start: "00:00", end: "23:59" };
        const shift = await api(server, admin, "POST", "/api/v1/clockin/shifts", {
          kind: "fixed",
          name: "All day",
          days: Object.fromEntries(
            ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, allDay]),
          ),
        });
        assert.equal(shift.status, 201, JSON.stringify(shift.body));
        const shiftId = (shift.body as { id: string }).id;
        const assigned = await api(server, admin, "PUT", "/api/v1/clockin/shift-assignments", {
          target: "org",
          shiftId,
        });
        assert.equal(assigned.status, 200, JSON.stringify(assigned.body));
        const quick = await api(server, admin, "PUT", "/api/v1/clockin/settings", { quick: true });
        assert.equal(quick.status, 200);

        const { user, context, page } = await phoneOf(env, { ...north(100), accuracy: 20 });
        await page.getByRole("status").getByText(/^Clocked in automatically at .*quick clock-in/)
          .waitFor();
        let punches = await stored(env, user);
        assert.deepEqual(punches.map((p) => [p.verdict, p.source, !!p.undoneAt]), [[
          "inside",
          "quick",
          false,
        ]]);
        await page.getByRole("button", { name: "Undo" }).click();
        await page.getByRole("status").getByText(/^Quick clock-in undone/).waitFor();
        await page.getByRole("button", { name: "Clock in", exact: true }).waitFor();
        punches = await stored(env, user);
        assert.ok(punches[0].undoneAt, "the punch is marked undone");
        // A reload the same day does not clock in again by itself.
        await page.reload();
        await page.locator(".clockin[data-hydrated]").waitFor();
        await page.getByText("Today's punches").waitFor();
        assert.equal((await stored(env, user)).length, 1);
        await context.close();
      });
    } finally {
      await browser?.close();
      kv.close();
    }
  },
});
