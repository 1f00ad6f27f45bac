import { useEffect, useState } from "preact/hooks";
import { ATTACHMENTS_FIELD_LABELS, AttachmentsField } from "@/components/AttachmentsField.tsx";
import { fill, type Problem, sendJson, type UploadedFile } from "@/components/island_client.ts";

/** The strings this island shows; the page passes them translated (see `labels`). */
export const ASSIGNMENT_EDITOR_LABELS = [
  ...ATTACHMENTS_FIELD_LABELS,
  "title",
  "instructions",
  "instructionsHint",
  "points",
  "dueDate",
  "dueTime",
  "zone",
  "late",
  "lateAccept",
  "penalty",
  "lateClose",
  "reminders",
  "remindersHint",
  "remindersInvalid",
  "saveDraft",
  "saveChanges",
  "publish",
  "saving",
  "publishing",
  "cancel",
  "titleRequired",
  "pointsInvalid",
  "penaltyInvalid",
  "dueRequired",
  "savedNotPublished",
  "publishedNote",
  "fixFields",
] as const;
export type AssignmentEditorLabels = Record<typeof ASSIGNMENT_EDITOR_LABELS[number], string>;

/** An assignment's editable fields as the form starts with them. */
export interface AssignmentDraft {
  id: string;
  status: "draft" | "published" | "closed";
  title: string;
  instructions: string;
  attachments: UploadedFile[];
  points: number;
  due: { date: string; time: string };
  latePolicy: { kind: "accept"; penaltyPerDayPct: number } | { kind: "close" };
  reminderHours: number[];
}

export interface AssignmentEditorProps {
  /** The class the assignment is for. */
  classId: string;
  /** The assignment being edited; absent to create a new one. */
  assignment?: AssignmentDraft;
  /** A due date and time to start a new assignment with (school's clock). */
  defaultDue: { date: string; time: string };
  /** The school's IANA time zone, shown next to the due time. */
  timeZone: string;
  /** The largest upload, in bytes (the server's configured limit). */
  maxBytes: number;
  /** The file picker's `accept` list. */
  accept: string;
  /** Translated strings, built on the server; `{name}` placeholders are filled here. */
  labels: AssignmentEditorLabels;
}

const MAX_ATTACHMENTS = 10;

/** Field names of the form, as the API's error paths name them. */
type Field =
  | "title"
  | "instructions"
  | "attachmentIds"
  | "points"
  | "due"
  | "latePolicy"
  | "reminderHours";

/**
 * The assignment form, for a new assignment and for editing one: title, Markdown
 * instructions, attachments (uploaded one by one with progress), points, due date and time on
 * the school's clock, late policy and reminders. Saves through the JSON API as a draft, or
 * saves and publishes, then opens the assignment.
 */
