/**
 * Every page but the lecture room on a 390 x 844 phone, in real Chromium against the real app
 * (main.ts on the demo seed): as admin, teacher, student and signed out, in English, Korean and
 * Chinese, no page scrolls sideways, no element's right edge passes the screen's and no button
 * is squeezed to a few letters a line (a failure names the elements). Tables become stacked
 * cards whose cells say what they are (`data-label`), forms one column, long words wrap. With
 * SCREENSHOT_DIR set it keeps a full-page screenshot of each page.
 */
/// <reference lib="dom" />
import assert from "node:assert/strict";
import type { BrowserContext, Page } from "playwright-core";
import { spawnServer } from "@/scripts/spawn_server.ts";
import { DEMO_ADMIN, DEMO_SLUG, DEMO_STUDENT_NUMBER, DEMO_TEACHERS } from "@/services/demo/seed.ts";
import { launchBrowser } from "./browser.ts";
import { api, apiToken, joinLink, screenshot, signInPage, userIdOf } from "./lecture_fixtures.ts";

const PHONE = { width: 390, height: 844 };
const LANGS = ["en", "ko", "zh"] as const;
/** Chat lines and an announcement with words no screen is wide enough for. */
const LONG_URL =
  "https://example.org/a/very/long/path/that/does/not/break/anywhere/at/all/unless/told/to/wrap/it/now";
const LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis".repeat(3);

/**
 * What sticks out past the viewport's right edge: the page's extra width, and the outermost
 * rendered elements whose right edge is beyond it (tag, id, class and text, to say where).
 */
function overflows(page: Page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const beyond = (el: Element) => el.getBoundingClientRect().right > width + 0.5;
    // Clipped by a box that fits (visually hidden headers, ellipsis): not seen past the edge.
    const clipped = (el: Element) => {
      for (let a = el.parentElement; a; a = a.parentElement) {
        if (/hidden|clip/.test(getComputedStyle(a).overflowX) && !beyond(a)) return true;
      }
      return false;
    };
    const out = (el: Element) =>
      el.getClientRects().length > 0 && el.getBoundingClientRect().width > 0 && beyond(el) &&
      !clipped(el);
    const offenders: string[] = [];
    for (const el of document.body.querySelectorAll("*")) {
      if (!out(el) || (el.parentElement && out(el.parentElement))) continue;
      const r = el.getBoundingClientRect();
      const cls = el.getAttribute("class");
      const text = (el.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 40);
      offenders.push(
        `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${
          cls ? `.${cls.replace(/ +/g, ".")}` : ""
        }` +
          ` right=${Math.round(r.right)} "${text}"`,
      );
    }
    // Buttons squeezed so narrow that their words stand a few letters a line.
    for (const el of document.querySelectorAll<HTMLElement>("main button, main a.button")) {
      if (el.getClientRects().length === 0) continue;
      const style = getComputedStyle(el);
      const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
      const content = el.getBoundingClientRect().height - parseFloat(style.paddingTop) -
        parseFloat(style.paddingBottom) - parseFloat(style.borderTopWidth) -
        parseFloat(style.borderBottomWidth);
      const lines = Math.round(content / line);
      const text = (el.textContent ?? "").trim();
      if (lines > 2 && text.length / lines < 8) {
        offenders.push(`${el.tagName.toLowerCase()} "${text}" squeezed into ${lines} lines`);
      }
    }
    return { extra: document.documentElement.scrollWidth - width, offenders };
  });
}

/** What does not fit the phone on the page as it is now (none when it fits). */
async function misfits(page: Page, where: string, name: string): Promise<string[]> {
  const { extra, offenders } = await overflows(page);
  await screenshot(page, `phone-${`${where} ${name}`.replace(/\W+/g, "-")}`, { fullPage: true });
  return [
    ...offenders.map((o) => `${where} ${name}: ${o}`),
    ...(extra > 0 ? [`${where} ${name}: the page is ${extra}px wider than the phone`] : []),
  ];
}

