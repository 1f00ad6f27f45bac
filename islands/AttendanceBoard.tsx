import { useEffect, useRef, useState } from "preact/hooks";
import { fill } from "@/components/island_client.ts";
import type { Board, BoardRow, BoardStatus } from "@/services/clockin/board.ts";

/** The strings this island shows; the page passes them translated (`clockin.board.*`). */
export const ATTENDANCE_BOARD_LABELS = [
  "all",
  "in",
  "late",
  "outside",
  "absent",
  "not_yet",
  "off",
  "flagged",
  "colName",
  "colStatus",
  "colIn",
  "colOut",
  "colPlace",
  "colFlags",
  "lateBy",
  "flagSpeed",
  "flagDevice",
  "verdictInside",
  "verdictOutside",
  "verdictRemote",
  "verdictNetwork",
  "labelSite",
  "labelPlace",
  "labelUnknown",
  "labelNetwork",
  "updated",
  "network",
  "none",
  "previous",
  "next",
  "showing",
] as const;
export type AttendanceBoardLabels = Record<typeof ATTENDANCE_BOARD_LABELS[number], string>;

export interface AttendanceBoardProps {
  /** The department picked ("" for every one the asker manages). */
  department: string;
  /** The day shown, "YYYY-MM-DD" on the organization's clock. */
  day: string;
  /** The organization's time zone, for the times. */
  timeZone: string;
  /** BCP 47 language for times, e.g. "ko" or "zh-CN". */
  locale: string;
  /** The board as the server rendered it (the first page). */
  initial: Board;
  /** Translated strings; `{name}` placeholders are filled here. */
  labels: AttendanceBoardLabels;
}

/** How often the board asks again while the tab is visible. */
const POLL_MS = 15_000;
const PAGE = 100;
const STATUSES: BoardStatus[] = ["in", "late", "outside", "absent", "not_yet", "off"];

/**
 * Today's board: counts on top (each a filter), one page of people below. Polls
 * GET /api/v1/clockin/board every 15 s while the tab is visible; rows are keyed by person so a
 * poll changes only the rows that changed.
 */
export default function AttendanceBoard(props: AttendanceBoardProps) {
  const { labels: L, locale, timeZone } = props;
  const [board, setBoard] = useState<Board>(props.initial);
  const [status, setStatus] = useState<BoardStatus | "">("");
  const [offset, setOffset] = useState(0);
  const [error, setError] = useState("");
  const [hydrated, setHydrated] = useState(false);
  const query = useRef({ status, offset });
  query.current = { status, offset };
  const time = new Intl.DateTimeFormat(locale, { timeZone, hour: "2-digit", minute: "2-digit" });
  const stamp = new Intl.DateTimeFormat(locale, { timeZone, timeStyle: "medium" });

  async function load() {
    const q = new URLSearchParams({ day: props.day, limit: String(PAGE) });
    if (props.department) q.set("department", props.department);
    if (query.current.status) q.set("status", query.current.status);
    q.set("offset", String(query.current.offset));
    try {
      const res = await fetch(`/api/v1/clockin/board?${q}`, {
        headers: { accept: "application/json" },
      });
      if (!res.ok) return setError(`${L.network} (HTTP ${res.status})`);
      setBoard(await res.json());
      setError("");
    } catch {
      setError(L.network);
    }
  }

  useEffect(() => {
    load();
  }, [status, offset]);
  useEffect(() => {
    setHydrated(true);
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") load();
    }, POLL_MS);
    const onVisible = () => document.visibilityState === "visible" && load();
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, []);

  const pick = (s: BoardStatus | "") => {
    setStatus(s);
    setOffset(0);
  };
  const c = board.counts;
  const countOf = (s: BoardStatus) => s === "in" ? c.in : c[s];
  return (
    <div
      class="attendance-board"
      data-board-at={board.at}
      data-hydrated={hydrated ? "" : undefined}
    >
      <div class="board-counts" role="group">
        <button
          type="button"
          class={status === "" ? "count active" : "count"}
          aria-pressed={status === ""}
          onClick={() => pick("")}
        >
          <strong data-count="total">{c.total}</strong> {L.all}
        </button>
        {STATUSES.map((s) => (
          <button
            key={s}
            type="button"
            class={`count status-${s}${status === s ? " active" : ""}`}
            aria-pressed={status === s}
            onClick={() => pick(s)}
          >
            <strong data-count={s}>{countOf(s)}</strong> {L[s]}
          </button>
        ))}
        <span class="count flagged">
          <strong data-count="flagged">{c.flagged}</strong> {L.flagged}
        </span>
      </div>
      <p class="muted small" aria-live="polite">
        {fill(L.updated, { time: stamp.format(new Date(board.at)) })}
        {error && <span class="error">{error}</span>}
      </p>
      {board.items.length === 0 ? <p class="muted">{L.none}</p> : (
        <table class="board-table">
          <thead>
            <tr>
              <th scope="col">{L.colName}</th>
              <th scope="col">{L.colStatus}</th>
              <th scope="col">{L.colIn}</th>
              <th scope="col">{L.colOut}</th>
              <th scope="col">{L.colPlace}</th>
              <th scope="col">{L.colFlags}</th>
            </tr>
          </thead>
          <tbody>
            {board.items.map((r, i) => (
              <Row key={r.userId} row={r} n={board.offset + i + 1} L={L} time={time} />
            ))}
          </tbody>
        </table>
      )}
      {board.total > board.limit && (
        <nav class="pager">
          <button
            type="button"
            disabled={board.offset === 0}
            onClick={() => setOffset(Math.max(0, board.offset - PAGE))}
          >
            {L.previous}
          </button>{" "}
          <span>
            {fill(L.showing, {
              from: board.offset + 1,
              to: Math.min(board.total, board.offset + board.items.length),
              total: board.total,
            })}
          </span>{" "}
          <button
            type="button"
            disabled={board.offset + board.limit >= board.total}
            onClick={() => setOffset(board.offset + PAGE)}
          >
            {L.next}
          </button>
        </nav>
      )}
    </div>
  );
}

