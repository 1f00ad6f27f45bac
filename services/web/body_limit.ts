/**
 * One limit for every request body, applied before a byte of it is read. A declared
 * Content-Length over the limit is answered 413 at once; a body without one (chunked) is
 * counted while it streams and stopped at the limit. A body that sends nothing for a while
 * (a slow-loris client) is refused with 408.
 *
 * After a 413, or any answer given before a large body was read, the connection is closed
 * rather than read to its end: Deno's server (2.9) would otherwise go on reading the rest at
 * whatever pace the client sends it (measured: a 413 held a slow upload for as long as it
 * lasted), and `Connection: close` alone does not stop it. A 408 cannot close it: while a read
 * of the stalled body is pending, Deno keeps the socket whatever the answer, so cutting such
 * connections (and half-sent headers, which Deno.serve has no timeout for) is the reverse
 * proxy's job.
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { AppError } from "./errors.ts";
import { copyClientIp, viaConnection } from "./forms.ts";

/** Largest request body, forms and JSON alike (CSV rosters and file uploads excepted). */
export const MAX_BODY_BYTES = 1 << 20;
/** Largest CSV roster. */
export const MAX_CSV_BYTES = 20 << 20;

/** A limit in words: "1 MB", "64 KB". */
export function formatLimit(maxBytes: number): string {
  return maxBytes >= 1 << 20 ? `${maxBytes / (1 << 20)} MB` : `${maxBytes >> 10} KB`;
}

/** 413 for a body over `maxBytes`. */
export function bodyTooLarge(maxBytes: number): AppError {
  return new AppError(
    "payload_too_large",
    `The request body is larger than ${formatLimit(maxBytes)}. Send less at once.`,
    [{ message: `limit: ${maxBytes} bytes` }],
  );
}

/** 408 for a body that stopped arriving. */
export function bodyTimedOut(idleMs: number): AppError {
  return new AppError(
    "request_timeout",
    `The request body stopped arriving (nothing for ${Math.round(idleMs / 1000)} s). ` +
      "Check the connection and send it again.",
  );
}

/**
 * Reads a body stream to the end into memory, at most `maxBytes` (413 beyond, the rest
 * unread).
 */
export async function readBytes(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw bodyTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Statuses whose answers never have a body. */
const NULL_BODY = new Set([101, 204, 205, 304]);

/** Bodies up to this size are read to their end after the answer (keeping the connection). */
const DRAIN_BYTES = 64 << 10;

// Deno prints the reason a response stream failed: one line per connection closed this way.
const CLOSED = "Closed a connection whose request body was refused or left unread";

/**
 * The same answer, after which the connection is closed: the body is sent in full, then the
 * response stream fails, and Deno's server drops the connection instead of reading what is
 * left of the request. (`Connection: close` alone does not stop that reading.)
 */
export function closingResponse(res: Response): Response {
  const headers = new Headers(res.headers);
  headers.set("connection", "close");
  // These answers have no body, so no stream can fail after them: asking is all there is.
  if (NULL_BODY.has(res.status)) {
    return new Response(null, { status: res.status, statusText: res.statusText, headers });
  }
  const reader = res.body?.getReader();
  headers.delete("content-length");
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = reader ? await reader.read() : undefined;
      if (next && !next.done) controller.enqueue(next.value);
      else controller.error(CLOSED);
    },
  }, { highWaterMark: 0 });
  return new Response(body, { status: res.status, statusText: res.statusText, headers });
}

export interface BodyLimitOptions {
  /** The limit for a request (Infinity: unlimited, e.g. uploads the file store limits). */
  limitFor: (c: Context) => number;
  /** Milliseconds a body may send nothing before it is refused with 408. */
  idleMs: number;
  /** Renders a refusal (the app's one error path). */
  refuse: (err: AppError, c: Context) => Response | Promise<Response>;
}

/**
 * The middleware. Requests without a body (and `Content-Length: 0`, the join storm's token
 * requests) pass untouched, at no cost. Any other body is replaced by a counted stream with
 * an idle timer. On a real connection, an answer given before the body was read to its end
 * reads the rest if it is small, and otherwise closes the connection (a 403, say, or the file
 * store's own 413 before an upload was read).
 */
export function bodyLimit(opts: BodyLimitOptions): MiddlewareHandler {
  return async (c, next) => {
    const declared = c.req.header("content-length");
    if (declared === "0") return next();
    const raw = c.req.raw;
    const source = raw.body;
    if (!source) return next();
    const limit = opts.limitFor(c);
    const connection = viaConnection(raw);
    if (declared !== undefined && Number(declared) > limit) {
      await source.cancel().catch(() => {});
      const refused = await opts.refuse(bodyTooLarge(limit), c);
      return connection ? closingResponse(refused) : refused;
    }

    let failure: AppError | undefined;
    let ended = false;
    let received = 0;
    const reader = source.getReader();
    const fail = (controller: ReadableStreamDefaultController, err: AppError) => {
      failure ??= err;
      reader.cancel(err).catch(() => {});
      controller.error(err);
    };
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const idle = new Promise<"idle">((resolve) => {
          timer = setTimeout(() => resolve("idle"), opts.idleMs);
        });
        try {
          const next = await Promise.race([reader.read(), idle]);
          if (next === "idle") return fail(controller, bodyTimedOut(opts.idleMs));
          if (next.done) {
            ended = true;
            return controller.close();
          }
          received += next.value.byteLength;
          if (received > limit) return fail(controller, bodyTooLarge(limit));
          controller.enqueue(next.value);
        } catch (err) {
          // The client went away or sent a broken body: the handler sees a read error.
          controller.error(err);
        } finally {
          clearTimeout(timer);
        }
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    }, { highWaterMark: 0 });
    const limited = new Request(raw, { body, duplex: "half" } as RequestInit);
    copyClientIp(raw, limited);
    c.req.raw = limited;

    await next();
    if (!failure && !ended && connection) {
      // A small body is read to its end, keeping the connection; so is a body of unknown length
      // (a browser's DELETE may come without Content-Length), as far as DRAIN_BYTES.
      if (!body.locked && (declared === undefined || Number(declared) <= DRAIN_BYTES)) {
        await drain(body, () => received > DRAIN_BYTES);
      }
      if (!ended) {
        reader.cancel().catch(() => {});
        replaceResponse(c, closingResponse(c.res));
      }
    }
    if (failure) {
      // Whatever the handler made of the failed read (a 400 for a broken form, say), the
      // answer is the limit's, without the handler's headers.
      const refused = await opts.refuse(failure, c);
      if (failure.code === "request_timeout") {
        // A read of the stalled body is still pending, and while it is, Deno keeps the socket
        // whatever the answer (measured with 2.9.6): ask the client to go. A reverse proxy's
        // body timeout is what closes such connections.
        refused.headers.set("connection", "close");
        replaceResponse(c, refused);
      } else replaceResponse(c, connection ? closingResponse(refused) : refused);
    }
  };
}

/** Reads a body to its end (or its failure, or until `enough()`), for nothing. */
async function drain(body: ReadableStream<Uint8Array>, enough: () => boolean): Promise<void> {
  const reader = body.getReader();
  try {
    while (!enough() && !(await reader.read()).done) { /* discarded */ }
  } catch {
    // the limit's failure, recorded by the stream
  } finally {
    reader.releaseLock();
  }
}

/** Sets the answer as it is (Hono's setter would copy the previous answer's headers in). */
function replaceResponse(c: Context, res: Response): void {
  c.res = undefined as unknown as Response;
  c.res = res;
}
