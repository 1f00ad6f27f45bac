/**
 * The lecture JSON API as the lecture room island calls it (cookie session + CSRF header).
 * Types mirror the API's answers; nothing here imports server code.
 * @module
 */
import { csrfToken, type Problem, problemFrom } from "../island_client.ts";

export type LectureStatus = "scheduled" | "live" | "ended";
export type LectureRole = "teacher" | "student";

/** POST /api/v1/lectures/{id}/token */
export interface LectureToken {
  url: string;
  token: string;
  identity: string;
  role: LectureRole;
  onStage: boolean;
  expiresAt: string;
  studentChat: boolean;
}

/** One chat message (GET/POST /api/v1/lectures/{id}/chat, and the "mirae.chat" packets). */
export interface ChatMessage {
  id: string;
  userId: string;
  name: string;
  role: LectureRole;
  text: string;
  at: string;
}

export interface ChatPage {
  items: ChatMessage[];
  nextAfter?: string;
}

/** GET /api/v1/lectures/{id}/hands as a teacher sees it. */
export interface HandQueue {
  count: number;
  items: { userId: string; name: string; at: number | string }[];
}

/** GET /api/v1/lectures/{id}/hands as a student sees it (and the POST answer). */
export interface OwnHand {
  raised: boolean;
  position?: number;
}

/** GET /api/v1/lectures/{id}/stage */
export interface StageList {
  items: { userId: string; name: string; at: number | string }[];
}

/** GET /api/v1/lectures/{id}/participants */
export interface ParticipantPage {
  /** Everyone connected now. */
  count: number;
  /** Those matching the search. */
  total?: number;
  items: {
    userId: string;
    name: string;
    role: LectureRole | "admin";
    joinedAt: string | number;
    onStage: boolean;
    handRaisedAt?: string | number;
  }[];
  nextOffset?: number;
}

export type ApiResult<T> =
  | { ok: true; status: number; data: T }
  | { ok: false; status: number; problem: Problem };

/** The API base of one lecture. */
export function lectureApi(lectureId: string): string {
  return `/api/v1/lectures/${encodeURIComponent(lectureId)}`;
}

/**
 * Calls the API. 2xx resolves to `{ok: true, data}` (null for an empty body); anything else,
 * network failures included (status 0), to `{ok: false, problem}` with the API's message.
 */
export async function callApi<T>(
  method: "GET" | "POST" | "PATCH" | "DELETE",
  url: string,
  networkMessage: string,
  body?: unknown,
  opts: { pass?: string } = {},
): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      ...(opts.pass ? { credentials: "omit" as const } : {}),
      headers: {
        accept: "application/json",
        ...(method === "GET" ? {} : { "x-csrf-token": csrfToken() }),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(opts.pass ? { "x-mirae-join-pass": opts.pass } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return { ok: false, status: 0, problem: { message: networkMessage, details: [] } };
  }
  let data: unknown = null;
  const text = await res.text().catch(() => "");
  try {
    data = text ? JSON.parse(text) : null;
  } catch { /* not JSON: handled below */ }
  if (res.ok) return { ok: true, status: res.status, data: data as T };
  return { ok: false, status: res.status, problem: problemFrom(res.status, data, networkMessage) };
}

/** True for a value shaped like a chat message (packets are checked before they are shown). */
export function isChatMessage(x: unknown): x is ChatMessage {
  const m = x as ChatMessage;
  return !!m && typeof m === "object" && typeof m.id === "string" &&
    typeof m.userId === "string" && typeof m.name === "string" &&
    typeof m.text === "string" && typeof m.at === "string" &&
    (m.role === "teacher" || m.role === "student");
}
