import { useState } from "preact/hooks";
import { useHydrated } from "@/components/clockin/hydrated.ts";
import { fill, type Problem } from "@/components/island_client.ts";
import { errorOf, requestJson } from "@/components/clockin/format.ts";
import { FieldError, GeneralError } from "@/components/clockin/Field.tsx";

/** The strings this island shows (`clockin.setup.<key>`). */
export const CLOCKIN_SHIFTS_LABELS = [
  "noShifts",
  "shiftName",
  "kind",
  "fixed",
  "flexible",
  "workDay",
  "start",
  "end",
  "lateGrace",
  "earlyGrace",
  "coreStart",
  "coreEnd",
  "minMinutes",
  "remoteDays",
  "addShift",
  "editShift",
  "edit",
  "remove",
  "removeConfirm",
  "cancel",
  "save",
  "saving",
  "network",
  "mon",
  "tue",
  "wed",
  "thu",
  "fri",
  "sat",
  "sun",
] as const;
export type ClockinShiftsLabels = Record<typeof CLOCKIN_SHIFTS_LABELS[number], string>;

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
type Day = typeof DAYS[number];
type Hours = { start: string; end: string } | null;

/** A stored shift as the admin API sends it (services/clockin/shifts.ts Shift). */
export type ShiftValues =
  | {
    kind: "fixed";
    name: string;
    days: Record<Day, Hours>;
    lateGraceMin: number;
    earlyGraceMin: number;
    remoteDays: Day[];
  }
  | {
    kind: "flexible";
    name: string;
    days: Record<Day, boolean>;
    coreStart: string;
    coreEnd: string;
    minMinutes: number;
    remoteDays: Day[];
  };

export interface ClockinShiftsProps {
  shifts: { id: string; shift: ShiftValues }[];
  labels: ClockinShiftsLabels;
}

interface Draft {
  id?: string;
  kind: "fixed" | "flexible";
  name: string;
  on: Record<Day, boolean>;
  hours: Record<Day, { start: string; end: string }>;
  lateGraceMin: number;
  earlyGraceMin: number;
  coreStart: string;
  coreEnd: string;
  minMinutes: number;
  remoteDays: Day[];
}

const each = <T,>(f: (d: Day) => T) =>
  Object.fromEntries(DAYS.map((d) => [d, f(d)])) as Record<Day, T>;

function draftOf(id: string | undefined, s: ShiftValues | undefined): Draft {
  const base: Draft = {
    id,
    kind: "fixed",
    name: "",
    on: each((d) => d !== "sat" && d !== "sun"),
    hours: each(() => ({ start: "09:00", end: "18:00" })),
    lateGraceMin: 0,
    earlyGraceMin: 0,
    coreStart: "10:00",
    coreEnd: "16:00",
    minMinutes: 480,
    remoteDays: [],
  };
  if (!s) return base;
  if (s.kind === "fixed") {
    return {
      ...base,
      kind: "fixed",
      name: s.name,
      on: each((d) => s.days[d] !== null),
      hours: each((d) => s.days[d] ?? { start: "09:00", end: "18:00" }),
      lateGraceMin: s.lateGraceMin,
      earlyGraceMin: s.earlyGraceMin,
      remoteDays: s.remoteDays,
    };
  }
  return { ...base, ...s, on: { ...s.days }, remoteDays: s.remoteDays };
}

function shiftOf(d: Draft): ShiftValues {
  if (d.kind === "fixed") {
    return {
      kind: "fixed",
      name: d.name,
      days: each((day) => (d.on[day] ? d.hours[day] : null)),
      lateGraceMin: d.lateGraceMin,
      earlyGraceMin: d.earlyGraceMin,
      remoteDays: d.remoteDays,
    };
  }
  return {
    kind: "flexible",
    name: d.name,
    days: { ...d.on },
    coreStart: d.coreStart,
    coreEnd: d.coreEnd,
    minMinutes: d.minMinutes,
    remoteDays: d.remoteDays,
  };
}

