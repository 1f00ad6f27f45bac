import assert from "node:assert/strict";
import { AUTO_WORKERS_MAX, loadConfig } from "@/fresh.config.ts";
import { manifestSource } from "@/scripts/manifest.ts";
import { negotiateLocale } from "@/services/i18n/i18n.ts";
import { browserSessionFor, randomClass, randomOrg, randomUser, testApp } from "./helpers.ts";

Deno.test("[app] fresh.gen.ts lists every route and island (run `deno task manifest`)", async () => {
  const committed = await Deno.readTextFile(new URL("../fresh.gen.ts", import.meta.url));
  assert.equal(committed, await manifestSource());
});

Deno.test("[app] the OpenAPI document describes the API from its zod schemas", async () => {
  await using t = await testApp();
  const res = await t.app.request("/api/v1/openapi.json");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type")!, /application\/json/);
  const doc = await res.json();
  assert.match(doc.openapi, /^3\./);
  for (
    const path of ["/api/v1/sessions", "/api/v1/classes", "/api/v1/classes/{classId}", "/api/v1/me"]
  ) {
    assert.ok(doc.paths[path], `missing ${path}`);
  }
  const create = doc.paths["/api/v1/classes"].post;
  const schema = create.requestBody.content["application/json"].schema;
  assert.equal(schema.properties.name.type, "string");
  assert.equal(schema.properties.name.maxLength, 120);
  assert.equal(schema.additionalProperties, false);
  assert.ok(create.responses["400"]);
});

Deno.test("[app] configuration is validated with every bad variable named", () => {
  assert.throws(() => loadConfig({ PORT: "http", MIRAE_SECRET: "short" }), (e: Error) => {
    assert.match(e.message, /PORT/);
    assert.match(e.message, /MIRAE_SECRET: MIRAE_SECRET must be at least 32 characters/);
    return true;
  });
  assert.throws(
    () => loadConfig({ MIRAE_ENV: "production" }),
    /MIRAE_SECRET: required in production/,
  );
  assert.throws(() => loadConfig({ LIVEKIT_URL: "ws://127.0.0.1:7880" }), /go together/);
  const c = loadConfig({});
  assert.equal(c.port, 8000);
  assert.equal(c.kvLocation, "./data/mirae.kv");
  assert.equal(
    loadConfig({ DENO_KV_URL: "http://kv.internal:4512" }).kvLocation,
    "http://kv.internal:4512",
  );
  assert.equal(loadConfig({ MIRAE_PUBLIC_URL: "https://m.example/" }).secureCookies, true);
  // One process per core by default (at most AUTO_WORKERS_MAX), or exactly as many as asked.
  assert.equal(c.workers, Math.min(AUTO_WORKERS_MAX, navigator.hardwareConcurrency));
  assert.equal(c.instance, 0);
  assert.equal(loadConfig({ MIRAE_WORKERS: "3" }).workers, 3);
  assert.throws(() => loadConfig({ MIRAE_WORKERS: "0" }), /MIRAE_WORKERS/);
  assert.throws(() => loadConfig({ MIRAE_WORKERS: "many" }), /MIRAE_WORKERS/);
  // Only Linux spreads connections over processes sharing a port.
  assert.equal(loadConfig({}, "darwin").workers, 1);
  assert.equal(loadConfig({ MIRAE_WORKERS: "1" }, "windows").workers, 1);
  assert.throws(() => loadConfig({ MIRAE_WORKERS: "2" }, "darwin"), /MIRAE_WORKERS: .*need Linux/);
});

Deno.test("[app] language: the switch wins, then Accept-Language, then English", () => {
  assert.equal(negotiateLocale("ko-KR,ko;q=0.9,en;q=0.8"), "ko");
  assert.equal(negotiateLocale("zh-CN,zh;q=0.9"), "zh");
  assert.equal(negotiateLocale("fr-FR, en;q=0.5, ko;q=0.7"), "ko");
  assert.equal(negotiateLocale("fr"), "en");
  assert.equal(negotiateLocale(null), "en");
  assert.equal(negotiateLocale("ko", "zh"), "zh");
  assert.equal(negotiateLocale("ko", "xx"), "ko");
});

Deno.test("[app] pages come in the visitor's language and the switch remembers a choice", async () => {
  await using t = await testApp();
  const ko = await t.app.request("/signin", { headers: { "accept-language": "ko" } });
  const html = await ko.text();
  assert.match(html, /<html lang="ko">/);
  assert.ok(html.includes("로그인"));
  const set = await t.app.request("/locale", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "lang=zh&next=%2Fsignin",
  });
  assert.equal(set.status, 303);
  assert.equal(set.headers.get("location"), "/signin");
  const cookie = set.headers.get("set-cookie")!.split(";")[0];
  const zh =
    await (await t.app.request("/signin", { headers: { cookie, "accept-language": "ko" } })).text();
  assert.ok(zh.includes("登录"));
});

