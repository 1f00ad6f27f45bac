import { useEffect, useRef, useState } from "preact/hooks";
import {
  fill,
  formatSize,
  type Problem,
  sendJson,
  type UploadedFile,
  uploadFailure,
  uploadFile,
} from "@/components/island_client.ts";

/** The strings this island shows; the page passes them translated (see `labels`). */
export const SUBMIT_WORK_LABELS = [
  "answer",
  "answerHint",
  "files",
  "filesHint",
  "remove",
  "submit",
  "resubmit",
  "resubmitNote",
  "uploading",
  "uploadingFile",
  "uploaded",
  "waiting",
  "submitting",
  "empty",
  "tooMany",
  "tooLarge",
  "refused",
  "notAccepted",
  "network",
  "lateWarning",
] as const;
export type SubmitWorkLabels = Record<typeof SUBMIT_WORK_LABELS[number], string>;

export interface SubmitWorkProps {
  /** The assignment the work is for. */
  assignmentId: string;
  /** Its class (uploads are filed under it). */
  classId: string;
  /** The largest upload, in bytes (the server's configured limit). */
  maxBytes: number;
  /** The file picker's `accept` list. */
  accept: string;
  /** The student turned in work before: this is a new version. */
  resubmit: boolean;
  /** The due time has passed (late work is accepted): say it will count as late. */
  late: boolean;
  /** Translated strings, built on the server; `{name}` placeholders are filled here. */
  labels: SubmitWorkLabels;
}

interface Item {
  key: number;
  file: File;
  stored?: UploadedFile;
  loaded: number;
  error?: string;
}

const MAX_FILES = 10;
let nextKey = 0;

/**
 * Turning in work: an answer and files. Each file is uploaded with real progress
 * (XMLHttpRequest to the files API), then the submission names the uploads; files already
 * uploaded are not sent again when a later step fails and the student tries again.
 */
