/**
 * Today and the header in real Chromium against the real app (main.ts with its own LiveKit
 * server, on the demo seed): on a 390 x 844 phone no header item wraps and no page scrolls
 * sideways, in English, Korean and Chinese, on Today, a class page and a lecture page (the
 * links sit behind a menu button that the keyboard opens); at 1280 the links are inline; a
 * student on Today clicks Join on a live lecture and is in its room.
 */
/// <reference lib="dom" />
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { spawnServer } from "@/scripts/spawn_server.ts";
import { DEMO_SLUG, DEMO_STUDENT_NUMBER, DEMO_TEACHERS } from "@/services/demo/seed.ts";
import {
  api,
  apiToken,
  eventually,
  fakeCamera,
  launchMediaBrowser,
  screenshot,
  signInPage,
  spawnedLiveKit,
  userIdOf,
} from "./lecture_fixtures.ts";

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

/**
 * Header items (links, buttons, the menu button, the language select, the name) that are
 * rendered and span more than one line: their text's line boxes, and their height against
 * their line height. Also the page's width beyond the viewport.
 */
function layoutProblems(page: Page) {
  return page.evaluate(() => {
    const wrapped: string[] = [];
    const items = document.querySelectorAll<HTMLElement>(
      ".topbar a, .topbar button, .topbar summary, .topbar select, .topbar .who",
    );
    for (const el of items) {
      if (el.getClientRects().length === 0) continue; // not rendered
      // Inside a closed menu (laid out, not shown): only the menu button itself is seen.
      if (el.closest("details:not([open])") && !el.matches("summary")) continue;
      const style = getComputedStyle(el);
      // The line boxes of its text: a text rect that starts below the last line's bottom
      // begins a new line (a badge beside the text sits on the same line).
      const rects: DOMRect[] = [];
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!n.textContent?.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        rects.push(...[...range.getClientRects()].filter((r) => r.width > 0));
      }
      rects.sort((a, b) => a.top - b.top);
      let lines = 0;
      let bottom = -Infinity;
      for (const r of rects) {
        if (r.top >= bottom - 1) lines++;
        bottom = Math.max(bottom, r.bottom);
      }
      const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
      const box = el.getBoundingClientRect();
      const content = box.height - parseFloat(style.paddingTop) -
        parseFloat(style.paddingBottom) - parseFloat(style.borderTopWidth) -
        parseFloat(style.borderBottomWidth);
      if (el.getClientRects().length > 1 || lines > 1 || content > line * 1.5) {
        wrapped.push(`${el.tagName} "${el.textContent?.trim()}" ${Math.round(box.height)}px`);
      }
    }
    return {
      wrapped,
      overflow: document.documentElement.scrollWidth - globalThis.innerWidth,
      headerHeight: Math.round(document.querySelector(".topbar")!.getBoundingClientRect().height),
    };
  });
}

async function assertFits(page: Page, where: string) {
  const p = await layoutProblems(page);
  assert.deepEqual(p.wrapped, [], `${where}: header items wrap`);
  assert.ok(p.overflow <= 0, `${where}: the page is ${p.overflow}px wider than the phone`);
  assert.ok(p.headerHeight <= 64, `${where}: the header is ${p.headerHeight}px tall`);
}

