/**
 * Retention of punch positions: a punch's raw reading (lat, lng, accuracy) is kept for the
 * organization's `retentionDays` (as set when the punch was made: its `punches_by_expiry`
 * entry is written with it), then dropped; the label ("230 m from Main Campus, ±35 m") stays
 * and `reducedAt` says when. The sweep runs daily on the job queue (services/jobs/queue.ts):
 * one message at a time, each run scheduling the next; a marker key makes a repeated start or
 * a duplicate delivery harmless.
 * @module
 */
import { enqueue } from "../jobs/schedule.ts";
import { type Punch, PunchSchema } from "./model.ts";

const DAY_MS = 86_400_000;
/** Punches per commit (two checks each: the punch and the person's last punch). */
const CHUNK = 50;
const MARKER: Deno.KvKey = ["clockin_retention_next"];

/** The queue message of the daily sweep. */
export interface RetentionMessage {
  type: "clockin_retention";
  /** When this run was scheduled for (ms); stale copies are dropped. */
  at: number;
}

/** Whether a queue message is the sweep's. */
export function isRetentionMessage(msg: unknown): msg is RetentionMessage {
  return typeof msg === "object" && msg !== null &&
    (msg as RetentionMessage).type === "clockin_retention" &&
    typeof (msg as RetentionMessage).at === "number";
}

function reduce(p: Punch, now: Date): Punch {
  const { lat: _lat, lng: _lng, accuracy: _acc, ...rest } = p;
  return { ...rest, reducedAt: now.toISOString() };
}

/**
 * Drops the raw position of every punch whose retention ended by `now` (the label stays; the
 * person's `punch_last` copy is reduced too). Returns how many punches were reduced. A punch
 * changed meanwhile (an undo) is left for the next run.
 */
export async function sweepPunchPositions(kv: Deno.Kv, now = new Date()): Promise<number> {
  let reduced = 0;
  const due: Deno.KvEntry<unknown>[] = [];
  for await (
    const e of kv.list({
      start: ["punches_by_expiry"],
      end: ["punches_by_expiry", now.getTime() + 1],
    })
  ) due.push(e);
  for (let i = 0; i < due.length; i += CHUNK) {
    const chunk = due.slice(i, i + CHUNK);
    const keys = chunk.flatMap((e) => {
      const [, , orgId, day, userId, punchId] = e.key as string[];
      return [["punches", orgId, day, userId, punchId], ["punch_last", userId]] as Deno.KvKey[];
    });
    const entries: Deno.KvEntryMaybe<unknown>[] = [];
    for (let k = 0; k < keys.length; k += 10) {
      entries.push(...await kv.getMany(keys.slice(k, k + 10)));
    }
    const op = kv.atomic();
    let n = 0;
    const lastDone = new Set<string>();
    chunk.forEach((e, j) => {
      const punchEntry = entries[2 * j], lastEntry = entries[2 * j + 1];
      op.delete(e.key);
      if (punchEntry.value === null) return; // deleted since
      const punch = PunchSchema.parse(punchEntry.value);
      if (punch.lat === undefined && punch.lng === undefined && punch.accuracy === undefined) {
        return;
      }
      op.check(punchEntry).set(punchEntry.key, reduce(punch, now));
      n++;
      const last = lastEntry.value ? PunchSchema.parse(lastEntry.value) : null;
      if (last?.id === punch.id && !lastDone.has(punch.userId)) {
        lastDone.add(punch.userId);
        op.check(lastEntry).set(lastEntry.key, reduce(last, now));
      }
    });
    const res = await op.commit();
    if (res.ok) reduced += n;
  }
  return reduced;
}

/**
 * Makes sure a daily sweep is scheduled (the first process calls it at start): one is
 * enqueued unless the marker names a run in the next day and a bit.
 */
export async function scheduleRetentionSweep(kv: Deno.Kv, now = Date.now()): Promise<void> {
  const marker = await kv.get<number>(MARKER);
  if (marker.value !== null && marker.value > now && marker.value < now + DAY_MS + 3_600_000) {
    return;
  }
  const at = now + 60_000;
  const res = await kv.atomic().check(marker).set(MARKER, at).commit();
  if (res.ok) {
    await enqueue(kv, { type: "clockin_retention", at } satisfies RetentionMessage, 60_000);
  }
}

/** Runs a delivered sweep and schedules the next one a day later; stale copies are dropped. */
export async function handleRetentionMessage(kv: Deno.Kv, msg: RetentionMessage): Promise<void> {
  const marker = await kv.get<number>(MARKER);
  if (marker.value !== msg.at) return;
  await sweepPunchPositions(kv);
  const at = Date.now() + DAY_MS;
  const res = await kv.atomic().check(marker).set(MARKER, at).commit();
  if (res.ok) {
    await enqueue(kv, { type: "clockin_retention", at } satisfies RetentionMessage, DAY_MS);
  }
}