/** Visits `path`; what does not fit the phone there. */
async function visit(page: Page, base: string, path: string, where: string) {
  const res = await page.goto(`${base}${path}`);
  if (!res || res.status() >= 400) return [`${where} ${path}: status ${res?.status()}`];
  return await misfits(page, where, path.replace(/[0-9A-Z]{26}/g, "id"));
}

/** Gets a new calendar link (the address is shown once, on the page the form answers). */
async function newFeedLink(page: Page, base: string, path: string, where: string) {
  await page.goto(`${base}${path}`);
  await Promise.all([
    page.waitForURL(`${base}/calendar`),
    page.locator('form[action="/calendar"]:has(input[value="new"]) button').first().click(),
  ]);
  await page.locator("input.feed-url").waitFor();
  return await misfits(page, where, `${path.replace(/[0-9A-Z]{26}/g, "id")} new calendar link`);
}

Deno.test({
  name: "[browser] every page but the lecture room fits a 390 px phone in en, ko and zh",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await using server = await spawnServer();
    const browser = await launchBrowser();
    try {
      const base = server.url;
      const teacherToken = await apiToken(server, DEMO_TEACHERS[0]);
      const classes = await api(server, teacherToken, "GET", "/api/v1/classes");
      const science = (classes.body.items as { id: string; name: string }[])
        .find((c) => c.name === "3-1 Science")!;
      const cid = science.id;
      // An ended lecture with chat (the next one goes live, gets two long lines, and ends) and
      // an announcement as long.
      const lectures = await api(server, teacherToken, "GET", `/api/v1/classes/${cid}/lectures`);
      const soon = (lectures.body.items as { id: string; status: string }[])
        .find((l) => l.status === "scheduled")!;
      const lid = soon.id;
      for (
        const [method, path, body] of [
          ["POST", `/api/v1/lectures/${lid}/open`, undefined],
          ["POST", `/api/v1/lectures/${lid}/chat`, { text: `Read this: ${LONG_URL}` }],
          ["POST", `/api/v1/lectures/${lid}/chat`, { text: LONG_WORD }],
          ["POST", `/api/v1/lectures/${lid}/end`, undefined],
          ["POST", `/api/v1/classes/${cid}/posts`, { body: `${LONG_WORD}\n\n${LONG_URL}` }],
        ] as const
      ) {
        const res = await api(server, teacherToken, method, path, body);
        assert.ok(res.status < 300, `${path}: ${res.status} ${JSON.stringify(res.body)}`);
      }
      const work = await api(server, teacherToken, "GET", `/api/v1/classes/${cid}/assignments`);
      const graded = (work.body.items as { id: string; title: string }[])
        .find((a) => a.title === "Leaf observation journal")!;
      const aid = graded.id;
      const link = new URL(await joinLink(server, teacherToken, cid));

      const contexts: BrowserContext[] = [];
      const context = async () => {
        const c = await browser.newContext({ viewport: PHONE, hasTouch: true });
        contexts.push(c);
        return c;
      };
      const student = await signInPage(await context(), base, DEMO_STUDENT_NUMBER, DEMO_SLUG);
      const sid = await userIdOf(student);
      const teacher = await signInPage(await context(), base, DEMO_TEACHERS[0]);
      const admin = await signInPage(await context(), base, DEMO_ADMIN);
      await admin.goto(`${base}/admin`);
      const dept = await admin.locator('#departments a[href^="/admin/classes/"]').last()
        .getAttribute("href");
      const visitor = await (await context()).newPage();

      const pages: [string, Page, string[]][] = [
        ["student", student, [
          "/today",
          "/classes",
          `/classes/${cid}`,
          `/classes/${cid}/lectures`,
          `/lectures/${lid}`,
          `/lectures/${lid}/attendance`,
          `/classes/${cid}/assignments`,
          `/classes/${cid}/assignments/${aid}`,
          "/grades",
          "/notifications",
          "/calendar",
          "/account",
        ]],
        ["teacher", teacher, [
          "/today",
          "/classes",
          `/classes/${cid}`,
          `/classes/${cid}/lectures`,
          `/lectures/${lid}`,
          `/lectures/${lid}/attendance`,
          `/classes/${cid}/assignments`,
          `/classes/${cid}/assignments/new`,
          `/classes/${cid}/assignments/${aid}`,
          `/classes/${cid}/assignments/${aid}/edit`,
          `/classes/${cid}/assignments/${aid}/submissions/${sid}`,
          `/classes/${cid}/gradebook`,
          `/classes/${cid}/accounts`,
          `/classes/${cid}/slips`,
          "/workspace",
          "/notifications",
          "/calendar",
          "/account",
        ]],
        ["admin", admin, [
          "/admin",
          `/admin/classes/${cid}`,
          `/admin/people/${sid}`,
          `/classes/${cid}`,
          `${dept}`,
          "/workspace",
          "/account",
        ]],
        ["visitor", visitor, [
          "/signin",
          "/signin/code",
          "/join",
          `${link.pathname}${link.search}`,
        ]],
      ];

      for (const lang of LANGS) {
        await t.step(`${lang}: every page fits`, async () => {
          for (const c of contexts) {
            await c.addCookies([{ name: "mirae_lang", value: lang, url: base }]);
          }
          const problems: string[] = [];
          for (const [who, page, paths] of pages) {
            for (const path of paths) {
              problems.push(...await visit(page, base, path, `${who} ${lang}`));
            }
          }
          problems.push(...await newFeedLink(student, base, "/calendar", `student ${lang}`));
          problems.push(
            ...await newFeedLink(teacher, base, `/classes/${cid}/lectures`, `teacher ${lang}`),
          );
          assert.deepEqual(problems, [], "pages wider than the phone (elements past its edge)");
        });
      }

      await t.step("a roster import's preview and its problems fit", async () => {
        await teacher.context().addCookies([{ name: "mirae_lang", value: "en", url: base }]);
        await teacher.goto(`${base}/classes/${cid}`);
        await teacher.getByLabel("Or paste CSV text").fill(
          "name,email,student_number,role\n" +
            `Kim ${LONG_WORD.slice(0, 60)},${
              LONG_WORD.slice(0, 60).toLowerCase()
            }@example.org,2026901,student\n` +
            "Lee,not-an-email,2026902,student\n",
        );
        await teacher.getByRole("button", { name: "Preview" }).click();
        await teacher.locator(".roster-import .alert table").waitFor();
        const problems = await misfits(teacher, "teacher en", "roster import problems");
        await teacher.getByLabel("Or paste CSV text").fill(
          "name,email,student_number,role\n" +
            `Kim ${LONG_WORD.slice(0, 60)},${
              LONG_WORD.slice(0, 60).toLowerCase()
            }@example.org,2026901,student\n`,
        );
        await teacher.getByRole("button", { name: "Preview" }).click();
        await teacher.locator(".roster-import .preview table").waitFor();
        problems.push(...await misfits(teacher, "teacher en", "roster import preview"));
        assert.deepEqual(problems, []);
      });

      await t.step("a stacked table's cells say what they are", async () => {
        await teacher.goto(`${base}/classes/${cid}/gradebook`);
        const cells = await teacher.locator("table.gradebook tbody td").evaluateAll((tds) =>
          tds.map((td) => ({
            label: td.getAttribute("data-label") ?? "",
            before: getComputedStyle(td, "::before").content,
            display: getComputedStyle(td).display,
          }))
        );
        assert.ok(cells.length > 0);
        for (const c of cells) {
          assert.ok(c.label, "every gradebook cell has a label");
          assert.equal(c.display, "flow-root", "the cell is a label: value line");
          assert.match(c.before, /\S/, "the label is shown before the value");
        }
      });
    } finally {
      await browser.close();
    }
  },
});
