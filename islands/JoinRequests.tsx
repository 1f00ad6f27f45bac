import { useEffect, useState } from "preact/hooks";
import { fill, sendJson } from "@/components/island_client.ts";

/** The strings this island shows; the page passes them translated (`join.requests.*`). */
export const JOIN_REQUESTS_LABELS = [
  "title",
  "intro",
  "loading",
  "none",
  "waiting",
  "approve",
  "deny",
  "approveAll",
  "confirmDeny",
  "approved",
  "denied",
  "asked",
  "network",
  "claims",
  "confirmDenyClaim",
] as const;
export type JoinRequestsLabels = Record<typeof JOIN_REQUESTS_LABELS[number], string>;

export interface JoinRequestsProps {
  /** The class whose pending join requests are shown. */
  classId: string;
  /** Translated strings, built on the server; `{name}` placeholders are filled here. */
  labels: JoinRequestsLabels;
  /** BCP 47 language for dates, e.g. "ko" or "zh-CN". */
  locale: string;
}

interface RequestItem {
  userId: string;
  name: string;
  createdAt: string;
  /** Someone says they are this roster student (no new account): the number they gave. */
  claims?: string;
}

/** How often the list asks for new requests while the page is open and visible. */
const POLL_MS = 10_000;

/**
 * Students waiting to join through a link with approval: a count badge, each with Approve and
 * Deny, and Approve all. Reads /api/v1/classes/{classId}/join-requests (again every 10 s while
 * the tab is visible, so sign-ups in the classroom show up) and posts to its approve / deny.
 */
export default function JoinRequests({ classId, labels: L, locale }: JoinRequestsProps) {
  const base = `/api/v1/classes/${encodeURIComponent(classId)}/join-requests`;
  const [items, setItems] = useState<RequestItem[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [status, setStatus] = useState("");
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });

  async function load() {
    try {
      const res = await fetch(base, { headers: { accept: "application/json" } });
      if (!res.ok) return setError(`${L.network} (HTTP ${res.status})`);
      setItems(((await res.json()) as { items: RequestItem[] }).items);
      setError("");
    } catch {
      setError(L.network);
    }
  }

  useEffect(() => {
    void load();
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") void load();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [classId]);

  async function decide(action: "approve" | "deny", body: unknown, done: (n: number) => string) {
    setBusy(true);
    setError("");
    setStatus("");
    const res = await sendJson<{ approved?: number; denied?: number }>(
      "POST",
      `${base}/${action}`,
      body,
      200,
      L.network,
    );
    setBusy(false);
    if (!res.ok) return setError(res.problem.message);
    setStatus(done(res.data.approved ?? res.data.denied ?? 0));
    await load();
  }

  const approve = (userIds: string[] | "all") =>
    decide(
      "approve",
      userIds === "all" ? { all: true } : { userIds },
      (n) => fill(L.approved, { count: n }),
    );

  const deny = (item: RequestItem) => {
    const ask = item.claims !== undefined ? L.confirmDenyClaim : L.confirmDeny;
    if (!confirm(fill(ask, { name: item.name }))) return;
    void decide("deny", { userIds: [item.userId] }, () => L.denied);
  };

  const count = items?.length ?? 0;
  return (
    <div class="join-requests">
      <h2 id="requests-title">
        {L.title}{" "}
        {count > 0 && <span class="badge role-student">{fill(L.waiting, { count })}</span>}
      </h2>
      <p class="muted">{L.intro}</p>
      {error && <p class="error" role="alert">{error}</p>}
      <p class="ok" aria-live="polite">{status}</p>
      {items === null && !error && <p class="muted">{L.loading}</p>}
      {items !== null && count === 0 && <p class="empty">{L.none}</p>}
      {count > 0 && (
        <>
          <ul class="link-list">
            {items!.map((item) => (
              <li key={item.userId}>
                <div class="row nowrap">
                  <span class="grow">
                    <strong>{item.name}</strong>{" "}
                    <small class="muted">
                      {fill(L.asked, { date: dates.format(new Date(item.createdAt)) })}
                    </small>
                    {item.claims !== undefined && (
                      <small class="claim">
                        <br />
                        {fill(L.claims, { login: item.claims })}
                      </small>
                    )}
                  </span>
                  <button
                    type="button"
                    class="primary"
                    disabled={busy}
                    aria-label={`${L.approve}: ${item.name}`}
                    onClick={() => approve([item.userId])}
                  >
                    {L.approve}
                  </button>
                  <button
                    type="button"
                    class="danger"
                    disabled={busy}
                    aria-label={`${L.deny}: ${item.name}`}
                    onClick={() => deny(item)}
                  >
                    {L.deny}
                  </button>
                </div>
              </li>
            ))}
          </ul>
          {count > 1 && (
            <button type="button" disabled={busy} onClick={() => approve("all")}>
              {fill(L.approveAll, { count })}
            </button>
          )}
        </>
      )}
    </div>
  );
}
