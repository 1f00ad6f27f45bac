import { useEffect, useRef, useState } from "preact/hooks";
import { csrfToken, fill, formatSize } from "@/components/island_client.ts";

/** The strings this island shows; the page passes them translated (see `labels`). */
export const ROSTER_IMPORT_LABELS = [
  "title",
  "intro",
  "template",
  "file",
  "fileHint",
  "clearFile",
  "paste",
  "pasteHint",
  "usingFile",
  "preview",
  "import",
  "uploading",
  "validating",
  "importing",
  "notCsv",
  "tooLarge",
  "empty",
  "network",
  "rowsRead",
  "create",
  "add",
  "unchanged",
  "invalid",
  "errorsTitle",
  "line",
  "column",
  "problem",
  "moreErrors",
  "warningsTitle",
  "previewTitle",
  "previewMore",
  "name",
  "email",
  "studentNumber",
  "role",
  "action",
  "action.create",
  "action.add",
  "action.unchanged",
  "action.invalid",
  "role.student",
  "role.teacher",
  "nothingToDo",
  "fixFirst",
  "ready",
  "imported",
] as const;
export type RosterImportLabels =
  & Record<typeof ROSTER_IMPORT_LABELS[number], string>
  & Partial<Record<typeof WORKSPACE_IMPORT_LABELS[number], string>>;

/** The extra strings of a workspace's import (departments and their managers). */
export const WORKSPACE_IMPORT_LABELS = [
  "department",
  "departments",
  "managers",
  "departmentsTitle",
  "dept.create",
  "dept.existing",
  "role.admin",
  "role.employee",
] as const;

export interface RosterImportProps {
  /** The class the roster goes into (absent: the asker's workspace). */
  classId?: string;
  /** Translated strings, built on the server; `{name}` placeholders are filled here. */
  labels: RosterImportLabels;
}

/** The API's dry-run and import answer (POST /api/v1/classes/{id}/roster). */
interface RosterReport {
  ok: boolean;
  totalRows: number;
  counts: {
    create: number;
    add: number;
    unchanged: number;
    invalid: number;
    departments?: number;
    managers?: number;
  };
  /** `text` is the message in this page's language (the API keeps `message` English). */
  errors: { line: number; column?: string; message: string; text?: string }[];
  warnings: { line: number; message: string; text?: string }[];
  rows?: {
    line: number;
    name: string;
    email?: string;
    studentNumber?: string;
    role: string;
    department?: string;
    action: string;
  }[];
  /** A workspace's import: the departments the file names. */
  departments?: { line: number; path: string; action: "create" | "existing" }[];
}

interface Problem {
  message: string;
  details: { line?: number; column?: string; message: string; text?: string }[];
}

type Phase = "idle" | "uploading" | "validating";

/** Same limit as the server's MAX_CSV_BYTES (services/web/app.tsx, a server module). */
const MAX_BYTES = 20 * 1024 * 1024;
const SHOW_ROWS = 100;
const SHOW_ERRORS = 200;
const CLASS_FILE = {
  example: "name,email,student_number,role\nKim Minjun,minjun@example.org,2026101,student",
  template: "data:text/csv;charset=utf-8," +
    encodeURIComponent("name,email,student_number,role\r\n"),
};
const WORKSPACE_FILE = {
  example: "name,email,role,department,manager_email\n" +
    "Kim Minjun,minjun@example.org,employee,Engineering/Platform,lead@example.org",
  template: "data:text/csv;charset=utf-8," +
    encodeURIComponent("name,email,role,department,manager_email\r\n"),
};

function isReport(body: unknown): body is RosterReport {
  return !!body && typeof body === "object" && "counts" in body && "totalRows" in body;
}

/** Puts the server's fresh roster section in place of the old one (a full reload if absent). */
async function refreshRoster(): Promise<void> {
  try {
    const res = await fetch(location.href, { headers: { accept: "text/html" } });
    const doc = new DOMParser().parseFromString(await res.text(), "text/html");
    const fresh = doc.getElementById("roster");
    const current = document.getElementById("roster");
    if (res.ok && fresh && current) current.replaceWith(fresh);
    else location.reload();
  } catch {
    location.reload();
  }
}

