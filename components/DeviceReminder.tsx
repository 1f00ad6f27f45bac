import type { Actor, State } from "@/services/web/define.ts";

/** The reminder shows in the last days of a device session (its 30 days are the way in). */
export const REMINDER_DAYS = 7;

/**
 * Days left of the signed-in person's device session when it is their only way in (no
 * password) and ends within `REMINDER_DAYS`; null otherwise.
 */
export function deviceDaysLeft(actor: Actor | undefined, now = Date.now()): number | null {
  if (!actor || actor.session.kind !== "device" || actor.user.passwordHash) return null;
  const left = Date.parse(actor.session.expiresAt) - now;
  if (left <= 0 || left > REMINDER_DAYS * 86_400_000) return null;
  return Math.ceil(left / 86_400_000);
}

/**
 * A banner on every page for someone whose account lives only in this browser, in the last
 * week of its device session: the days left, and the account page's offer to set a password
 * (routes/account.tsx) so the account outlives the cookie.
 */
export function DeviceReminder({ state, path }: { state: State; path: string }) {
  const days = deviceDaysLeft(state.actor);
  if (days === null || path === "/account") return null;
  return (
    <p class="notice" role="status" id="device-reminder">
      {state.t("account.deviceReminder", { days })}{" "}
      <a href="/account">{state.t("account.deviceReminderLink")}</a>
    </p>
  );
}
