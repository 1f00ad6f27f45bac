/**
 * `deno task bench pages`: requests/s of the class page (a teacher's roster of 2,000 students,
 * 50 rows a page) and of sign-in (PBKDF2 at 600,000 iterations), under wrk against the real
 * server, each as a ratio to a bare Hono route measured in the same run.
 * @module
 */
import { Hono } from "hono";
import { DEMO_PASSWORD, DEMO_SLUG, DEMO_TEACHERS } from "@/services/demo/seed.ts";
import { freePort, spawnServer } from "../spawn_server.ts";
import { needTools } from "./_lib.ts";

await needTools("wrk", "livekit");

const DURATION = Deno.env.get("BENCH_DURATION") ?? "8s";

async function wrk(url: string, args: string[] = []): Promise<{ rps: number; errors: number }> {
  const out = await new Deno.Command("wrk", {
    args: ["-t1", "-c32", `-d${DURATION}`, "--latency", ...args, url],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const rps = Number(text.match(/Requests\/sec:\s+([\d.]+)/)?.[1]);
  if (!out.success || !Number.isFinite(rps)) {
    throw new Error(`wrk failed: ${text}${new TextDecoder().decode(out.stderr)}`);
  }
  const errors = Number(text.match(/Non-2xx or 3xx responses:\s+(\d+)/)?.[1] ?? 0);
  return { rps, errors };
}

// Baseline: a bare Hono route in its own server.
const barePort = freePort();
const bare = new Hono().get("/", (c) => c.text("ok"));
const bareServer = Deno.serve({ port: barePort, hostname: "127.0.0.1", onListen() {} }, bare.fetch);

await using server = await spawnServer();
const api = async (path: string, init: RequestInit = {}) => {
  const res = await fetch(`${server.url}${path}`, init);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res;
};
const signIn = async (login: string) =>
  (await (await api("/api/v1/sessions", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ login, password: DEMO_PASSWORD }),
  })).json()).token as string;

// Grow the demo class to 2,000 students through the roster API.
const admin = await signIn("admin@demo.mirae.test");
const classes = await (await api("/api/v1/classes", {
  headers: { authorization: `Bearer ${admin}` },
})).json();
const classId = classes.items[0].id as string;
const rows = ["name,email,student_number"];
for (let i = 0; i < 2000; i++) rows.push(`Student ${i},bench${i}@example.org,B${100000 + i}`);
await api(`/api/v1/classes/${classId}/roster`, {
  method: "POST",
  headers: { authorization: `Bearer ${admin}`, "content-type": "text/csv" },
  body: rows.join("\n"),
});
const teacher = await signIn(DEMO_TEACHERS[0]);

const bareResult = await wrk(`http://127.0.0.1:${barePort}/`);
const page = await wrk(`${server.url}/classes/${classId}?offset=1000`, [
  "-H",
  `Cookie: mirae_session=${teacher}`,
]);
const lua = await Deno.makeTempFile({ suffix: ".lua" });
await Deno.writeTextFile(
  lua,
  `wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "login=${
    encodeURIComponent(DEMO_TEACHERS[1])
  }&password=${DEMO_PASSWORD}&school=${DEMO_SLUG}"
`,
);
const signin = await wrk(`${server.url}/signin`, ["-s", lua]);
await Deno.remove(lua);
await bareServer.shutdown();

const f = (n: number, d = 1) => n.toFixed(d);
console.log(`BENCH bare_route_rps=${f(bareResult.rps)} req/s`);
console.log(`BENCH class_page_rps=${f(page.rps)} req/s`);
console.log(`BENCH class_page_ratio=${f(page.rps / bareResult.rps, 4)} ratio`);
console.log(`BENCH sign_in_rps=${f(signin.rps)} req/s`);
console.log(`BENCH sign_in_ratio=${f(signin.rps / bareResult.rps, 5)} ratio`);
if (page.errors || signin.errors) {
  console.error(`non-2xx/3xx responses: class page ${page.errors}, sign-in ${signin.errors}`);
  Deno.exit(1);
}
