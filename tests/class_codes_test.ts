/**
 * Class codes (issue 16): a short code and a QR code beside each join link reach the same
 * link record: the same uses counter and limit, approval, revocation; typed in any case.
 */
import assert from "node:assert/strict";
import { CODE_ALPHABET } from "@/services/auth/codes.ts";
import { findLinkIdByCode } from "@/services/classes/join_codes.ts";
import { createJoinLink, linkSecret, revokeJoinLink } from "@/services/classes/join_links.ts";
import { bearer, testApp, tokenFor, twoSchools } from "./helpers.ts";

type App = Awaited<ReturnType<typeof testApp>>;

async function world(opts: { maxUses?: number; approval?: boolean } = {}) {
  const t = await testApp();
  const schools = await twoSchools(t.kv);
  const { org, classA, teacherA } = schools.one;
  const { link, token } = await createJoinLink(t.kv, await linkSecret(t.kv, t.config), {
    orgId: org.id,
    classId: classA.id,
    createdBy: teacherA.id,
    ...opts,
  });
  return { t, ...schools, link, token };
}

function post(t: App, path: string, fields: Record<string, string>, cookie = "") {
  return t.app.request(path, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(fields).toString(),
  });
}

Deno.test("[class codes] a link gets a 7-character code of the unambiguous alphabet, indexed install-wide", async () => {
  const w = await world();
  await using _t = w.t;
  const code = w.link.code!;
  assert.match(code, new RegExp(`^[${CODE_ALPHABET}]{7}$`));
  assert.doesNotMatch(code, /[01OIL]/);
  assert.equal((await w.t.kv.get(["join_link_codes", code])).value, w.link.id);
  // Case and separators do not matter.
  const typed = `${code.slice(0, 3).toLowerCase()}-${code.slice(3)} `;
  assert.equal(await findLinkIdByCode(w.t.kv, typed, { ip: "1.2.3.4" }), w.link.id);
  // The teacher's list carries the code, its address and a QR code.
  const list = await (await w.t.app.request(`/api/v1/classes/${w.one.classA.id}/join-links`, {
    headers: bearer(await tokenFor(w.t.kv, w.one.teacherA)),
  })).json();
  assert.equal(list.items[0].code, code);
  assert.equal(list.items[0].codeUrl, `${w.t.config.publicUrl}/join?code=${code}`);
  assert.match(list.items[0].qrSvg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*viewBox/);
});

Deno.test("[class codes] /join takes the code in any case and leads to the link's page; an unknown code says so, in Korean too", async () => {
  const w = await world();
  await using _t = w.t;
  const { t } = w;
  const form = await t.app.request("/join");
  assert.equal(form.status, 200);
  assert.match(form.headers.get("content-type")!, /^text\/html/);
  const typed = await post(t, "/join", { code: w.link.code!.toLowerCase() });
  assert.equal(typed.status, 303);
  assert.equal(typed.headers.get("location"), `/join/${w.token}`);
  const scanned = await t.app.request(`/join?code=${w.link.code}`);
  assert.equal(scanned.status, 303);
  assert.equal(scanned.headers.get("location"), `/join/${w.token}`);
  const unknown = await post(t, "/join", { code: "ZZZZ222" }, "mirae_lang=ko");
  assert.equal(unknown.status, 404);
  assert.ok((await unknown.text()).includes("이 코드의 수업이 없습니다"));
});

Deno.test("[class codes] the code shares the link's limit and revocation", async () => {
  const w = await world({ maxUses: 1 });
  await using _t = w.t;
  const { t } = w;
  const via = async () => (await post(t, "/join", { code: w.link.code! })).headers.get("location")!;
  const first = await post(t, await via(), { name: "First Student" });
  assert.equal(first.status, 303, "joined through the code");
  // The one use is spent: the token link itself is full now too.
  const second = await post(t, `/join/${w.token}`, { name: "Second Student" });
  assert.equal(second.status, 409);
  const third = await post(t, await via(), { name: "Third Student" });
  assert.equal(third.status, 409);
  assert.ok((await third.text()).includes("used 1 times"));
  // Revoked: the code leads to the "turned off" page.
  await revokeJoinLink(t.kv, w.one.org.id, w.one.classA.id, w.link.id);
  const revoked = await t.app.request(await via());
  assert.equal(revoked.status, 410);
});

Deno.test("[class codes] too many wrong codes from one address: 429", async () => {
  const w = await world();
  await using _t = w.t;
  const limit = { scope: "join_code_ip_test", max: 3, windowMs: 60_000 };
  for (let i = 0; i < 3; i++) {
    await assert.rejects(
      findLinkIdByCode(w.t.kv, "ZZZZ22" + i, { ip: "9.9.9.9", limit }),
      (e: Error & { code?: string }) => e.code === "not_found",
    );
  }
  await assert.rejects(
    findLinkIdByCode(w.t.kv, w.link.code!, { ip: "9.9.9.9", limit }),
    (e: Error & { code?: string }) => e.code === "rate_limited",
  );
  // Another address is not held back.
  assert.equal(await findLinkIdByCode(w.t.kv, w.link.code!, { ip: "8.8.8.8", limit }), w.link.id);
});
