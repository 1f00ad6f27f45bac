import assert from "node:assert/strict";
import { islandName, parseRouteFile, sortRoutes } from "./router.ts";

Deno.test("[web] router - file names become patterns", () => {
  const cases: [string, string, string, string | undefined][] = [
    ["./routes/index.tsx", "/", "/", undefined],
    ["./routes/signin.tsx", "/signin", "/signin", undefined],
    ["./routes/classes/[classId].tsx", "/classes/:classId", "/classes/{classId}", undefined],
    ["./routes/classes/index.tsx", "/classes", "/classes", undefined],
    [
      "./routes/api/v1/classes/[classId]/roster.ts",
      "/api/v1/classes/:classId/roster",
      "/api/v1/classes/{classId}/roster",
      undefined,
    ],
    ["./routes/docs/[...path].tsx", "/docs/*", "/docs/{path}", undefined],
    ["./routes/(marketing)/about.tsx", "/about", "/about", undefined],
    ["./routes/_app.tsx", "/", "/", "_app"],
    ["./routes/admin/_middleware.ts", "/admin", "/admin", "_middleware"],
  ];
  for (const [file, pattern, openapi, special] of cases) {
    const r = parseRouteFile(file);
    assert.equal(r.pattern, pattern, file);
    if (!special) assert.equal(r.openapiPath, openapi.replace("{path}", "*"), file);
    assert.equal(r.special, special, file);
  }
  assert.equal(parseRouteFile("./routes/api/v1/me.ts").isApi, true);
  assert.equal(parseRouteFile("./routes/admin/index.tsx").isApi, false);
});

Deno.test("[web] router - static segments are tried before parameters and catch-alls", () => {
  const sorted = sortRoutes([
    { pattern: "/classes/:id" },
    { pattern: "/*" },
    { pattern: "/classes/new" },
    { pattern: "/classes" },
    { pattern: "/classes/:id/roster" },
  ]).map((r) => r.pattern);
  assert.deepEqual(sorted, [
    "/classes",
    "/classes/new",
    "/classes/:id",
    "/classes/:id/roster",
    "/*",
  ]);
});

Deno.test("[web] router - island names come from file names", () => {
  assert.equal(islandName("./islands/RosterImport.tsx"), "RosterImport");
});
