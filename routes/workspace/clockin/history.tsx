import { intlLocale } from "@/components/Coursework.tsx";
import ClockinHistory, {
  CLOCKIN_HISTORY_LABELS,
  type ClockinHistoryLabels,
} from "@/islands/ClockinHistory.tsx";
import { requireActor } from "@/services/auth/access.ts";
import { workspaceAccess } from "@/services/workspace/access.ts";
import type { Handlers, PageProps } from "@/services/web/define.ts";

interface Data {
  month: string;
  timeZone: string;
}

/** This month ("YYYY-MM") on a zone's clock. */
function monthOn(timeZone: string, now = new Date()): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit" })
    .formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}`;
}

/** "What is stored about me": every punch of a month as stored, corrections, makeup requests. */
export const handler: Handlers<Data> = {
  async GET(_req, ctx) {
    const { org } = await workspaceAccess(ctx.state.kv, requireActor(ctx.state));
    ctx.state.title = ctx.state.t("clockin.history.title");
    return ctx.render({ month: monthOn(org.timeZone), timeZone: org.timeZone });
  },
};

export default function HistoryPage({ data, state }: PageProps<Data>) {
  const { t } = state;
  const labels = Object.fromEntries(
    CLOCKIN_HISTORY_LABELS.map((k) => [k, t(`clockin.history.${k}` as const)]),
  ) as ClockinHistoryLabels;
  return (
    <div class="clockin-page">
      <link rel="stylesheet" href="/clockin.css" />
      <p>
        <a href="/workspace/clockin">{t("clockin.title")}</a>
      </p>
      <h1>{t("clockin.history.title")}</h1>
      <p class="muted">{t("clockin.history.intro")}</p>
      <ClockinHistory
        month={data.month}
        timeZone={data.timeZone}
        locale={intlLocale(state)}
        labels={labels}
      />
    </div>
  );
}
