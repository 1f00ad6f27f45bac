/** Bad input gets a clear 4xx in one error shape; a 5xx says nothing about internals. */
import assert from "node:assert/strict";
import { bearer, randomOrg, randomUser, testApp, tokenFor } from "./helpers.ts";

interface BadCase {
  name: string;
  method?: string;
  path?: string;
  contentType?: string;
  body: string;
  status: number;
  code: string;
  /** Expected field path of the first detail, when the error names one. */
  path0?: (string | number)[];
  message?: RegExp;
}

const CASES: BadCase[] = [
  {
    name: "malformed JSON",
    body: '{"name": ',
    status: 400,
    code: "bad_request",
    message: /Malformed JSON/,
  },
  { name: "empty body", body: "", status: 400, code: "bad_request" },
  {
    name: "wrong type",
    body: '{"name": 42}',
    status: 400,
    code: "validation_failed",
    path0: ["name"],
  },
  { name: "missing field", body: "{}", status: 400, code: "validation_failed", path0: ["name"] },
  {
    name: "blank name",
    body: '{"name": "   "}',
    status: 400,
    code: "validation_failed",
    path0: ["name"],
  },
  {
    name: "unknown field",
    body: '{"name": "A", "colour": "red"}',
    status: 400,
    code: "validation_failed",
    message: /colour/,
  },
  { name: "array instead of object", body: "[]", status: 400, code: "validation_failed" },
  {
    name: "wrong nested type",
    body: '{"name": "A", "teacherIds": "t1"}',
    status: 400,
    code: "validation_failed",
    path0: ["teacherIds"],
  },
  {
    name: "too long",
    body: JSON.stringify({ name: "x".repeat(121) }),
    status: 400,
    code: "validation_failed",
    path0: ["name"],
  },
  {
    name: "oversize body",
    body: JSON.stringify({ name: "x".repeat(1_100_000) }),
    status: 413,
    code: "payload_too_large",
  },
  {
    name: "wrong content type",
    contentType: "text/plain",
    body: "name=A",
    status: 415,
    code: "unsupported_media_type",
  },
  {
    name: "bad query value",
    method: "GET",
    path: "/api/v1/members?limit=0",
    body: "",
    status: 400,
    code: "validation_failed",
    path0: ["limit"],
  },
  { name: "unknown endpoint", path: "/api/v1/nope", body: "{}", status: 404, code: "not_found" },
];

Deno.test("[api] bad input table", async (t) => {
  await using ctx = await testApp();
  const org = await randomOrg(ctx.kv);
  const token = await tokenFor(ctx.kv, await randomUser(ctx.kv, org.id, "admin"));
  for (const c of CASES) {
    await t.step(c.name, async () => {
      const method = c.method ?? "POST";
      const res = await ctx.app.request(c.path ?? "/api/v1/classes", {
        method,
        headers: bearer(token, { "content-type": c.contentType ?? "application/json" }),
        body: method === "GET" ? undefined : c.body,
      });
      assert.equal(res.status, c.status);
      assert.match(res.headers.get("content-type")!, /^application\/json/);
      const body = await res.json();
      assert.deepEqual(Object.keys(body), ["error"]);
      assert.equal(body.error.code, c.code);
      assert.equal(typeof body.error.message, "string");
      assert.ok(body.error.message.length > 5);
      if (c.path0) assert.deepEqual(body.error.details[0].path, c.path0);
      if (c.message) assert.match(JSON.stringify(body.error), c.message);
    });
  }
  // None of the bad requests created anything.
  const list = await (await ctx.app.request("/api/v1/classes", { headers: bearer(token) })).json();
  assert.deepEqual(list.items, []);
});

Deno.test("[api] an internal failure answers 'internal error' and nothing more", async () => {
  const ctx = await testApp();
  const org = await randomOrg(ctx.kv);
  const token = await tokenFor(ctx.kv, await randomUser(ctx.kv, org.id, "admin"));
  ctx.close(); // every KV call now throws
  const logged: unknown[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => logged.push(args);
  try {
    const res = await ctx.app.request("/api/v1/classes", { headers: bearer(token) });
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), { error: { code: "internal", message: "internal error" } });
    const page = await ctx.app.request("/signin");
    assert.equal(page.status, 200); // pages that need no data still work
    assert.ok(logged.length > 0, "the cause is logged on the server");
  } finally {
    console.error = original;
  }
});