export default function SubmitWork(
  { assignmentId, classId, maxBytes, accept, resubmit, late, labels: L }: SubmitWorkProps,
) {
  // Until hydrated, the form cannot work: its controls stay off so nothing submits natively.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const [text, setText] = useState("");
  const [items, setItems] = useState<Item[]>([]);
  const [phase, setPhase] = useState<"idle" | "uploading" | "submitting">("idle");
  const [problem, setProblem] = useState<Problem | null>(null);
  /** The file being uploaded now, for the status line. */
  const [current, setCurrent] = useState("");
  const fileInput = useRef<HTMLInputElement>(null);
  const busy = !hydrated || phase !== "idle";
  const id = (s: string) => `submit-${assignmentId}-${s}`;

  const update = (key: number, change: Partial<Item>) =>
    setItems((old) => old.map((it) => (it.key === key ? { ...it, ...change } : it)));

  function choose(files: File[]) {
    if (fileInput.current) fileInput.current.value = "";
    setProblem(null);
    if (items.length + files.length > MAX_FILES) {
      return setProblem({ message: fill(L.tooMany, { max: MAX_FILES }), details: [] });
    }
    const big = files.find((f) => f.size > maxBytes);
    if (big) {
      return setProblem({
        message: fill(L.tooLarge, {
          name: big.name,
          size: formatSize(big.size),
          max: formatSize(maxBytes),
        }),
        details: [],
      });
    }
    setItems((old) => [...old, ...files.map((file) => ({ key: nextKey++, file, loaded: 0 }))]);
  }

  /** Takes a file off the list; one already uploaded is deleted (it is not handed in yet). */
  function remove(it: Item) {
    setItems((old) => old.filter((x) => x.key !== it.key));
    if (it.stored) {
      void sendJson(
        "DELETE",
        `/api/v1/files/${encodeURIComponent(it.stored.id)}`,
        undefined,
        204,
        L.network,
      );
    }
  }

  async function submit(e: Event) {
    e.preventDefault();
    setProblem(null);
    if (!text.trim() && items.length === 0) {
      return setProblem({ message: L.empty, details: [] });
    }
    setPhase("uploading");
    const fileIds: string[] = [];
    for (const item of items) {
      if (item.stored) {
        fileIds.push(item.stored.id);
        continue;
      }
      update(item.key, { error: undefined, loaded: 0 });
      setCurrent(item.file.name);
      try {
        const stored = await uploadFile(
          item.file,
          { classId, purpose: "submission" },
          (p) => update(item.key, { loaded: p.loaded }),
          L.network,
        );
        update(item.key, { stored, loaded: item.file.size });
        fileIds.push(stored.id);
      } catch (err) {
        const problem = err as Problem;
        update(item.key, { error: problem.status === 415 ? L.notAccepted : problem.message });
        setPhase("idle");
        return setProblem({
          message: uploadFailure(problem, item.file.name, L.refused, accept),
          details: [],
        });
      }
    }
    setPhase("submitting");
    const res = await sendJson<{ version: number }>(
      "POST",
      `/api/v1/assignments/${encodeURIComponent(assignmentId)}/submissions`,
      { text, fileIds },
      201,
      L.network,
    );
    if (!res.ok) {
      setPhase("idle");
      return setProblem(res.problem);
    }
    // The page lists every version: show it with the new one.
    location.assign(`${location.pathname}?submitted=${res.data.version}#your-work`);
  }

  return (
    <form
      class="stack submit-work"
      onSubmit={submit}
      noValidate
      data-hydrated={hydrated ? "" : undefined}
    >
      {resubmit && <p class="muted">{L.resubmitNote}</p>}
      {late && <p class="notice">{L.lateWarning}</p>}
      <div class="field">
        <label>
          {L.answer}
          <textarea
            id={id("text")}
            rows={6}
            maxLength={50_000}
            value={text}
            disabled={busy}
            aria-describedby={id("text-hint")}
            onInput={(e) => setText(e.currentTarget.value)}
          />
        </label>
        <small class="muted" id={id("text-hint")}>{L.answerHint}</small>
      </div>
      <label class="file-pick">
        <span>{L.files}</span>
        <input
          id={id("files")}
          type="file"
          multiple
          accept={accept}
          ref={fileInput}
          disabled={busy || items.length >= MAX_FILES}
          aria-describedby={id("files-hint")}
          onChange={(e) => choose([...(e.currentTarget.files ?? [])])}
        />
      </label>
      <small class="muted" id={id("files-hint")}>
        {fill(L.filesHint, { max: MAX_FILES, size: formatSize(maxBytes) })}
      </small>
      {items.length > 0 && (
        <ul class="upload-list">
          {items.map((it) => {
            const percent = Math.round((it.loaded / (it.file.size || 1)) * 100);
            return (
              <li key={it.key}>
                <div class="row nowrap">
                  <span class="grow">
                    <strong>{it.file.name}</strong>{" "}
                    <small class="muted">{formatSize(it.file.size)}</small>
                  </span>
                  <small class={it.error ? "error" : "muted"}>
                    {it.error ??
                      (it.stored
                        ? L.uploaded
                        : phase === "uploading" && it.loaded > 0
                        ? fill(L.uploading, { name: it.file.name, percent })
                        : L.waiting)}
                  </small>
                  <button
                    type="button"
                    class="link"
                    disabled={busy}
                    aria-label={`${L.remove}: ${it.file.name}`}
                    onClick={() => remove(it)}
                  >
                    {L.remove}
                  </button>
                </div>
                {(phase === "uploading" || it.stored) && (
                  <progress
                    value={it.loaded}
                    max={it.file.size || 1}
                    aria-label={it.file.name}
                  />
                )}
              </li>
            );
          })}
        </ul>
      )}
      {problem && (
        <div role="alert" class="alert">
          <p>{problem.message}</p>
          {problem.details.length > 0 && (
            <ul>
              {problem.details.map((d, i) => <li key={i}>{d.message}</li>)}
            </ul>
          )}
        </div>
      )}
      <p aria-live="polite" class="muted status-line">
        {phase === "submitting"
          ? L.submitting
          : phase === "uploading"
          ? fill(L.uploadingFile, { name: current })
          : ""}
      </p>
      <div class="row actions">
        <button type="submit" class="primary" disabled={busy}>
          {resubmit ? L.resubmit : L.submit}
        </button>
      </div>
    </form>
  );
}
