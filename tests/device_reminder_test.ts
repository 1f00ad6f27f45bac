/**
 * A device-only account (no password) is reminded in the last week of its device session,
 * with the days left, on every page (not on the account page, which has the offer itself).
 */
import assert from "node:assert/strict";
import { createSession, DEVICE_SESSION_MS } from "@/services/auth/sessions.ts";
import { randomOrg, randomUser, testApp } from "./helpers.ts";

Deno.test("[device reminder] the last 7 days of a device session show the days left; earlier, or with a password, nothing", async () => {
  await using t = await testApp();
  const org = await randomOrg(t.kv);
  const deviceOnly = await randomUser(t.kv, org.id, "student", { passwordHash: undefined });
  const withPassword = await randomUser(t.kv, org.id, "student");
  const page = async (user: typeof deviceOnly, ttlMs: number, path = "/classes", lang = "en") => {
    const { token } = await createSession(t.kv, user, { ttlMs, kind: "device" });
    const res = await t.app.request(path, {
      headers: { cookie: `mirae_session=${token}; mirae_lang=${lang}` },
    });
    assert.equal(res.status, 200);
    return await res.text();
  };
  const day = 86_400_000;
  const late = await page(deviceOnly, 5 * day - 60_000);
  assert.ok(late.includes('id="device-reminder"'));
  assert.ok(late.includes("for 5 more day(s)"), late.slice(0, 300));
  assert.ok(late.includes('href="/account"'));
  assert.ok((await page(deviceOnly, 12 * 3_600_000, "/classes", "ko")).includes("1일 더 유지"));
  assert.ok(!(await page(deviceOnly, DEVICE_SESSION_MS)).includes("device-reminder"), "day 1");
  assert.ok(!(await page(deviceOnly, 8 * day)).includes("device-reminder"));
  assert.ok(!(await page(withPassword, 2 * day)).includes("device-reminder"), "has a password");
  assert.ok(!(await page(deviceOnly, 2 * day, "/account")).includes("device-reminder"));
});
