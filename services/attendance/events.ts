/**
 * LiveKit's webhook events as plain, validated records: what Mirae reads of a verified event
 * (ids, times in ms, the participant and the role its token's metadata claims), and the limits
 * a delivery must keep. Applying them is webhooks.ts; rules: docs/attendance.md.
 * @module
 */
import type { WebhookEvent } from "livekit-server-sdk";
import { z } from "zod";
import { type ParticipantRole, ParticipantRoleSchema } from "./attendance.ts";

/** Largest webhook body accepted (real ones are 1-3 KiB). */
export const MAX_WEBHOOK_BYTES = 64 * 1024;
/** Deliveries created longer ago than this are ignored (a replay of an old capture). */
export const MAX_EVENT_AGE_MS = 24 * 3_600_000;
/** How long handled event ids are remembered (far beyond the server's retry window). */
export const EVENT_ID_TTL_MS = 7 * 86_400_000;

/** ParticipantInfo.Kind STANDARD (people; not egress, ingress, SIP or agents). */
export const KIND_STANDARD = 0;
/** Mirae user ids (ULIDs) and anything similar; other identities are not ours. */
export const IDENTITY = /^[0-9A-Za-z_-]{1,64}$/;

/** A verified webhook, as plain data (ms timestamps, no bigints). */
export const LiveKitEventSchema = z.object({
  id: z.string().min(1).max(200),
  event: z.string().max(64),
  /** When the server created the event (ms since epoch). */
  createdAt: z.number().int().min(0),
  /** Webhooks the server dropped before this one (its queue overflowed). */
  numDropped: z.number().int().min(0),
  roomName: z.string().max(256),
  participant: z.object({
    sid: z.string().min(1).max(64),
    identity: z.string().min(1).max(256),
    name: z.string().max(300),
    role: ParticipantRoleSchema,
    /** ms since epoch; absent when the server did not say. */
    joinedAt: z.number().int().min(0).optional(),
    /** A person (not a recorder, SIP bridge or agent). */
    standard: z.boolean(),
  }).optional(),
});
export type LiveKitEvent = z.infer<typeof LiveKitEventSchema>;

/** What happened to a delivery. */
export interface WebhookOutcome {
  outcome: "applied" | "duplicate" | "ignored";
  reason?: string;
}

/** The role a participant's metadata claims (`{"role":"teacher"}`); student otherwise. */
export function roleOf(metadata: string | undefined): ParticipantRole {
  try {
    return JSON.parse(metadata || "{}")?.role === "teacher" ? "teacher" : "student";
  } catch {
    return "student";
  }
}

type ParticipantLike = NonNullable<WebhookEvent["participant"]>;

export function joinedAtOf(p: ParticipantLike): number | undefined {
  if (p.joinedAtMs > 0n) return Number(p.joinedAtMs);
  if (p.joinedAt > 0n) return Number(p.joinedAt) * 1000;
  return undefined;
}

/** Turns a verified protobuf event into a plain record (bigints become ms numbers). */
export function toLiveKitEvent(ev: WebhookEvent, now = Date.now()): LiveKitEvent {
  const p = ev.participant;
  return LiveKitEventSchema.parse({
    id: ev.id,
    event: ev.event,
    createdAt: ev.createdAt > 0n ? Number(ev.createdAt) * 1000 : now,
    numDropped: Math.max(0, ev.numDropped ?? 0),
    roomName: ev.room?.name ?? "",
    participant: p && p.sid && p.identity
      ? {
        sid: p.sid,
        identity: p.identity,
        name: p.name.slice(0, 300),
        role: roleOf(p.metadata),
        joinedAt: joinedAtOf(p),
        standard: p.kind === KIND_STANDARD,
      }
      : undefined,
  });
}
