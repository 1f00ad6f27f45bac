/**
 * Repairs attendance after the media server dropped webhooks (its queue overflowed during a
 * join storm): the server's own participant list is the truth for who is connected now.
 * Removed students it still lists are removed again (their join may be among the dropped).
 * @module
 */
import { ParticipantInfo_State } from "livekit-server-sdk";
import { removeFromRoom } from "../lectures/room.ts";
import type { LiveKitServer } from "../livekit/link.ts";
import {
  type Interval,
  IntervalSchema,
  keys,
  mergeInterval,
  type ParticipantRole,
  type Presence,
} from "./attendance.ts";
import { IDENTITY, joinedAtOf, KIND_STANDARD, roleOf } from "./events.ts";

/**
 * Disconnects a removed student who got back in, and revokes the tokens signed until now.
 * Best effort: the join is recorded already, and failing the webhook would only repeat it.
 */
export async function removeAgain(
  server: Pick<LiveKitServer, "rooms">,
  roomName: string,
  identity: string,
): Promise<void> {
  await removeFromRoom(server, roomName, identity).catch((err) =>
    console.warn(`attendance: could not remove ${identity} from ${roomName} again:`, err)
  );
}

/**
 * After the server dropped webhooks: the participants it lists as active are connected (an
 * interval and a presence each), and every other open connection is closed at `at` (marked
 * inferred, so a late participant_left still sets the real time). Removed students it lists
 * are removed again. Errors are logged, never
 * thrown: the event itself has been applied.
 */
export async function reconcilePresence(
  kv: Deno.Kv,
  server: Pick<LiveKitServer, "rooms">,
  lectureId: string,
  roomName: string,
  at: number,
): Promise<void> {
  try {
    const listed = await server.rooms.listParticipants(roomName);
    const active = new Map<
      string,
      { sid: string; name: string; role: ParticipantRole; at: number }
    >();
    for (const p of listed) {
      if (p.state !== ParticipantInfo_State.ACTIVE || p.kind !== KIND_STANDARD) continue;
      if (!IDENTITY.test(p.identity)) continue;
      active.set(p.identity, {
        sid: p.sid,
        name: p.name || p.identity,
        role: roleOf(p.metadata),
        at: joinedAtOf(p) ?? at,
      });
    }
    const writes: [Deno.KvEntryMaybe<unknown>, Deno.KvKey, unknown | null][] = [];
    const seen = new Set<string>();
    for await (const e of kv.list<Interval>({ prefix: keys.intervals(lectureId) })) {
      const [, , userId, sid] = e.key as string[];
      const now = active.get(userId);
      if (now?.sid === sid) seen.add(userId);
      else if (e.value.leftAt === undefined) {
        const next = mergeInterval(IntervalSchema.parse(e.value), {
          leftAt: at,
          inferred: true,
          role: e.value.role,
        });
        writes.push([e, e.key, next]);
      }
    }
    const shown = new Map<string, Deno.KvEntry<Presence>>();
    for await (const e of kv.list<Presence>({ prefix: keys.presences(lectureId) })) {
      shown.set(e.key[2] as string, e);
    }
    for (const [userId, p] of active) {
      if (!seen.has(userId)) {
        const key = keys.interval(lectureId, userId, p.sid);
        writes.push([
          { key, value: null, versionstamp: null },
          key,
          {
            joinedAt: p.at,
            role: p.role,
          } satisfies Interval,
        ]);
      }
      const cur = shown.get(userId);
      if (cur?.value.sid !== p.sid) {
        const key = keys.presence(lectureId, userId);
        const value: Presence = { sid: p.sid, name: p.name, role: p.role, joinedAt: p.at };
        writes.push([cur ?? { key, value: null, versionstamp: null }, key, value]);
      }
    }
    for (const [userId, e] of shown) {
      if (!active.has(userId)) writes.push([e, e.key, null]);
    }
    for (let i = 0; i < writes.length; i += 100) {
      const op = kv.atomic();
      for (const [entry, key, value] of writes.slice(i, i + 100)) {
        op.check(entry);
        if (value === null) op.delete(key);
        else op.set(key, value);
      }
      if (!(await op.commit()).ok) console.warn(`attendance: reconcile of ${lectureId} raced`);
    }
    await kv.atomic()
      .set(keys.presenceCount(lectureId), new Deno.KvU64(BigInt(active.size)))
      .set(keys.rev(lectureId), true)
      .commit();
    // Removed students the server lists (their join may be among the dropped webhooks).
    for await (const e of kv.list({ prefix: ["lecture_removed", lectureId] })) {
      const userId = e.key[2] as string;
      if (active.get(userId)?.role === "student") await removeAgain(server, roomName, userId);
    }
  } catch (err) {
    console.warn(`attendance: could not reconcile ${roomName} after dropped webhooks:`, err);
  }
}
