/**
 * HMAC-SHA256 for the hot paths (LiveKit tokens and join passes, thousands a second in a join
 * storm). The key's inner and outer hash states are computed once per secret and copied per
 * message: about 13 µs a signature here, against about 50 µs for WebCrypto's `sign` and 25 µs
 * for `createHmac`, which both set the key up every time.
 * @module
 */
import { createHash, type Hash } from "node:crypto";

const BLOCK = 64;
const signers = new Map<string, (message: string | Uint8Array) => Buffer>();

/** A function that signs messages with `secret` (RFC 2104, SHA-256). */
export function hmacSha256(secret: string): (message: string | Uint8Array) => Buffer {
  let sign = signers.get(secret);
  if (sign) return sign;
  let key: Uint8Array = new TextEncoder().encode(secret);
  if (key.length > BLOCK) key = createHash("sha256").update(key).digest();
  const padded = new Uint8Array(BLOCK);
  padded.set(key);
  const inner: Hash = createHash("sha256").update(padded.map((b) => b ^ 0x36));
  const outer: Hash = createHash("sha256").update(padded.map((b) => b ^ 0x5c));
  sign = (message) => outer.copy().update(inner.copy().update(message).digest()).digest();
  if (signers.size > 100) signers.clear();
  signers.set(secret, sign);
  return sign;
}
