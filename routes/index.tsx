import type { Handlers } from "@/services/web/define.ts";
import { redirect } from "@/services/web/forms.ts";

/** The front door: admins to the dashboard, everyone else to their classes. */
export const handler: Handlers = {
  GET(_req, ctx) {
    const user = ctx.state.actor?.user;
    if (!user) return redirect("/signin");
    return redirect(user.role === "admin" ? "/admin" : "/classes");
  },
};
