/**
 * What a join with a pass (pass.ts) must still check, per lecture and from memory: is the
 * lecture live, who was removed, who is on stage. One read per lecture refreshes it at most
 * once a second (all joins of that second share it), and the services that change it (open,
 * end, stage, remove) refresh this process's copy at once. The other processes (one per core,
 * services/web/workers.ts) and instances see such a change within a second; a removed student
 * who got a token in that second is removed again when LiveKit reports the join (webhooks.ts).
 * @module
 */
import { type Lecture, LectureSchema } from "./model.ts";

/** How old the copy may be before a join refreshes it. */
export const GATE_MAX_AGE_MS = 1000;

export interface LectureGate {
  lecture: Lecture;
  removed: Set<string>;
  onStage: Set<string>;
}

interface Cached {
  gate: Promise<LectureGate | null>;
  at: number;
}

const gates = new WeakMap<Deno.Kv, Map<string, Cached>>();

async function load(kv: Deno.Kv, lectureId: string): Promise<LectureGate | null> {
  const [entry, removed, onStage] = await Promise.all([
    kv.get(["lectures", lectureId]),
    Array.fromAsync(kv.list({ prefix: ["lecture_removed", lectureId] })),
    Array.fromAsync(kv.list({ prefix: ["lecture_stage", lectureId] })),
  ]);
  if (entry.value === null) return null;
  return {
    lecture: LectureSchema.parse(entry.value),
    removed: new Set(removed.map((e) => e.key[2] as string)),
    onStage: new Set(onStage.map((e) => e.key[2] as string)),
  };
}

/** The lecture's gate, at most GATE_MAX_AGE_MS old. */
export function lectureGate(
  kv: Deno.Kv,
  lectureId: string,
  now = Date.now(),
): Promise<LectureGate | null> {
  let byLecture = gates.get(kv);
  if (!byLecture) gates.set(kv, byLecture = new Map());
  const cached = byLecture.get(lectureId);
  if (cached && now - cached.at < GATE_MAX_AGE_MS) return cached.gate;
  if (byLecture.size > 1000) byLecture.clear();
  const gate = load(kv, lectureId);
  byLecture.set(lectureId, { gate, at: now });
  gate.catch(() => byLecture.delete(lectureId));
  return gate;
}

/** Drops this instance's copy after a change (the next join reads it again). */
export function refreshGate(kv: Deno.Kv, lectureId: string): void {
  gates.get(kv)?.delete(lectureId);
}
