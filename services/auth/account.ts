/**
 * A signed-in person's own sign-in: changing their password (the current one first, throttled
 * like sign-in), or setting a first one when they have none (a student who joined by link and
 * is signed in on one device only). Either ends their other sessions.
 * @module
 */
import { z } from "zod";
import { commit } from "../db/kv.ts";
import { getUserEntry, passwordHashOps } from "../orgs/users.ts";
import type { Actor } from "../web/define.ts";
import { AppError, validateInput } from "../web/errors.ts";
import {
  hashPassword,
  MAX_PASSWORD_LENGTH,
  NewPasswordSchema,
  verifyPassword,
} from "./passwords.ts";
import { revokeUserSessions } from "./sessions.ts";
import { accountKey, type AttemptSource, recordFailure, requireNotThrottled } from "./signin.ts";

export const PasswordChangeSchema = z.strictObject({
  /** Needed when the account has a password. */
  currentPassword: z.string().max(MAX_PASSWORD_LENGTH).optional(),
  newPassword: NewPasswordSchema,
});
export type PasswordChange = z.infer<typeof PasswordChangeSchema>;

/**
 * Changes (or first sets) the actor's password and ends their other sessions, keeping this
 * one. 400 on `currentPassword` when it is missing or wrong (a wrong one counts as a failed
 * sign-in of the account and address: 429 past the limits). Returns how many other sessions
 * ended.
 */
export async function changePassword(
  kv: Deno.Kv,
  actor: Actor,
  input: PasswordChange,
  source: AttemptSource,
): Promise<{ endedSessions: number; firstPassword: boolean }> {
  const data = validateInput(PasswordChangeSchema, input);
  const entry = await getUserEntry(kv, actor.user.id);
  const current = entry.value.passwordHash;
  if (current) {
    const key = accountKey(entry.value.id);
    await requireNotThrottled(kv, key, source);
    if (!data.currentPassword || !await verifyPassword(data.currentPassword, current)) {
      if (data.currentPassword) await recordFailure(kv, key, source);
      const message = data.currentPassword
        ? "Your current password is not right."
        : "Enter your current password.";
      throw new AppError("validation_failed", message, [{ path: ["currentPassword"], message }]);
    }
  }
  await commit(
    passwordHashOps(kv.atomic(), entry, await hashPassword(data.newPassword)),
    "Your account changed meanwhile. Try again.",
  );
  const endedSessions = await revokeUserSessions(kv, actor.user.id, { keep: actor.session.id });
  return { endedSessions, firstPassword: !current };
}
