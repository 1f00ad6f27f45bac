/**
 * Several app processes on one port (MIRAE_WORKERS, services/web/workers.ts), run for real:
 * main.ts with its demo school and local LiveKit server, a worker started beside it.
 */
import assert from "node:assert/strict";
import { spawnServer } from "@/scripts/spawn_server.ts";
import { DEMO_ADMIN, DEMO_PASSWORD } from "@/services/demo/seed.ts";

interface Health {
  status: string;
  instance: number;
  liveVideo: string;
}

/** One request on a new connection (the kernel picks the process per connection). */
async function fresh(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: string }> {
  const client = Deno.createHttpClient({});
  try {
    const res = await fetch(url, { ...init, client });
    return { status: res.status, body: await res.text() };
  } finally {
    client.close();
  }
}

async function health(base: string): Promise<Health> {
  const res = await fresh(`${base}/api/v1/health`);
  assert.equal(res.status, 200, res.body);
  return JSON.parse(res.body);
}

/** Polls until `check` is true (30 s at most). */
async function until(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The app processes the first one started (its LiveKit server is a child too). */
async function workerPids(primary: number): Promise<number[]> {
  const out: number[] = [];
  for (const task of Deno.readDirSync(`/proc/${primary}/task`)) {
    const children = await Deno.readTextFile(`/proc/${primary}/task/${task.name}/children`)
      .catch(() => "");
    for (const pid of children.split(" ").filter(Boolean).map(Number)) {
      const cmd = await Deno.readTextFile(`/proc/${pid}/cmdline`).catch(() => "");
      if (cmd.includes("main.ts")) out.push(pid);
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

Deno.test({
  name: "[workers] two processes share the port and the store; a worker restarts after a crash " +
    "and ends with the first process",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await using server = await spawnServer({ MIRAE_WORKERS: "2" });
    const seen = new Map<number, Health>();

    await t.step("both processes answer, both with live video", async () => {
      await until("both processes to answer", async () => {
        const h = await health(server.url);
        seen.set(h.instance, h);
        return seen.size === 2;
      });
      assert.deepEqual([...seen.keys()].sort(), [0, 1]);
      for (const h of seen.values()) assert.equal(h.liveVideo, "ready");
      assert.match(server.output(), /listening on 127\.0\.0\.1:\d+ by 2 processes/);
    });

    await t.step("a session made by one process works on every connection, pages too", async () => {
      const signin = await fresh(`${server.url}/api/v1/sessions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ login: DEMO_ADMIN, password: DEMO_PASSWORD }),
      });
      assert.equal(signin.status, 201, signin.body);
      const { token } = JSON.parse(signin.body);
      const auth = { authorization: `Bearer ${token}` };
      for (let i = 0; i < 20; i++) {
        const me = await fresh(`${server.url}/api/v1/me`, { headers: auth });
        assert.equal(me.status, 200, me.body);
      }

      // Pages and their islands: every process bundles the same islands (esbuild, a child
      // process of each) under the same names.
      const classes = JSON.parse(
        (await fresh(`${server.url}/api/v1/classes`, { headers: auth })).body,
      );
      const page = await fresh(`${server.url}/admin/classes/${classes.items[0].id}`, {
        headers: auth,
      });
      assert.equal(page.status, 200);
      const boot = page.body.match(/src="(\/_islands\/boot-[A-Z0-9]+\.js)"/)?.[1];
      assert.ok(boot, "the page loads the island boot script");
      for (let i = 0; i < 20; i++) {
        const js = await fresh(`${server.url}${boot}`);
        assert.equal(js.status, 200, `boot script, connection ${i}: ${js.body.slice(0, 200)}`);
      }
    });

    const [worker] = await workerPids(server.pid);
    await t.step("a crashed worker is started again", async () => {
      assert.ok(worker, "the worker is a child of the first process");
      Deno.kill(worker, "SIGKILL");
      await until("the restart", () => /Worker 1 exited .*restarting it/.test(server.output()));
      await until("a new worker", async () => {
        const pids = await workerPids(server.pid);
        return pids.length === 1 && pids[0] !== worker;
      });
      seen.clear();
      await until("the new worker to answer", async () => {
        const h = await health(server.url);
        seen.set(h.instance, h);
        return seen.has(1);
      });
    });

    await t.step("when the first process is killed, its worker exits too", async () => {
      const [restarted] = await workerPids(server.pid);
      const livekitPid = Number(
        await Deno.readTextFile(`${server.kvPath.replace(/[^/]+$/, "")}livekit/server.pid`),
      );
      Deno.kill(server.pid, "SIGKILL");
      await until("the worker to exit", () => !alive(restarted));
      // Its LiveKit server lost its parent too: the next start would stop it; here we do.
      if (livekitPid && alive(livekitPid)) Deno.kill(livekitPid, "SIGKILL");
    });
  },
});

Deno.test({
  name: "[workers] a second Mirae on a port in use is refused with a clear error",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using first = await spawnServer({ MIRAE_WORKERS: "2" });
    await assert.rejects(
      () => spawnServer({ MIRAE_WORKERS: "2", PORT: String(first.port) }),
      /Port \d+ on 127\.0\.0\.1 is in use/,
    );
  },
});
