import type { State } from "@/services/web/define.ts";
import { CSRF_FIELD } from "@/services/web/csrf.ts";

/** The hidden CSRF field every signed-in form carries. */
export function CsrfField({ state }: { state: State }) {
  return state.actor
    ? <input type="hidden" name={CSRF_FIELD} value={state.actor.session.csrf} />
    : null;
}