Deno.test("[app] HTML pages carry security headers; static files are served", async () => {
  await using t = await testApp();
  const res = await t.app.request("/signin");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type")!, /text\/html/);
  assert.match(res.headers.get("content-security-policy")!, /script-src 'self'/);
  assert.equal(res.headers.get("x-frame-options"), "DENY");
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  await res.body?.cancel();
  const css = await t.app.request("/styles.css");
  assert.equal(css.status, 200);
  assert.match(css.headers.get("content-type")!, /text\/css/);
  await css.body?.cancel();
  const missing = await t.app.request("/no-such-page");
  assert.equal(missing.status, 404);
  assert.match(await missing.text(), /Page not found/);
});

Deno.test("[app] static files: validators, 304s, a day for vendor files, nothing outside static/", async (t) => {
  await using app = await testApp();
  const get = (path: string, headers?: HeadersInit) => app.app.request(path, { headers });

  await t.step("a style sheet: its bytes, an ETag, revalidated on each use", async () => {
    const res = await get("/styles.css");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type")!, /^text\/css/);
    assert.equal(res.headers.get("cache-control"), "no-cache");
    const etag = res.headers.get("etag")!;
    assert.match(etag, /^"[\w-]{22}"$/);
    const onDisk = await Deno.readFile(new URL("../static/styles.css", import.meta.url));
    assert.deepEqual(new Uint8Array(await res.arrayBuffer()), onDisk);

    const again = await get("/styles.css", { "if-none-match": `W/${etag}` });
    assert.equal(again.status, 304);
    assert.equal(again.headers.get("etag"), etag);
    assert.equal((await again.arrayBuffer()).byteLength, 0);
    const other = await get("/styles.css", { "if-none-match": '"something-else"' });
    assert.equal(other.status, 200);
    await other.body?.cancel();
    assert.notEqual((await get("/lectures.css")).headers.get("etag"), etag);
  });

  await t.step("the beautify filter's wasm: its type, kept for a day", async () => {
    const res = await get("/vendor/mediapipe/wasm/vision_wasm_internal.wasm");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/wasm");
    assert.equal(res.headers.get("cache-control"), "public, max-age=86400");
    const bytes = new Uint8Array(await res.arrayBuffer());
    assert.deepEqual([...bytes.slice(0, 4)], [0x00, 0x61, 0x73, 0x6d]); // "\0asm"
  });

  await t.step("paths outside static/, folders and other methods are not files", async () => {
    for (
      const path of [
        "/../deno.json",
        "/%2e%2e/deno.json",
        "/vendor/..%2f..%2fdeno.json",
        "/vendor/",
        "/vendor",
      ]
    ) {
      const res = await get(path);
      assert.equal(res.status, 404, path);
      await res.body?.cancel();
    }
    const post = await app.app.request("/styles.css", { method: "POST" });
    assert.notEqual(post.status, 200);
    await post.body?.cancel();
  });
});

Deno.test("[app] island bundles are content-hashed and cached for a year", async () => {
  await using t = await testApp();
  const org = await randomOrg(t.kv);
  const admin = await randomUser(t.kv, org.id, "admin");
  const cls = await randomClass(t.kv, org.id);
  const { cookie } = await browserSessionFor(t.kv, admin);
  const html = await (await t.app.request(`/admin/classes/${cls.id}`, { headers: { cookie } }))
    .text();
  assert.match(html, /<mirae-island data-island="RosterImport" data-props="[^"]*classId/);
  const boot = html.match(
    /<script type="module" src="(\/_islands\/boot-[A-Z0-9]+\.js)"><\/script>/,
  );
  assert.ok(boot, "the page loads the hashed boot script");
  const res = await t.app.request(boot[1]);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type")!, /javascript/);
  assert.equal(res.headers.get("cache-control"), "public, max-age=31536000, immutable");
  const js = await res.text();
  assert.ok(js.includes("mirae-island"), "the boot script hydrates island elements");
  assert.equal((await t.app.request("/_islands/boot-NOPE.js")).status, 404);
});

Deno.test("client address: the connection's, never a header the client sent", async () => {
  const { clientIp, setClientIp } = await import("@/services/web/forms.ts");
  const spoofed = new Request("http://x/", { headers: { "x-mirae-client-ip": "6.6.6.6" } });
  setClientIp(spoofed, "10.1.2.3");
  assert.equal(clientIp(spoofed), "10.1.2.3");
});
