/// <reference lib="dom" />
/**
 * "Clock in as outside": the remark (and the photo when the organization asks for one) for a
 * punch the server judged outside or uncertain. Used by the ClockIn island (browser only: it
 * uploads the photo to the files API first, then sends its id with the punch).
 * @module
 */
import { useRef, useState } from "preact/hooks";
import { csrfToken, type Problem, problemFrom } from "@/components/island_client.ts";
import { names } from "./format.ts";

/** The punch that needs a remark, and the server's answer that asked for it (if any). */
export interface OutsideDraft {
  body: Record<string, unknown>;
  problem: Problem | null;
}

interface Labels {
  outsideIn: string;
  outsideOut: string;
  remark: string;
  remarkHint: string;
  photo: string;
  photoOptional: string;
  cancel: string;
  network: string;
}

export interface OutsideFormProps {
  draft: OutsideDraft;
  kind: "in" | "out";
  photo: "off" | "optional" | "required";
  remarkRequired: boolean;
  busy: boolean;
  labels: Labels;
  onSubmit: (body: Record<string, unknown>) => Promise<void>;
  onCancel: () => void;
}

/** Uploads the photo as a clock-in file; resolves to its id or a Problem. */
async function uploadPhoto(file: File, network: string): Promise<string | Problem> {
  const query = new URLSearchParams({ purpose: "clockin", name: file.name || "photo.jpg" });
  try {
    const res = await fetch(`/api/v1/files?${query}`, {
      method: "POST",
      headers: {
        "content-type": "application/octet-stream",
        accept: "application/json",
        "x-csrf-token": csrfToken(),
      },
      body: file,
    });
    const data = await res.json().catch(() => null);
    if (res.status === 201 && typeof data?.id === "string") return data.id;
    return problemFrom(res.status, data, network);
  } catch {
    return { message: network, details: [] };
  }
}

/** The remark form shown under the button; the server's field messages sit at their field. */
export default function OutsideForm(
  { draft, kind, photo, remarkRequired, busy, labels: L, onSubmit, onCancel }: OutsideFormProps,
) {
  const [remark, setRemark] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [own, setOwn] = useState<Problem | null>(null);
  const problem = own ?? draft.problem;
  const [uploading, setUploading] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const remarkError = names(problem, "remark");
  const photoError = names(problem, "photoFileId");

  async function submit(e: Event) {
    e.preventDefault();
    setOwn(null);
    const body: Record<string, unknown> = { ...draft.body };
    if (remark.trim()) body.remark = remark.trim();
    if (file) {
      setUploading(true);
      const id = await uploadPhoto(file, L.network);
      setUploading(false);
      if (typeof id !== "string") {
        // The photo is taken off, so that an optional one does not block the punch.
        setFile(null);
        if (input.current) input.current.value = "";
        const details = [{ path: ["photoFileId"], message: id.message }];
        return setOwn({ message: id.message, details });
      }
      body.photoFileId = id;
    }
    await onSubmit(body);
  }

  const off = busy || uploading;
  return (
    <form class="stack clockin-outside" onSubmit={submit} noValidate>
      <div class="field">
        <label for="clockin-remark">{L.remark}</label>
        <textarea
          id="clockin-remark"
          rows={3}
          maxLength={500}
          required={remarkRequired}
          value={remark}
          disabled={off}
          aria-invalid={remarkError ? true : undefined}
          aria-describedby="clockin-remark-hint clockin-remark-error"
          onInput={(e) => setRemark(e.currentTarget.value)}
        />
        <small class="muted" id="clockin-remark-hint">{L.remarkHint}</small>
        {remarkError && <small class="error" id="clockin-remark-error">{remarkError}</small>}
      </div>
      {photo !== "off" && (
        <div class="field">
          <label for="clockin-photo">
            {L.photo}
            {photo === "optional" && ` ${L.photoOptional}`}
          </label>
          <input
            id="clockin-photo"
            ref={input}
            type="file"
            accept="image/*"
            capture="environment"
            disabled={off}
            aria-invalid={photoError ? true : undefined}
            onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
          />
          {photoError && <small class="error">{photoError}</small>}
        </div>
      )}
      {problem && !remarkError && !photoError && problem.message && (
        <p class="error" role="alert">{problem.message}</p>
      )}
      <div class="actions">
        <button type="submit" disabled={off}>{kind === "out" ? L.outsideOut : L.outsideIn}</button>
        <button type="button" class="secondary" disabled={off} onClick={onCancel}>
          {L.cancel}
        </button>
      </div>
    </form>
  );
}