/**
 * Bulk roster import, into a class or (without `classId`) the asker's workspace: pick a CSV
 * file (or paste CSV), preview what would change with the server's dry run, fix what it
 * reports, then import all or nothing. Uploads go through XMLHttpRequest so the progress bar
 * shows real upload progress.
 */
export default function RosterImport({ classId, labels: L }: RosterImportProps) {
  const workspace = classId === undefined;
  const { example, template } = workspace ? WORKSPACE_FILE : CLASS_FILE;
  const endpoint = workspace
    ? "/api/v1/workspace/import"
    : `/api/v1/classes/${encodeURIComponent(classId)}/roster`;
  const [file, setFile] = useState<File | null>(null);
  const [text, setText] = useState("");
  const [phase, setPhase] = useState<Phase>("idle");
  const [importing, setImporting] = useState(false);
  const [sent, setSent] = useState({ loaded: 0, total: 0 });
  const [report, setReport] = useState<RosterReport | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState<RosterReport["counts"] | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  // Until hydrated the controls stay off, so nothing typed before the script runs is lost.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const busy = !hydrated || phase !== "idle";
  const id = (s: string) => `roster-import-${classId ?? "workspace"}-${s}`;

  function reset() {
    setReport(null);
    setProblem(null);
    setDone(null);
  }

  function chooseFile(chosen: File | null) {
    reset();
    if (!chosen) return setFile(null);
    const csv = /\.csv$/i.test(chosen.name) || chosen.type === "text/csv";
    const error = !csv
      ? fill(L.notCsv, { name: chosen.name })
      : chosen.size > MAX_BYTES
      ? fill(L.tooLarge, { size: formatSize(chosen.size), max: formatSize(MAX_BYTES) })
      : null;
    if (error) {
      setFile(null);
      if (fileInput.current) fileInput.current.value = "";
      return setProblem({ message: error, details: [] });
    }
    setFile(chosen);
  }

  function clearSource() {
    if (fileInput.current) fileInput.current.value = "";
    setFile(null);
    setText("");
  }

  function clearFile() {
    clearSource();
    reset();
  }

  function send(dryRun: boolean) {
    const body: Blob | string = file ?? text;
    const size = file ? file.size : new Blob([text]).size;
    if (!file && !text.trim()) return setProblem({ message: L.empty, details: [] });
    if (size > MAX_BYTES) {
      return setProblem({
        message: fill(L.tooLarge, { size: formatSize(size), max: formatSize(MAX_BYTES) }),
        details: [],
      });
    }
    setProblem(null);
    setDone(null);
    if (dryRun) setReport(null);
    setSent({ loaded: 0, total: size });
    setImporting(!dryRun);
    setPhase("uploading");

    const xhr = new XMLHttpRequest();
    const query = dryRun ? "?dryRun=true" : "";
    xhr.open("POST", `${endpoint}${query}`);
    xhr.setRequestHeader("Content-Type", "text/csv");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRF-Token", csrfToken());
    xhr.upload.onprogress = (e) =>
      setSent({ loaded: e.loaded, total: e.lengthComputable ? e.total : size });
    // Everything is sent: the server is now reading and checking the rows.
    xhr.upload.onload = () => setPhase("validating");
    xhr.onerror = () => {
      setPhase("idle");
      setProblem({ message: L.network, details: [] });
    };
    xhr.onload = () => {
      setPhase("idle");
      let data: unknown = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch { /* not JSON: handled below */ }
      if (isReport(data)) {
        if (xhr.status < 300 && !dryRun && data.ok) {
          setReport(null);
          setDone(data.counts);
          // The people are in: clear the source so the same file is not sent twice.
          clearSource();
          // A class page shows its roster: put the fresh one in place.
          if (!workspace) void refreshRoster();
        } else {
          setReport(data);
        }
        return;
      }
      const error = (data as { error?: { message?: string; details?: Problem["details"] } })?.error;
      if (!dryRun && xhr.status === 400 && error?.details?.some((d) => d.line)) {
        // The rows changed under the import (someone took an email meanwhile): the preview
        // says what is wrong now, row by row, in this page's language.
        return send(true);
      }
      setProblem({
        message: error?.message ?? `${L.network} (HTTP ${xhr.status})`,
        details: error?.details ?? [],
      });
    };
    xhr.send(body);
  }

  const percent = sent.total ? Math.round((sent.loaded / sent.total) * 100) : 0;
  const counts = report?.counts;
  const changes = counts
    ? counts.create + counts.add + (counts.departments ?? 0) + (counts.managers ?? 0)
    : 0;
  const canImport = !busy && !!report?.ok && changes > 0;
  const errors = problem?.details.length ? problem.details : report?.errors ?? [];
  const hasColumns = errors.some((e) => e.column);

  return (
    <div class="roster-import" data-hydrated={hydrated ? "" : undefined}>
      <p class="muted">
        {L.intro} <a href={template} download="roster-template.csv">{L.template}</a>
      </p>
      <div class="import-sources">
        <div class="stack">
          <label for={id("file")}>{L.file}</label>
          <input
            id={id("file")}
            type="file"
            accept=".csv,text/csv"
            ref={fileInput}
            disabled={busy}
            aria-describedby={id("file-hint")}
            onChange={(e) => chooseFile(e.currentTarget.files?.[0] ?? null)}
          />
          <small class="muted" id={id("file-hint")}>{L.fileHint}</small>
          {file && (
            <p class="file-chip">
              <strong>{file.name}</strong> <span class="muted">{formatSize(file.size)}</span>{" "}
              <button type="button" class="link" onClick={clearFile} disabled={busy}>
                {L.clearFile}
              </button>
            </p>
          )}
        </div>
        <div class="stack">
          <label for={id("text")}>{L.paste}</label>
          <textarea
            id={id("text")}
            rows={5}
            spellcheck={false}
            placeholder={example}
            value={text}
            disabled={busy || !!file}
            aria-describedby={id("text-hint")}
            onInput={(e) => {
              setText(e.currentTarget.value);
              if (report) setReport(null);
            }}
          />
          <small class="muted" id={id("text-hint")}>{file ? L.usingFile : L.pasteHint}</small>
        </div>
      </div>

      <div class="row actions">
        <button type="button" onClick={() => send(true)} disabled={busy}>{L.preview}</button>
        <button type="button" class="primary" onClick={() => send(false)} disabled={!canImport}>
          {L.import}
        </button>
      </div>

      <div aria-live="polite" class="import-status">
        {phase === "uploading" && (
          <div class="stack tight">
            <span>{fill(L.uploading, { percent, size: formatSize(sent.total) })}</span>
            <progress value={sent.loaded} max={sent.total || 1} aria-label={L.uploading} />
          </div>
        )}
        {phase === "validating" && (
          <div class="stack tight">
            <span>{importing ? L.importing : L.validating}</span>
            <progress aria-label={L.validating} />
          </div>
        )}
        {done && (
          <p class="ok">
            {fill(L.imported, {
              create: done.create,
              add: done.add,
              unchanged: done.unchanged,
              departments: done.departments ?? 0,
            })}
          </p>
        )}
        {report && !busy && (
          <p class={report.ok ? "ok" : "error"}>
            {!report.ok ? L.fixFirst : canImport ? L.ready : L.nothingToDo}
          </p>
        )}
      </div>

      {counts && (
        <ul class="counts" aria-label={L.title}>
          <li>
            {L.rowsRead} <strong>{report!.totalRows}</strong>
          </li>
          <li>
            {L.create} <strong>{counts.create}</strong>
          </li>
          <li>
            {L.add} <strong>{counts.add}</strong>
          </li>
          <li>
            {L.unchanged} <strong>{counts.unchanged}</strong>
          </li>
          <li class={counts.invalid ? "bad" : undefined}>
            {L.invalid} <strong>{counts.invalid}</strong>
          </li>
          {counts.departments !== undefined && (
            <li>
              {L.departments} <strong>{counts.departments}</strong>
            </li>
          )}
          {counts.managers !== undefined && (
            <li>
              {L.managers} <strong>{counts.managers}</strong>
            </li>
          )}
        </ul>
      )}

      {(problem || errors.length > 0) && (
        <div role="alert" class="alert">
          {problem && <p>{problem.message}</p>}
          {errors.length > 0 && <h3>{L.errorsTitle}</h3>}
          {errors.length > 0 && (
            <table class="compact">
              <thead>
                <tr>
                  <th scope="col">{L.line}</th>
                  {hasColumns && <th scope="col">{L.column}</th>}
                  <th scope="col">{L.problem}</th>
                </tr>
              </thead>
              <tbody>
                {errors.slice(0, SHOW_ERRORS).map((e, i) => (
                  <tr key={i}>
                    <td>{e.line !== undefined ? `${L.line} ${e.line}` : "—"}</td>
                    {hasColumns && <td data-label={L.column}>{e.column ?? ""}</td>}
                    <td data-label={L.problem}>{e.text ?? e.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {errors.length > SHOW_ERRORS && (
            <p class="muted">{fill(L.moreErrors, { count: errors.length - SHOW_ERRORS })}</p>
          )}
        </div>
      )}

      {report && report.warnings.length > 0 && (
        <div class="warnings">
          <h3>{L.warningsTitle}</h3>
          <ul>
            {report.warnings.slice(0, SHOW_ERRORS).map((w, i) => (
              <li key={i}>{L.line} {w.line} — {w.text ?? w.message}</li>
            ))}
          </ul>
        </div>
      )}

      {report?.departments && report.departments.length > 0 && (
        <div class="preview">
          <h3>{L.departmentsTitle}</h3>
          <ul class="departments-preview">
            {report.departments.map((d) => (
              <li key={d.path}>
                {d.path}{" "}
                <span class={`badge action-${d.action === "create" ? "create" : "unchanged"}`}>
                  {L[`dept.${d.action}`]}
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}

      {report?.rows && report.rows.length > 0 && (
        <div class="preview">
          <h3>{L.previewTitle}</h3>
          <div class="table-wrap">
            <table class="compact">
              <thead>
                <tr>
                  <th scope="col">{L.line}</th>
                  <th scope="col">{L.name}</th>
                  <th scope="col">{L.email}</th>
                  {workspace
                    ? <th scope="col">{L.department}</th>
                    : <th scope="col">{L.studentNumber}</th>}
                  <th scope="col">{L.role}</th>
                  <th scope="col">{L.action}</th>
                </tr>
              </thead>
              <tbody>
                {report.rows.slice(0, SHOW_ROWS).map((r) => (
                  <tr key={r.line}>
                    <td class="muted" data-label={L.line}>{r.line}</td>
                    <td data-label={L.name}>{r.name}</td>
                    <td data-label={L.email}>{r.email ?? ""}</td>
                    {workspace
                      ? <td data-label={L.department}>{r.department ?? ""}</td>
                      : <td data-label={L.studentNumber}>{r.studentNumber ?? ""}</td>}
                    <td data-label={L.role}>
                      {L[`role.${r.role}` as keyof RosterImportLabels] ?? r.role}
                    </td>
                    <td data-label={L.action}>
                      <span class={`badge action-${r.action}`}>
                        {L[`action.${r.action}` as keyof RosterImportLabels] ?? r.action}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {report.rows.length > SHOW_ROWS && (
            <p class="muted">
              {fill(L.previewMore, { shown: SHOW_ROWS, total: report.rows.length })}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
