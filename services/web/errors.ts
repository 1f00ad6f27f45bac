/**
 * One error type for the whole app. Services throw `AppError`s; the web layer turns them into
 * `{"error": {"code", "message", "details"?}}` with the matching status. Anything else becomes a
 * 500 that says "internal error" and nothing more (the cause is logged).
 * @module
 */

import type { z } from "zod";

/** Machine-readable error codes and the HTTP status each maps to. */
export const ERROR_STATUS = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  request_timeout: 408,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** A problem with one field (a JSON path) or one CSV line. */
export interface ErrorDetail {
  path?: (string | number)[];
  line?: number;
  message: string;
}

/** The JSON body every API error has. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: ErrorDetail[] };
}

/** An error a person can act on: it carries its status, a message and optional details. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    /** Extra response headers, e.g. Retry-After. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
    this.status = ERROR_STATUS[code];
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details?.length ? { details: this.details } : {}),
      },
    };
  }
}

/** 404 for anything the asker may not know exists (other schools' data included). */
export function notFound(what = "Not found"): AppError {
  return new AppError("not_found", what);
}

/** 403 for things the asker can see but may not do. */
export function forbidden(message = "You do not have permission to do this."): AppError {
  return new AppError("forbidden", message);
}

/** Turns any thrown value into an AppError, logging what must not reach the client. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  // Hono's HTTPException (malformed JSON, body limits) carries a status we can keep.
  const status = (err as { status?: unknown })?.status;
  if (typeof status === "number" && status >= 400 && status < 500) {
    const code = (Object.entries(ERROR_STATUS).find(([, s]) => s === status)?.[0] ??
      "bad_request") as ErrorCode;
    const message = status === 415
      ? "Unsupported content type: send the body as application/json."
      : (err as Error).message || "Bad request";
    return new AppError(code, message);
  }
  console.error("internal error:", err);
  return new AppError("internal", "internal error");
}

/** Converts zod issues to error details with field paths. */
export function zodDetails(error: z.ZodError): ErrorDetail[] {
  return error.issues.map((i) => ({
    path: i.path.map((p) => (typeof p === "symbol" ? String(p) : p)),
    message: i.code === "unrecognized_keys"
      ? `Unknown field${i.keys.length > 1 ? "s" : ""}: ${i.keys.join(", ")}`
      : i.message,
  }));
}

/**
 * Validates input a person sent (a body, a form, service arguments) with a schema: 400 with
 * field paths when it does not fit. (Stored records are parsed with `schema.parse`: a record
 * that does not fit its schema is a 500.)
 */
export function validateInput<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new AppError("validation_failed", "Some fields are not valid.", zodDetails(r.error));
  }
  return r.data;
}
