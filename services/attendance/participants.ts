/**
 * Who is connected to a live lecture now, for the teacher's participant list: the presence
 * the webhooks keep (students join as hidden participants, so the media server lists them
 * to nobody but its API), with stage seats and raised hands from the lecture's keys.
 * @module
 */
import { z } from "zod";
import { type RaisedHand, RaisedHandSchema } from "../lectures/model.ts";
import { keys, ParticipantRoleSchema, type Presence, PresenceSchema } from "./attendance.ts";

export const LiveParticipantsSchema = z.object({
  /** Everyone connected now. */
  count: z.number(),
  /** Connected people who match the search. */
  total: z.number(),
  items: z.array(z.object({
    userId: z.string(),
    name: z.string(),
    role: ParticipantRoleSchema,
    joinedAt: z.string(),
    onStage: z.boolean(),
    handRaisedAt: z.string().optional(),
  })),
  /** The offset of the next page; absent on the last. */
  nextOffset: z.number().optional(),
});
export type LiveParticipants = z.infer<typeof LiveParticipantsSchema>;

/** How many people are connected to a lecture now (one read). */
export async function presenceCount(kv: Deno.Kv, lectureId: string): Promise<number> {
  const value = (await kv.get<Deno.KvU64>(keys.presenceCount(lectureId))).value?.value ?? 0n;
  // Wrapped below zero would be a bug elsewhere; never show it as billions of people.
  return value > 1_000_000n ? 0 : Number(value);
}

const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });

/**
 * One page of the people connected to a lecture: teachers first, then raised hands (oldest
 * first), then by name; `q` matches names.
 */
export async function listLiveParticipants(
  kv: Deno.Kv,
  lectureId: string,
  query: { q?: string; offset?: number; limit?: number } = {},
): Promise<LiveParticipants> {
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
  const offset = Math.max(query.offset ?? 0, 0);
  const q = query.q?.trim().toLowerCase() ?? "";
  const people: (Presence & { userId: string })[] = [];
  for await (const e of kv.list({ prefix: keys.presences(lectureId) })) {
    const p = PresenceSchema.parse(e.value);
    if (!q || p.name.toLowerCase().includes(q)) people.push({ ...p, userId: e.key[2] as string });
  }
  const stage = new Set<string>();
  for await (const e of kv.list({ prefix: ["lecture_stage", lectureId] })) {
    stage.add(e.key[2] as string);
  }
  const hands = new Map<string, RaisedHand>();
  for await (const e of kv.list({ prefix: ["lecture_hands", lectureId] })) {
    hands.set(e.key[2] as string, RaisedHandSchema.parse(e.value));
  }
  const rank = (p: Presence) => (p.role === "teacher" ? 0 : 1);
  const handAt = (userId: string) => hands.get(userId)?.at ?? Number.MAX_SAFE_INTEGER;
  people.sort((a, b) =>
    rank(a) - rank(b) || handAt(a.userId) - handAt(b.userId) || collator.compare(a.name, b.name)
  );
  const page = people.slice(offset, offset + limit);
  return {
    count: await presenceCount(kv, lectureId),
    total: people.length,
    items: page.map((p) => {
      const hand = hands.get(p.userId);
      return {
        userId: p.userId,
        name: p.name,
        role: p.role,
        joinedAt: new Date(p.joinedAt).toISOString(),
        onStage: stage.has(p.userId),
        ...(hand ? { handRaisedAt: new Date(hand.at).toISOString() } : {}),
      };
    }),
    nextOffset: offset + limit < people.length ? offset + limit : undefined,
  };
}
