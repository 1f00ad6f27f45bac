import { useState } from "preact/hooks";
import { useHydrated } from "@/components/clockin/hydrated.ts";
import type { Problem } from "@/components/island_client.ts";
import { errorOf, requestJson } from "@/components/clockin/format.ts";
import { FieldError, GeneralError, messagesUnder } from "@/components/clockin/Field.tsx";

/** The strings this island shows (`clockin.setup.<key>`). */
export const CLOCKIN_SETTINGS_LABELS = [
  "settingsTitle",
  "enabled",
  "enabledHint",
  "quick",
  "quickHint",
  "accuracyLimit",
  "accuracyHint",
  "retention",
  "retentionHint",
  "outsideRemark",
  "outsidePhoto",
  "photoOff",
  "photoOptional",
  "photoRequired",
  "makeupPerMonth",
  "makeupDeadline",
  "reminder",
  "reminderHint",
  "holidays",
  "holidaysHint",
  "save",
  "saving",
  "saved",
  "network",
] as const;
export type ClockinSettingsLabels = Record<typeof CLOCKIN_SETTINGS_LABELS[number], string>;

/** The organization's settings as the API sends them (services/clockin/model.ts). */
export interface SettingsValues {
  enabled: boolean;
  quick: boolean;
  accuracyLimitM: number;
  retentionDays: number;
  outsideRemark: boolean;
  outsidePhoto: "off" | "optional" | "required";
  makeupPerMonth: number;
  makeupDeadlineDays: number;
  reminderMinutes: number;
  holidays: string[];
}

export interface ClockinSettingsProps {
  initial: SettingsValues;
  labels: ClockinSettingsLabels;
}

const NUMBERS = [
  ["accuracyLimitM", "accuracyLimit", "accuracyHint", 10, 10_000],
  ["retentionDays", "retention", "retentionHint", 1, 3650],
  ["makeupPerMonth", "makeupPerMonth", null, 0, 31],
  ["makeupDeadlineDays", "makeupDeadline", null, 1, 90],
  ["reminderMinutes", "reminder", "reminderHint", 0, 240],
] as const;

/** The clock-in settings form (workspace admins): saved with `PUT /api/v1/clockin/settings`. */
export default function ClockinSettings({ initial, labels: L }: ClockinSettingsProps) {
  const hydrated = useHydrated();
  const [v, setV] = useState(initial);
  const [holidays, setHolidays] = useState(initial.holidays.join("\n"));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [saved, setSaved] = useState(false);
  const set = <K extends keyof SettingsValues>(k: K, value: SettingsValues[K]) => (
    setSaved(false), setV((old) => ({ ...old, [k]: value }))
  );

  async function save(e: Event) {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    const body = {
      ...v,
      holidays: holidays.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean),
    };
    const res = await requestJson<SettingsValues>("PUT", "/api/v1/clockin/settings", body);
    setBusy(false);
    if (res.status === 200 && res.body) {
      setV(res.body);
      setHolidays(res.body.holidays.join("\n"));
      return setSaved(true);
    }
    setProblem(errorOf(res.body) ?? { message: L.network, details: [] });
  }

  const check = (k: "enabled" | "quick" | "outsideRemark", label: string, hint?: string) => (
    <div class="field">
      <label class="check">
        <input
          type="checkbox"
          name={k}
          checked={v[k]}
          onChange={(e) => set(k, e.currentTarget.checked)}
        />{" "}
        {label}
      </label>
      {hint && <small class="muted">{hint}</small>}
      <FieldError problem={problem} path={k} />
    </div>
  );
  const holidayErrors = messagesUnder(problem, "holidays");

  return (
    <form
      class="stack clockin-form"
      onSubmit={save}
      noValidate
      data-hydrated={hydrated ? "" : undefined}
    >
      {check("enabled", L.enabled, L.enabledHint)}
      {check("quick", L.quick, L.quickHint)}
      {NUMBERS.map(([k, label, hint, min, max]) => (
        <div class="field" key={k}>
          <label for={`setting-${k}`}>{L[label]}</label>
          <input
            id={`setting-${k}`}
            name={k}
            type="number"
            inputMode="numeric"
            min={min}
            max={max}
            value={v[k]}
            aria-invalid={messagesUnder(problem, k).length ? true : undefined}
            onInput={(e) => set(k, e.currentTarget.valueAsNumber)}
          />
          {hint && <small class="muted">{L[hint]}</small>}
          <FieldError problem={problem} path={k} />
        </div>
      ))}
      {check("outsideRemark", L.outsideRemark)}
      <div class="field">
        <label for="setting-outsidePhoto">{L.outsidePhoto}</label>
        <select
          id="setting-outsidePhoto"
          name="outsidePhoto"
          onChange={(e) =>
            set("outsidePhoto", e.currentTarget.value as SettingsValues["outsidePhoto"])}
        >
          <option value="off" selected={v.outsidePhoto === "off"}>{L.photoOff}</option>
          <option value="optional" selected={v.outsidePhoto === "optional"}>
            {L.photoOptional}
          </option>
          <option value="required" selected={v.outsidePhoto === "required"}>
            {L.photoRequired}
          </option>
        </select>
        <FieldError problem={problem} path="outsidePhoto" />
      </div>
      <div class="field">
        <label for="setting-holidays">{L.holidays}</label>
        <textarea
          id="setting-holidays"
          name="holidays"
          rows={4}
          value={holidays}
          aria-invalid={holidayErrors.length ? true : undefined}
          onInput={(e) => (setSaved(false), setHolidays(e.currentTarget.value))}
        />
        <small class="muted">{L.holidaysHint}</small>
        {holidayErrors.map((m, i) => <small class="error" key={i}>{m}</small>)}
      </div>
      <GeneralError problem={problem} shown={[...Object.keys(initial)]} />
      <p aria-live="polite">{saved && <span class="ok">{L.saved}</span>}</p>
      <div>
        <button type="submit" class="primary" disabled={busy}>{busy ? L.saving : L.save}</button>
      </div>
    </form>
  );
}
