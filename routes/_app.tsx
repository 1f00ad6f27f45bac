import { LocaleSwitch } from "@/components/LocaleSwitch.tsx";
import { CsrfField } from "@/components/CsrfField.tsx";
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
              <summary>{t("today.menu")}</summary>
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
  const links: [string, string][] = [
    ["/today", t("today.nav")],
    ...(role === "admin" ? [["/admin", t("nav.dashboard")] as [string, string]] : []),
    ["/classes", t("nav.myClasses")],
    ...(role === "student" ? [["/grades", t("coursework.nav.grades")] as [string, string]] : []),
    ["/notifications", t("coursework.nav.notifications")],
    ["/account", t("nav.account")],
  ];
  const unread = state.unread ?? 0;
  const badged = (href: string) => href === "/notifications" && unread > 0;
  return (
    <>
      {links.map(([href, label]) => (
        <a
          key={href}
          href={href}
          aria-current={url.pathname === href ? "page" : undefined}
          aria-label={badged(href)
            ? `${label}, ${t("notifications.badge", { n: unread })}`
            : undefined}
        >
          {label}
          {badged(href) && (
            // The unread count, read once per page (services/web/app.tsx).
            <span class="nav-count" aria-hidden="true">{unread > 99 ? "99+" : unread}</span>
          )}
        </a>
      ))}
    </>
  );
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
