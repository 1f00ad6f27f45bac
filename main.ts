/**
 * Starts Mirae: reads the configuration, opens Deno KV, seeds the demo school into an empty
 * store (development), and serves the app. `deno task start`.
 * @module
 */
import { loadConfig } from "./fresh.config.ts";
import manifest from "./fresh.gen.ts";
import { ensureBeautifyAssets } from "./scripts/beautify_assets.ts";
import { kvFolder, openKv } from "./services/db/kv.ts";
import { demoInfo, hasDemo, seedDemo } from "./services/demo/seed.ts";
import { hasDemoCompany } from "./services/demo/workspace.ts";
import { backfillGradingQueue } from "./services/coursework/grading.ts";
import { startQueue } from "./services/jobs/queue.ts";
import { queueModeFor, setQueueMode } from "./services/jobs/schedule.ts";
import { scheduleRetentionSweep } from "./services/clockin/retention.ts";
import { startAllClockinReminders } from "./services/clockin/reminders.ts";
import { LiveKitLink, startLinkedLiveKit } from "./services/livekit/link.ts";
import { ensureMediaWorker, type LocalLiveKit } from "./services/livekit/local.ts";
import { KvFileStore } from "./services/files/store.ts";
import {
  type RecordingSupervisor,
  startRecordingSupervisor,
} from "./services/recordings/supervisor.ts";
import { isEmpty } from "./services/orgs/orgs.ts";
import { createApp } from "./services/web/app.tsx";
import { setClientIp } from "./services/web/forms.ts";
import {
  assertPortFree,
  followParent,
  startWorkers,
  workerPermissionFlags,
  type WorkerPool,
} from "./services/web/workers.ts";

const config = loadConfig();
/** Instance 0 seeds, runs the job queue and the local LiveKit server, and starts the others. */
const first = config.instance === 0;
// The beautify filter's wasm and models, served from static/vendor (prepared from npm packages,
// nothing is fetched at run time). Without them the filter says so and the camera passes through.
if (first) {
  await ensureBeautifyAssets().catch((err) =>
    console.error(`Beautify filter assets could not be prepared: ${(err as Error).message}`)
  );
}
const kv = await openKv(config.kvLocation);
/** The folder of the embedded KV file (none with KV Connect). */
const kvDir = kvFolder(config.kvLocation);

if (first && config.seedDemo && config.env !== "production" && await isEmpty(kv)) {
  console.log("Empty store: seeding the demo school…");
  await seedDemo(kv);
}
// Once per store, before serving: counters Today reads, for work handed in before they existed.
if (first) await backfillGradingQueue(kv);

// Live video: the server named by LIVEKIT_URL, or a local one started once we listen.
const livekit = LiveKitLink.fromConfig(config);
let localLiveKit: Promise<LocalLiveKit | null> = Promise.resolve(null);
let workers: WorkerPool | undefined;
const app = createApp({ kv, config, manifest, livekit });
// Reminders before due times, clean-up of interrupted uploads: KV's queue, or (KV Connect has
// no queues) a table of due jobs that every instance polls.
const queueMode = queueModeFor(config.kvLocation);
setQueueMode(kv, queueMode);
if (first) startQueue(kv, queueMode);
// Clock-in positions past their retention are reduced to their label, daily.
if (first) await scheduleRetentionSweep(kv);
// Reminders before each shift, planned per organization and day (clock-in on).
if (first) await startAllClockinReminders(kv);
// Lecture recorders (services/recordings/supervisor.ts): one per live lecture being recorded.
let recordings: RecordingSupervisor | undefined;
if (first) {
  ensureMediaWorker().then((bin) => {
    if (stopping) return;
    recordings = startRecordingSupervisor({
      kv,
      livekit,
      store: new KvFileStore(kv),
      bin,
      dir: `${kvDir ?? "./data"}/recordings`,
    });
  }).catch((err) => console.error(`Lectures are not recorded: ${(err as Error).message}`));
}

// More than one process: all listen on the port (SO_REUSEPORT); see services/web/workers.ts.
const shared = config.workers > 1;
if (first && shared) assertPortFree(config.hostname, config.port);
const server = Deno.serve({
  port: config.port,
  hostname: config.hostname,
  reusePort: shared,
  onListen: first ? ({ hostname, port }) => onListen(hostname, port) : () => {},
}, (req, info) => {
  // The client address for rate limiting; a header sent by the client is never trusted,
  // except X-Forwarded-For's last hop when a reverse proxy in front is (MIRAE_TRUST_PROXY).
  // (Recorded beside the request rather than copied into a new one: a copy per request cost
  // a tenth of the join storm's CPU.)
  const forwarded = config.trustProxy
    ? req.headers.get("x-forwarded-for")?.split(",").pop()?.trim()
    : undefined;
  setClientIp(req, forwarded || info.remoteAddr.hostname);
  return app.fetch(req);
});

async function onListen(hostname: string, port: number) {
  const url = config.publicUrl.includes(`:${config.port}`)
    ? config.publicUrl.replace(`:${config.port}`, `:${port}`)
    : config.publicUrl;
  const processes = shared ? ` by ${config.workers} processes` : "";
  console.log(`Mirae is running at ${url} (listening on ${hostname}:${port}${processes})`);
  if (!config.livekit) {
    const hookHost = hostname === "0.0.0.0" || hostname === "::" ? "127.0.0.1" : hostname;
    localLiveKit = startLinkedLiveKit(livekit, {
      dir: `${kvDir ?? "./data"}/livekit`,
      webhookUrl: `http://${hookHost}:${port}/api/v1/livekit/webhook`,
      port: config.localLiveKitPort,
    });
  }
  if (config.env !== "production" && await hasDemo(kv)) {
    const d = demoInfo();
    console.log(`Demo sign-in (password for all: ${d.password}):`);
    console.log(`  admin:    ${d.admin}`);
    console.log(`  teachers: ${d.teachers.join(", ")}`);
    console.log(`  student:  number ${d.student.number}, school code ${d.student.school}`);
    if (await hasDemoCompany(kv)) {
      console.log(
        `  company ${d.company.code}: admin ${d.company.admin}, manager ` +
          `${d.company.manager}, employee ${d.company.employee}`,
      );
    }
  }
  if (shared) {
    // The others start once live video is settled, so they are told where it is (or why not).
    const local = await localLiveKit;
    if (stopping) return;
    workers = startWorkers({
      count: config.workers - 1,
      env: {
        PORT: String(port),
        ...(local
          ? {
            LIVEKIT_URL: local.url,
            LIVEKIT_API_KEY: local.apiKey,
            LIVEKIT_API_SECRET: local.apiSecret,
          }
          : {}),
        ...(!local && !config.livekit ? { MIRAE_LIVEKIT_OFF: offMessage(livekit) } : {}),
      },
      permissions: workerPermissionFlags(kvDir ? [kvDir] : []),
    });
  }
}

/** Why live video is off, for the workers' pages. */
function offMessage(link: LiveKitLink): string {
  const status = link.status();
  return status.state === "ready" ? "" : status.message;
}

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await workers?.stop();
  await server.shutdown();
  await recordings?.stop(); // the parts being written are stored
  await (await localLiveKit)?.stop();
  kv.close();
  Deno.exit(0);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(signal, stop);
// A worker ends with the process that started it, finishing its requests first.
if (!first) followParent(stop);
