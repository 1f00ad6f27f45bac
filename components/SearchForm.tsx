import type { State } from "@/services/web/define.ts";

/**
 * A GET search box for a paged list on a server-rendered page: the query in `name`, a Clear
 * link while searching, and the section's anchor kept in both.
 */
export function SearchForm(
  { state, path, anchor, name = "q", value, placeholder }: {
    state: State;
    /** The page's path (without query). */
    path: string;
    /** The section to come back to, e.g. "roster". */
    anchor: string;
    name?: string;
    value: string;
    placeholder?: string;
  },
) {
  const { t } = state;
  return (
    <form method="get" action={`${path}#${anchor}`} role="search" class="search">
      <label>
        <span class="sr-only">{t("classes.roster.search")}</span>
        <input
          type="search"
          name={name}
          value={value}
          maxLength={100}
          placeholder={placeholder ?? t("classes.roster.searchPlaceholder")}
        />
      </label>
      <button type="submit">{t("classes.roster.searchButton")}</button>
      {value && <a href={`${path}#${anchor}`}>{t("classes.roster.clear")}</a>}
    </form>
  );
}
