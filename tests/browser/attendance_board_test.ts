/**
 * The manager's attendance board in real Chromium against the real app (main.ts, its KV opened
 * beside it for the fixtures: a company on Seoul's clock, clock-in on, one site):
 * - the board of Boss's departments shows Ann as not clocked in; Ann punches through the real
 *   punch API; without a reload the board (its island polls every 15 s) shows her clocked in,
 *   and the count of people in goes from 0 to 1;
 * - "Download CSV" downloads the month (Playwright's download event): a BOM, the headers, a
 *   row per person and day of the month so far (Ann's today with her clock-in time) and a
 *   totals row per person;
 * - the board, a person's sheet and the makeup page fit a 390 px phone in en, ko and zh.
 */
/// <reference lib="dom" />
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { spawnServer } from "@/scripts/spawn_server.ts";
import { parseCsv } from "@/services/csv/csv.ts";
import { dayOf, daysOfMonth } from "@/services/clockin/days.ts";
import { utcToZonedTime } from "@/services/coursework/due_time.ts";
import { newId } from "@/services/db/kv.ts";
import { bearer, browserSessionFor, tokenFor } from "@/tests/helpers.ts";
import { clockinCompany } from "@/tests/clockin_manager_fixtures.ts";
import { LANG_COOKIE } from "@/services/web/cookies.ts";
import { launchBrowser } from "./browser.ts";
import { screenshot } from "./lecture_fixtures.ts";

const SITE = { lat: 37.5665, lng: 126.978 };

Deno.test({
  name: "[browser] attendance board: updates when an employee punches; the month's CSV downloads",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using server = await spawnServer();
    const kv = await Deno.openKv(server.kvPath);
    let browser: Browser | null = null;
    try {
      const w = await clockinCompany(kv);
      const tz = w.org.timeZone;
      // Ann works every day, all day (so today is a work day whatever the date and hour).
      const shiftId = newId();
      const days = Object.fromEntries(
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, true]),
      );
      await kv.atomic()
        .set(["clock_shifts", w.org.id, shiftId], {
          id: shiftId,
          orgId: w.org.id,
          shift: {
            kind: "flexible",
            name: "Any time",
            days,
            coreStart: "00:00",
            coreEnd: "23:59",
            minMinutes: 0,
            remoteDays: [],
          },
        })
        .set(["clock_shift_assign", w.org.id, "user", w.ann.id], shiftId)
        .commit();
      const admin = await tokenFor(kv, w.admin);
      const site = await fetch(`${server.url}/api/v1/clockin/sites`, {
        method: "POST",
        headers: bearer(admin, { "content-type": "application/json" }),
        body: JSON.stringify({ name: "HQ", ...SITE, radiusM: 500 }),
      });
      assert.equal(site.status, 201, await site.clone().text());
      await site.body?.cancel();

      browser = await launchBrowser();
      const context = await browser.newContext({ acceptDownloads: true });
      const { cookie } = await browserSessionFor(kv, w.boss);
      const [name, value] = cookie.split("=");
      await context.addCookies([{ name, value, url: server.url }]);
      const page = await context.newPage();
      await page.goto(`${server.url}/workspace/attendance`);
      await page.locator(".attendance-board[data-hydrated]").waitFor();
      const annRow = page.locator(`tr[data-user="${w.ann.id}"]`);
      assert.equal(await annRow.getAttribute("data-status"), "not_yet");
      assert.equal(await page.locator('[data-count="in"]').textContent(), "0");

      const punch = await fetch(`${server.url}/api/v1/clockin/punches`, {
        method: "POST",
        headers: bearer(await tokenFor(kv, w.ann), { "content-type": "application/json" }),
        body: JSON.stringify({ position: { ...SITE, accuracy: 20 } }),
      });
      assert.equal(punch.status, 201, await punch.clone().text());
      const { punch: stored } = await punch.json();
      const time = utcToZonedTime(stored.at, tz).time;

      // No reload: the island's next poll brings it.
      await page.locator('[data-count="in"]', { hasText: "1" }).waitFor({ timeout: 30_000 });
      // Clocked in (late, by a flexible day's 00:00 core start, unless it is 00:00 now).
      assert.ok(["in", "late"].includes((await annRow.getAttribute("data-status"))!));
      assert.match((await annRow.textContent()) ?? "", /HQ/);
      await screenshot(page, "attendance-board", { fullPage: true });

      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("button", { name: "Download CSV" }).click(),
      ]);
      assert.match(download.suggestedFilename(), /^attendance-.*\.csv$/);
      const bytes = await Deno.readFile((await download.path())!);
      assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf]);
      const rows = parseCsv(new TextDecoder().decode(bytes)).map((r) => r.fields);
      assert.deepEqual(rows[0].slice(0, 4), ["Name", "Email", "Department", "Date"]);
      const today = dayOf(new Date(stored.at), tz);
      const soFar = daysOfMonth(today.slice(0, 7)).filter((d) => d <= today).length;
      // Boss's departments: Engineering and Platform: Ann, Bob, Boss, Lead.
      assert.equal(rows.length, 1 + 4 * (soFar + 1));
      const ann = rows.filter((r) => r[0] === "Ann");
      assert.equal(ann.length, soFar + 1);
      const todayRow = ann.find((r) => r[3] === today)!;
      assert.equal(todayRow[6], time);
      assert.equal(ann.at(-1)![3], "Total");
      await context.close();

      // On a 390 px phone, in the three languages, no page is wider than the screen.
      const makeupFor = await browserSessionFor(kv, w.ann);
      for (const lang of ["en", "ko", "zh"]) {
        const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
        await phone.addCookies([{ name: LANG_COOKIE, value: lang, url: server.url }]);
        for (
          const [who, path] of [
            [cookie, "/workspace/attendance"],
            [cookie, `/workspace/attendance/${w.ann.id}`],
            [makeupFor.cookie, "/workspace/clockin/makeup"],
          ]
        ) {
          const [n, v] = who.split("=");
          await phone.addCookies([{ name: n, value: v, url: server.url }]);
          const p = await phone.newPage();
          const res = await p.goto(`${server.url}${path}`);
          assert.equal(res?.status(), 200, path);
          assert.equal(
            await p.locator("html").getAttribute("lang"),
            lang === "zh" ? "zh-Hans" : lang,
          );
          const overflow = await p.evaluate(() =>
            document.documentElement.scrollWidth - globalThis.innerWidth
          );
          assert.ok(overflow <= 0, `${lang} ${path}: ${overflow}px wider than the phone`);
          await screenshot(p, `attendance-${lang}-${path.split("/").at(-1)}`, { fullPage: true });
          await p.close();
        }
        await phone.close();
      }
    } finally {
      await browser?.close();
      kv.close();
    }
  },
});
