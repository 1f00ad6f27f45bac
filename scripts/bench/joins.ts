/**
 * `deno task bench joins`: the 8 a.m. join storm. N students (10,000 by default) of one class
 * concurrently ask the real server (main.ts, embedded KV, its own local LiveKit) for a lecture
 * token; each join is recorded before its token is handed out. Afterwards the stored joins are
 * counted: every answered join must be there. A second run kills the server in the middle of a
 * storm (SIGKILL) and checks that no join it had acknowledged was lost.
 *
 * The client is wrk (a C load generator; a Deno `fetch` client spent more CPU than the server
 * it measured) with a Lua script that sends each student's token once, keeping
 * JOIN_CONCURRENCY requests in flight, and times the storm from its first request to its last
 * answer. The same wrk measures a bare Hono route (its own process) in the same run for the
 * ratio.
 * @module
 */
import { createSession } from "../../services/auth/sessions.ts";
import { scheduleLecture } from "../../services/lectures/lectures.ts";
import { listJoins } from "../../services/lectures/joins.ts";
import { freePort, spawnServer } from "../spawn_server.ts";
import { seedClass } from "./_lib.ts";

const N = Number(Deno.env.get("JOIN_STORM_N") ?? 10_000);
const CONCURRENCY = Number(Deno.env.get("JOIN_CONCURRENCY") ?? 256);

interface StormResult {
  seconds: number;
  /** 200 answers; other answers and socket errors. */
  ok: number;
  failed: number;
  p99Ms: number;
}

/**
 * The wrk script: request i carries token i (once each); after the last token it asks for a
 * small static file until every token's answer is in, then stops. Timing uses LuaJIT's FFI
 * clock (wrk's own duration is the -d limit).
 */
function stormScript(tokensPath: string | null, ackPath: string, filler: string): string {
  return `
local ffi = require("ffi")
ffi.cdef[[ typedef struct { long tv_sec; long tv_usec; } timeval; int gettimeofday(timeval *t, void *tz); ]]
local function now() local t = ffi.new("timeval"); ffi.C.gettimeofday(t, nil); return tonumber(t.tv_sec) * 1e6 + tonumber(t.tv_usec) end
local tokens = {}
local path = ${tokensPath ? JSON.stringify(tokensPath) : "nil"}
if path then for line in io.lines(path) do tokens[#tokens + 1] = line end else for i = 1, ${N} do tokens[i] = "" end end
local acks = io.open(${JSON.stringify(ackPath)}, "w")
acks:setvbuf("line")
local sent, answered, ok, first = 0, 0, 0, 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
-- wrk calls request() once and throws the result away before the first real request: give
-- it a filler so no token is lost.
local primed = false
function request()
  if not primed then primed = true; return wrk.format("GET", ${JSON.stringify(filler)}) end
  if first == 0 then first = now() end
  sent = sent + 1
  if sent <= #tokens then
    if path then return wrk.format("POST", nil, { ["Authorization"] = "Bearer " .. tokens[sent] }) end
    return wrk.format("POST", nil)
  end
  return wrk.format("GET", ${JSON.stringify(filler)})
end
function response(status, headers, body)
  -- A join's answer names the identity; the filler's does not. Errors are token answers too.
  local id = body and string.match(body, '"identity":"([^"]+)"')
  local bare = body and string.find(body, '"ok":true', 1, true)
  if id or bare or status ~= 200 then
    answered = answered + 1
    if status == 200 then
      ok = ok + 1
      if id then acks:write(id, "\\n") end
    end
    if answered == #tokens then
      acks:close()
      wrk.thread:set("result", string.format("%d %d %d", ok, answered - ok, now() - first))
      wrk.thread:stop()
    end
  end
end
function done(summary, latency, requests)
  for _, t in ipairs(threads) do
    io.write("RESULT " .. tostring(t:get("result")) .. " " .. latency:percentile(99) .. " " .. summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout .. "\\n")
  end
end
`;
}

