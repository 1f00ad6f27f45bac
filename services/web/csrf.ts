/**
 * CSRF protection for cookie-authenticated writes. A signed-in browser must echo its
 * session's CSRF token (header `X-CSRF-Token`, or form field `_csrf`). Writes without a
 * session (sign-in, joining by link) must come from this site (Origin / Sec-Fetch-Site).
 * Bearer-token API calls carry no ambient credentials and need neither.
 * @module
 */
import { MAX_BODY_BYTES, readBytes } from "./body_limit.ts";
import { AppError } from "./errors.ts";

export const CSRF_HEADER = "x-csrf-token";
export const CSRF_FIELD = "_csrf";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Whether a browser sent the request from this site. Behind a TLS proxy the request reaches
 * the app as http://localhost:8000/... while the browser says `Origin: https://school.example`:
 * the configured public URL's origin is this site, and so is the request's own (no proxy).
 */
function sameOrigin(req: Request, publicOrigin: string): boolean {
  const site = req.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return false;
  const origin = req.headers.get("origin");
  return !origin || origin === publicOrigin || origin === new URL(req.url).origin;
}

/** The `_csrf` field of a form body, read from a copy of at most MAX_BODY_BYTES. */
async function formToken(req: Request): Promise<string | null> {
  const type = req.headers.get("content-type") ?? "";
  if (
    !type.startsWith("application/x-www-form-urlencoded") && !type.startsWith("multipart/form-data")
  ) {
    return null;
  }
  if (Number(req.headers.get("content-length")) > MAX_BODY_BYTES) return null;
  const body = req.clone().body;
  if (!body) return null;
  try {
    const bytes = await readBytes(body, MAX_BODY_BYTES);
    const value = (await new Response(bytes, { headers: { "content-type": type } }).formData())
      .get(CSRF_FIELD);
    return typeof value === "string" ? value : null;
  } catch {
    return null;
  }
}

/** Throws 403 when an unsafe request fails the checks above. */
export async function checkCsrf(
  req: Request,
  auth: { via: "cookie" | "bearer" | "none"; csrf?: string },
  /** The origin of the configured public URL (`config.publicUrl`). */
  publicOrigin: string,
): Promise<void> {
  if (SAFE.has(req.method) || auth.via === "bearer") return;
  if (!sameOrigin(req, publicOrigin)) {
    throw new AppError("forbidden", "This request came from another site and was refused.");
  }
  if (auth.via === "none") return;
  const sent = req.headers.get(CSRF_HEADER) ?? await formToken(req);
  if (!sent || sent !== auth.csrf) {
    throw new AppError(
      "forbidden",
      "The form's security token is missing or out of date. Reload the page and try again.",
    );
  }
}
