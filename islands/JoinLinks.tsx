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
  "expires",
  "created",
  "past",
  "status.active",
  "status.expired",
  "status.revoked",
  "network",
  "maxUses",
  "approval",
  "usesOf",
  "full",
  "approvalBadge",
  "changeLimit",
  "saveLimit",
  "limitSaved",
  "cancel",
  "removeJoiners",
  "confirmButton",
  "removedJoiners",
  "removeLater",
  "classCode",
  "codeHint",
  "fullScreen",
  "closeFullScreen",
  "qrAlt",
] as const;
export type JoinLinksLabels = Record<typeof JOIN_LINKS_LABELS[number], string>;

/**
 * The labels a department's invite links say in the workspace's words: a page showing the
 * links of a department takes `admin.links.dept.<key>` for these keys (the rest as a class's).
 */
export const JOIN_LINKS_DEPARTMENT_WORDING = [
  "title",
  "intro",
  "none",
  "approval",
  "removeJoiners",
  "removedJoiners",
  "classCode",
  "codeHint",
  "qrAlt",
] as const;

export interface JoinLinksProps {
  /** The class the links let students join (or the department they invite staff into). */
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
  maxUses: number;
  approval: boolean;
  /** People who came through it, still in the class or waiting. */
  joined: number;
  /** The class code reaching this link, the address its QR code carries, and the QR (SVG). */
  code?: string;
  codeUrl?: string;
  qrSvg?: string;
}

/** Shows a link's code and QR code on the whole screen (for a projector), or leaves it. */
function toggleFullScreen(id: string) {
  const el = document.getElementById(id);
  if (!el) return;
  if (document.fullscreenElement) void document.exitFullscreen();
  else if (el.requestFullscreen) void el.requestFullscreen();
  else el.classList.toggle("full-screen"); // no Fullscreen API (iOS Safari): fill the window
}

/** What the panel is asking about one link: turning it off, or a new limit. */
type Pending =
  | { kind: "turnOff"; id: string; removeJoiners: boolean }
  | { kind: "limit"; id: string; value: string };

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
 * A class's join links: make one with an expiry, a limit of uses and optionally teacher
 * approval; copy it to share, see how often it was used, change its limit, and turn it off
 * (optionally removing who came through it). Reads and writes
 * /api/v1/classes/{classId}/join-links.
 */
