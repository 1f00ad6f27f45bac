import ClockinAssign, {
  CLOCKIN_ASSIGN_LABELS,
  type ClockinAssignLabels,
} from "@/islands/ClockinAssign.tsx";
import ClockinSettings, {
  CLOCKIN_SETTINGS_LABELS,
  type ClockinSettingsLabels,
} from "@/islands/ClockinSettings.tsx";
import ClockinShifts, {
  CLOCKIN_SHIFTS_LABELS,
  type ClockinShiftsLabels,
} from "@/islands/ClockinShifts.tsx";
import ClockinSites, {
  type Choice,
  CLOCKIN_SITES_LABELS,
  type ClockinSitesLabels,
} from "@/islands/ClockinSites.tsx";
import { requireActor } from "@/services/auth/access.ts";
import type { ClockinSettings as Settings, Site, StoredShift } from "@/services/clockin/model.ts";
import { getClockinSettings } from "@/services/clockin/settings.ts";
import {
  listShiftAssignments,
  listShifts,
  type ShiftAssignment,
} from "@/services/clockin/shift_store.ts";
import { listSites } from "@/services/clockin/sites.ts";
import type { MessageKey } from "@/services/i18n/i18n.ts";
import { requireWorkspaceAdmin } from "@/services/workspace/access.ts";
import { departmentTree, searchDirectory } from "@/services/workspace/departments.ts";
import type { Handlers, PageProps } from "@/services/web/define.ts";

/** People offered for assignment (a larger organization assigns by department). */
const PEOPLE_LISTED = 500;

interface Data {
  settings: Settings;
  sites: Site[];
  shifts: StoredShift[];
  assignments: ShiftAssignment[];
  departments: Choice[];
  people: Choice[];
}

/** Clock-in setup for workspace admins: settings, sites, shifts and who works which. */
export const handler: Handlers<Data> = {
  async GET(_req, ctx) {
    const { kv, locale } = ctx.state;
    const access = await requireWorkspaceAdmin(kv, requireActor(ctx.state));
    const orgId = access.org.id;
    const [settings, sites, shifts, assignments, directory] = await Promise.all([
      getClockinSettings(kv, orgId),
      listSites(kv, orgId),
      listShifts(kv, orgId),
      listShiftAssignments(kv, orgId),
      searchDirectory(kv, orgId, access.departments, { limit: PEOPLE_LISTED }),
    ]);
    const departments = departmentTree(access.departments, locale)
      .map((n) => ({ id: n.dept.id, label: n.path.join(" / ") }));
    const people = directory.items.map(({ user }) => ({
      id: user.id,
      label: user.email ? `${user.name} (${user.email})` : user.name,
    }));
    ctx.state.title = ctx.state.t("clockin.setup.title");
    return ctx.render({ settings, sites, shifts, assignments, departments, people });
  },
};

function labelsOf<K extends string>(t: (k: MessageKey) => string, keys: readonly K[]) {
  return Object.fromEntries(keys.map((k) => [k, t(`clockin.setup.${k}` as MessageKey)])) as Record<
    K,
    string
  >;
}

export default function SetupPage({ data, state }: PageProps<Data>) {
  const { t } = state;
  return (
    <div class="clockin-page wide">
      <link rel="stylesheet" href="/clockin.css" />
      <p>
        <a href="/workspace/clockin">{t("clockin.title")}</a>
      </p>
      <h1>{t("clockin.setup.title")}</h1>
      <section class="card" aria-labelledby="setup-settings">
        <h2 id="setup-settings">{t("clockin.setup.settingsTitle")}</h2>
        <ClockinSettings
          initial={data.settings}
          labels={labelsOf(t, CLOCKIN_SETTINGS_LABELS) as ClockinSettingsLabels}
        />
      </section>
      <section class="card" aria-labelledby="setup-sites">
        <h2 id="setup-sites">{t("clockin.setup.sitesTitle")}</h2>
        <ClockinSites
          sites={data.sites}
          departments={data.departments}
          people={data.people}
          labels={labelsOf(t, CLOCKIN_SITES_LABELS) as ClockinSitesLabels}
        />
      </section>
      <section class="card" aria-labelledby="setup-shifts">
        <h2 id="setup-shifts">{t("clockin.setup.shiftsTitle")}</h2>
        <ClockinShifts
          shifts={data.shifts}
          labels={labelsOf(t, CLOCKIN_SHIFTS_LABELS) as ClockinShiftsLabels}
        />
        <ClockinAssign
          shifts={data.shifts.map((s) => ({ id: s.id, name: s.shift.name }))}
          assignments={data.assignments}
          departments={data.departments}
          people={data.people}
          labels={labelsOf(t, CLOCKIN_ASSIGN_LABELS) as ClockinAssignLabels}
        />
      </section>
      <p class="muted">{t("clockin.setup.privacy")}</p>
    </div>
  );
}
