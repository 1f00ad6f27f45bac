/**
 * `deno task bench joins`: the 8 a.m. join storm. N students (10,000 by default) of one class
 * have the lecture page open and wait; the teacher goes live and they all ask the real server
 * (main.ts, embedded KV, its own local LiveKit) for a lecture token at once, each with the join
 * pass its page carries (services/lectures/pass.ts); each join is recorded before its token is
 * handed out. The server is warmed first, as a school's server would be at 8 a.m., by the same
 * students' storm into the 7 a.m. lecture (not measured). For comparison, a smaller storm joins
 * with sessions (a session, user and membership read per join). Afterwards the stored joins are
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
import { loadConfig } from "@/fresh.config.ts";
import { createSession } from "@/services/auth/sessions.ts";
import { scheduleLecture } from "@/services/lectures/lectures.ts";
import { listJoins } from "@/services/lectures/joins.ts";
import { JOIN_PASS_HEADER, studentPass } from "@/services/lectures/pass.ts";
import { freePort, spawnServer } from "../spawn_server.ts";
import { needTools, seedClass } from "./_lib.ts";

await needTools("wrk", "livekit");

const N = Number(Deno.env.get("JOIN_STORM_N") ?? 10_000);
// Every waiting page asks at once when the teacher goes live; 1,000 connections stand in for them.
const CONCURRENCY = Number(Deno.env.get("JOIN_CONCURRENCY") ?? 1000);
// The app as `deno task start` runs it: one process per core (MIRAE_WORKERS=auto).
const PROCESSES = loadConfig({ MIRAE_WORKERS: Deno.env.get("MIRAE_WORKERS") ?? "auto" }).workers;

interface StormResult {
  seconds: number;
  /** 200 answers; other answers and socket errors. */
  ok: number;
  failed: number;
  p99Ms: number;
  /** User ids whose join was answered 200. */
  answered: string[];
}

/**
 * The wrk script: request i carries token i (once each); after the last token it asks for a
 * small static file until wrk's time is up. Every token's answer is written to `answers`
 * (`<µs since the first request> <latency µs> <user id>`, or `... -1 !<status>` for a refusal),
 * timed with LuaJIT's FFI clock; the storm's length is the last answer's time. Answers are
 * written in blocks (a write per answer cost wrk more CPU than the rest of its work, on the
 * cores the server needs), except when the server is to be killed (`eachAnswer`): then every
 * answer is on disk before the next.
 */
function stormScript(
  tokensPath: string | null,
  answersPath: string,
  filler: string,
  header: string,
  eachAnswer: boolean,
): string {
  return `
local ffi = require("ffi")
ffi.cdef[[ typedef struct { long tv_sec; long tv_usec; } timeval; int gettimeofday(timeval *t, void *tz); ]]
local function now() local t = ffi.new("timeval"); ffi.C.gettimeofday(t, nil); return tonumber(t.tv_sec) * 1e6 + tonumber(t.tv_usec) end
local tokens, ids = {}, {}
local path = ${tokensPath ? JSON.stringify(tokensPath) : "nil"}
if path then
  for line in io.lines(path) do
    local id, tok = string.match(line, "^(%S+) (.+)$")
    tokens[#tokens + 1] = tok; ids[#ids + 1] = id
  end
else
  for i = 1, ${N} do tokens[i] = ""; ids[i] = tostring(i) end
end
local out = io.open(${JSON.stringify(answersPath)}, "w")
out:setvbuf(${eachAnswer ? '"line"' : '"full", 1048576'})
local pending = 0
local function wrote()
  pending = pending + 1
  if pending >= 500 then out:flush(); pending = 0 end
end
local sent, first = 0, 0
local sentAt = {}
-- wrk calls request() once and throws the result away before the first real request: give
-- it a filler so no token is lost.
local primed = false
function request()
  if not primed then primed = true; return wrk.format("GET", ${JSON.stringify(filler)}) end
  local t = now()
  if first == 0 then first = t end
  sent = sent + 1
  if sent <= #tokens then
    sentAt[ids[sent]] = t
    -- An empty body: wrk then sends Content-Length: 0, as a browser's fetch does.
    if path then return wrk.format("POST", nil, { [${
    JSON.stringify(header)
  }] = tokens[sent] }, "") end
    return wrk.format("POST", nil, { ["X-Id"] = ids[sent] }, "")
  end
  return wrk.format("GET", ${JSON.stringify(filler)})
end
function response(status, headers, body)
  local t = now()
  -- A join's answer names the identity; the filler's does not. Errors are token answers too.
  local id
  if body then
    local _, stop = string.find(body, '"identity":"', 1, true)
    if not stop then _, stop = string.find(body, '"id":"', 1, true) end
    if stop then id = string.sub(body, stop + 1, string.find(body, '"', stop + 1, true) - 1) end
  end
  if id and status == 200 then
    out:write(string.format("%d %d %s\\n", t - first, t - (sentAt[id] or t), id))
    wrote()
  elseif status ~= 200 then
    out:write(string.format("%d -1 !%d\\n", t - first, status))
    wrote()
  elseif pending > 0 then
    -- The filler's answers: the storm is over, write the rest.
    out:flush(); pending = 0
  end
end
`;
}

