/**
 * Class codes: a short code beside each join link, typed at `/join` or scanned as a QR code
 * from the projector. A code is only another way to reach its link: the same record, uses
 * counter, limit, approval and revocation (join_links.ts), so it adds no way in of its own.
 *
 * Codes are 7 characters from the one-time codes' alphabet (no 0/O, 1/I/L: read off a
 * projector and typed on a phone), unique install-wide through `["join_link_codes", code] ->
 * linkId` (written with the link, checked with versionstamp null; kept 30 days past the link's
 * expiry so an old code says "expired" rather than nothing), and read in any case. Failed
 * look-ups are throttled per address (`JOIN_CODE_IP_LIMIT`): 31^7 codes are many, but a
 * script should not get to try them.
 * @module
 */
import QRCode from "qrcode";
import { CODE_ALPHABET, newCode } from "../auth/codes.ts";
import { hit, type Limit, retryAfter } from "../auth/rate_limit.ts";
import { AppError } from "../web/errors.ts";

export const CLASS_CODE_LENGTH = 7;
/** How long a code's index outlives its link. */
export const CODE_KEEP_MS = 30 * 86_400_000;
/** Failed code look-ups per client address: 30 in 10 minutes (a class mistyping is far less). */
export const JOIN_CODE_IP_LIMIT: Limit = { scope: "join_code_ip", max: 30, windowMs: 10 * 60_000 };

const CODE_RE = new RegExp(`^[${CODE_ALPHABET}]{6,8}$`);

/** The key that finds a link by its code. */
export function classCodeKey(code: string): Deno.KvKey {
  return ["join_link_codes", code];
}

/** A fresh class code. */
export function newClassCode(): string {
  return newCode(CLASS_CODE_LENGTH);
}

/** A code as typed (any case, spaces and dashes) as stored; null when it cannot be a code. */
export function normalizeClassCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s-]/g, "");
  return CODE_RE.test(code) ? code : null;
}

/**
 * The id of the link a class code (as typed) reaches, or a 404 that says to check the code;
 * 429 after too many failed look-ups from `ip`. The caller then treats the link as if its
 * token had been opened (the link's own state decides: revoked, expired, full).
 */
export async function findLinkIdByCode(
  kv: Deno.Kv,
  input: string,
  opts: { ip: string; limit?: Limit },
): Promise<string> {
  const limit = opts.limit ?? JOIN_CODE_IP_LIMIT;
  const wait = await retryAfter(kv, limit, opts.ip);
  if (wait > 0) {
    throw new AppError(
      "rate_limited",
      `Too many wrong class codes. Try again in ${Math.ceil(wait / 60)} minute(s).`,
      undefined,
      { "retry-after": String(wait) },
    );
  }
  const code = normalizeClassCode(input);
  const id = code ? (await kv.get<string>(classCodeKey(code))).value : null;
  if (!id) {
    await hit(kv, limit, opts.ip);
    throw new AppError("not_found", "No class has this code. Check it, or ask your teacher.");
  }
  return id;
}

/** The address a QR code carries: `/join?code=...` (short, so the code stays easy to scan). */
export function classCodeUrl(publicUrl: string, code: string): string {
  return `${publicUrl.replace(/\/$/, "")}/join?code=${code}`;
}

/** An SVG QR code of `text` (error correction M, a quiet zone of 2 modules). */
export async function qrSvg(text: string): Promise<string> {
  return await QRCode.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
}
