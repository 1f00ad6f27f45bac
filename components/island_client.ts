/**
 * Browser helpers every island shares: the CSRF header, the API's error shape, JSON
 * calls, and file uploads through XMLHttpRequest (for real upload progress). Imports nothing
 * from the server: islands bundle this file.
 * @module
 */

/** A stored file as the files API answers it (POST /api/v1/files). */
export interface UploadedFile {
  id: string;
  name: string;
  size: number;
  type: string;
}

/** An API error as a person reads it: the message, and per-field details. */
export interface Problem {
  message: string;
  details: { path?: (string | number)[]; message: string }[];
  status?: number;
}

/** Fills `{name}` placeholders of a translated string. */
export function fill(text: string, params: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (m, p) => (p in params ? String(params[p]) : m));
}

/** "1.2 MB" */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The session's CSRF token, from the page's meta tag. */
export function csrfToken(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? "";
}

/** Reads `{error:{message,details}}` from a response body, or a generic message. */
export function problemFrom(status: number, body: unknown, fallback: string): Problem {
  const error = (body as { error?: { message?: string; details?: Problem["details"] } } | null)
    ?.error;
  return {
    message: error?.message ?? `${fallback} (HTTP ${status})`,
    details: Array.isArray(error?.details) ? error.details : [],
    status,
  };
}

/**
 * Sends JSON to the API with the CSRF header. Resolves to the answer's body when the status
 * is `expect`, else to a Problem (network failures too).
 */
export async function sendJson<T>(
  method: "POST" | "PATCH" | "DELETE",
  url: string,
  body: unknown,
  expect: number,
  networkMessage: string,
): Promise<{ ok: true; data: T } | { ok: false; problem: Problem }> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: {
        "content-type": "application/json",
        accept: "application/json",
        "x-csrf-token": csrfToken(),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return { ok: false, problem: { message: networkMessage, details: [] } };
  }
  let data: unknown = null;
  try {
    data = await res.json();
  } catch { /* not JSON: handled below */ }
  if (res.status === expect) return { ok: true, data: data as T };
  return { ok: false, problem: problemFrom(res.status, data, networkMessage) };
}

/**
 * What a person reads when an upload failed: for a file the server refused for its type or
 * its name (415), `refused` in the page's language, filled with the file's `{name}` and the
 * accepted extensions `{types}` (from the file picker's `accept`); otherwise the server's
 * message after the file's name.
 */
export function uploadFailure(
  problem: Problem,
  name: string,
  refused: string,
  accept: string,
): string {
  if (problem.status !== 415) return `${name}: ${problem.message}`;
  const types = accept.split(",").filter((t) => t.startsWith(".")).join(", ");
  return fill(refused, { name, types });
}

/** What an upload reports while it runs. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

/**
 * Uploads one file's bytes to `POST /api/v1/files` (octet-stream), reporting progress.
 * Resolves to the stored file, or rejects with a Problem (the API's message when it sent one).
 */
export function uploadFile(
  file: File,
  where: { classId: string; purpose: "submission" | "attachment" },
  onProgress: (p: UploadProgress) => void,
  networkMessage: string,
): Promise<UploadedFile> {
  return new Promise((resolve, reject) => {
    const query = new URLSearchParams({ ...where, name: file.name });
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/v1/files?${query}`);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRF-Token", csrfToken());
    xhr.upload.onprogress = (e) =>
      onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.onerror = () => reject({ message: networkMessage, details: [] } satisfies Problem);
    xhr.onload = () => {
      let data: unknown = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch { /* not JSON: handled below */ }
      if (xhr.status === 201 && data && typeof (data as UploadedFile).id === "string") {
        onProgress({ loaded: file.size, total: file.size });
        resolve(data as UploadedFile);
      } else {
        reject(problemFrom(xhr.status, data, networkMessage));
      }
    };
    xhr.send(file);
  });
}
