import { useState } from "preact/hooks";
import { sendJson } from "@/components/island_client.ts";

/** The strings this island shows (`recordings.*`). */
export const RECORDING_TOGGLE_LABELS = [
  "record",
  "recordClass",
  "recordHint",
  "on",
  "off",
  "network",
] as const;
export type RecordingToggleLabels = Record<typeof RECORDING_TOGGLE_LABELS[number], string>;

export interface RecordingToggleProps {
  lectureId: string;
  /** Whether the lecture is recorded now (its setting, else the class's default). */
  record: boolean;
  /** Whether the class's lectures are recorded by default. */
  classDefault: boolean;
  labels: RecordingToggleLabels;
}

/**
 * The teacher's switch: record this lecture (and, optionally, every lecture of the class).
 * On a live lecture the server's recorder starts or stops within seconds.
 */
export default function RecordingToggle(
  { lectureId, record, classDefault, labels: L }: RecordingToggleProps,
) {
  const [on, setOn] = useState(record);
  const [forClass, setForClass] = useState(classDefault);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");

  async function save(change: { record?: boolean; classDefault?: boolean }) {
    setBusy(true);
    setError("");
    const res = await sendJson<{ record: boolean; classDefault: boolean }>(
      "PATCH",
      `/api/v1/lectures/${lectureId}/recordings`,
      change,
      200,
      L.network,
    );
    setBusy(false);
    if (!res.ok) return setError(res.problem.message);
    setOn(res.data.record);
    setForClass(res.data.classDefault);
  }

  return (
    <section class="card recording-toggle">
      <label>
        <input
          type="checkbox"
          name="record"
          checked={on}
          disabled={busy}
          onChange={(e) => save({ record: (e.target as HTMLInputElement).checked })}
        />{" "}
        {L.record}
      </label>{" "}
      <label>
        <input
          type="checkbox"
          name="recordClass"
          checked={forClass}
          disabled={busy}
          onChange={(e) => save({ classDefault: (e.target as HTMLInputElement).checked })}
        />{" "}
        {L.recordClass}
      </label>
      <p class="hint" role="status">{on ? L.on : L.off} {L.recordHint}</p>
      {error && <p role="alert">{error}</p>}
    </section>
  );
}
