import { useState } from "preact/hooks";
import { useHydrated } from "@/components/clockin/hydrated.ts";
import { fill, type Problem } from "@/components/island_client.ts";
import { errorOf, requestJson } from "@/components/clockin/format.ts";
import { GeneralError } from "@/components/clockin/Field.tsx";
import type { Choice } from "./ClockinSites.tsx";

/** The strings this island shows (`clockin.setup.<key>`). */
export const CLOCKIN_ASSIGN_LABELS = [
  "assignTitle",
  "orgShift",
  "noneAssigned",
  "deptShift",
  "personShift",
  "person",
  "assign",
  "inherit",
  "shift",
  "remove",
  "network",
] as const;
export type ClockinAssignLabels = Record<typeof CLOCKIN_ASSIGN_LABELS[number], string>;

export interface ClockinAssignProps {
  shifts: { id: string; name: string }[];
  assignments: { target: "org" | "dept" | "user"; id: string; shiftId: string }[];
  departments: Choice[];
  people: Choice[];
  labels: ClockinAssignLabels;
}

/**
 * Who works which shift: the organization's, each department's (empty: as the department
 * above) and people's own, saved with `PUT /api/v1/clockin/shift-assignments` (the page
 * reloads after a change).
 */
export default function ClockinAssign(
  { shifts, assignments, departments, people, labels: L }: ClockinAssignProps,
) {
  const hydrated = useHydrated();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [person, setPerson] = useState("");
  const [personShift, setPersonShift] = useState("");
  const assigned = (target: "org" | "dept", id: string) =>
    assignments.find((a) => a.target === target && (target === "org" || a.id === id))?.shiftId ??
      "";

  async function assign(target: "org" | "dept" | "user", id: string | undefined, shiftId: string) {
    setProblem(null);
    const res = await requestJson("PUT", "/api/v1/clockin/shift-assignments", {
      target,
      id,
      shiftId: shiftId || null,
    });
    if (res.status === 200) return location.reload();
    setProblem(errorOf(res.body) ?? { message: L.network, details: [] });
  }

  /** A select of the shifts; options carry `selected` so the server's render shows it too. */
  const shiftSelect = (id: string, value: string, onChange: (v: string) => void, empty: string) => (
    <select id={id} onChange={(e) => onChange(e.currentTarget.value)}>
      <option value="" selected={value === ""}>{empty}</option>
      {shifts.map((s) => <option key={s.id} value={s.id} selected={value === s.id}>{s.name}
      </option>)}
    </select>
  );
  const nameOf = (id: string) => shifts.find((s) => s.id === id)?.name ?? id;

  return (
    <div class="stack clockin-form" data-hydrated={hydrated ? "" : undefined}>
      <h3>{L.assignTitle}</h3>
      <div class="field">
        <label for="assign-org">{L.orgShift}</label>
        {shiftSelect(
          "assign-org",
          assigned("org", ""),
          (v) => void assign("org", undefined, v),
          L.noneAssigned,
        )}
      </div>
      {departments.map((d) => (
        <div class="field" key={d.id}>
          <label for={`assign-dept-${d.id}`}>{fill(L.deptShift, { name: d.label })}</label>
          {shiftSelect(
            `assign-dept-${d.id}`,
            assigned("dept", d.id),
            (v) => void assign("dept", d.id, v),
            L.inherit,
          )}
        </div>
      ))}
      <fieldset>
        <legend>{L.personShift}</legend>
        <ul>
          {assignments.filter((a) => a.target === "user").map((a) => (
            <li key={a.id}>
              {people.find((p) => p.id === a.id)?.label ?? a.id}: {nameOf(a.shiftId)}{" "}
              <button type="button" onClick={() => void assign("user", a.id, "")}>
                {L.remove}
              </button>
            </li>
          ))}
        </ul>
        <div class="field">
          <label for="assign-person">{L.person}</label>
          <select id="assign-person" onChange={(e) => setPerson(e.currentTarget.value)}>
            <option value="" selected={person === ""}></option>
            {people.map((p) => (
              <option key={p.id} value={p.id} selected={person === p.id}>{p.label}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="assign-person-shift">{L.shift}</label>
          {shiftSelect("assign-person-shift", personShift, setPersonShift, L.inherit)}
        </div>
        <div>
          <button
            type="button"
            disabled={!person}
            onClick={() => void assign("user", person, personShift)}
          >
            {L.assign}
          </button>
        </div>
      </fieldset>
      <GeneralError problem={problem} shown={[]} />
    </div>
  );
}
