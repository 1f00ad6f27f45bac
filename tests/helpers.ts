/**
 * Test helpers for the web app: an app on an in-memory KV and signed-in requests. The data
 * fixtures live in fixtures.ts (re-exported here).
 * @module
 */
import { loadConfig } from "@/fresh.config.ts";
import manifest from "@/fresh.gen.ts";
import { createSession } from "@/services/auth/sessions.ts";
import type { User } from "@/services/orgs/users.ts";
import { createApp } from "@/services/web/app.tsx";
import type { LiveKitLink } from "@/services/livekit/link.ts";

export * from "./fixtures.ts";

/** A test configuration (no env read beyond the defaults). */
export function testConfig(overrides: Record<string, string> = {}) {
  return loadConfig({
    MIRAE_ENV: "test",
    MIRAE_SECRET: "test-secret-that-is-long-enough-0123456789",
    ...overrides,
  });
}

/** A fresh in-memory KV and app; close with `ctx.close()` (or `await using`). */
export async function testApp(
  overrides: Record<string, string> = {},
  opts: { livekit?: LiveKitLink } = {},
) {
  const kv = await Deno.openKv(":memory:");
  const config = testConfig(overrides);
  const app = createApp({ kv, config, manifest, livekit: opts.livekit });
  return {
    kv,
    config,
    app,
    close: () => kv.close(),
    [Symbol.asyncDispose]: () => Promise.resolve(kv.close()),
  };
}

/** A bearer token for `user` (API calls without cookies or CSRF). */
export async function tokenFor(kv: Deno.Kv, user: User): Promise<string> {
  return (await createSession(kv, user, { ttlMs: 3_600_000, kind: "api" })).token;
}

/** A cookie session for `user`: the Cookie header and the CSRF token to send with writes. */
export async function browserSessionFor(
  kv: Deno.Kv,
  user: User,
): Promise<{ cookie: string; csrf: string }> {
  const { token, session } = await createSession(kv, user, { ttlMs: 3_600_000 });
  return { cookie: `mirae_session=${token}`, csrf: session.csrf };
}

/** Headers for a JSON API call with a bearer token. */
export function bearer(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${token}`, ...extra };
}
