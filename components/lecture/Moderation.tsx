/**
 * The teacher's side panels while a lecture is live: the raised-hand queue (invite to stage,
 * dismiss), who is on stage (take back), and the participant list, paged from the server
 * (50 at a time, searchable, with a count) so a lecture of thousands never renders them all.
 * Browser only.
 * @module
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { fill } from "../island_client.ts";
import {
  callApi,
  type HandQueue,
  lectureApi,
  type ParticipantPage,
  type StageList,
} from "./api.ts";
import type { LectureRoomLabels } from "./labels.ts";

/** Rows per participant page. */
export const PARTICIPANT_PAGE = 50;
/** The queue is fetched at most this often however fast hands go up (ms). */
const QUEUE_MIN_INTERVAL = 2_000;
const QUEUE_POLL = 10_000;
const PARTICIPANTS_POLL = 5_000;

type Action = "invite" | "dismiss" | "takeBack" | "mute" | "remove";
interface Person {
  userId: string;
  name: string;
}

const DONE: Record<Action, keyof LectureRoomLabels> = {
  invite: "done.invited",
  dismiss: "done.dismissed",
  takeBack: "done.takenBack",
  mute: "done.muted",
  remove: "done.removed",
};

function actionRequest(api: string, action: Action, userId: string) {
  const id = encodeURIComponent(userId);
  switch (action) {
    case "invite":
      return { method: "POST" as const, url: `${api}/stage/${id}` };
    case "takeBack":
      return { method: "DELETE" as const, url: `${api}/stage/${id}` };
    case "dismiss":
      return { method: "DELETE" as const, url: `${api}/hands/${id}` };
    case "mute":
      return { method: "POST" as const, url: `${api}/participants/${id}/mute` };
    case "remove":
      return { method: "POST" as const, url: `${api}/participants/${id}/remove` };
  }
}

export function Moderation(
  { lectureId, handsSignal, handsCount, selfId, labels: L, locale }: {
    lectureId: string;
    /** Bumped when the server says the queue changed ("mirae.hands" packets). */
    handsSignal: number;
    /** The queue length from the latest packet, shown before the queue is fetched. */
    handsCount: number | null;
    selfId: string;
    labels: LectureRoomLabels;
    locale: string;
  },
) {
  const api = lectureApi(lectureId);
  const [queue, setQueue] = useState<HandQueue | null>(null);
  const [stage, setStage] = useState<StageList | null>(null);
  const [status, setStatus] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState("");
  const [tick, setTick] = useState(0);
  const lastQueueAt = useRef(0);
  const queueTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  async function loadQueue() {
    lastQueueAt.current = Date.now();
    const res = await callApi<HandQueue>("GET", `${api}/hands`, L.network);
    if (res.ok) setQueue(res.data);
  }

  async function loadStage() {
    const res = await callApi<StageList>("GET", `${api}/stage`, L.network);
    if (res.ok) setStage(res.data);
  }

  /** Fetches the queue soon, at most once per QUEUE_MIN_INTERVAL. */
  function scheduleQueue() {
    if (queueTimer.current !== undefined) return;
    const wait = Math.max(0, lastQueueAt.current + QUEUE_MIN_INTERVAL - Date.now());
    queueTimer.current = setTimeout(() => {
      queueTimer.current = undefined;
      void loadQueue();
    }, wait);
  }

  useEffect(() => {
    void loadQueue();
    void loadStage();
    const id = setInterval(() => {
      scheduleQueue();
      void loadStage();
    }, QUEUE_POLL);
    return () => {
      clearInterval(id);
      clearTimeout(queueTimer.current);
    };
  }, [lectureId]);

  useEffect(() => {
    if (handsSignal) scheduleQueue();
  }, [handsSignal]);

  async function act(action: Action, who: Person) {
    if (action === "remove" && !confirm(fill(L.confirmRemove, { name: who.name }))) return;
    setBusy(`${action}:${who.userId}`);
    setError("");
    setStatus("");
    const { method, url } = actionRequest(api, action, who.userId);
    const res = await callApi(method, url, L.network);
    setBusy("");
    if (!res.ok) return setError(res.problem.message);
    setStatus(fill(L[DONE[action]], { name: who.name }));
    await Promise.all([loadQueue(), loadStage()]);
    setTick((n) => n + 1);
  }

  const count = queue?.count ?? handsCount ?? 0;
  const stageIds = new Set((stage?.items ?? []).map((s) => s.userId));

  return (
    <div class="moderation">
      <p class="ok status-line" aria-live="polite">{status}</p>
      {error && <p class="error" role="alert">{error}</p>}

      <section class="card hands" aria-labelledby="hands-title">
        <h2 id="hands-title">
          {L.handsTitle} <span class="badge" data-hands-count={count}>{count}</span>
        </h2>
        {queue && queue.items.length === 0 && <p class="muted">{L.handsEmpty}</p>}
        <ol class="queue">
          {(queue?.items ?? []).map((h) => (
            <li key={h.userId} data-user-id={h.userId}>
              <span class="grow">{h.name}</span>
              <button
                type="button"
                class="primary"
                disabled={!!busy}
                aria-label={`${L.invite}: ${h.name}`}
                onClick={() => act("invite", h)}
              >
                {L.invite}
              </button>
              <button
                type="button"
                disabled={!!busy}
                aria-label={`${L.dismiss}: ${h.name}`}
                onClick={() => act("dismiss", h)}
              >
                {L.dismiss}
              </button>
            </li>
          ))}
        </ol>
        {queue && queue.count > queue.items.length && (
          <p class="muted">{fill(L.handsMore, { count: queue.count - queue.items.length })}</p>
        )}
      </section>

      <section class="card stage" aria-labelledby="stage-title">
        <h2 id="stage-title">{L.stageTitle}</h2>
        {stage && stage.items.length === 0 && <p class="muted">{L.stageEmpty}</p>}
        <ul class="queue">
          {(stage?.items ?? []).map((s) => (
            <li key={s.userId} data-user-id={s.userId}>
              <span class="grow">{s.name}</span>
              <button
                type="button"
                disabled={!!busy}
                aria-label={`${L.takeBack}: ${s.name}`}
                onClick={() => act("takeBack", s)}
              >
                {L.takeBack}
              </button>
            </li>
          ))}
        </ul>
      </section>

      <Participants
        api={api}
        tick={tick}
        selfId={selfId}
        stageIds={stageIds}
        busy={!!busy}
        onAction={act}
        labels={L}
        locale={locale}
      />
    </div>
  );
}

