import { useEffect, useState } from "preact/hooks";
import { csrfToken, fill } from "@/components/island_client.ts";

/** The strings this island shows; the page passes them translated (see `labels`). */
export const JOIN_LINKS_LABELS = [
  "intro",
  "loading",
  "expiresIn",
  "day1",
  "day7",
  "day30",
  "create",
  "creating",
  "none",
  "link",
  "copy",
  "copied",
  "copyManual",
  "turnOff",
  "confirmTurnOff",
  "turnedOff",
  "uses",
  "expires",
  "created",
  "past",
  "status.active",
  "status.expired",
  "status.revoked",
  "network",
] as const;
export type JoinLinksLabels = Record<typeof JOIN_LINKS_LABELS[number], string>;

export interface JoinLinksProps {
  /** The class the links let students join. */
  classId: string;
  /** Translated strings, built on the server; `{name}` placeholders are filled here. */
  labels: JoinLinksLabels;
  /** BCP 47 language for dates, e.g. "ko" or "zh-CN". */
  locale: string;
}

interface JoinLinkItem {
  id: string;
  url: string;
  createdAt: string;
  expiresAt: string;
  status: "active" | "expired" | "revoked";
  uses: number;
}

const EXPIRY_CHOICES = [
  { hours: 24, label: "day1" },
  { hours: 168, label: "day7" },
  { hours: 720, label: "day30" },
] as const;

/** The API's error message, or a generic one when the answer is not the error shape. */
async function errorMessage(res: Response, fallback: string): Promise<string> {
  try {
    const body = await res.json();
    return body?.error?.message ?? `${fallback} (HTTP ${res.status})`;
  } catch {
    return `${fallback} (HTTP ${res.status})`;
  }
}

/**
 * A class's join links: make one with an expiry, copy it to share, see how often it was used,
 * and turn it off. Reads and writes /api/v1/classes/{classId}/join-links.
 */
export default function JoinLinks({ classId, labels: L, locale }: JoinLinksProps) {
  const base = `/api/v1/classes/${encodeURIComponent(classId)}/join-links`;
  const [items, setItems] = useState<JoinLinkItem[] | null>(null);
  const [hours, setHours] = useState(168);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [status, setStatus] = useState("");
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
  const fieldId = (id: string) => `join-link-${id}`;

  async function load() {
    try {
      const res = await fetch(base, { headers: { accept: "application/json" } });
      if (!res.ok) return setError(await errorMessage(res, L.network));
      setItems(((await res.json()) as { items: JoinLinkItem[] }).items);
    } catch {
      setError(L.network);
    }
  }

  useEffect(() => {
    void load();
  }, [classId]);

  async function create() {
    setBusy(true);
    setError("");
    setStatus("");
    try {
      const res = await fetch(base, {
        method: "POST",
        headers: { "content-type": "application/json", "x-csrf-token": csrfToken() },
        body: JSON.stringify({ expiresInHours: hours }),
      });
      if (res.status !== 201) return setError(await errorMessage(res, L.network));
      const link = await res.json() as Omit<JoinLinkItem, "uses" | "createdAt">;
      const item = { uses: 0, createdAt: new Date().toISOString(), ...link };
      setItems((old) => [item, ...(old ?? []).filter((x) => x.id !== item.id)]);
      setStatus(L.created);
    } catch {
      setError(L.network);
    } finally {
      setBusy(false);
    }
  }

  async function turnOff(link: JoinLinkItem) {
    if (!confirm(L.confirmTurnOff)) return;
    setBusy(true);
    setError("");
    setStatus("");
    try {
      const res = await fetch(`${base}/${encodeURIComponent(link.id)}`, {
        method: "DELETE",
        headers: { "x-csrf-token": csrfToken() },
      });
      if (res.status !== 204) return setError(await errorMessage(res, L.network));
      setItems((old) =>
        (old ?? []).map((x) => (x.id === link.id ? { ...x, status: "revoked" as const } : x))
      );
      setStatus(L.turnedOff);
    } catch {
      setError(L.network);
    } finally {
      setBusy(false);
    }
  }

  async function copy(link: JoinLinkItem) {
    const input = document.getElementById(fieldId(link.id)) as HTMLInputElement | null;
    try {
      await navigator.clipboard.writeText(link.url);
      setStatus(L.copied);
    } catch {
      // No clipboard access (older browser, or not a secure context): select the text instead.
      input?.focus();
      input?.select();
      setStatus(document.execCommand?.("copy") ? L.copied : L.copyManual);
    }
  }

  const active = (items ?? []).filter((x) => x.status === "active");
  const past = (items ?? []).filter((x) => x.status !== "active");

  return (
    <div class="join-links">
      <p class="muted">{L.intro}</p>
      <div class="row">
        <label>
          {L.expiresIn}
          <select
            value={String(hours)}
            disabled={busy}
            onChange={(e) => setHours(Number(e.currentTarget.value))}
          >
            {EXPIRY_CHOICES.map((c) => (
              <option key={c.hours} value={String(c.hours)}>{L[c.label]}</option>
            ))}
          </select>
        </label>
        <button type="button" class="primary" onClick={create} disabled={busy || items === null}>
          {busy ? L.creating : L.create}
        </button>
      </div>

      {error && <p class="error" role="alert">{error}</p>}
      <p class="ok" aria-live="polite">{status}</p>

      {items === null && !error && <p class="muted">{L.loading}</p>}
      {items !== null && active.length === 0 && <p class="empty">{L.none}</p>}

      <ul class="link-list">
        {active.map((link) => (
          <li key={link.id}>
            <div class="row nowrap">
              <label class="grow">
                <span class="sr-only">{L.link}</span>
                <input
                  id={fieldId(link.id)}
                  readOnly
                  value={link.url}
                  onFocus={(e) => e.currentTarget.select()}
                />
              </label>
              <button type="button" onClick={() => copy(link)}>{L.copy}</button>
              <button type="button" class="danger" onClick={() => turnOff(link)} disabled={busy}>
                {L.turnOff}
              </button>
            </div>
            <small class="muted">
              {fill(L.uses, { count: link.uses })} ·{" "}
              {fill(L.expires, { date: dates.format(new Date(link.expiresAt)) })}
            </small>
          </li>
        ))}
      </ul>

      {past.length > 0 && (
        <details>
          <summary>{fill(L.past, { count: past.length })}</summary>
          <table class="compact">
            <tbody>
              {past.map((link) => (
                <tr key={link.id}>
                  <td>{dates.format(new Date(link.createdAt))}</td>
                  <td>
                    <span class={`badge status-${link.status}`}>{L[`status.${link.status}`]}</span>
                  </td>
                  <td>{fill(L.uses, { count: link.uses })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </div>
  );
}