/** Runs one storm with wrk: each token once (or N bare requests when tokens is null). */
async function storm(
  url: string,
  tokens: string[] | null,
  dir: string,
  filler = "/styles.css",
): Promise<StormResult> {
  const tokensPath = tokens ? `${dir}/tokens.txt` : null;
  if (tokensPath) await Deno.writeTextFile(tokensPath, tokens!.join("\n") + "\n");
  const scriptPath = `${dir}/storm.lua`;
  await Deno.writeTextFile(scriptPath, stormScript(tokensPath, `${dir}/acks.txt`, filler));
  const out = await new Deno.Command("wrk", {
    args: ["-t1", `-c${CONCURRENCY}`, "-d12s", "--timeout", "10s", "-s", scriptPath, url],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const m = text.match(/RESULT (\d+) (\d+) (\d+) ([\d.]+) (\d+)/);
  if (!out.success || !m) {
    throw new Error(
      `wrk failed or did not finish the storm:\n${text}${new TextDecoder().decode(out.stderr)}`,
    );
  }
  const [ok, failed, micros, p99, socketErrors] = m.slice(1).map(Number);
  return { ok, failed: failed + socketErrors, seconds: micros / 1e6, p99Ms: p99 / 1000 };
}

/** A KV file with a class of N students, a live lecture and one API session per student. */
async function seed(dir: string) {
  const kv = await Deno.openKv(`${dir}/mirae.kv`);
  try {
    const { cls, teacher, students } = await seedClass(kv, "storm", N);
    const lecture = await scheduleLecture(kv, cls, teacher.id, {
      title: "8 a.m. lecture",
      startsAt: new Date().toISOString(),
    });
    const tokens: { userId: string; token: string }[] = [];
    for (let i = 0; i < students.length; i += 200) {
      tokens.push(
        ...await Promise.all(
          students.slice(i, i + 200).map(async (s) => ({
            userId: s.id,
            token: (await createSession(kv, s, { ttlMs: 3_600_000, kind: "api" })).token,
          })),
        ),
      );
    }
    const teacherToken = (await createSession(kv, teacher, { ttlMs: 3_600_000, kind: "api" }))
      .token;
    return { lectureId: lecture.id, tokens, teacherToken };
  } finally {
    kv.close();
  }
}

async function storedJoins(kvPath: string, lectureId: string): Promise<Set<string>> {
  const kv = await Deno.openKv(kvPath);
  try {
    return new Set((await listJoins(kv, lectureId)).keys());
  } finally {
    kv.close();
  }
}

/** Requests/s of a bare Hono route (its own process) under the same storm. */
async function bareRouteRps(dir: string): Promise<number> {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { Hono } from "hono"; const app = new Hono().post("/", (c) => c.json({ ok: true }))` +
      `.get("/styles.css", (c) => c.text("x"));` +
      `Deno.serve({ port: ${port}, hostname: "127.0.0.1", onListen() { console.log("up"); } }, app.fetch);`,
    ],
    cwd: new URL("../..", import.meta.url),
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  await reader.read();
  try {
    const r = await storm(`http://127.0.0.1:${port}/`, null, dir);
    return r.ok / r.seconds;
  } finally {
    child.kill("SIGKILL");
    await child.status;
    reader.releaseLock();
    await child.stdout.cancel().catch(() => {});
  }
}

async function run(crash: boolean) {
  const dir = await Deno.makeTempDir({ prefix: "mirae-bench-joins-" });
  try {
    const seeded = await seed(dir);
    const kvPath = `${dir}/mirae.kv`;
    const server = await spawnServer({ DENO_KV_PATH: kvPath, MIRAE_SEED_DEMO: "false" });
    const opened = await fetch(`${server.url}/api/v1/lectures/${seeded.lectureId}/open`, {
      method: "POST",
      headers: { authorization: `Bearer ${seeded.teacherToken}` },
    });
    if (!opened.ok) throw new Error(`open: ${opened.status} ${await opened.text()}`);
    const url = `${server.url}/api/v1/lectures/${seeded.lectureId}/token`;
    // Warm-up: a few joins so the storm does not pay for loading modules.
    const warm = seeded.tokens.slice(0, 50);
    for (const t of warm) {
      await (await fetch(url, { method: "POST", headers: { authorization: `Bearer ${t.token}` } }))
        .arrayBuffer();
    }
    const students = seeded.tokens.slice(50);
    let killed = false;
    if (crash) {
      // Kill the server without warning once about half of the storm's joins are stored.
      const watcher = await Deno.openKv(kvPath);
      (async () => {
        while (true) {
          await new Promise((r) => setTimeout(r, 20));
          let n = 0;
          for await (const _ of watcher.list({ prefix: ["lecture_joins", seeded.lectureId] })) n++;
          if (n >= students.length / 2) break;
        }
        Deno.kill(server.pid, "SIGKILL");
        killed = true;
        watcher.close();
      })();
    }
    let result: StormResult | null = null;
    let stormError = "";
    try {
      result = await storm(url, students.map((t) => t.token), dir);
    } catch (err) {
      if (!crash) throw err;
      stormError = (err as Error).message.split("\n")[0];
    }
    await server.stop();
    if (crash) {
      // Its LiveKit server lost its parent: stop it too.
      const pid = Number(await Deno.readTextFile(`${dir}/livekit/server.pid`).catch(() => "0"));
      if (pid) {
        try {
          Deno.kill(pid, "SIGKILL");
        } catch { /* gone */ }
      }
    }
    const stored = await storedJoins(kvPath, seeded.lectureId);
    const acked = (await Deno.readTextFile(`${dir}/acks.txt`).catch(() => "")).split("\n")
      .filter(Boolean);
    const lost = acked.filter((id) => !stored.has(id)).length;
    return { result, stored, acked, lost, killed, stormError, attempted: students.length };
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

const baseDir = await Deno.makeTempDir({ prefix: "mirae-bench-bare-" });
const bareRps = await bareRouteRps(baseDir);
await Deno.remove(baseDir, { recursive: true });
const r = await run(false);
const res = r.result!;
const joinsPerS = res.ok / res.seconds;
const storedOfStorm = r.stored.size - 50;
console.log(
  `# ${r.attempted} joins, ${CONCURRENCY} in flight: ${res.ok} answered 200, ${res.failed} not; ` +
    `${storedOfStorm} stored`,
);
console.log(`BENCH join_storm_10k_s=${(res.seconds * 10_000 / r.attempted).toFixed(2)} s`);
// Lost: a student who got no token, or whose acknowledged join is not stored.
console.log(`BENCH join_storm_lost=${res.failed + r.lost}`);
console.log(`BENCH join_storm_p99_ms=${res.p99Ms.toFixed(1)} ms`);
console.log(`BENCH join_storm_joins_per_s=${joinsPerS.toFixed(0)}`);
console.log(`BENCH join_storm_bare_rps=${bareRps.toFixed(0)}`);
console.log(`BENCH join_storm_ratio=${(joinsPerS / bareRps).toFixed(3)}`);

if (Deno.env.get("JOIN_STORM_CRASH") !== "0") {
  const c = await run(true);
  console.log(
    `# crash run: server killed (SIGKILL) mid-storm${c.killed ? "" : " (NOT killed?)"}; ` +
      `${c.acked.length} joins acknowledged before, ${c.stored.size - 50} stored`,
  );
  console.log(`BENCH join_storm_crash_acked_lost=${c.lost}`);
}
