import { formatWhen, relativeTime } from "@/components/Coursework.tsx";
import { CsrfField } from "@/components/CsrfField.tsx";
import { requireActor } from "@/services/auth/access.ts";
import type { MessageKey } from "@/services/i18n/i18n.ts";
import {
  listNotifications,
  markRead,
  type Notification,
  type NotificationKind,
  type NotificationPage,
  openNotification,
} from "@/services/notifications/notifications.ts";
import { getOrg } from "@/services/orgs/orgs.ts";
import type { Handlers, PageProps, State } from "@/services/web/define.ts";
import { readForm, redirect, safeNext } from "@/services/web/forms.ts";

/** Notifications per page. */
const PAGE_SIZE = 20;

interface Data {
  page: NotificationPage;
  timeZone: string;
  /** Whether this is a later page (reached with a cursor). */
  later: boolean;
}

function cursorParam(url: URL): string | undefined {
  return url.searchParams.get("cursor")?.slice(0, 500) || undefined;
}

/** The signed-in person's notifications (reminders, nudges, releases), newest first. */
export const handler: Handlers<Data> = {
  async GET(_req, ctx) {
    const { kv, t } = ctx.state;
    const { user } = requireActor(ctx.state);
    const cursor = cursorParam(ctx.url);
    const [page, org] = await Promise.all([
      listNotifications(kv, user.id, { cursor, limit: PAGE_SIZE }),
      getOrg(kv, user.orgId),
    ]);
    ctx.state.title = t("coursework.notif.title");
    ctx.state.unread = page.unread; // the header's badge: no second read
    return ctx.render({ page, timeZone: org.timeZone, later: !!cursor });
  },

  /**
   * `intent`: open (with `id`: marks it read and goes where it links, e.g. the lecture), read
   * (with `id`) or readAll (back to the page it came from).
   */
  async POST(req, ctx) {
    const { kv } = ctx.state;
    const { user } = requireActor(ctx.state);
    const fields = await readForm(req);
    if (fields.intent === "open" && fields.id) {
      const n = await openNotification(kv, user.id, fields.id.slice(0, 40));
      return redirect((n && localLink(n)) ?? "/notifications");
    }
    if (fields.intent === "readAll") await markRead(kv, user.id, "all");
    else if (fields.id) await markRead(kv, user.id, [fields.id.slice(0, 40)]);
    return redirect(safeNext(fields.next, "/notifications"));
  },
};

const KIND_LABELS: Record<NotificationKind, MessageKey> = {
  reminder: "coursework.notif.kind.reminder",
  nudge: "coursework.notif.kind.nudge",
  grade_released: "coursework.notif.kind.grade_released",
  assignment_published: "coursework.notif.kind.assignment_published",
  lecture_scheduled: "notifications.kind.lecture_scheduled",
  lecture_moved: "notifications.kind.lecture_moved",
  lecture_live: "notifications.kind.lecture_live",
  announcement: "stream.notif.kind",
  clockin: "clockin.notif.kind",
};

/** Title and body in the reader's language where the notification carries its `args`. */
function notificationText(state: State, n: Notification, timeZone: string) {
  const a = n.args;
  if (a && n.kind === "announcement") {
    return { title: state.t("stream.notif.title", a), body: a.excerpt ?? n.body };
  }
  if (!a || !n.kind.startsWith("lecture_")) return { title: n.title, body: n.body };
  const params = { ...a, when: a.startsAt ? formatWhen(state, a.startsAt, timeZone) : "" };
  const kind = n.kind as "lecture_scheduled" | "lecture_moved" | "lecture_live";
  return {
    title: state.t(`notifications.${kind}.title`, params),
    body: state.t(`notifications.${kind}.body`, params),
  };
}

/** A notification's link, only when it is a path in this app. */
function localLink(n: Notification): string | undefined {
  return n.link.startsWith("/") && !n.link.startsWith("//") && !n.link.startsWith("/\\")
    ? n.link
    : undefined;
}

export default function NotificationsPage({ data, state, url }: PageProps<Data>) {
  const { t } = state;
  const { page } = data;
  const here = url.pathname + url.search;
  return (
    <>
      <header class="page-head">
        <div>
          <h1>{t("coursework.notif.title")}</h1>
          <p class="muted" aria-live="polite">
            {t("coursework.notif.unread", { n: page.unread })}
          </p>
        </div>
        {page.unread > 0 && (
          <form method="post" action="/notifications" class="page-actions">
            <CsrfField state={state} />
            <input type="hidden" name="intent" value="readAll" />
            <input type="hidden" name="next" value={here} />
            <button type="submit">{t("coursework.notif.readAll")}</button>
          </form>
        )}
      </header>
      <section class="card" aria-labelledby="notif-title">
        <h2 id="notif-title" class="sr-only">{t("coursework.notif.title")}</h2>
        {page.items.length === 0
          ? <p class="empty">{t("coursework.notif.empty")}</p>
          : (
            <ul class="notifications">
              {page.items.map((n) => {
                const link = localLink(n);
                const text = notificationText(state, n, data.timeZone);
                return (
                  <li key={n.id} class={n.readAt ? "read" : "unread"}>
                    <div class="notif-main">
                      <span class={`badge kind-${n.kind}`}>
                        {t(KIND_LABELS[n.kind])}
                      </span>
                      {!n.readAt && <span class="sr-only">{t("coursework.notif.new")}</span>}
                      <strong>
                        {!link ? text.title : n.readAt ? <a href={link}>{text.title}</a> : (
                          // One tap opens it and marks it read (the badge goes down).
                          <form method="post" action="/notifications" class="notif-open">
                            <CsrfField state={state} />
                            <input type="hidden" name="intent" value="open" />
                            <input type="hidden" name="id" value={n.id} />
                            <button type="submit" class="link">{text.title}</button>
                          </form>
                        )}
                      </strong>
                      <p>{text.body}</p>
                      <small class="muted">
                        <time
                          datetime={n.createdAt}
                          title={formatWhen(state, n.createdAt, data.timeZone)}
                        >
                          {relativeTime(state, n.createdAt)}
                        </time>
                      </small>
                    </div>
                    {!n.readAt && (
                      <form method="post" action="/notifications">
                        <CsrfField state={state} />
                        <input type="hidden" name="intent" value="read" />
                        <input type="hidden" name="id" value={n.id} />
                        <input type="hidden" name="next" value={here} />
                        <button
                          type="submit"
                          aria-label={`${t("coursework.notif.markRead")}: ${text.title}`}
                        >
                          {t("coursework.notif.markRead")}
                        </button>
                      </form>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
        {(data.later || page.cursor) && (
          <nav class="pager" aria-label={t("classes.pager.label")}>
            {data.later ? <a href="/notifications">{t("coursework.notif.newest")}</a> : <span />}
            {page.cursor && (
              <a href={`/notifications?cursor=${encodeURIComponent(page.cursor)}`} rel="next">
                {t("coursework.notif.older")}
              </a>
            )}
          </nav>
        )}
      </section>
      <p class="muted">
        <a href="/calendar">{t("notifications.calendar")}</a>
      </p>
    </>
  );
}
