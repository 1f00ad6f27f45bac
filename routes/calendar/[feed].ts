import { renderFeed } from "@/services/calendar/feed.ts";
import { findFeed } from "@/services/calendar/feeds.ts";
import type { Handlers } from "@/services/web/define.ts";
import { AppError } from "@/services/web/errors.ts";

/**
 * A private calendar feed (ICS) at /calendar/<token>.ics, for Google Calendar, Outlook and
 * the like to subscribe to: no session, the token is the key. A replaced or stopped link is
 * 404.
 */
export const handler: Handlers = {
  async GET(_req, ctx) {
    const { kv, config } = ctx.state;
    const token = ctx.params.feed.endsWith(".ics") ? ctx.params.feed.slice(0, -4) : "";
    const feed = token ? await findFeed(kv, token) : null;
    const ics = feed ? await renderFeed(kv, config, feed) : null;
    if (ics === null) {
      throw new AppError("not_found", "This calendar link does not work (any more).");
    }
    return new Response(ics, {
      headers: {
        "content-type": "text/calendar; charset=utf-8",
        "cache-control": "private, max-age=300",
        "content-disposition": 'inline; filename="mirae.ics"',
      },
    });
  },
};