export default function JoinLinks({ classId, labels: L, locale }: JoinLinksProps) {
  const base = `/api/v1/classes/${encodeURIComponent(classId)}/join-links`;
  const [items, setItems] = useState<JoinLinkItem[] | null>(null);
  const [hours, setHours] = useState(168);
  const [maxUses, setMaxUses] = useState("");
  const [approval, setApproval] = useState(false);
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [status, setStatus] = useState("");
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
  const fieldId = (id: string) => `join-link-${id}`;

  async function load() {
    try {
      const res = await fetch(base, { headers: { accept: "application/json" } });
      if (!res.ok) return setError(await errorMessage(res, L.network));
      const body = (await res.json()) as { items: JoinLinkItem[]; defaultMaxUses: number };
      setItems(body.items);
      setMaxUses((old) => old || String(body.defaultMaxUses));
    } catch {
      setError(L.network);
    }
  }

  useEffect(() => {
    void load();
  }, [classId]);

  /** Runs one change against the API: busy meanwhile, the last message cleared first. */
  async function send(change: () => Promise<void>) {
    setBusy(true);
    setError("");
    setStatus("");
    try {
      await change();
    } catch {
      setError(L.network);
    } finally {
      setBusy(false);
    }
  }

  function create() {
    return send(async () => {
      const res = await fetch(base, {
        method: "POST",
        headers: { "content-type": "application/json", "x-csrf-token": csrfToken() },
        body: JSON.stringify({
          expiresInHours: hours,
          ...(maxUses.trim() ? { maxUses: Number(maxUses) } : {}),
          approval,
        }),
      });
      if (res.status !== 201) return setError(await errorMessage(res, L.network));
      const link = await res.json() as Omit<JoinLinkItem, "uses" | "createdAt" | "joined">;
      const item = { uses: 0, joined: 0, createdAt: new Date().toISOString(), ...link };
      setItems((old) => [item, ...(old ?? []).filter((x) => x.id !== item.id)]);
      setStatus(L.created);
    });
  }

  function turnOff(link: JoinLinkItem, removeJoiners: boolean) {
    return send(async () => {
      const query = removeJoiners ? "?removeJoiners=true" : "";
      const res = await fetch(`${base}/${encodeURIComponent(link.id)}${query}`, {
        method: "DELETE",
        headers: { "x-csrf-token": csrfToken() },
      });
      if (res.status !== (removeJoiners ? 200 : 204)) {
        return setError(await errorMessage(res, L.network));
      }
      setPending(null);
      setItems((old) =>
        (old ?? []).map((x) =>
          x.id === link.id
            ? { ...x, status: "revoked" as const, joined: removeJoiners ? 0 : x.joined }
            : x
        )
      );
      if (removeJoiners) {
        const done = await res.json() as { removed: number; deleted: number };
        setStatus(fill(L.removedJoiners, done));
      } else {
        setStatus(L.turnedOff);
      }
    });
  }

  function saveLimit(link: JoinLinkItem, value: string) {
    return send(async () => {
      const res = await fetch(`${base}/${encodeURIComponent(link.id)}`, {
        method: "PATCH",
        headers: { "content-type": "application/json", "x-csrf-token": csrfToken() },
        body: JSON.stringify({ maxUses: Number(value) }),
      });
      if (res.status !== 200) return setError(await errorMessage(res, L.network));
      const { maxUses } = await res.json() as { maxUses: number };
      setPending(null);
      setItems((old) => (old ?? []).map((x) => (x.id === link.id ? { ...x, maxUses } : x)));
      setStatus(L.limitSaved);
    });
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
        <label>
          {L.maxUses}
          <input
            type="number"
            inputMode="numeric"
            min={1}
            max={2000}
            size={5}
            value={maxUses}
            disabled={busy}
            onInput={(e) => setMaxUses(e.currentTarget.value)}
          />
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={approval}
            disabled={busy}
            onChange={(e) => setApproval(e.currentTarget.checked)}
          />
          {L.approval}
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
              <button
                type="button"
                class="danger"
                onClick={() => setPending({ kind: "turnOff", id: link.id, removeJoiners: false })}
                disabled={busy}
              >
                {L.turnOff}
              </button>
            </div>
            {link.code && (
              <div class="class-code" id={`code-${link.id}`}>
                {link.qrSvg && (
                  <div
                    class="qr"
                    role="img"
                    aria-label={fill(L.qrAlt, { code: link.code })}
                    // Our own server's SVG (the qrcode package), not user input.
                    dangerouslySetInnerHTML={{ __html: link.qrSvg }}
                  />
                )}
                <div class="stack">
                  <p>
                    {L.classCode} <strong class="code" lang="en">{link.code}</strong>
                  </p>
                  <p class="muted">
                    {fill(L.codeHint, { address: link.codeUrl?.replace(/\?code=.*$/, "") ?? "" })}
                  </p>
                  <button
                    type="button"
                    class="screen-toggle"
                    onClick={() => toggleFullScreen(`code-${link.id}`)}
                  >
                    <span class="when-normal">{L.fullScreen}</span>
                    <span class="when-full">{L.closeFullScreen}</span>
                  </button>
                </div>
              </div>
            )}
            <small class="muted">
              {fill(L.usesOf, { count: link.uses, max: link.maxUses })}
              {link.uses >= link.maxUses && (
                <>
                  {" "}
                  <span class="badge status-expired">{L.full}</span>
                </>
              )}
              {link.approval && (
                <>
                  {" "}
                  <span class="badge">{L.approvalBadge}</span>
                </>
              )} · {fill(L.expires, { date: dates.format(new Date(link.expiresAt)) })} ·{" "}
              <button
                type="button"
                class="link"
                disabled={busy}
                onClick={() =>
                  setPending({ kind: "limit", id: link.id, value: String(link.maxUses) })}
              >
                {L.changeLimit}
              </button>
            </small>
            {pending?.id === link.id && pending.kind === "limit" && (
              <div class="row">
                <label>
                  {L.maxUses}
                  <input
                    type="number"
                    inputMode="numeric"
                    min={1}
                    max={2000}
                    size={5}
                    value={pending.value}
                    onInput={(e) => setPending({ ...pending, value: e.currentTarget.value })}
                  />
                </label>
                <button
                  type="button"
                  class="primary"
                  disabled={busy}
                  onClick={() => saveLimit(link, pending.value)}
                >
                  {L.saveLimit}
                </button>
                <button type="button" onClick={() => setPending(null)}>{L.cancel}</button>
              </div>
            )}
            {pending?.id === link.id && pending.kind === "turnOff" && (
              <div class="confirm stack" role="group" aria-label={L.turnOff}>
                <p>{L.confirmTurnOff}</p>
                {link.joined > 0 && (
                  <label class="check">
                    <input
                      type="checkbox"
                      checked={pending.removeJoiners}
                      onChange={(e) =>
                        setPending({ ...pending, removeJoiners: e.currentTarget.checked })}
                    />
                    {fill(L.removeJoiners, { count: link.joined })}
                  </label>
                )}
                <div class="row">
                  <button
                    type="button"
                    class="danger"
                    disabled={busy}
                    onClick={() =>
                      turnOff(link, pending.removeJoiners)}
                  >
                    {L.confirmButton}
                  </button>
                  <button
                    type="button"
                    onClick={() =>
                      setPending(null)}
                  >
                    {L.cancel}
                  </button>
                </div>
              </div>
            )}
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
                  <td>{fill(L.usesOf, { count: link.uses, max: link.maxUses })}</td>
                  <td>
                    {link.joined > 0 && (
                      <button
                        type="button"
                        class="link"
                        disabled={busy}
                        onClick={() =>
                          confirm(fill(L.removeJoiners, { count: link.joined })) &&
                          turnOff(link, true)}
                      >
                        {fill(L.removeLater, { count: link.joined })}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </div>
  );
}
