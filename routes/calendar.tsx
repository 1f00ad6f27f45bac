import { z } from "zod";
import { CalendarFeedCard } from "@/components/CalendarFeed.tsx";
import { classAccess, requireActor } from "@/services/auth/access.ts";
import type { Class } from "@/services/classes/classes.ts";
import {
  type CalendarFeed,
  createFeed,
  feedUrl,
  getFeedOf,
  revokeFeed,
} from "@/services/calendar/feeds.ts";
import { getOrg } from "@/services/orgs/orgs.ts";
import type { Handlers, PageProps, RouteContext } from "@/services/web/define.ts";
import { parseForm, readForm } from "@/services/web/forms.ts";

interface Data {
  feed: CalendarFeed | null;
  timeZone: string;
  /** The class whose link was just made or stopped (a back link to its lectures). */
  cls?: Class;
  /** A link just made: shown only in this answer. */
  newUrl?: string;
  revoked?: boolean;
}

const FeedFormSchema = z.object({
  intent: z.enum(["new", "revoke"]),
  classId: z.string().min(1).max(40).optional(),
});

async function render(ctx: RouteContext<Data>, extra: Omit<Data, "feed" | "timeZone"> = {}) {
  const { kv, t } = ctx.state;
  const { user } = requireActor(ctx.state);
  const [feed, org] = await Promise.all([getFeedOf(kv, user.id), getOrg(kv, user.orgId)]);
  ctx.state.title = t("calendar.title");
  return ctx.render({ feed, timeZone: org.timeZone, ...extra });
}

/**
 * The person's private calendar link (lectures and due dates of all their classes) and the
 * answer to making or stopping any of their links, a class's included: a new link is shown
 * here once (KV keeps only its hash).
 */
export const handler: Handlers<Data> = {
  GET(_req, ctx) {
    return render(ctx);
  },
  async POST(req, ctx) {
    const { kv, config, locale } = ctx.state;
    const actor = requireActor(ctx.state);
    const form = parseForm(FeedFormSchema, await readForm(req));
    // A class's link: only for someone who may see the class (404 otherwise).
    const cls = form.classId ? (await classAccess(kv, actor, form.classId)).cls : undefined;
    if (form.intent === "revoke") {
      await revokeFeed(kv, actor.user.id, cls?.id);
      return render(ctx, { cls, revoked: true });
    }
    const { token } = await createFeed(kv, actor.user, { classId: cls?.id, locale });
    return render(ctx, { cls, newUrl: feedUrl(config.publicUrl, token) });
  },
};

export default function CalendarPage({ data, state }: PageProps<Data>) {
  const { t } = state;
  return (
    <>
      <header class="page-head">
        <div>
          <h1>{t("calendar.title")}</h1>
          <p class="muted">{t("calendar.intro")}</p>
        </div>
      </header>
      {data.cls && (
        <p>
          <a href={`/classes/${data.cls.id}/lectures`}>
            {t("calendar.back", { name: data.cls.name })}
          </a>
        </p>
      )}
      {data.revoked && <p class="notice ok" role="status">{t("calendar.revoked")}</p>}
      {data.newUrl && (
        <section class="card" aria-labelledby="new-feed-title" role="status">
          <h2 id="new-feed-title">{t("calendar.new.title")}</h2>
          <label>
            {t("calendar.new.label")}
            <input
              readOnly
              class="feed-url"
              value={data.newUrl}
              aria-describedby="new-feed-once"
            />
          </label>
          <p id="new-feed-once">{t("calendar.new.once")}</p>
          <p class="row">
            {/* webcal: the calendar app subscribes; Google takes it as the cid of its page. */}
            <a class="button" href={data.newUrl.replace(/^https?:/, "webcal:")}>
              {t("calendar.new.open")}
            </a>
            <a
              class="button"
              href={`https://calendar.google.com/calendar/r?cid=${
                encodeURIComponent(data.newUrl.replace(/^https?:/, "webcal:"))
              }`}
              rel="noreferrer"
            >
              {t("calendar.new.google")}
            </a>
          </p>
          <p class="muted">{t("calendar.new.how")}</p>
        </section>
      )}
      <CalendarFeedCard
        state={state}
        feed={data.feed}
        timeZone={data.timeZone}
        title={t("calendar.personal.title")}
        hint={t("calendar.personal.hint")}
      />
      <p class="muted">{t("calendar.classHint")}</p>
    </>
  );
}
