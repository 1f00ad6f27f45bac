/**
 * base64url without padding (RFC 4648 §5), for tokens, passes and signatures in URLs and
 * headers.
 * @module
 */

const OPTIONS = { alphabet: "base64url", omitPadding: true } as const;

/** Bytes as base64url text. */
export function toBase64url(bytes: Uint8Array): string {
  return bytes.toBase64(OPTIONS);
}

/** base64url text as bytes; throws a SyntaxError when it is not base64url. */
export function fromBase64url(text: string): Uint8Array {
  return Uint8Array.fromBase64(text, OPTIONS);
}