/** Runs one storm with wrk: each token once (or N bare requests when tokens is null). */
async function storm(
  url: string,
  tokens: { token: string; userId: string }[] | null,
  dir: string,
  filler = "/styles.css",
  seconds = 15,
  header = "X-Mirae-Join-Pass",
  eachAnswer = false,
): Promise<StormResult> {
  const tokensPath = tokens ? `${dir}/tokens.txt` : null;
  if (tokensPath) {
    await Deno.writeTextFile(
      tokensPath,
      tokens!.map((t) => `${t.userId} ${t.token}`).join("\n") + "\n",
    );
  }
  const scriptPath = `${dir}/storm.lua`;
  const answersPath = `${dir}/answers.txt`;
  await Deno.writeTextFile(
    scriptPath,
    stormScript(tokensPath, answersPath, filler, header, eachAnswer),
  );
  const out = await new Deno.Command("wrk", {
    args: ["-t1", `-c${CONCURRENCY}`, `-d${seconds}s`, "--timeout", "10s", "-s", scriptPath, url],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    throw new Error(`wrk failed:\n${text}`);
  }
  const lines = (await Deno.readTextFile(answersPath)).split("\n").filter(Boolean);
  const answered: string[] = [];
  const latencies: number[] = [];
  let failed = 0;
  let last = 0;
  for (const line of lines) {
    const [t, lat, id] = line.split(" ");
    last = Math.max(last, Number(t));
    if (id.startsWith("!")) failed++;
    else {
      answered.push(id);
      latencies.push(Number(lat) / 1000);
    }
  }
  const expected = tokens ? tokens.length : N;
  return {
    ok: answered.length,
    // A token with no answer before wrk stopped counts as failed too.
    failed: failed + Math.max(0, expected - answered.length - failed),
    seconds: last / 1e6,
    p99Ms: p99(latencies),
    answered,
  };
}

function p99(values: number[]): number {
  if (!values.length) return NaN;
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
}

/** The secret the spawned server signs join passes with (scripts/spawn_server.ts sets it). */
const SECRET = "bench-joins-secret-0123456789abcdefghijkl";

type Mode = "pass" | "session";

/**
 * A KV file with a class of N students and a scheduled lecture, and what each student's page
 * would send: the join pass the lecture page hands out, or an API session.
 */
async function seed(dir: string, mode: Mode, n: number) {
  const kv = await Deno.openKv(`${dir}/mirae.kv`);
  try {
    const { org, cls, teacher, students } = await seedClass(kv, "storm", n);
    // The server is not fresh at 8 a.m.: the same students joined the 7 a.m. lecture.
    const [earlier, lecture] = await Promise.all(
      ["7 a.m. lecture", "8 a.m. lecture"].map((title) =>
        scheduleLecture(kv, cls, teacher.id, { title, startsAt: new Date().toISOString() })
      ),
    );
    // A pass names its page's session; the join checks only that it was not ended.
    const benchSession = {
      id: crypto.randomUUID(),
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    };
    const credentialsFor = async (lectureId: string) => {
      const out: { userId: string; token: string }[] = [];
      for (let i = 0; i < students.length; i += 200) {
        out.push(
          ...await Promise.all(
            students.slice(i, i + 200).map(async (s) => ({
              userId: s.id,
              token: mode === "pass"
                ? studentPass(SECRET, { id: lectureId, orgId: org.id }, s, benchSession)
                : `Bearer ${
                  (await createSession(kv, s, { ttlMs: 3_600_000, kind: "api" }))
                    .token
                }`,
            })),
          ),
        );
      }
      return out;
    };
    const credentials = await credentialsFor(lecture.id);
    const earlierCredentials = mode === "pass" ? await credentialsFor(earlier.id) : credentials;
    const teacherToken = (await createSession(kv, teacher, { ttlMs: 3_600_000, kind: "api" }))
      .token;
    return {
      lectureId: lecture.id,
      earlierId: earlier.id,
      credentials,
      earlierCredentials,
      teacherToken,
    };
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

/**
 * Requests/s of a bare Hono route under the same storm, served like the app: by as many
 * processes sharing the port.
 */
async function bareRouteRps(dir: string): Promise<number> {
  const port = freePort();
  const children = Array.from({ length: PROCESSES }, () =>
    new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        `import { Hono } from "hono"; const app = new Hono().post("/", (c) => c.json({ id: c.req.header("x-id") }))` +
        `.get("/styles.css", (c) => c.text("x"));` +
        `Deno.serve({ port: ${port}, hostname: "127.0.0.1", reusePort: true, onListen() { console.log("up"); } }, app.fetch);`,
      ],
      cwd: new URL("../..", import.meta.url),
      stdout: "piped",
      stderr: "inherit",
    }).spawn());
  const readers = children.map((c) => c.stdout.getReader());
  await Promise.all(readers.map((r) => r.read()));
  try {
    const r = await storm(`http://127.0.0.1:${port}/`, null, dir);
    return r.ok / r.seconds;
  } finally {
    for (const [i, child] of children.entries()) {
      child.kill("SIGKILL");
      await child.status;
      readers[i].releaseLock();
      await child.stdout.cancel().catch(() => {});
    }
  }
}