export default function AssignmentEditor(
  { classId, assignment: a, defaultDue, timeZone, maxBytes, accept, labels: L }:
    AssignmentEditorProps,
) {
  // Until hydrated, the form cannot work: its buttons stay off so nothing submits natively.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const [savedId, setSavedId] = useState(a?.id ?? "");
  const [status, setStatus] = useState(a?.status ?? "draft");
  const [title, setTitle] = useState(a?.title ?? "");
  const [instructions, setInstructions] = useState(a?.instructions ?? "");
  const [attachments, setAttachments] = useState<UploadedFile[]>(a?.attachments ?? []);
  const [points, setPoints] = useState(String(a?.points ?? 100));
  const [dueDate, setDueDate] = useState(a?.due.date ?? defaultDue.date);
  const [dueTime, setDueTime] = useState(a?.due.time ?? defaultDue.time);
  const [lateKind, setLateKind] = useState(a?.latePolicy.kind ?? "accept");
  const [penalty, setPenalty] = useState(
    String(a?.latePolicy.kind === "accept" ? a.latePolicy.penaltyPerDayPct : 10),
  );
  const [reminders, setReminders] = useState((a?.reminderHours ?? [24, 1]).join(", "));
  const [busy, setBusy] = useState<"" | "saving" | "publishing">("");
  /** An upload or a file deletion is running. */
  const [filesBusy, setFilesBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [bad, setBad] = useState<Set<Field>>(new Set());
  const id = (s: string) => `assignment-${s}`;
  const locked = !hydrated || busy !== "" || filesBusy;

  const fieldLabel: Record<Field, string> = {
    title: L.title,
    instructions: L.instructions,
    attachmentIds: L.attachments,
    points: L.points,
    due: `${L.dueDate} / ${L.dueTime}`,
    latePolicy: L.late,
    reminderHours: L.reminders,
  };

  function fail(message: string, fields: Field[] = [], details: Problem["details"] = []) {
    setProblem({ message, details });
    setBad(new Set(fields));
  }

  /** The request body, or null after reporting what is wrong. */
  function body() {
    const missing: Field[] = [];
    const reasons: string[] = [];
    const flag = (field: Field, reason: string) => {
      missing.push(field);
      reasons.push(reason);
    };
    const p = Number(points);
    if (!title.trim()) flag("title", L.titleRequired);
    if (points.trim() === "" || !Number.isFinite(p) || p < 0 || p > 1000) {
      flag("points", L.pointsInvalid);
    }
    if (!dueDate || !dueTime) flag("due", L.dueRequired);
    const pct = Number(penalty);
    if (lateKind === "accept" && (penalty.trim() === "" || !(pct >= 0 && pct <= 100))) {
      flag("latePolicy", L.penaltyInvalid);
    }
    const hours = reminders.split(/[,\s]+/).filter(Boolean).map(Number);
    if (hours.length > 5 || hours.some((h) => !(h > 0 && h <= 336))) {
      flag("reminderHours", L.remindersInvalid);
    }
    if (missing.length) {
      fail(L.fixFields, missing, reasons.map((message) => ({ message })));
      return null;
    }
    return {
      title: title.trim(),
      instructions,
      attachmentIds: attachments.map((f) => f.id),
      points: Math.round(p * 100) / 100,
      due: { date: dueDate, time: dueTime.slice(0, 5) },
      latePolicy: lateKind === "accept"
        ? { kind: "accept", penaltyPerDayPct: pct }
        : { kind: "close" },
      reminderHours: hours,
    };
  }

  async function save(publish: boolean) {
    setProblem(null);
    setBad(new Set());
    const data = body();
    if (!data) return;
    setBusy("saving");
    const saved = savedId
      ? await sendJson<{ id: string }>(
        "PATCH",
        `/api/v1/assignments/${encodeURIComponent(savedId)}`,
        data,
        200,
        L.network,
      )
      : await sendJson<{ id: string }>(
        "POST",
        `/api/v1/classes/${encodeURIComponent(classId)}/assignments`,
        data,
        201,
        L.network,
      );
    if (!saved.ok) {
      setBusy("");
      const fields = saved.problem.details
        .map((d) => d.path?.[0])
        .filter((f): f is Field => typeof f === "string" && f in fieldLabel);
      setBad(new Set(fields));
      return setProblem(saved.problem);
    }
    const assignmentId = saved.data.id;
    // Saved: later clicks edit this assignment rather than create another.
    setSavedId(assignmentId);
    const page = `/classes/${encodeURIComponent(classId)}/assignments/${
      encodeURIComponent(assignmentId)
    }`;
    if (publish && status !== "published") {
      setBusy("publishing");
      const published = await sendJson(
        "POST",
        `/api/v1/assignments/${encodeURIComponent(assignmentId)}/publish`,
        undefined,
        200,
        L.network,
      );
      if (!published.ok) {
        setBusy("");
        return setProblem({
          ...published.problem,
          message: `${L.savedNotPublished} ${published.problem.message}`,
        });
      }
      setStatus("published");
      return location.assign(`${page}?published=1`);
    }
    location.assign(`${page}?saved=1`);
  }

  function onSubmit(e: Event) {
    e.preventDefault();
    const submitter = (e as SubmitEvent).submitter as HTMLButtonElement | null;
    void save(submitter?.value === "publish");
  }

  const invalid = (f: Field) => (bad.has(f) ? "true" : undefined);

  return (
    <form
      class="stack assignment-editor"
      onSubmit={onSubmit}
      noValidate
      data-hydrated={hydrated ? "" : undefined}
    >
      {status === "published" && <p class="notice">{L.publishedNote}</p>}
      <label>
        {L.title}
        <input
          id={id("title")}
          name="title"
          required
          maxLength={200}
          value={title}
          aria-invalid={invalid("title")}
          onInput={(e) => setTitle(e.currentTarget.value)}
        />
      </label>
      <div class="field">
        <label>
          {L.instructions}
          <textarea
            id={id("instructions")}
            name="instructions"
            rows={8}
            maxLength={20_000}
            value={instructions}
            aria-describedby={id("instructions-hint")}
            aria-invalid={invalid("instructions")}
            onInput={(e) => setInstructions(e.currentTarget.value)}
          />
        </label>
        <small class="muted" id={id("instructions-hint")}>{L.instructionsHint}</small>
      </div>

      <AttachmentsField
        classId={classId}
        files={attachments}
        onChange={setAttachments}
        onBusy={setFilesBusy}
        onProblem={(message) =>
          message ? fail(message, ["attachmentIds"]) : (setProblem(null), setBad(new Set()))}
        disabled={!hydrated || busy !== ""}
        invalid={bad.has("attachmentIds")}
        max={MAX_ATTACHMENTS}
        maxBytes={maxBytes}
        accept={accept}
        idPrefix="assignment"
        labels={L}
      />

      <div class="row">
        <label class="short">
          {L.points}
          <input
            id={id("points")}
            type="number"
            inputMode="decimal"
            min={0}
            max={1000}
            step="0.01"
            required
            value={points}
            aria-invalid={invalid("points")}
            onInput={(e) => setPoints(e.currentTarget.value)}
          />
        </label>
        <label>
          {L.dueDate}
          <input
            id={id("due-date")}
            type="date"
            required
            value={dueDate}
            aria-invalid={invalid("due")}
            aria-describedby={id("zone")}
            onInput={(e) => setDueDate(e.currentTarget.value)}
          />
        </label>
        <label>
          {L.dueTime}
          <input
            id={id("due-time")}
            type="time"
            required
            value={dueTime}
            aria-invalid={invalid("due")}
            aria-describedby={id("zone")}
            onInput={(e) => setDueTime(e.currentTarget.value)}
          />
        </label>
      </div>
      <small class="muted" id={id("zone")}>{fill(L.zone, { zone: timeZone })}</small>

      <fieldset class="group" aria-invalid={invalid("latePolicy")}>
        <legend>{L.late}</legend>
        <label class="check">
          <input
            type="radio"
            name="late"
            value="accept"
            checked={lateKind === "accept"}
            onChange={() => setLateKind("accept")}
          />
          <span>{L.lateAccept}</span>
        </label>
        {lateKind === "accept" && (
          <label class="indent">
            {L.penalty}
            <input
              id={id("penalty")}
              type="number"
              min={0}
              max={100}
              step="any"
              value={penalty}
              onInput={(e) => setPenalty(e.currentTarget.value)}
            />
          </label>
        )}
        <label class="check">
          <input
            type="radio"
            name="late"
            value="close"
            checked={lateKind === "close"}
            onChange={() => setLateKind("close")}
          />
          <span>{L.lateClose}</span>
        </label>
      </fieldset>

      <div class="field">
        <label>
          {L.reminders}
          <input
            id={id("reminders")}
            value={reminders}
            inputMode="decimal"
            aria-describedby={id("reminders-hint")}
            aria-invalid={invalid("reminderHours")}
            onInput={(e) => setReminders(e.currentTarget.value)}
          />
        </label>
        <small class="muted" id={id("reminders-hint")}>{L.remindersHint}</small>
      </div>

      {problem && (
        <div role="alert" class="alert">
          <p>{problem.message}</p>
          {problem.details.length > 0 && (
            <ul>
              {problem.details.map((d, i) => {
                const f = d.path?.[0];
                const label = typeof f === "string" && f in fieldLabel
                  ? fieldLabel[f as Field]
                  : "";
                return <li key={i}>{label ? `${label}: ${d.message}` : d.message}</li>;
              })}
            </ul>
          )}
        </div>
      )}

      <div class="row actions">
        {status !== "draft"
          ? (
            <button type="submit" class="primary" value="save" disabled={locked}>
              {busy === "saving" ? L.saving : L.saveChanges}
            </button>
          )
          : (
            <>
              <button type="submit" value="save" disabled={locked}>
                {busy === "saving" ? L.saving : savedId ? L.saveChanges : L.saveDraft}
              </button>
              <button type="submit" class="primary" value="publish" disabled={locked}>
                {busy === "publishing" ? L.publishing : L.publish}
              </button>
            </>
          )}
        <a
          class="button"
          href={savedId
            ? `/classes/${encodeURIComponent(classId)}/assignments/${encodeURIComponent(savedId)}`
            : `/classes/${encodeURIComponent(classId)}/assignments`}
        >
          {L.cancel}
        </a>
      </div>
    </form>
  );
}