Deno.test({
  name: "[browser] Today and the header: a phone in three languages, the desktop, Join",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "mirae-today-" });
    await using server = await spawnServer();
    const camera = await fakeCamera(dir, { width: 640, height: 360 }, 30);
    const browser = await launchMediaBrowser(camera);
    try {
      const teacherToken = await apiToken(server, DEMO_TEACHERS[0]);
      const classes = await api(server, teacherToken, "GET", "/api/v1/classes");
      const science = (classes.body.items as { id: string; name: string }[])
        .find((c) => c.name === "3-1 Science")!;
      const lectures = await api(
        server,
        teacherToken,
        "GET",
        `/api/v1/classes/${science.id}/lectures`,
      );
      const soon = (lectures.body.items as { id: string; title: string; status: string }[])
        .find((l) => l.status === "scheduled")!;
      const paths = ["/today", `/classes/${science.id}`, `/lectures/${soon.id}`];

      const phone = await browser.newContext({ viewport: PHONE, hasTouch: true });
      const student = await signInPage(phone, server.url, DEMO_STUDENT_NUMBER, DEMO_SLUG);
      const teacherPhone = await browser.newContext({ viewport: PHONE, hasTouch: true });
      const teacher = await signInPage(teacherPhone, server.url, DEMO_TEACHERS[0]);
      const visitor = await (await browser.newContext({ viewport: PHONE })).newPage();

      await t.step("on a phone nothing in the header wraps, in en, ko and zh", async () => {
        for (const lang of ["en", "ko", "zh"]) {
          for (const context of [phone, teacherPhone, visitor.context()]) {
            await context.addCookies([{ name: "mirae_lang", value: lang, url: server.url }]);
          }
          for (const path of paths) {
            await student.goto(`${server.url}${path}`);
            await assertFits(student, `student ${lang} ${path}`);
            await student.locator(".topmenu > summary").click();
            await student.locator(".topmenu-panel").waitFor();
            await assertFits(student, `student ${lang} ${path} (menu open)`);
            await screenshot(student, `today-phone-${lang}-${path.split("/")[1]}`);
          }
          await teacher.goto(`${server.url}/lectures/${soon.id}`);
          await assertFits(teacher, `teacher ${lang} lecture page`);
          await visitor.goto(`${server.url}/signin`);
          await assertFits(visitor, `signed out ${lang} sign-in page`);
          await teacher.goto(`${server.url}/today`);
          await assertFits(teacher, `teacher ${lang} Today`);
        }
        for (const context of [phone, teacherPhone]) {
          await context.addCookies([{ name: "mirae_lang", value: "en", url: server.url }]);
        }
      });

      await t.step("the menu opens from the keyboard and leads to the links", async () => {
        await student.goto(`${server.url}/today`);
        const summary = student.locator(".topmenu > summary");
        for (
          let i = 0;
          i < 6 && !(await summary.evaluate((s) => s === document.activeElement));
          i++
        ) {
          await student.keyboard.press("Tab");
        }
        assert.ok(await summary.evaluate((s) => s === document.activeElement), "Tab reaches Menu");
        // The menu button says there are unread notifications (the demo student has some).
        assert.match((await summary.getAttribute("aria-label")) ?? "", /^Menu, \d+ unread/);
        await student.keyboard.press("Enter");
        assert.equal(await student.locator(".topmenu").getAttribute("open"), "");
        await student.keyboard.press("Tab");
        assert.equal(await student.evaluate(() => document.activeElement?.textContent), "Today");
        assert.equal(
          await student.evaluate(() => document.activeElement?.getAttribute("aria-current")),
          "page",
        );
        await student.getByRole("link", { name: "My grades" }).click();
        await student.waitForURL(`${server.url}/grades`);
      });

      await t.step("at 1280 the links are inline and there is no menu button", async () => {
        const desk = await (await browser.newContext({ viewport: DESKTOP })).newPage();
        await signInPage(desk.context(), server.url, DEMO_STUDENT_NUMBER, DEMO_SLUG).then((p) =>
          p.close()
        );
        await desk.goto(`${server.url}/today`);
        assert.ok(!(await desk.locator(".topmenu > summary").isVisible()));
        for (const name of ["Today", "My classes", "My grades", "Notifications", "Account"]) {
          const link = desk.locator(".topbar").getByRole("link", { name: new RegExp(`^${name}`) });
          assert.ok(await link.isVisible(), name);
        }
        assert.ok(
          await desk.locator(".topbar").getByRole("button", { name: "Sign out" }).isVisible(),
        );
        const tops = await desk.locator(".topnav a").evaluateAll((els) =>
          els.map((e) => Math.round(e.getBoundingClientRect().top))
        );
        assert.equal(new Set(tops).size, 1, "the links are on one row");
        assert.deepEqual((await layoutProblems(desk)).wrapped, []);
        await screenshot(desk, "today-desktop");
      });

      await t.step(
        "a student on Today clicks Join on a live lecture and is in the room",
        async () => {
          const opened = await api(
            server,
            teacherToken,
            "POST",
            `/api/v1/lectures/${soon.id}/open`,
          );
          assert.equal(opened.status, 200, JSON.stringify(opened.body));
          await student.goto(`${server.url}/today`);
          const join = student.getByRole("link", { name: `Join the live lecture ${soon.title}` });
          await join.click();
          await student.waitForURL(`${server.url}/lectures/${soon.id}`);
          await student.locator('.lecture-room[data-phase="live"]').waitFor({ timeout: 20_000 });
          const rooms = await spawnedLiveKit(server);
          const me = await userIdOf(student);
          await eventually("the student in the media server's room", async () => {
            const people = await rooms.listParticipants(`lecture-${soon.id}`);
            return people.some((p) => p.identity === me);
          });
          await screenshot(student, "today-joined");
        },
      );
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