async function run(mode: Mode, n: number, crash = false) {
  const dir = await Deno.makeTempDir({ prefix: "mirae-bench-joins-" });
  try {
    const seeded = await seed(dir, mode, n);
    const kvPath = `${dir}/mirae.kv`;
    const server = await spawnServer({
      DENO_KV_PATH: kvPath,
      MIRAE_SEED_DEMO: "false",
      MIRAE_SECRET: SECRET,
      MIRAE_WORKERS: String(PROCESSES),
    });
    // The other processes start once its LiveKit server is up: wait until they answer.
    await allProcessesServe(server.url);
    const open = async (lectureId: string) => {
      const res = await fetch(`${server.url}/api/v1/lectures/${lectureId}/open`, {
        method: "POST",
        headers: { authorization: `Bearer ${seeded.teacherToken}` },
      });
      if (!res.ok) throw new Error(`open: ${res.status} ${await res.text()}`);
    };
    const header = mode === "pass" ? JOIN_PASS_HEADER : "authorization";
    // Warm-up, not measured: the 7 a.m. lecture's storm (same students, same code paths), so
    // the 8 a.m. storm meets a server that has been running, as it would at a school.
    await open(seeded.earlierId);
    await storm(
      `${server.url}/api/v1/lectures/${seeded.earlierId}/token`,
      seeded.earlierCredentials,
      dir,
      "/styles.css",
      8,
      header,
    );
    await open(seeded.lectureId);
    const url = `${server.url}/api/v1/lectures/${seeded.lectureId}/token`;
    const students = seeded.credentials;
    let killed = false;
    if (crash) {
      // Kill the server without warning once about half of the storm's joins are stored.
      const watcher = await Deno.openKv(kvPath);
      (async () => {
        while (true) {
          await new Promise((r) => setTimeout(r, 20));
          let stored = 0;
          for await (const _ of watcher.list({ prefix: ["lecture_joins", seeded.lectureId] })) {
            stored++;
          }
          if (stored >= students.length / 2) break;
        }
        Deno.kill(server.pid, "SIGKILL");
        killed = true;
        watcher.close();
      })();
    }
    const result = await storm(
      url,
      students,
      dir,
      "/styles.css",
      crash ? 10 : 15,
      header,
      crash,
    );
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
    const lost = result.answered.filter((id) => !stored.has(id)).length;
    return { result, stored: stored.size, lost, killed, attempted: students.length };
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** Waits until every app process has answered a health check (new connection each time). */
async function allProcessesServe(base: string): Promise<void> {
  const seen = new Set<number>();
  const deadline = Date.now() + 30_000;
  while (seen.size < PROCESSES) {
    if (Date.now() > deadline) {
      throw new Error(`only ${seen.size} of ${PROCESSES} processes answer`);
    }
    const client = Deno.createHttpClient({});
    try {
      const res = await fetch(`${base}/api/v1/health`, { client });
      seen.add((await res.json()).instance);
    } finally {
      client.close();
    }
  }
}

console.log(
  `# ${PROCESSES} app process(es) (MIRAE_WORKERS), ${navigator.hardwareConcurrency} cores`,
);
const baseDir = await Deno.makeTempDir({ prefix: "mirae-bench-bare-" });
const bareRps = await bareRouteRps(baseDir);
await Deno.remove(baseDir, { recursive: true });

const r = await run("pass", N);
const res = r.result;
const joinsPerS = res.ok / res.seconds;
console.log(
  `# ${r.attempted} joins with passes, ${CONCURRENCY} in flight: ${res.ok} answered 200, ` +
    `${res.failed} not; ${r.stored} stored`,
);
console.log(`BENCH join_storm_10k_s=${(res.seconds * 10_000 / r.attempted).toFixed(2)} s`);
// Lost: a student who got no token, or whose acknowledged join is not stored.
console.log(`BENCH join_storm_lost=${res.failed + r.lost}`);
console.log(`BENCH join_storm_p99_ms=${res.p99Ms.toFixed(1)} ms`);
console.log(`BENCH join_storm_joins_per_s=${joinsPerS.toFixed(0)}`);
console.log(`BENCH join_storm_bare_rps=${bareRps.toFixed(0)}`);
console.log(`BENCH join_storm_ratio=${(joinsPerS / bareRps).toFixed(3)}`);

// The same storm through sessions (no pass): a session, user and membership read per join.
const SESSION_N = Math.min(N, 3000);
const sr = await run("session", SESSION_N);
const sessionPerS = sr.result.ok / sr.result.seconds;
console.log(
  `# ${sr.attempted} joins with sessions: ${sr.result.ok} answered 200, ${sr.result.failed} ` +
    `not; ${sr.stored} stored`,
);
console.log(`BENCH join_storm_session_joins_per_s=${sessionPerS.toFixed(0)}`);
console.log(`BENCH join_storm_session_lost=${sr.result.failed + sr.lost}`);

if (Deno.env.get("JOIN_STORM_CRASH") !== "0") {
  const c = await run("pass", N, true);
  console.log(
    `# crash run: server killed (SIGKILL) mid-storm${c.killed ? "" : " (NOT killed?)"}; ` +
      `${c.result.ok} joins acknowledged before, ${c.stored} stored`,
  );
  console.log(`BENCH join_storm_crash_acked_lost=${c.lost}`);
}