/** Shifts: fixed hours per weekday with graces, or flexible (a core window and a minimum). */
export default function ClockinShifts(
  { shifts, labels: L }: ClockinShiftsProps,
) {
  const hydrated = useHydrated();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const set = (change: Partial<Draft>) => setDraft((d) => (d ? { ...d, ...change } : d));
  const fail = (body: unknown) => setProblem(errorOf(body) ?? { message: L.network, details: [] });
  async function save(e: Event) {
    e.preventDefault();
    if (!draft) return;
    setBusy(true);
    setProblem(null);
    const body = shiftOf(draft);
    const res = draft.id
      ? await requestJson("PUT", `/api/v1/clockin/shifts/${encodeURIComponent(draft.id)}`, body)
      : await requestJson("POST", "/api/v1/clockin/shifts", body);
    if (res.status === 200 || res.status === 201) return location.reload();
    setBusy(false);
    fail(res.body);
  }

  async function remove(id: string, name: string) {
    if (!confirm(fill(L.removeConfirm, { name }))) return;
    const res = await requestJson("DELETE", `/api/v1/clockin/shifts/${encodeURIComponent(id)}`);
    if (res.status === 204 || res.status === 200) return location.reload();
    fail(res.body);
  }

  const num = (k: "lateGraceMin" | "earlyGraceMin" | "minMinutes", label: string) => (
    <div class="field">
      <label for={`shift-${k}`}>{label}</label>
      <input
        id={`shift-${k}`}
        type="number"
        inputMode="numeric"
        min={0}
        value={draft?.[k]}
        onInput={(e) => set({ [k]: e.currentTarget.valueAsNumber })}
      />
      <FieldError problem={problem} path={k} />
    </div>
  );
  const time = (k: "coreStart" | "coreEnd", label: string) => (
    <div class="field">
      <label for={`shift-${k}`}>{label}</label>
      <input
        id={`shift-${k}`}
        type="time"
        value={draft?.[k]}
        onInput={(e) => set({ [k]: e.currentTarget.value })}
      />
      <FieldError problem={problem} path={k} />
    </div>
  );

  return (
    <div class="stack" data-hydrated={hydrated ? "" : undefined}>
      {shifts.length === 0 ? <p class="muted">{L.noShifts}</p> : (
        <ul>
          {shifts.map((s) => (
            <li key={s.id}>
              <strong>{s.shift.name}</strong> <span class="muted">{L[s.shift.kind]}</span>{" "}
              <button
                type="button"
                onClick={() => (setProblem(null), setDraft(draftOf(s.id, s.shift)))}
              >
                {L.edit}
              </button>{" "}
              <button type="button" class="danger" onClick={() => void remove(s.id, s.shift.name)}>
                {L.remove}
              </button>
            </li>
          ))}
        </ul>
      )}
      {!draft && (
        <div>
          <button
            type="button"
            onClick={() => (setProblem(null), setDraft(draftOf(undefined, undefined)))}
          >
            {L.addShift}
          </button>
        </div>
      )}
      {draft && (
        <form class="stack clockin-form" onSubmit={save} noValidate>
          <h3>{draft.id ? L.editShift : L.addShift}</h3>
          <div class="field">
            <label for="shift-name">{L.shiftName}</label>
            <input
              id="shift-name"
              value={draft.name}
              onInput={(e) => set({ name: e.currentTarget.value })}
            />
            <FieldError problem={problem} path="name" />
          </div>
          <div class="field">
            <label for="shift-kind">{L.kind}</label>
            <select
              id="shift-kind"
              onChange={(e) => set({ kind: e.currentTarget.value as Draft["kind"] })}
            >
              <option value="fixed" selected={draft.kind === "fixed"}>{L.fixed}</option>
              <option value="flexible" selected={draft.kind === "flexible"}>
                {L.flexible}
              </option>
            </select>
          </div>
          <fieldset>
            <legend>{L.workDay}</legend>
            <div class="clockin-days">
              {DAYS.map((d) => (
                <div key={d} class="field">
                  <label class="check">
                    <input
                      type="checkbox"
                      checked={draft.on[d]}
                      onChange={(e) => set({ on: { ...draft.on, [d]: e.currentTarget.checked } })}
                    />{" "}
                    {L[d]}
                  </label>
                  {draft.kind === "fixed" && draft.on[d] && (
                    <>
                      <input
                        type="time"
                        aria-label={`${L[d]} ${L.start}`}
                        value={draft.hours[d].start}
                        onInput={(e) =>
                          set({
                            hours: {
                              ...draft.hours,
                              [d]: { ...draft.hours[d], start: e.currentTarget.value },
                            },
                          })}
                      />
                      <input
                        type="time"
                        aria-label={`${L[d]} ${L.end}`}
                        value={draft.hours[d].end}
                        onInput={(e) =>
                          set({
                            hours: {
                              ...draft.hours,
                              [d]: { ...draft.hours[d], end: e.currentTarget.value },
                            },
                          })}
                      />
                      <FieldError problem={problem} path={`days.${d}.start`} />
                      <FieldError problem={problem} path={`days.${d}.end`} />
                    </>
                  )}
                </div>
              ))}
            </div>
          </fieldset>
          {draft.kind === "fixed"
            ? (
              <>
                {num("lateGraceMin", L.lateGrace)}
                {num("earlyGraceMin", L.earlyGrace)}
              </>
            )
            : (
              <>
                {time("coreStart", L.coreStart)}
                {time("coreEnd", L.coreEnd)}
                {num("minMinutes", L.minMinutes)}
              </>
            )}
          <fieldset>
            <legend>{L.remoteDays}</legend>
            {DAYS.map((d) => (
              <label key={d} class="check">
                <input
                  type="checkbox"
                  checked={draft.remoteDays.includes(d)}
                  onChange={(e) =>
                    set({
                      remoteDays: e.currentTarget.checked
                        ? [...draft.remoteDays, d]
                        : draft.remoteDays.filter((x) => x !== d),
                    })}
                />{" "}
                {L[d]}
              </label>
            ))}
            <FieldError problem={problem} path="remoteDays" />
          </fieldset>
          <div class="actions">
            <button type="submit" class="primary" disabled={busy}>
              {busy ? L.saving : L.save}
            </button>{" "}
            <button type="button" onClick={() => setDraft(null)} disabled={busy}>{L.cancel}</button>
          </div>
        </form>
      )}
      <GeneralError
        problem={problem}
        shown={draft
          ? [
            "name",
            "days",
            "lateGraceMin",
            "earlyGraceMin",
            "coreStart",
            "coreEnd",
            "minMinutes",
            "remoteDays",
          ]
          : []}
      />
    </div>
  );
}
