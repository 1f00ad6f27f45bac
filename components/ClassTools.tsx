import JoinLinks, { JOIN_LINKS_LABELS, type JoinLinksLabels } from "@/islands/JoinLinks.tsx";
import JoinRequests, {
  JOIN_REQUESTS_LABELS,
  type JoinRequestsLabels,
} from "@/islands/JoinRequests.tsx";
import RosterImport, {
  ROSTER_IMPORT_LABELS,
  type RosterImportLabels,
} from "@/islands/RosterImport.tsx";
import type { State } from "@/services/web/define.ts";

/** The roster import card (for a class's teachers and school admins). */
export function RosterImportCard({ state, classId }: { state: State; classId: string }) {
  const { t } = state;
  // Islands cannot translate: they get their strings in this page's language.
  const labels = Object.fromEntries(
    ROSTER_IMPORT_LABELS.map((k) => [k, t(`admin.import.${k}` as const)]),
  ) as RosterImportLabels;
  return (
    <section class="card" id="import" aria-labelledby="import-title">
      <h2 id="import-title">{t("admin.import.title")}</h2>
      {state.actor?.user.role !== "admin" && <p class="muted">{t("admin.import.teacherRows")}</p>}
      <RosterImport classId={classId} labels={labels} />
    </section>
  );
}

/** The join links card (for a class's teachers and school admins). */
export function JoinLinksCard({ state, classId }: { state: State; classId: string }) {
  const { t } = state;
  const labels = Object.fromEntries(
    JOIN_LINKS_LABELS.map((k) => [k, t(`admin.links.${k}` as const)]),
  ) as JoinLinksLabels;
  return (
    <section class="card" id="links" aria-labelledby="links-title">
      <h2 id="links-title">{t("admin.links.title")}</h2>
      <JoinLinks
        classId={classId}
        labels={labels}
        locale={state.locale === "zh" ? "zh-CN" : state.locale}
      />
    </section>
  );
}

/** Students waiting for approval to join (links with approval), for the class's teachers. */
export function JoinRequestsCard({ state, classId }: { state: State; classId: string }) {
  const { t } = state;
  const labels = Object.fromEntries(
    JOIN_REQUESTS_LABELS.map((k) => [k, t(`join.requests.${k}` as const)]),
  ) as JoinRequestsLabels;
  return (
    <section class="card" id="requests" aria-labelledby="requests-title">
      <JoinRequests
        classId={classId}
        labels={labels}
        locale={state.locale === "zh" ? "zh-CN" : state.locale}
      />
    </section>
  );
}
