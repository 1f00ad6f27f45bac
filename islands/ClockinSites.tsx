import { useState } from "preact/hooks";
import { useHydrated } from "@/components/clockin/hydrated.ts";
import { fill, type Problem } from "@/components/island_client.ts";
import { errorOf, requestJson } from "@/components/clockin/format.ts";
import { FieldError, GeneralError, messagesUnder } from "@/components/clockin/Field.tsx";
import { readPosition } from "@/components/clockin/geolocate.ts";

/** The strings this island shows (`clockin.setup.<key>`). */
export const CLOCKIN_SITES_LABELS = [
  "sitesTitle",
  "noSites",
  "siteName",
  "lat",
  "lng",
  "useMyPosition",
  "locating",
  "positionFailed",
  "positionTaken",
  "radius",
  "radiusHint",
  "networks",
  "networksHint",
  "departments",
  "people",
  "everyone",
  "assignHint",
  "addSite",
  "editSite",
  "edit",
  "remove",
  "removeConfirm",
  "cancel",
  "save",
  "saving",
  "network",
  "siteSummary",
] as const;
export type ClockinSitesLabels = Record<typeof CLOCKIN_SITES_LABELS[number], string>;

/** A site as the admin API sends it. */
export interface SiteValues {
  id: string;
  name: string;
  lat: number;
  lng: number;
  radiusM: number;
  networks: string[];
  departmentIds: string[];
  userIds: string[];
}

/** Something a site or shift can be assigned to: a department (with its path) or a person. */
export interface Choice {
  id: string;
  label: string;
}

export interface ClockinSitesProps {
  sites: SiteValues[];
  departments: Choice[];
  people: Choice[];
  labels: ClockinSitesLabels;
}

interface Draft {
  id?: string;
  name: string;
  lat: string;
  lng: string;
  radiusM: number;
  networks: string;
  departmentIds: string[];
  userIds: string[];
}

const EMPTY: Draft = {
  name: "",
  lat: "",
  lng: "",
  radiusM: 1000,
  networks: "",
  departmentIds: [],
  userIds: [],
};