function placeText(r: BoardRow, L: AttendanceBoardLabels): string {
  const l = r.label;
  const verdict = r.verdict
    ? L[`verdict${r.verdict[0].toUpperCase()}${r.verdict.slice(1)}` as "verdictInside"]
    : "";
  if (!l) return verdict;
  const where = l.kind === "site"
    ? fill(L.labelSite, {
      distance: Math.round(l.distanceM),
      site: l.siteName,
      accuracy: Math.round(l.accuracyM),
    })
    : l.kind === "place"
    ? fill(L.labelPlace, { name: l.name, country: l.country })
    : l.kind === "network"
    ? fill(L.labelNetwork, { site: l.siteName })
    : fill(L.labelUnknown, { accuracy: Math.round(l.accuracyM) });
  return verdict ? `${verdict}: ${where}` : where;
}

function Row(
  { row: r, n, L, time }: {
    row: BoardRow;
    n: number;
    L: AttendanceBoardLabels;
    time: Intl.DateTimeFormat;
  },
) {
  return (
    <tr data-user={r.userId} data-status={r.status} class={r.flags.length ? "flagged" : ""}>
      <th scope="row">
        <span class="row-index">{n}</span>{" "}
        <a href={`/workspace/attendance/${encodeURIComponent(r.userId)}`}>{r.name}</a>
      </th>
      <td data-label={L.colStatus}>
        <span class={`badge status-${r.status}`}>{L[r.status]}</span>
        {r.lateMinutes > 0 && <>{fill(L.lateBy, { minutes: r.lateMinutes })}</>}
      </td>
      <td data-label={L.colIn}>{r.firstIn ? time.format(new Date(r.firstIn)) : ""}</td>
      <td data-label={L.colOut}>{r.lastOut ? time.format(new Date(r.lastOut)) : ""}</td>
      <td data-label={L.colPlace}>{placeText(r, L)}</td>
      <td data-label={L.colFlags}>
        {r.flags.map((f) => (
          <span key={f} class="badge flag" data-flag={f}>
            ⚠ {f === "speed" ? L.flagSpeed : L.flagDevice}
          </span>
        ))}
      </td>
    </tr>
  );
}