function Participants(
  { api, tick, selfId, stageIds, busy, onAction, labels: L, locale }: {
    api: string;
    tick: number;
    selfId: string;
    stageIds: Set<string>;
    busy: boolean;
    onAction: (action: Action, who: Person) => void;
    labels: LectureRoomLabels;
    locale: string;
  },
) {
  const [open, setOpen] = useState(true);
  const [q, setQ] = useState("");
  const [query, setQuery] = useState("");
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<ParticipantPage | null>(null);
  const [error, setError] = useState("");
  const numbers = new Intl.NumberFormat(locale);
  const times = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" });

  // Search as one types, without a request per key.
  useEffect(() => {
    const id = setTimeout(() => {
      setQuery(q.trim());
      setOffset(0);
    }, 300);
    return () => clearTimeout(id);
  }, [q]);

  useEffect(() => {
    if (!open) return;
    let stale = false;
    const load = async () => {
      const params = new URLSearchParams({
        offset: String(offset),
        limit: String(PARTICIPANT_PAGE),
      });
      if (query) params.set("q", query);
      const res = await callApi<ParticipantPage>("GET", `${api}/participants?${params}`, L.network);
      if (stale) return;
      if (!res.ok) return setError(res.problem.message);
      setError("");
      setPage(res.data);
    };
    void load();
    const id = setInterval(load, PARTICIPANTS_POLL);
    return () => {
      stale = true;
      clearInterval(id);
    };
  }, [open, query, offset, tick]);

  const items = page?.items ?? [];
  const count = page?.count ?? 0;
  const matching = page?.total ?? count;
  const from = items.length ? offset + 1 : 0;
  const to = offset + items.length;

  return (
    <details
      class="card participants"
      open={open}
      onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}
    >
      <summary>
        <h2>{L.participantsTitle}</h2>{" "}
        <span class="muted" data-participant-count={count}>
          {fill(L.participantsCount, { count: numbers.format(count) })}
        </span>
      </summary>
      <label class="search">
        <span class="sr-only">{L.search}</span>
        <input
          type="search"
          value={q}
          placeholder={L.search}
          onInput={(e) => setQ(e.currentTarget.value)}
        />
      </label>
      {error && <p class="error" role="alert">{error}</p>}
      {!page && !error && <p class="muted">{L.loading}</p>}
      {page && items.length === 0 && <p class="muted">{L.noMatch}</p>}
      <ul class="people">
        {items.map((p) => {
          const student = p.role === "student" && p.userId !== selfId;
          const onStage = p.onStage || stageIds.has(p.userId);
          return (
            <li key={p.userId} data-user-id={p.userId}>
              <div class="person">
                <strong>{p.name}</strong>{" "}
                <span class={`badge role-${p.role === "student" ? "student" : "teacher"}`}>
                  {L[p.role === "student" ? "role.student" : "role.teacher"]}
                </span>
                {onStage && <span class="badge on-stage">{L.onStageBadge}</span>}
                {p.handRaisedAt && <span class="badge hand">{L.handBadge}</span>}
                <small class="muted">
                  {fill(L.joinedAt, { time: times.format(new Date(p.joinedAt)) })}
                </small>
              </div>
              {student && (
                <div
                  class="person-actions"
                  role="group"
                  aria-label={fill(L.actionsFor, { name: p.name })}
                >
                  {onStage
                    ? (
                      <button type="button" disabled={busy} onClick={() => onAction("takeBack", p)}>
                        {L.takeBack}
                      </button>
                    )
                    : (
                      <button type="button" disabled={busy} onClick={() => onAction("invite", p)}>
                        {L.invite}
                      </button>
                    )}
                  <button type="button" disabled={busy} onClick={() => onAction("mute", p)}>
                    {L.mute}
                  </button>
                  <button
                    type="button"
                    class="danger"
                    disabled={busy}
                    onClick={() => onAction("remove", p)}
                  >
                    {L.remove}
                  </button>
                </div>
              )}
            </li>
          );
        })}
      </ul>
      {matching > PARTICIPANT_PAGE && (
        <nav class="pager" aria-label={L.participantsTitle}>
          <button
            type="button"
            disabled={offset === 0}
            onClick={() => setOffset(Math.max(0, offset - PARTICIPANT_PAGE))}
          >
            {L.previous}
          </button>
          <span class="pager-status">
            {fill(L.range, {
              from: numbers.format(from),
              to: numbers.format(to),
              count: numbers.format(matching),
            })}
          </span>
          <button
            type="button"
            disabled={page?.nextOffset === undefined}
            onClick={() => setOffset(page?.nextOffset ?? offset)}
          >
            {L.next}
          </button>
        </nav>
      )}
    </details>
  );
}
