import { LOCALE_NAMES, LOCALES } from "@/services/i18n/i18n.ts";
import type { State } from "@/services/web/define.ts";
import { CsrfField } from "./CsrfField.tsx";

/** The visible language switch: a small form that works without JavaScript. */
export function LocaleSwitch({ state, url }: { state: State; url: URL }) {
  return (
    <form method="post" action="/locale" class="locale-switch">
      <CsrfField state={state} />
      <input type="hidden" name="next" value={url.pathname + url.search} />
      <label>
        <span class="sr-only">{state.t("nav.language")}</span>
        <select name="lang" aria-label={state.t("nav.language")}>
          {LOCALES.map((l) => (
            <option key={l} value={l} selected={l === state.locale}>{LOCALE_NAMES[l]}</option>
          ))}
        </select>
      </label>
      <button type="submit">{state.t("nav.language")}</button>
    </form>
  );
}
