import type { State } from "@/services/web/define.ts";

interface PagerProps {
  state: State;
  total: number;
  offset: number;
  limit: number;
  /** The URL of the page that starts at `offset`. */
  href: (offset: number) => string;
}

/** "Showing 51–100 of 2,345" with Previous/Next links, for offset-paged lists. */
export function Pager({ state, total, offset, limit, href }: PagerProps) {
  const { t } = state;
  if (total === 0) return null;
  const num = new Intl.NumberFormat(state.locale === "zh" ? "zh-CN" : state.locale);
  const from = offset + 1;
  const to = Math.min(offset + limit, total);
  const hasPrev = offset > 0;
  const hasNext = to < total;
  const prev = Math.max(0, Math.min(offset - limit, Math.floor((total - 1) / limit) * limit));
  return (
    <nav class="pager" aria-label={t("classes.pager.label")}>
      {hasPrev
        ? <a href={href(prev)} rel="prev">{t("classes.pager.prev")}</a>
        : hasNext && <span class="muted" aria-disabled="true">{t("classes.pager.prev")}</span>}
      <span class="pager-status" aria-live="polite">
        {from > total
          ? t("classes.pager.pastEnd", { total: num.format(total) })
          : t("classes.pager.showing", {
            from: num.format(from),
            to: num.format(to),
            total: num.format(total),
          })}
      </span>
      {hasNext
        ? <a href={href(offset + limit)} rel="next">{t("classes.pager.next")}</a>
        : hasPrev && <span class="muted" aria-disabled="true">{t("classes.pager.next")}</span>}
    </nav>
  );
}
