import { LocaleSwitch } from "@/components/LocaleSwitch.tsx";
import { CsrfField } from "@/components/CsrfField.tsx";
import type { AppProps } from "@/services/web/define.ts";

/** The HTML document around every page: head, top bar, language switch, sign-out. */
export default function App({ Component, state, url }: AppProps) {
  const { t, actor } = state;
  const home = actor?.user.role === "admin" ? "/admin" : "/classes";
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
          <a class="brand" href={actor ? home : "/"}>{t("app.name")}</a>
          <nav aria-label="Main">
            {actor?.user.role === "admin" && <a href="/admin">{t("nav.dashboard")}</a>}
            {actor && <a href="/classes">{t("nav.myClasses")}</a>}
            {actor?.user.role === "student" && <a href="/grades">{t("coursework.nav.grades")}</a>}
            {actor && <a href="/notifications">{t("coursework.nav.notifications")}</a>}
          </nav>
          <div class="topbar-end">
            <LocaleSwitch state={state} url={url} />
            {actor
              ? (
                <form method="post" action="/signout">
                  <CsrfField state={state} />
                  <span class="who">{actor.user.name}</span>
                  <button type="submit">{t("nav.signOut")}</button>
                </form>
              )
              : <a href="/signin">{t("nav.signIn")}</a>}
          </div>
        </header>
        <main id="main">
          <Component />
        </main>
      </body>
    </html>
  );
}
