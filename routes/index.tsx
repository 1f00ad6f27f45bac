import type { Handlers } from "@/services/web/define.ts";
import { redirect } from "@/services/web/forms.ts";

/** The front door: signed-in people land on Today (services/today/today.ts), others sign in. */
export const handler: Handlers = {
  GET(_req, ctx) {
    return redirect(ctx.state.actor ? "/today" : "/signin");
  },
};
