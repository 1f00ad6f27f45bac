/**
 * The attachments of something a teacher writes (an assignment today; an announcement next):
 * files uploaded one by one with progress, checked against the size limit before sending,
 * removed from the list (kept on the server until saved) or deleted on the server at once
 * after a confirmation. The parent keeps the list and shows the problems it is told about.
 * @module
 */
import { useRef, useState } from "preact/hooks";
import {
  fill,
  formatSize,
  type Problem,
  sendJson,
  type UploadedFile,
  uploadFailure,
  uploadFile,
} from "./island_client.ts";

/** The strings the field shows (a page passes them translated; see the editor's labels). */
export const ATTACHMENTS_FIELD_LABELS = [
  "attachments",
  "attachmentsHint",
  "addFiles",
  "remove",
  "delete",
  "deleteConfirm",
  "deleteYes",
  "keep",
  "deleting",
  "refused",
  "uploading",
  "uploadingFile",
  "tooMany",
  "tooLarge",
  "network",
] as const;
export type AttachmentsFieldLabels = Record<typeof ATTACHMENTS_FIELD_LABELS[number], string>;

export interface AttachmentsFieldProps {
  /** The class the files belong to. */
  classId: string;
  files: UploadedFile[];
  onChange: (update: (files: UploadedFile[]) => UploadedFile[]) => void;
  /** Told while an upload or a deletion runs (the parent keeps its buttons off meanwhile). */
  onBusy: (busy: boolean) => void;
  /** Told what went wrong, in words for the person (null clears it). */
  onProblem: (message: string | null) => void;
  /** Off while the parent is saving or not hydrated yet. */
  disabled: boolean;
  /** Marks the field invalid (the server named it). */
  invalid?: boolean;
  /** At most this many files. */
  max: number;
  /** The largest upload, in bytes. */
  maxBytes: number;
  /** The file picker's `accept` list. */
  accept: string;
  /** The id prefix of the field's inputs. */
  idPrefix: string;
  labels: AttachmentsFieldLabels;
}

/** The field; see the module doc. */
export function AttachmentsField(
  {
    classId,
    files,
    onChange,
    onBusy,
    onProblem,
    disabled,
    invalid,
    max,
    maxBytes,
    accept,
    idPrefix,
    labels: L,
  }: AttachmentsFieldProps,
) {
  const [upload, setUpload] = useState<{ name: string; loaded: number; total: number } | null>(
    null,
  );
  /** The file whose deletion is being confirmed, or being deleted. */
  const [deleting, setDeleting] = useState<{ id: string; sent: boolean } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const id = (s: string) => `${idPrefix}-${s}`;
  const locked = disabled || upload !== null || deleting?.sent === true;

  async function addFiles(chosen: File[]) {
    if (fileInput.current) fileInput.current.value = "";
    onProblem(null);
    if (files.length + chosen.length > max) return onProblem(fill(L.tooMany, { max }));
    onBusy(true);
    for (const file of chosen) {
      if (file.size > maxBytes) {
        onProblem(
          fill(L.tooLarge, {
            name: file.name,
            size: formatSize(file.size),
            max: formatSize(maxBytes),
          }),
        );
        break;
      }
      setUpload({ name: file.name, loaded: 0, total: file.size });
      try {
        const stored = await uploadFile(
          file,
          { classId, purpose: "attachment" },
          (p) => setUpload({ name: file.name, ...p }),
          L.network,
        );
        onChange((old) => [...old, stored]);
      } catch (err) {
        onProblem(uploadFailure(err as Problem, file.name, L.refused, accept));
        break;
      }
    }
    setUpload(null);
    onBusy(false);
  }

  /** Deletes a file on the server at once (an assignment's file is taken off it there too). */
  async function deleteFile(f: UploadedFile) {
    onProblem(null);
    onBusy(true);
    setDeleting({ id: f.id, sent: true });
    const res = await sendJson(
      "DELETE",
      `/api/v1/files/${encodeURIComponent(f.id)}`,
      undefined,
      204,
      L.network,
    );
    setDeleting(null);
    onBusy(false);
    // Already gone (404) is what was asked for.
    if (!res.ok && res.problem.status !== 404) {
      return onProblem(`${f.name}: ${res.problem.message}`);
    }
    onChange((old) => old.filter((x) => x.id !== f.id));
  }

  const percent = upload?.total ? Math.round((upload.loaded / upload.total) * 100) : 0;

  return (
    <fieldset class="group" aria-invalid={invalid ? "true" : undefined}>
      <legend>{L.attachments}</legend>
      {files.length > 0 && (
        <ul class="file-list">
          {files.map((f) => (
            <li key={f.id}>
              <span>{f.name}</span> <small class="muted">{formatSize(f.size)}</small>{" "}
              {deleting?.id === f.id
                ? (
                  <span role="group" aria-label={fill(L.deleteConfirm, { name: f.name })}>
                    <span>
                      {deleting.sent ? L.deleting : fill(L.deleteConfirm, { name: f.name })}
                    </span>{" "}
                    <button
                      type="button"
                      class="link danger"
                      disabled={locked}
                      onClick={() => void deleteFile(f)}
                    >
                      {L.deleteYes}
                    </button>{" "}
                    <button
                      type="button"
                      class="link"
                      disabled={locked}
                      onClick={() => setDeleting(null)}
                    >
                      {L.keep}
                    </button>
                  </span>
                )
                : (
                  <>
                    <button
                      type="button"
                      class="link"
                      disabled={locked}
                      aria-label={`${L.remove}: ${f.name}`}
                      onClick={() => onChange((old) => old.filter((x) => x.id !== f.id))}
                    >
                      {L.remove}
                    </button>{" "}
                    <button
                      type="button"
                      class="link"
                      disabled={locked}
                      aria-label={`${L.delete}: ${f.name}`}
                      onClick={() => setDeleting({ id: f.id, sent: false })}
                    >
                      {L.delete}
                    </button>
                  </>
                )}
            </li>
          ))}
        </ul>
      )}
      <label class="file-pick">
        <span>{L.addFiles}</span>
        <input
          id={id("files")}
          type="file"
          multiple
          accept={accept}
          ref={fileInput}
          disabled={locked || files.length >= max}
          aria-describedby={id("files-hint")}
          onChange={(e) => void addFiles([...(e.currentTarget.files ?? [])])}
        />
      </label>
      <small class="muted" id={id("files-hint")}>
        {fill(L.attachmentsHint, { max, size: formatSize(maxBytes) })}
      </small>
      {/* Announces each file once; the percentage is shown, not read out at every step. */}
      <p class="sr-only" aria-live="polite">
        {upload ? fill(L.uploadingFile, { name: upload.name }) : ""}
      </p>
      {upload && (
        <div class="stack tight">
          <span aria-hidden="true">{fill(L.uploading, { name: upload.name, percent })}</span>
          <progress value={upload.loaded} max={upload.total || 1} aria-label={upload.name} />
        </div>
      )}
    </fieldset>
  );
}
