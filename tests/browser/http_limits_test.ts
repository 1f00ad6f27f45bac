/**
 * A form too large for the body limit, in real Chromium against the real server: the server
 * refuses it and closes the connection without reading the rest (services/web/body_limit.ts),
 * and the person still sees the refusal page, in their language, rather than a browser error.
 */
/// <reference lib="dom" />
import assert from "node:assert/strict";
import { spawnServer } from "@/scripts/spawn_server.ts";
import { launchBrowser } from "./browser.ts";

Deno.test({
  name: "[browser] a sign-in form over 1 MB: the 413 page is shown, in the visitor's language",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using server = await spawnServer({
      // No live video needed.
      LIVEKIT_URL: "ws://127.0.0.1:9",
      LIVEKIT_API_KEY: "key",
      LIVEKIT_API_SECRET: "secret-that-is-at-least-32-characters-long",
    });
    const browser = await launchBrowser();
    try {
      for (const [locale, text] of [["en-US", "larger than 1 MB"], ["ko-KR", "1 MB보다 큽니다"]]) {
        const context = await browser.newContext({ locale });
        const page = await context.newPage();
        const statuses: number[] = [];
        page.on("response", (r) => {
          if (r.request().method() === "POST") statuses.push(r.status());
        });
        await page.goto(`${server.url}/signin`);
        await page.evaluate(() => {
          const login = document.querySelector<HTMLInputElement>('input[name="login"]')!;
          login.removeAttribute("maxlength");
          login.value = "x".repeat(3 << 20);
          document.querySelector<HTMLInputElement>('input[name="password"]')!.value = "pw";
          login.form!.submit();
        });
        await page.waitForFunction(
          (t) => document.body?.innerText.includes(t),
          text,
          { timeout: 15_000 },
        );
        assert.deepEqual(statuses, [413]);
        await context.close();
      }
    } finally {
      await browser.close();
    }
  },
});