/** The sites card: the list, and a form to add or edit one (the page reloads after a save). */
export default function ClockinSites({ sites, departments, people, labels: L }: ClockinSitesProps) {
  const hydrated = useHydrated();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [note, setNote] = useState("");
  const set = (change: Partial<Draft>) => setDraft((d) => (d ? { ...d, ...change } : d));
  const nameOf = (list: Choice[], id: string) => list.find((c) => c.id === id)?.label ?? id;

  function open(site?: SiteValues) {
    setProblem(null);
    setNote("");
    setDraft(
      site
        ? {
          id: site.id,
          name: site.name,
          lat: String(site.lat),
          lng: String(site.lng),
          radiusM: site.radiusM,
          networks: site.networks.join("\n"),
          departmentIds: site.departmentIds,
          userIds: site.userIds,
        }
        : { ...EMPTY },
    );
  }

  async function here() {
    setNote(L.locating);
    const r = await readPosition();
    if (!r.ok) return setNote(L.positionFailed);
    set({ lat: r.reading.lat.toFixed(6), lng: r.reading.lng.toFixed(6) });
    setNote(fill(L.positionTaken, { accuracy: Math.round(r.reading.accuracy) }));
  }

  async function save(e: Event) {
    e.preventDefault();
    if (!draft) return;
    setBusy(true);
    setProblem(null);
    const num = (s: string) => (s.trim() === "" ? undefined : Number(s));
    const body = {
      name: draft.name,
      lat: num(draft.lat),
      lng: num(draft.lng),
      radiusM: draft.radiusM,
      networks: draft.networks.split("\n").map((s) => s.trim()).filter(Boolean),
      departmentIds: draft.departmentIds,
      userIds: draft.userIds,
    };
    const res = draft.id
      ? await requestJson("PATCH", `/api/v1/clockin/sites/${encodeURIComponent(draft.id)}`, body)
      : await requestJson("POST", "/api/v1/clockin/sites", body);
    if (res.status === 200 || res.status === 201) return location.reload();
    setBusy(false);
    setProblem(errorOf(res.body) ?? { message: L.network, details: [] });
  }

  async function remove(site: SiteValues) {
    if (!confirm(fill(L.removeConfirm, { name: site.name }))) return;
    const res = await requestJson("DELETE", `/api/v1/clockin/sites/${encodeURIComponent(site.id)}`);
    if (res.status === 204 || res.status === 200) return location.reload();
    setProblem(errorOf(res.body) ?? { message: L.network, details: [] });
  }

  const toggle = (list: string[], id: string, on: boolean) =>
    on ? [...new Set([...list, id])] : list.filter((x) => x !== id);
  const field = (k: "name" | "lat" | "lng", label: string, mode: "text" | "decimal") => (
    <div class="field">
      <label for={`site-${k}`}>{label}</label>
      <input
        id={`site-${k}`}
        name={k}
        inputMode={mode}
        value={draft?.[k] ?? ""}
        aria-invalid={messagesUnder(problem, k).length ? true : undefined}
        onInput={(e) => set({ [k]: e.currentTarget.value })}
      />
      <FieldError problem={problem} path={k} />
    </div>
  );

  return (
    <div class="stack" data-hydrated={hydrated ? "" : undefined}>
      {sites.length === 0 ? <p class="muted">{L.noSites}</p> : (
        <ul class="clockin-sites">
          {sites.map((s) => (
            <li key={s.id}>
              <strong>{s.name}</strong>{" "}
              <span class="muted">
                {fill(L.siteSummary, {
                  radius: s.radiusM,
                  lat: s.lat.toFixed(5),
                  lng: s.lng.toFixed(5),
                  networks: s.networks.length,
                })}
              </span>
              <br />
              <small>
                {s.departmentIds.length + s.userIds.length === 0 ? L.everyone : [
                  ...s.departmentIds.map((id) => nameOf(departments, id)),
                  ...s.userIds.map((id) => nameOf(people, id)),
                ].join(", ")}
              </small>{" "}
              <button type="button" onClick={() => open(s)}>{L.edit}</button>{" "}
              <button type="button" class="danger" onClick={() => void remove(s)}>
                {L.remove}
              </button>
            </li>
          ))}
        </ul>
      )}
      {!draft && (
        <div>
          <button type="button" onClick={() => open()}>{L.addSite}</button>
        </div>
      )}
      {draft && (
        <form class="stack clockin-form" onSubmit={save} noValidate>
          <h3>{draft.id ? L.editSite : L.addSite}</h3>
          {field("name", L.siteName, "text")}
          {field("lat", L.lat, "decimal")}
          {field("lng", L.lng, "decimal")}
          <div>
            <button type="button" onClick={() => void here()}>{L.useMyPosition}</button>
            <span aria-live="polite" class="muted">{note}</span>
          </div>
          <div class="field">
            <label for="site-radius">{L.radius}</label>
            <input
              id="site-radius"
              name="radiusM"
              type="number"
              inputMode="numeric"
              min={50}
              max={3000}
              step={10}
              value={draft.radiusM}
              aria-invalid={messagesUnder(problem, "radiusM").length ? true : undefined}
              onInput={(e) => set({ radiusM: e.currentTarget.valueAsNumber })}
            />
            <small class="muted">{L.radiusHint}</small>
            <FieldError problem={problem} path="radiusM" />
          </div>
          <div class="field">
            <label for="site-networks">{L.networks}</label>
            <textarea
              id="site-networks"
              name="networks"
              rows={3}
              value={draft.networks}
              onInput={(e) => set({ networks: e.currentTarget.value })}
            />
            <small class="muted">{L.networksHint}</small>
            {messagesUnder(problem, "networks").map((m, i) => (
              <small class="error" key={i}>{m}</small>
            ))}
          </div>
          <p class="muted">{L.assignHint}</p>
          <fieldset>
            <legend>{L.departments}</legend>
            {departments.map((d) => (
              <label key={d.id} class="check">
                <input
                  type="checkbox"
                  checked={draft.departmentIds.includes(d.id)}
                  onChange={(e) =>
                    set({
                      departmentIds: toggle(draft.departmentIds, d.id, e.currentTarget.checked),
                    })}
                />{" "}
                {d.label}
              </label>
            ))}
            {messagesUnder(problem, "departmentIds").map((m, i) => (
              <small class="error" key={i}>{m}</small>
            ))}
          </fieldset>
          <div class="field">
            <label for="site-people">{L.people}</label>
            <select
              id="site-people"
              multiple
              size={Math.min(6, Math.max(people.length, 2))}
              onChange={(e) =>
                set({ userIds: [...e.currentTarget.selectedOptions].map((o) => o.value) })}
            >
              {people.map((p) => (
                <option key={p.id} value={p.id} selected={draft.userIds.includes(p.id)}>
                  {p.label}
                </option>
              ))}
            </select>
            {messagesUnder(problem, "userIds").map((m, i) => (
              <small class="error" key={i}>{m}</small>
            ))}
          </div>
          <GeneralError
            problem={problem}
            shown={["name", "lat", "lng", "radiusM", "networks", "departmentIds", "userIds"]}
          />
          <div class="actions">
            <button type="submit" class="primary" disabled={busy}>
              {busy ? L.saving : L.save}
            </button>{" "}
            <button type="button" onClick={() => setDraft(null)} disabled={busy}>{L.cancel}</button>
          </div>
        </form>
      )}
    </div>
  );
}
