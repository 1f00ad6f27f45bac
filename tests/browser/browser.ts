/**
 * Real Chromium for browser tests, driven by playwright-core (no browser download: Debian's
 * chromium, or CHROMIUM_PATH).
 * @module
 */
import { type Browser, chromium } from "playwright-core";
import { CHROMIUM } from "@/scripts/setup.ts";

/**
 * Launches headless Chromium with the flags that work as root on these machines (Playwright
 * gives it a fresh temporary profile).
 */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      ...extraArgs,
    ],
  });
}
