/**
 * What the clock-in pages and islands say about a punch, pure (islands bundle it): the
 * position's label ("230 m from Main Campus, ±35 m"), the day's times on the organization's
 * clock, and reading `GET` answers. Strings come translated from the page (`{name}` filled here).
 * @module
 */
import { csrfToken, fill, type Problem } from "@/components/island_client.ts";

/** A punch's label as the API sends it (services/clockin/model.ts PositionLabelSchema). */
export type PunchLabel =
  | { kind: "site"; siteName: string; distanceM: number; accuracyM: number }
  | { kind: "place"; name: string; country: string; distanceM: number; accuracyM: number }
  | { kind: "unknown"; accuracyM: number }
  | { kind: "network"; siteName: string };

/** A punch as the API sends it to its owner (services/clockin/model.ts Punch). */
export interface PunchView {
  id: string;
  day: string;
  at: string;
  kind: "in" | "out";
  verdict: "inside" | "outside" | "remote" | "network";
  siteId?: string;
  label?: PunchLabel;
  lat?: number;
  lng?: number;
  accuracy?: number;
  remark?: string;
  photoFileId?: string;
  flags: ("speed" | "device")[];
  source: "tap" | "quick" | "makeup" | "correction";
  undoneAt?: string;
  reducedAt?: string;
}

/** The label texts, translated: `{distance}`, `{site}`, `{accuracy}`, `{name}`, `{country}`. */
export interface LabelTexts {
  labelSite: string;
  labelPlace: string;
  labelUnknown: string;
  labelNetwork: string;
}

/** "230 m from Main Campus, ±35 m" / "near Suwon, KR" / "office network (Main Campus)". */
export function labelText(label: PunchLabel | undefined, L: LabelTexts): string {
  if (!label) return "";
  const m = (n: number) => Math.round(n).toLocaleString();
  switch (label.kind) {
    case "site":
      return fill(L.labelSite, {
        distance: m(label.distanceM),
        site: label.siteName,
        accuracy: m(label.accuracyM),
      });
    case "place":
      return fill(L.labelPlace, { name: label.name, country: label.country });
    case "network":
      return fill(L.labelNetwork, { site: label.siteName });
    default:
      return fill(L.labelUnknown, { accuracy: m(label.accuracyM) });
  }
}

/** Formats an instant on the organization's clock ("09:02", with seconds when asked). */
export function timeOn(
  iso: string | number,
  locale: string,
  timeZone: string,
  seconds = false,
): string {
  try {
    return new Intl.DateTimeFormat(locale, {
      timeZone,
      hour: "2-digit",
      minute: "2-digit",
      second: seconds ? "2-digit" : undefined,
      hourCycle: "h23",
    }).format(new Date(iso));
  } catch {
    const d = new Date(iso);
    return isNaN(d.getTime()) ? "" : d.toISOString().slice(11, seconds ? 19 : 16);
  }
}

/** A date and time on the organization's clock ("Dec 6, 09:02"). */
export function dateTimeOn(iso: string, locale: string, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat(locale, {
      timeZone,
      month: "short",
      day: "numeric",
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    }).format(new Date(iso));
  } catch {
    return iso;
  }
}

/** The zone's short name now ("GMT+9", "KST"). */
export function zoneName(locale: string, timeZone: string, at = Date.now()): string {
  try {
    const parts = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: "short" })
      .formatToParts(new Date(at));
    return parts.find((p) => p.type === "timeZoneName")?.value ?? timeZone;
  } catch {
    return timeZone;
  }
}

/** GETs JSON; resolves to the status and the body (null when it was not JSON or unreachable). */
export async function getJson<T>(url: string): Promise<{ status: number; body: T | null }> {
  try {
    const res = await fetch(url, { headers: { accept: "application/json" } });
    let body: T | null = null;
    try {
      body = await res.json();
    } catch { /* not JSON */ }
    return { status: res.status, body };
  } catch {
    return { status: 0, body: null };
  }
}

/** POSTs JSON with the CSRF header; resolves to the status and body (0 and null: unreachable). */
export function postJson<T>(
  url: string,
  body: unknown,
): Promise<{ status: number; body: T | null }> {
  return requestJson<T>("POST", url, body);
}

/** Sends JSON (or nothing) with the CSRF header; resolves to the status and the body. */
export async function requestJson<T>(
  method: "POST" | "PUT" | "PATCH" | "DELETE",
  url: string,
  body?: unknown,
): Promise<{ status: number; body: T | null }> {
  try {
    const res = await fetch(url, {
      method,
      headers: {
        "content-type": "application/json",
        accept: "application/json",
        "x-csrf-token": csrfToken(),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data: T | null = null;
    try {
      data = await res.json();
    } catch { /* not JSON */ }
    return { status: res.status, body: data };
  } catch {
    return { status: 0, body: null };
  }
}

/** An API error's message and details, when the body is one. */
export function errorOf(body: unknown): Problem | null {
  const e = (body as { error?: { message?: string; details?: Problem["details"] } } | null)?.error;
  if (!e) return null;
  return { message: e.message ?? "", details: Array.isArray(e.details) ? e.details : [] };
}

/** Whether a problem names the field `path` (joined with dots, e.g. "position.accuracy"). */
export function names(problem: Problem | null, path: string): string | undefined {
  return problem?.details.find((d) => (d.path ?? []).join(".") === path)?.message;
}
