/**
 * The Content-Security-Policy of HTML pages. Pages that run WebAssembly (the lecture room's
 * beautify filter: MediaPipe's wasm) add `'wasm-unsafe-eval'`, which allows compiling wasm and
 * nothing else (no `eval` of scripts).
 * @module
 */

/** The policy for an HTML page. */
export function pageCsp(opts: { wasm?: boolean } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self'${opts.wasm ? " 'wasm-unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "connect-src 'self' ws: wss:",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join("; ");
}
