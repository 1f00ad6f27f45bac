/**
 * Join passes: the 8 a.m. join storm without a database read per join. When a member opens a
 * lecture's page (or reads the lecture through the API) every check has just been made:
 * session, school, class membership. The page then carries a pass, signed with the app's
 * secret, naming the lecture, the member and their role for a few hours. When the teacher goes
 * live, the waiting pages all ask for a media token at once; with a pass the token endpoint
 * verifies a signature instead of reading the session, the user and the membership (reads on
 * the embedded KV top out near 2,000/s on two cores). What can change within the pass's
 * lifetime is checked per lecture from memory (see gate.ts): whether the lecture is live, and
 * whether the student was removed or invited on stage. A pass names the session it was issued
 * under and never outlives it; a pass whose session was ended (sign-out, password change) is
 * refused from memory too (services/auth/revocations.ts).
 * @module
 */
import { timingSafeEqual } from "node:crypto";
import { fromBase64url, toBase64url } from "../auth/base64url.ts";
import { hmacSha256 } from "../auth/hmac.ts";
import { sessionRef } from "../auth/revocations.ts";
import type { LectureRole } from "./tokens.ts";

/** The request header that carries a pass to the token endpoint. */
export const JOIN_PASS_HEADER = "x-mirae-join-pass";

/** How long a pass is good for: a school day's block of lessons. */
export const PASS_TTL_S = 4 * 3600;

/** What a valid pass says. */
export interface JoinPass {
  lectureId: string;
  userId: string;
  name: string;
  orgId: string;
  role: LectureRole;
  /** `sessionRef` of the session it was issued under. */
  session: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function mac(secret: string, body: string): Uint8Array {
  return hmacSha256(secret)(`mirae.lecture-pass|${body}`);
}

/**
 * Signs a pass for a member who was just checked, good for PASS_TTL_S or until `until` (ms,
 * the end of its session) when that comes first.
 */
export function issueJoinPass(
  secret: string,
  pass: JoinPass,
  now = Date.now(),
  until = Infinity,
): string {
  const body = toBase64url(encoder.encode(JSON.stringify({
    l: pass.lectureId,
    u: pass.userId,
    n: pass.name,
    o: pass.orgId,
    r: pass.role,
    s: pass.session,
    e: Math.min(Math.floor(now / 1000) + PASS_TTL_S, Math.floor(until / 1000)),
  })));
  return `${body}.${toBase64url(mac(secret, body))}`;
}

/** The pass's contents when its signature is good and it is not expired; else null. */
export function verifyJoinPass(secret: string, pass: string, now = Date.now()): JoinPass | null {
  const [body, sig, extra] = pass.split(".");
  if (!body || !sig || extra !== undefined || pass.length > 2000) return null;
  try {
    const expected = mac(secret, body);
    const given = fromBase64url(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    // The signature is good, so the content is ours; the checks are belts and braces (plain
    // checks rather than a schema: this runs for every join of a storm).
    const p = JSON.parse(decoder.decode(fromBase64url(body)));
    const strings = [p.l, p.u, p.n, p.o, p.s].every((v) => typeof v === "string");
    if (!strings || (p.r !== "teacher" && p.r !== "student") || typeof p.e !== "number") {
      return null;
    }
    if (p.e * 1000 <= now) return null;
    return { lectureId: p.l, userId: p.u, name: p.n, orgId: p.o, role: p.r, session: p.s };
  } catch {
    return null;
  }
}

/**
 * A student's pass for a lecture (after the caller checked they are a student of its class),
 * tied to the session that asked for it.
 */
export function studentPass(
  secret: string,
  lecture: { id: string; orgId: string },
  user: { id: string; name: string },
  session: { id: string; expiresAt: string },
): string {
  return issueJoinPass(
    secret,
    {
      lectureId: lecture.id,
      userId: user.id,
      name: user.name,
      orgId: lecture.orgId,
      role: "student",
      session: sessionRef(session.id),
    },
    Date.now(),
    Date.parse(session.expiresAt),
  );
}
