/**
 * The app's configuration, read once from the environment and validated with zod. Every
 * variable is listed in README.md and `.env.example`.
 * @module
 */
import { z } from "zod";

const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

/** File types students and teachers may upload by default (checked by content). */
export const DEFAULT_UPLOAD_TYPES = [
  "application/pdf",
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "text/plain",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
];

const EnvSchema = z.object({
  MIRAE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  HOSTNAME: z.string().min(1).default("127.0.0.1"),
  MIRAE_PUBLIC_URL: z.url().optional(),
  DENO_KV_PATH: z.string().min(1).default("./data/mirae.kv"),
  DENO_KV_URL: z.url().optional(),
  MIRAE_SECRET: z.string().min(32, "MIRAE_SECRET must be at least 32 characters").optional(),
  MIRAE_SEED_DEMO: bool.default(true),
  MIRAE_SESSION_TTL_HOURS: z.coerce.number().positive().max(24 * 90).default(12),
  MIRAE_TRUST_PROXY: bool.default(false),
  MIRAE_SIGNIN_IP_LIMIT: z.coerce.number().int().min(5).max(100_000).default(300),
  MIRAE_UPLOAD_MAX_MB: z.coerce.number().positive().max(1024).default(25),
  MIRAE_BODY_TIMEOUT_S: z.coerce.number().positive().max(3600).default(30),
  MIRAE_UPLOAD_TYPES: z.string().default(DEFAULT_UPLOAD_TYPES.join(",")),
  LIVEKIT_URL: z.url().optional(),
  LIVEKIT_API_KEY: z.string().min(1).optional(),
  LIVEKIT_API_SECRET: z.string().min(32).optional(),
  MIRAE_LIVEKIT_PORT: z.coerce.number().int().min(0).max(65535).default(7880),
  MIRAE_WORKERS: z.union([z.literal("auto"), z.coerce.number().int().min(1).max(64)])
    .default("auto"),
  /** Set by the app for the processes it starts (1, 2, ...); 0 or unset: the first process. */
  MIRAE_INSTANCE: z.coerce.number().int().min(0).max(63).default(0),
  /** Set by the app for its workers when live video is off: the reason the pages show. */
  MIRAE_LIVEKIT_OFF: z.string().optional(),
});

/** `MIRAE_WORKERS=auto`: one process per core (on Linux; elsewhere one), at most this many. */
export const AUTO_WORKERS_MAX = 8;

/** The validated configuration the app runs with. */
export interface Config {
  env: "development" | "production" | "test";
  port: number;
  hostname: string;
  /** Origin used in links the app hands out (join links), e.g. https://mirae.example.org */
  publicUrl: string;
  /** The public URL's origin: what browsers send as `Origin` (behind a proxy too). */
  publicOrigin: string;
  /** Embedded KV file, or a KV Connect URL when `DENO_KV_URL` is set. */
  kvLocation: string;
  /** HMAC key for signed links; generated per install in development (see main.ts). */
  secret?: string;
  seedDemo: boolean;
  sessionTtlMs: number;
  /** Take the client address from X-Forwarded-For (set by a reverse proxy we trust). */
  trustProxy: boolean;
  /** Failed sign-ins allowed per client address in 15 minutes (a school behind one NAT needs many). */
  signInIpLimit: number;
  /** Uploads: the largest file, in bytes, and the MIME types accepted (found by content). */
  upload: { maxBytes: number; types: string[] };
  /** Secure cookies: on when the public URL is https. */
  secureCookies: boolean;
  /** A request body that sends nothing for this long is refused with 408 (slow clients). */
  bodyIdleTimeoutMs: number;
  livekit?: { url: string; apiKey: string; apiSecret: string };
  /** Without `livekit`: the HTTP port of the local LiveKit server main.ts starts (0 = any). */
  localLiveKitPort: number;
  /** App processes serving the port (one per core by default; see services/web/workers.ts). */
  workers: number;
  /** Which of them this is: 0 for the first (it seeds, runs jobs and the local LiveKit). */
  instance: number;
  /** In a worker without `livekit`: why the first process has no live video server. */
  livekitOff?: string;
}

/**
 * Reads the configuration from an environment map (defaults to `Deno.env`).
 * Throws an Error listing every invalid variable.
 */
export function loadConfig(
  env: Record<string, string | undefined> = Deno.env.toObject(),
  os: typeof Deno.build.os = Deno.build.os,
): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  if (e.MIRAE_ENV === "production" && !e.MIRAE_SECRET) {
    throw new Error("Invalid configuration:\n  MIRAE_SECRET: required in production");
  }
  const lk = [e.LIVEKIT_URL, e.LIVEKIT_API_KEY, e.LIVEKIT_API_SECRET];
  if (lk.some(Boolean) && !lk.every(Boolean)) {
    throw new Error(
      "Invalid configuration:\n  LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET go together",
    );
  }
  // Several processes share the port through SO_REUSEPORT, which only Linux spreads.
  if (typeof e.MIRAE_WORKERS === "number" && e.MIRAE_WORKERS > 1 && os !== "linux") {
    throw new Error(
      `Invalid configuration:\n  MIRAE_WORKERS: several processes need Linux (this is ${os}); use 1`,
    );
  }
  const publicUrl = (e.MIRAE_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, "");
  return {
    env: e.MIRAE_ENV,
    port: e.PORT,
    hostname: e.HOSTNAME,
    publicUrl,
    publicOrigin: new URL(publicUrl).origin,
    kvLocation: e.DENO_KV_URL ?? e.DENO_KV_PATH,
    secret: e.MIRAE_SECRET,
    seedDemo: e.MIRAE_SEED_DEMO,
    sessionTtlMs: e.MIRAE_SESSION_TTL_HOURS * 3_600_000,
    trustProxy: e.MIRAE_TRUST_PROXY,
    signInIpLimit: e.MIRAE_SIGNIN_IP_LIMIT,
    upload: {
      maxBytes: Math.round(e.MIRAE_UPLOAD_MAX_MB * 1024 * 1024),
      types: e.MIRAE_UPLOAD_TYPES.split(",").map((t) => t.trim()).filter(Boolean),
    },
    secureCookies: publicUrl.startsWith("https:"),
    bodyIdleTimeoutMs: Math.round(e.MIRAE_BODY_TIMEOUT_S * 1000),
    livekit: e.LIVEKIT_URL
      ? { url: e.LIVEKIT_URL, apiKey: e.LIVEKIT_API_KEY!, apiSecret: e.LIVEKIT_API_SECRET! }
      : undefined,
    localLiveKitPort: e.MIRAE_LIVEKIT_PORT,
    workers: e.MIRAE_WORKERS === "auto"
      ? (os === "linux"
        ? Math.max(1, Math.min(AUTO_WORKERS_MAX, navigator.hardwareConcurrency || 1))
        : 1)
      : e.MIRAE_WORKERS,
    instance: e.MIRAE_INSTANCE,
    livekitOff: e.MIRAE_LIVEKIT_OFF,
  };
}
