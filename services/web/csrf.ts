/**
 * CSRF protection for cookie-authenticated writes. A signed-in browser must echo its
 * session's CSRF token (header `X-CSRF-Token`, or form field `_csrf`). Writes without a
 * session (sign-in, joining by link) must come from this site (Origin / Sec-Fetch-Site).
 * Bearer-token API calls carry no ambient credentials and need neither.
 * @module
 */
import { AppError } from "./errors.ts";

export const CSRF_HEADER = "x-csrf-token";
export const CSRF_FIELD = "_csrf";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

function sameOrigin(req: Request): boolean {
  const site = req.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return false;
  const origin = req.headers.get("origin");
  return !origin || origin === new URL(req.url).origin;
}

async function formToken(req: Request): Promise<string | null> {
  const type = req.headers.get("content-type") ?? "";
  if (
    !type.startsWith("application/x-www-form-urlencoded") && !type.startsWith("multipart/form-data")
  ) {
    return null;
  }
  try {
    const value = (await req.clone().formData()).get(CSRF_FIELD);
    return typeof value === "string" ? value : null;
  } catch {
    return null;
  }
}

/** Throws 403 when an unsafe request fails the checks above. */
export async function checkCsrf(
  req: Request,
  auth: { via: "cookie" | "bearer" | "none"; csrf?: string },
): Promise<void> {
  if (SAFE.has(req.method) || auth.via === "bearer") return;
  if (!sameOrigin(req)) {
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
