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

/** A local path to go to after a form, never another site (open-redirect safe). */
export function safeNext(next: string | null | undefined, fallback = "/"): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\")
    ? next
    : fallback;
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

/**
 * The client's IP address as the server saw it. Requests that did not come through main.ts
 * (tests calling `app.request`) may name one in `x-mirae-client-ip`; behind main.ts that header
 * is ignored, so a client cannot choose its own address.
 */
export function clientIp(req: Request): string {
  return clientIps.get(req) ?? req.headers.get("x-mirae-client-ip") ?? "unknown";
}
