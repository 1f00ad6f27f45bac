/**
 * Attendance test helpers: lectures opened at a chosen time, webhook events as the service
 * sees them (plain) and as LiveKit posts them (proto JSON, signed like the real server).
 * @module
 */
import { AccessToken } from "livekit-server-sdk";
import type { LiveKitEvent } from "@/services/attendance/webhooks.ts";
import type { Class } from "@/services/classes/classes.ts";
import { scheduleLecture } from "@/services/lectures/lectures.ts";
import type { Lecture } from "@/services/lectures/model.ts";
import type { User } from "@/services/orgs/users.ts";

export const MIN = 60_000;

/** A lecture of `cls` made live as if opened at `openedAt` (ms), or scheduled with null. */
export async function lectureOpenedAt(
  kv: Deno.Kv,
  cls: Class,
  teacher: User,
  openedAt: number | null,
  extra: Partial<Lecture> = {},
): Promise<Lecture> {
  const scheduled = await scheduleLecture(kv, cls, teacher.id, {
    title: "Photosynthesis",
    startsAt: new Date(openedAt ?? Date.now() + 86_400_000).toISOString(),
  });
  const lecture: Lecture = openedAt === null
    ? { ...scheduled, ...extra }
    : { ...scheduled, status: "live", openedAt: new Date(openedAt).toISOString(), ...extra };
  await kv.set(["lectures", lecture.id], lecture);
  return lecture;
}

let seq = 0;
/** A unique event id like the server's ("EV_..."). */
export function eventId(): string {
  return `EV_${Date.now().toString(36)}${(seq++).toString(36)}${crypto.randomUUID().slice(0, 6)}`;
}

/** A participant event as `toLiveKitEvent` makes it. */
export function participantEvent(
  event: "participant_joined" | "participant_left",
  lecture: Pick<Lecture, "roomName">,
  /** A user: teachers and admins join as "teacher". */
  who: { id: string; name: string; role?: string },
  sid: string,
  times: { joinedAt: number; at: number },
  extra: Partial<LiveKitEvent> = {},
): LiveKitEvent {
  return {
    id: eventId(),
    event,
    createdAt: Math.floor(times.at / 1000) * 1000,
    numDropped: 0,
    roomName: lecture.roomName,
    participant: {
      sid,
      identity: who.id,
      name: who.name,
      role: !who.role || who.role === "student" ? "student" : "teacher",
      joinedAt: times.joinedAt,
      standard: true,
    },
    ...extra,
  };
}

/** A room event as `toLiveKitEvent` makes it. */
export function roomEvent(
  event: "room_started" | "room_finished",
  lecture: Pick<Lecture, "roomName">,
  at: number,
): LiveKitEvent {
  return {
    id: eventId(),
    event,
    createdAt: Math.floor(at / 1000) * 1000,
    numDropped: 0,
    roomName: lecture.roomName,
  };
}

/** A webhook body as livekit-server 1.13.5 posts it (proto JSON: int64 as strings). */
export function webhookJson(
  event: string,
  roomName: string,
  opts: {
    id?: string;
    at?: number;
    participant?: { sid: string; identity: string; name: string; role: string; joinedAt: number };
    numDropped?: number;
  } = {},
): string {
  const at = opts.at ?? Date.now();
  const p = opts.participant;
  return JSON.stringify({
    event,
    room: {
      sid: "RM_test",
      name: roomName,
      emptyTimeout: 600,
      departureTimeout: 300,
      creationTime: String(Math.floor(at / 1000)),
      creationTimeMs: String(at),
    },
    ...(p
      ? {
        participant: {
          sid: p.sid,
          identity: p.identity,
          name: p.name,
          metadata: JSON.stringify({ role: p.role }),
          state: event === "participant_left" ? "DISCONNECTED" : "ACTIVE",
          joinedAt: String(Math.floor(p.joinedAt / 1000)),
          joinedAtMs: String(p.joinedAt),
          kind: "STANDARD",
          permission: { canSubscribe: true, canPublishData: true, hidden: p.role === "student" },
        },
      }
      : {}),
    id: opts.id ?? eventId(),
    createdAt: String(Math.floor(at / 1000)),
    ...(opts.numDropped ? { numDropped: opts.numDropped } : {}),
  });
}

async function sha256Base64(text: string): Promise<string> {
  const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return btoa(String.fromCharCode(...new Uint8Array(hash)));
}

/** The Authorization header LiveKit sends with `body`: a bare JWT carrying its SHA-256. */
export async function signWebhook(
  keys: { apiKey: string; apiSecret: string },
  body: string,
): Promise<string> {
  const token = new AccessToken(keys.apiKey, keys.apiSecret);
  token.sha256 = await sha256Base64(body);
  return await token.toJwt();
}

/** Every key under the attendance prefixes (to assert that nothing was written). */
export async function attendanceKeys(kv: Deno.Kv, lectureId?: string): Promise<Deno.KvKey[]> {
  const out: Deno.KvKey[] = [];
  const prefixes: Deno.KvKey[] = [
    ["attendance_intervals"],
    ["lecture_presence"],
    ["lecture_presence_count"],
    ["lecture_room_finished"],
    ["attendance_rev"],
    ["lk_events"],
  ];
  for (const p of prefixes) {
    for await (
      const e of kv.list({ prefix: lectureId && p[0] !== "lk_events" ? [...p, lectureId] : p })
    ) {
      out.push(e.key);
    }
  }
  return out;
}
