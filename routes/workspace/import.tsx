import RosterImport, {
  ROSTER_IMPORT_LABELS,
  type RosterImportLabels,
  WORKSPACE_IMPORT_LABELS,
} from "@/islands/RosterImport.tsx";
import { requireActor } from "@/services/auth/access.ts";
import type { MessageKey } from "@/services/i18n/i18n.ts";
import { requireWorkspaceAdmin } from "@/services/workspace/access.ts";
import type { Handlers, PageProps } from "@/services/web/define.ts";

/** Where the workspace's own strings differ from a class's import. */
const WORKSPACE_WORDING = new Set([
  "intro",
  "add",
  "unchanged",
  "action.add",
  "action.unchanged",
  "nothingToDo",
  "imported",
  ...WORKSPACE_IMPORT_LABELS,
]);

/**
 * A workspace admin adds people by CSV: the roster import island pointed at
 * `POST /api/v1/workspace/import`. 404 without a workspace, 403 for anyone but its admins.
 */
export const handler: Handlers = {
  async GET(_req, ctx) {
    await requireWorkspaceAdmin(ctx.state.kv, requireActor(ctx.state));
    ctx.state.title = ctx.state.t("admin.import.ws.pageTitle");
    return ctx.render({});
  },
};

export default function WorkspaceImportPage({ state }: PageProps) {
  const { t } = state;
  // Islands cannot translate: they get their strings in this page's language.
  const keys = [...ROSTER_IMPORT_LABELS, ...WORKSPACE_IMPORT_LABELS];
  const labels = Object.fromEntries(keys.map((k) => {
    const key = k === "role.employee"
      ? "admin.import.role.employee"
      : WORKSPACE_WORDING.has(k)
      ? `admin.import.ws.${k}`
      : `admin.import.${k}`;
    return [k, t(key as MessageKey)];
  })) as RosterImportLabels;
  return (
    <div class="stack">
      <p>
        <a href="/workspace">{t("admin.import.ws.back")}</a>
      </p>
      <h1>{t("admin.import.ws.pageTitle")}</h1>
      <section class="card" id="import" aria-labelledby="import-title">
        <h2 id="import-title">{t("admin.import.ws.title")}</h2>
        <RosterImport labels={labels} />
      </section>
    </div>
  );
}
