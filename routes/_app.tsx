import { LocaleSwitch } from "@/components/LocaleSwitch.tsx";
import { CsrfField } from "@/components/CsrfField.tsx";
import { DeviceReminder } from "@/components/DeviceReminder.tsx";
import type { AppProps, State } from "@/services/web/define.ts";

/** The HTML document around every page: head, top bar, language switch, sign-out. */
export default function App({ Component, state, url }: AppProps) {
  const { t, actor } = state;
  return (
    <html lang={state.locale === "zh" ? "zh-Hans" : state.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {actor && <meta name="csrf-token" content={actor.session.csrf} />}
        <title>{state.title ? `${state.title} · ${t("app.name")}` : t("app.name")}</title>
        <link rel="stylesheet" href="/styles.css" />
      </head>
      <body>
        <a class="skip-link" href="#main">{t("nav.skip")}</a>
        <header class="topbar">
          <a class="brand" href={actor ? "/today" : "/"}>{t("app.name")}</a>
          {actor && (
            <nav class="topnav" aria-label={t("today.menu")}>
              <NavLinks state={state} url={url} />
            </nav>
          )}
          <div class="topbar-end">
            <LocaleSwitch state={state} url={url} />
            {actor ? <SignOut state={state} /> : <a href="/signin">{t("nav.signIn")}</a>}
          </div>
          {actor && (
            // Phones: the same links, language and sign-out behind one menu button (a
            // disclosure: keyboard and screen readers know it without any script).
            <details class="topmenu">
              <summary aria-label={unreadLabel(state, t("today.menu"))}>
                {t("today.menu")}
                <UnreadBadge state={state} />
              </summary>
              <div class="topmenu-panel">
                <nav aria-label={t("today.menu")}>
                  <NavLinks state={state} url={url} />
                </nav>
                <LocaleSwitch state={state} url={url} />
                <SignOut state={state} />
              </div>
            </details>
          )}
        </header>
        <main id="main">
          <DeviceReminder state={state} path={url.pathname} />
          <Component />
        </main>
      </body>
    </html>
  );
}

/** The signed-in person's links; the current page is marked. */
function NavLinks({ state, url }: { state: State; url: URL }) {
  const { t, actor } = state;
  if (!actor) return null;
  const role = actor.user.role;
  // Classes, a workspace or both: what this person has (a company's employee has no classes).
  const faces = state.nav ?? { classes: true, workspace: false };
  const links: [string, string][] = [
    ["/today", t("today.nav")],
    ...(role === "admin" ? [["/admin", t("nav.dashboard")] as [string, string]] : []),
    ...(faces.classes ? [["/classes", t("nav.myClasses")] as [string, string]] : []),
    ...(role === "student" ? [["/grades", t("coursework.nav.grades")] as [string, string]] : []),
    ...(faces.workspace ? [["/workspace", t("workspace.nav")] as [string, string]] : []),
    ["/notifications", t("coursework.nav.notifications")],
    ["/account", t("nav.account")],
  ];
  return (
    <>
      {links.map(([href, label]) => (
        <a
          key={href}
          href={href}
          aria-current={url.pathname === href ? "page" : undefined}
          aria-label={href === "/notifications" ? unreadLabel(state, label) : undefined}
        >
          {label}
          {href === "/notifications" && <UnreadBadge state={state} />}
        </a>
      ))}
    </>
  );
}

/** "Notifications, 3 unread" for a badged item; undefined (its text) when nothing is unread. */
function unreadLabel(state: State, label: string): string | undefined {
  const unread = state.unread ?? 0;
  return unread > 0 ? `${label}, ${state.t("notifications.badge", { n: unread })}` : undefined;
}

/** The unread count, read once per page (services/web/app.tsx); on the phone's menu button too. */
function UnreadBadge({ state }: { state: State }) {
  const unread = state.unread ?? 0;
  if (unread === 0) return null;
  return <span class="nav-count" aria-hidden="true">{unread > 99 ? "99+" : unread}</span>;
}

function SignOut({ state }: { state: State }) {
  return (
    <form method="post" action="/signout" class="signout">
      <CsrfField state={state} />
      <span class="who">{state.actor!.user.name}</span>
      <button type="submit">{state.t("nav.signOut")}</button>
    </form>
  );
}
