/**
 * The Content-Security-Policy of HTML pages. Pages that run WebAssembly (the lecture room's
 * beautify filter: MediaPipe's wasm) add `'wasm-unsafe-eval'`, which allows compiling wasm and
 * nothing else (no `eval` of scripts).
 * @module
 */

/**
 * The policy for an HTML page. `connect-src` allows this site and the LiveKit server browsers
 * join lectures on (`livekitUrl`, its ws(s):// URL; the client also asks its http(s) origin
 * when a connection fails), and no other host.
 */
export function pageCsp(opts: { wasm?: boolean; livekitUrl?: string } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self'${opts.wasm ? " 'wasm-unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    ["connect-src 'self'", ...liveKitSources(opts.livekitUrl)].join(" "),
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join("; ");
}

/** `wss://lk.example:7880`, `https://lk.example:7880` from the LiveKit server's URL. */
function liveKitSources(url: string | undefined): string[] {
  if (!url || !URL.canParse(url)) return [];
  const u = new URL(url);
  const secure = u.protocol === "wss:" || u.protocol === "https:";
  return [`${secure ? "wss" : "ws"}://${u.host}`, `${secure ? "https" : "http"}://${u.host}`];
}
