/** Small helpers for HTML form handlers. @module */
import { z } from "zod";
import { CSRF_FIELD } from "./csrf.ts";
import { AppError, validateInput } from "./errors.ts";

/** Reads a urlencoded or multipart form as string fields (the CSRF field removed). */
export async function readForm(req: Request): Promise<Record<string, string>> {
  let form: FormData;
  try {
    form = await req.formData();
  } catch {
    throw new AppError("bad_request", "The form could not be read. Reload the page and try again.");
  }
  const out: Record<string, string> = {};
  for (const [k, v] of form) if (k !== CSRF_FIELD && typeof v === "string") out[k] = v;
  return out;
}

/** Validates form fields with a schema; 400 with field details when invalid. */
export function parseForm<S extends z.ZodType>(
  schema: S,
  fields: Record<string, string | undefined>,
): z.infer<S> {
  return validateInput(schema, fields);
}

// Control characters (browsers drop tabs and newlines from URLs: "/\t/evil.example" becomes
// "//evil.example"; CR/LF cannot go into a Location header) and backslashes (read as "/").
// deno-lint-ignore no-control-regex
const UNSAFE_IN_NEXT = /[\u0000-\u001f\u007f\\]/;
const SAME_SITE = "http://same-site.invalid";

/**
 * A path on this site to go to after a form, or `fallback`: never another site, whatever the
 * encoding (`/%09/evil.example`, `/%2F%2Fevil.example`, `/\\evil.example`), and always a
 * value a Location header can carry (non-ASCII is percent-encoded).
 */
export function safeNext(next: string | null | undefined, fallback = "/"): string {
  if (!next || next.length > 2000 || !next.startsWith("/") || UNSAFE_IN_NEXT.test(next)) {
    return fallback;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(next);
  } catch {
    return fallback;
  }
  if (decoded.startsWith("//") || UNSAFE_IN_NEXT.test(decoded)) return fallback;
  const url = new URL(next, SAME_SITE);
  if (url.origin !== SAME_SITE) return fallback;
  return url.pathname + url.search + url.hash;
}

/** A 303 redirect (after a POST), with optional extra headers such as Set-Cookie. */
export function redirect(location: string, headers: HeadersInit = {}): Response {
  const h = new Headers(headers);
  h.set("location", location);
  return new Response(null, { status: 303, headers: h });
}

const clientIps = new WeakMap<Request, string>();

/** Records the client's address for a request (main.ts, from the connection). */
export function setClientIp(req: Request, ip: string): void {
  clientIps.set(req, ip);
}

/** Whether the request came over a connection main.ts accepted (not `app.request` in tests). */
export function viaConnection(req: Request): boolean {
  return clientIps.has(req);
}

/** Gives a copy of a request (a new body, say) the original's recorded client address. */
export function copyClientIp(from: Request, to: Request): void {
  const ip = clientIps.get(from);
  if (ip !== undefined) clientIps.set(to, ip);
}

/**
 * The client's IP address as the server saw it. Requests that did not come through main.ts
 * (tests calling `app.request`) may name one in `x-mirae-client-ip`; behind main.ts that header
 * is ignored, so a client cannot choose its own address.
 */
export function clientIp(req: Request): string {
  return clientIps.get(req) ?? req.headers.get("x-mirae-client-ip") ?? "unknown";
}
