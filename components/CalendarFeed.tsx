import { CsrfField } from "@/components/CsrfField.tsx";
import { formatWhen } from "@/components/Coursework.tsx";
import type { CalendarFeed } from "@/services/calendar/feeds.ts";
import type { State } from "@/services/web/define.ts";

/**
 * A calendar link's state (made when, or none) and its buttons: get one (or a new one, which
 * replaces it) and stop it. Both post to /calendar, which shows a new link once.
 */
export function CalendarFeedCard(
  { state, feed, classId, timeZone, title, hint }: {
    state: State;
    feed: CalendarFeed | null;
    /** Absent: the person's own feed of all their classes. */
    classId?: string;
    timeZone: string;
    title: string;
    hint: string;
  },
) {
  const { t } = state;
  const id = classId ? `calendar-${classId}` : "calendar-person";
  return (
    <section class="card calendar-feed" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <p class="muted">{hint}</p>
      <p>
        {feed
          ? t("calendar.made", { when: formatWhen(state, feed.createdAt, timeZone) })
          : t("calendar.none")}
      </p>
      <div class="row">
        <form method="post" action="/calendar">
          <CsrfField state={state} />
          <input type="hidden" name="intent" value="new" />
          {classId && <input type="hidden" name="classId" value={classId} />}
          <button type="submit" class={feed ? "" : "primary"}>
            {feed ? t("calendar.replace") : t("calendar.get")}
          </button>
        </form>
        {feed && (
          <form method="post" action="/calendar">
            <CsrfField state={state} />
            <input type="hidden" name="intent" value="revoke" />
            {classId && <input type="hidden" name="classId" value={classId} />}
            <button type="submit">{t("calendar.revoke")}</button>
          </form>
        )}
      </div>
      {feed && <small class="muted">{t("calendar.replaceHint")}</small>}
    </section>
  );
}
