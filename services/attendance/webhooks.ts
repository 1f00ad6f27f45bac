/**
 * LiveKit webhooks -> attendance. The route verifies the signed raw body; this module turns the
 * verified event into a plain, validated record and applies it with one KV atomic per event:
 * the event id (dedupe), the connection's interval and, when it changes, the live presence and
 * its count, all in the same commit. The server posts one event at a time per room and
 * retries failures with the same id, so a duplicate is a no-op and a reordered pair (a leave
 * before its join) merges into the same interval (see `mergeInterval`).
 *
 * A student the teacher removed from the lecture who joins anyway (a token handed out by a
 * process whose gate had not seen the removal yet) is removed again by the server once the
 * join is recorded: the join still counts for attendance, since it happened.
 *
 * Events are parsed in events.ts; after dropped webhooks the room is reconciled with the
 * server's own list (reconcile.ts).
 *
 * Behaviour measured on livekit-server 1.13.5: docs/research/livekit.md, sections 3 and 3b;
 * rules: docs/attendance.md.
 * @module
 */
import type { WebhookEvent } from "livekit-server-sdk";
import { markLectureEnded } from "../lectures/lectures.ts";
import { lectureIdOfRoom, LectureSchema } from "../lectures/model.ts";
import type { LiveKitServer } from "../livekit/link.ts";
import { AppError } from "../web/errors.ts";
import {
  IntervalSchema,
  keys,
  mergeInterval,
  type Presence,
  PresenceSchema,
  RoomFinishedSchema,
} from "./attendance.ts";
import {
  EVENT_ID_TTL_MS,
  IDENTITY,
  type LiveKitEvent,
  MAX_EVENT_AGE_MS,
  toLiveKitEvent,
  type WebhookOutcome,
} from "./events.ts";
import { reconcilePresence, removeAgain } from "./reconcile.ts";

export { type LiveKitEvent, MAX_WEBHOOK_BYTES } from "./events.ts";

/** KvU64 -1: `.sum()` wraps around. */
const MINUS_ONE = 0xffff_ffff_ffff_ffffn;

/**
 * Verifies a delivery (the RAW body as received and the bare JWT of its Authorization header)
 * and applies it. 401 when the signature or the body's checksum does not match; nothing is
 * written then.
 */
export async function receiveWebhook(
  kv: Deno.Kv,
  server: LiveKitServer,
  rawBody: string,
  authorization: string,
  now = Date.now(),
): Promise<WebhookOutcome> {
  let verified: WebhookEvent;
  try {
    verified = await server.webhooks.receive(rawBody, authorization);
  } catch (err) {
    if (err instanceof SyntaxError) {
      throw new AppError("bad_request", "The webhook body is not JSON.");
    }
    throw new AppError("unauthorized", "The webhook signature is not valid.");
  }
  let ev: LiveKitEvent;
  try {
    ev = toLiveKitEvent(verified, now);
  } catch {
    return { outcome: "ignored", reason: "unexpected event shape" };
  }
  return await applyEvent(kv, ev, { now, server });
}

/**
 * Applies one event. Idempotent (the event id is recorded in the same commit as its effects)
 * and order-independent. Events of rooms that are not lectures, of unknown lectures, older
 * than a day, or of other kinds are ignored. With `opts.server`: a removed student who joined
 * is removed from the room again, and when the server reports dropped webhooks, the lecture's
 * presence is reconciled with the server's participant list (both best effort).
 */
export async function applyEvent(
  kv: Deno.Kv,
  ev: LiveKitEvent,
  opts: { now?: number; server?: Pick<LiveKitServer, "rooms"> | null } = {},
): Promise<WebhookOutcome> {
  const now = opts.now ?? Date.now();
  if (now - ev.createdAt > MAX_EVENT_AGE_MS) return ignored("event is older than a day");
  const lectureId = lectureIdOfRoom(ev.roomName);
  if (!lectureId) return ignored("not a lecture room");
  let out: WebhookOutcome;
  switch (ev.event) {
    case "participant_joined":
    case "participant_left":
      out = await applyParticipantEvent(kv, ev, lectureId, opts.server ?? null);
      break;
    case "room_started":
      out = await recordOnly(kv, ev, lectureId);
      break;
    case "room_finished":
      out = await applyRoomFinished(kv, ev, lectureId);
      break;
    default:
      // participant_connection_aborted is sent only for connections that never became
      // active (no participant_joined was sent): nothing to count.
      return ignored(`${ev.event || "unnamed"} events are not used`);
  }
  if (out.outcome === "applied" && ev.numDropped > 0 && opts.server) {
    if (ev.event !== "room_finished") {
      await reconcilePresence(kv, opts.server, lectureId, ev.roomName, ev.createdAt);
    }
  }
  return out;
}

function ignored(reason: string): WebhookOutcome {
  return { outcome: "ignored", reason };
}

const APPLIED: WebhookOutcome = { outcome: "applied" };
const DUPLICATE: WebhookOutcome = { outcome: "duplicate" };

