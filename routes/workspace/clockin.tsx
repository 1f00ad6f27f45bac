import { intlLocale } from "@/components/Coursework.tsx";
import ClockIn, { CLOCK_IN_LABELS, type ClockInLabels, type Today } from "@/islands/ClockIn.tsx";
import { requireActor } from "@/services/auth/access.ts";
import { todayFor } from "@/services/clockin/punches.ts";
import { workspaceAccess, type WorkspaceRole } from "@/services/workspace/access.ts";
import type { Handlers, PageProps } from "@/services/web/define.ts";

interface Data {
  role: WorkspaceRole;
  /** Today's state, so the page shows the button at once (the island refreshes it). */
  today?: Today;
}

/**
 * The employee's clock-in page (phone-first): the island reads today's state from
 * `GET /api/v1/clockin/today` and punches. 404 for anyone without a workspace.
 */
export const handler: Handlers<Data> = {
  async GET(_req, ctx) {
    const actor = requireActor(ctx.state);
    const access = await workspaceAccess(ctx.state.kv, actor);
    const today = await todayFor(ctx.state.kv, access.org.id, actor.user.id);
    ctx.state.title = ctx.state.t("clockin.title");
    // Plain JSON, as the API sends it (island props are serialized).
    return ctx.render({ role: access.role, today: JSON.parse(JSON.stringify(today)) });
  },
};

export default function ClockInPage({ data, state }: PageProps<Data>) {
  const { t } = state;
  // Islands cannot translate: they get their strings in this page's language.
  const labels = Object.fromEntries(
    CLOCK_IN_LABELS.map((k) => [k, t(`clockin.punch.${k}` as const)]),
  ) as ClockInLabels;
  return (
    <div class="clockin-page">
      <link rel="stylesheet" href="/clockin.css" />
      <h1>{t("clockin.title")}</h1>
      <ClockIn locale={intlLocale(state)} labels={labels} initial={data.today} />
      <p class="muted">{t("clockin.punch.privacy")}</p>
      <nav class="clockin-links" aria-label={t("clockin.title")}>
        <a href="/workspace/clockin/history">{t("clockin.history.link")}</a>
        {data.role === "admin" && <a href="/workspace/clockin/setup">{t("clockin.setup.link")}</a>}
      </nav>
    </div>
  );
}