async function applyParticipantEvent(
  kv: Deno.Kv,
  ev: LiveKitEvent,
  lectureId: string,
  server: Pick<LiveKitServer, "rooms"> | null,
): Promise<WebhookOutcome> {
  const p = ev.participant;
  if (!p) return ignored("no participant");
  if (!p.standard) return ignored("not a person");
  if (!IDENTITY.test(p.identity)) return ignored("not a Mirae identity");
  const joined = ev.event === "participant_joined";
  const userId = p.identity;
  const intervalKey = keys.interval(lectureId, userId, p.sid);
  const presenceKey = keys.presence(lectureId, userId);
  // Several tries only if something else wrote the same keys in between (a retry racing).
  for (let attempt = 0; attempt < 8; attempt++) {
    const [done, lecture, iv, pres, fin, removed] = await kv.getMany([
      keys.event(ev.id),
      ["lectures", lectureId],
      intervalKey,
      presenceKey,
      keys.roomFinished(lectureId),
      ["lecture_removed", lectureId, userId],
    ]);
    // A removed student back in the room: removed again, also on a repeated delivery (the
    // first may have been recorded by a process that died before it could remove them).
    const kick = joined && p.role === "student" && removed.versionstamp !== null && server;
    if (done.versionstamp) {
      if (kick) await removeAgain(server, ev.roomName, userId);
      return DUPLICATE;
    }
    if (lecture.versionstamp === null) return ignored("unknown lecture");
    const next = mergeInterval(iv.value ? IntervalSchema.parse(iv.value) : null, {
      joinedAt: p.joinedAt ?? (joined ? ev.createdAt : undefined),
      leftAt: joined ? undefined : ev.createdAt,
      role: p.role,
    });
    const presence = pres.value ? PresenceSchema.parse(pres.value) : null;
    const op = kv.atomic()
      .check(done, iv, pres, fin)
      .set(keys.event(ev.id), true, { expireIn: EVENT_ID_TTL_MS })
      .set(intervalKey, next)
      .set(keys.rev(lectureId), true);
    if (joined) {
      // Shown as connected unless this connection already left (its leave came first), the
      // room has closed, or a later connection of the same person is shown already.
      const show = next.leftAt === undefined && fin.versionstamp === null &&
        (!presence || presence.sid === p.sid || presence.joinedAt <= next.joinedAt);
      if (show) {
        const value: Presence = {
          sid: p.sid,
          name: p.name || userId,
          role: next.role,
          joinedAt: next.joinedAt,
        };
        op.set(presenceKey, value);
        if (!presence) op.sum(keys.presenceCount(lectureId), 1n);
      }
    } else if (presence?.sid === p.sid) {
      op.delete(presenceKey).sum(keys.presenceCount(lectureId), MINUS_ONE);
    }
    if (!(await op.commit()).ok) continue;
    if (kick) await removeAgain(server, ev.roomName, userId);
    return APPLIED;
  }
  throw new Error(`webhook ${ev.id}: attendance keys kept changing`);
}

/** Events with no effect on attendance are still recorded, so a replay stays a no-op. */
async function recordOnly(kv: Deno.Kv, ev: LiveKitEvent, lectureId: string) {
  const [done, lecture] = await kv.getMany([keys.event(ev.id), ["lectures", lectureId]]);
  if (done.versionstamp) return DUPLICATE;
  if (lecture.versionstamp === null) return ignored("unknown lecture");
  const res = await kv.atomic().check(done)
    .set(keys.event(ev.id), true, { expireIn: EVENT_ID_TTL_MS })
    .commit();
  return res.ok ? APPLIED : DUPLICATE;
}

/**
 * The room closed: the lecture ends at that time (if it was still live), open connections end
 * there (the report reads the room's finish time), and nobody is shown as connected. Each
 * step is idempotent and the event id is recorded last, so a failure part-way is retried by
 * the server and finishes the work.
 */
async function applyRoomFinished(
  kv: Deno.Kv,
  ev: LiveKitEvent,
  lectureId: string,
): Promise<WebhookOutcome> {
  const [done, lecture] = await kv.getMany([keys.event(ev.id), ["lectures", lectureId]]);
  if (done.versionstamp) return DUPLICATE;
  if (lecture.versionstamp === null) return ignored("unknown lecture");
  // Event times have whole seconds: a room closed within a second of opening must not end
  // before it opened.
  const openedAt = LectureSchema.parse(lecture.value).openedAt;
  const at = Math.max(ev.createdAt, openedAt ? Date.parse(openedAt) : 0);
  await markLectureEnded(kv, lectureId, new Date(at));
  for (let attempt = 0;; attempt++) {
    const fin = await kv.get(keys.roomFinished(lectureId));
    const prev = fin.value ? RoomFinishedSchema.parse(fin.value).at : Infinity;
    const res = await kv.atomic().check(fin)
      .set(keys.roomFinished(lectureId), { at: Math.min(prev, at) })
      .set(keys.presenceCount(lectureId), new Deno.KvU64(0n))
      .set(keys.rev(lectureId), true)
      .commit();
    if (res.ok) break;
    if (attempt > 8) throw new Error(`webhook ${ev.id}: room finish kept conflicting`);
  }
  await deleteAll(kv, keys.presences(lectureId));
  const res = await kv.atomic().check(done)
    .set(keys.event(ev.id), true, { expireIn: EVENT_ID_TTL_MS })
    .commit();
  return res.ok ? APPLIED : DUPLICATE;
}

/** Deletes every key under a prefix, in commits of a few hundred. */
async function deleteAll(kv: Deno.Kv, prefix: Deno.KvKey): Promise<void> {
  let batch: Deno.KvKey[] = [];
  const flush = async () => {
    const op = kv.atomic();
    for (const key of batch) op.delete(key);
    await op.commit();
    batch = [];
  };
  for await (const e of kv.list({ prefix })) {
    batch.push(e.key);
    if (batch.length >= 500) await flush();
  }
  if (batch.length) await flush();
}
