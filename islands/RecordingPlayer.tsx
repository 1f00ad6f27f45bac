import { useEffect, useRef, useState } from "preact/hooks";
import { sendJson } from "@/components/island_client.ts";

/** The strings this island shows; the page passes them translated (`recordings.*`). */
export const RECORDING_PLAYER_LABELS = [
  "title",
  "part",
  "speed",
  "chat",
  "noChat",
  "chatHint",
  "interrupted",
  "failed",
  "saving",
  "download",
  "delete",
  "confirmDelete",
  "deleted",
  "network",
] as const;
export type RecordingPlayerLabels = Record<typeof RECORDING_PLAYER_LABELS[number], string>;

/** One recorded part. */
export interface PlayerPart {
  id: string;
  part: number;
  status: "recording" | "ready" | "failed";
  /** The video (the file download route, which answers Range requests). */
  url?: string;
  /** Wall-clock ms of the video's 0 s. */
  startedAt: number;
  ending?: "clean" | "interrupted";
}

/** One chat message, at its wall-clock ms. */
export interface PlayerMessage {
  id: string;
  name: string;
  text: string;
  at: number;
  time: string;
}

export interface RecordingPlayerProps {
  lectureId: string;
  parts: PlayerPart[];
  chat: PlayerMessage[];
  /** Teachers and admins may delete parts. */
  canDelete: boolean;
  labels: RecordingPlayerLabels;
}

export const SPEEDS = [0.75, 1, 1.25, 1.5, 2];

const CSS = `
.recording-layout { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
.recording-video { flex: 3 1 22rem; min-width: 0; }
.recording-video video { width: 100%; background: #000; border-radius: 6px; }
.recording-controls { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; }
.recording-chat { flex: 1 1 16rem; min-width: 0; }
.recording-chat-list { list-style: none; padding: 0; margin: 0; max-height: 24rem;
  overflow-y: auto; position: relative; }
.recording-chat-list button { all: unset; cursor: pointer; display: block; padding: .25rem .4rem;
  border-radius: 4px; overflow-wrap: anywhere; }
.recording-chat-list li.later { opacity: .45; }
.recording-chat-list li[aria-current] button { background: #fff3c4; }
.recording-parts { display: flex; gap: .5rem; margin-bottom: .5rem; }
`;
/** How often watched spans are reported while playing (ms). */
const REPORT_MS = 15_000;

/**
 * An ended lecture's recording: the video (seekable, speed 0.75-2x), its parts, and the chat
 * beside it following the video's time (messages said by then are lit, the latest is marked
 * and scrolled to; clicking one seeks there). What is played is reported as watched spans.
 */
export default function RecordingPlayer(
  { lectureId, parts: initial, chat, canDelete, labels: L }: RecordingPlayerProps,
) {
  const [parts, setParts] = useState(initial);
  const [index, setIndex] = useState(0);
  const [speed, setSpeed] = useState(1);
  const [now, setNow] = useState(0); // wall-clock ms the video is at
  const [status, setStatus] = useState("");
  const video = useRef<HTMLVideoElement>(null);
  const list = useRef<HTMLOListElement>(null);
  const span = useRef<{ from: number; to: number } | null>(null);
  const part = parts[index];

  const report = () => {
    const s = span.current;
    span.current = null;
    if (!s || !part || s.to - s.from < 0.5) return;
    void sendJson(
      "POST",
      `/api/v1/lectures/${lectureId}/recordings/${part.id}/views`,
      { from: s.from, to: s.to },
      200,
      L.network,
    );
  };

  useEffect(() => {
    const v = video.current;
    if (!v || !part) return;
    v.playbackRate = speed;
    const onTime = () => {
      setNow(part.startedAt + v.currentTime * 1000);
      if (v.paused || v.seeking) return;
      const t = v.currentTime;
      const s = span.current;
      if (s && t >= s.to && t - s.to < 2) s.to = t;
      else {
        report();
        span.current = { from: t, to: t };
      }
    };
    const flush = () => report();
    v.addEventListener("timeupdate", onTime);
    v.addEventListener("seeked", onTime);
    v.addEventListener("pause", flush);
    v.addEventListener("ended", flush);
    const timer = setInterval(flush, REPORT_MS);
    globalThis.addEventListener("pagehide", flush);
    return () => {
      flush();
      v.removeEventListener("timeupdate", onTime);
      v.removeEventListener("seeked", onTime);
      v.removeEventListener("pause", flush);
      v.removeEventListener("ended", flush);
      clearInterval(timer);
      globalThis.removeEventListener("pagehide", flush);
    };
  }, [part?.id]);

  useEffect(() => {
    if (video.current) video.current.playbackRate = speed;
  }, [speed]);

  // The latest message said by the video's time.
  let current = -1;
  for (let i = 0; i < chat.length && chat[i].at <= now; i++) current = i;
  useEffect(() => {
    const ol = list.current;
    const li = current >= 0 ? ol?.children[current] as HTMLElement | undefined : undefined;
    if (ol && li) ol.scrollTop = li.offsetTop - ol.offsetTop - ol.clientHeight / 2;
  }, [current]);

  const seekTo = (at: number) => {
    const v = video.current;
    if (!v || !part) return;
    v.currentTime = Math.max(0, (at - part.startedAt) / 1000);
  };

  async function remove() {
    if (!part || !confirm(L.confirmDelete)) return;
    const res = await sendJson(
      "DELETE",
      `/api/v1/lectures/${lectureId}/recordings/${part.id}`,
      undefined,
      204,
      L.network,
    );
    if (!res.ok) return setStatus(res.problem.message);
    setParts(parts.filter((p) => p.id !== part.id));
    setIndex(0);
    setStatus(L.deleted);
  }

  return (
    <section class="card recording" aria-labelledby="recording-title">
      <style dangerouslySetInnerHTML={{ __html: CSS }} />
      <h2 id="recording-title">{L.title}</h2>
      {parts.length > 1 && (
        <div class="recording-parts" role="group">
          {parts.map((p, i) => (
            <button
              type="button"
              key={p.id}
              aria-pressed={i === index}
              onClick={() => setIndex(i)}
            >
              {L.part.replace("{n}", String(p.part))}
            </button>
          ))}
        </div>
      )}
      <div class="recording-layout">
        <div class="recording-video">
          {part?.status === "ready" && part.url
            ? (
              <>
                <video
                  ref={video}
                  key={part.id}
                  src={part.url}
                  controls
                  preload="metadata"
                  playsInline
                  data-recording={part.id}
                />
                <div class="recording-controls">
                  <label>
                    {L.speed}{" "}
                    <select
                      value={String(speed)}
                      onChange={(e) => setSpeed(Number((e.target as HTMLSelectElement).value))}
                    >
                      {SPEEDS.map((s) => <option key={s} value={String(s)}>{s}×</option>)}
                    </select>
                  </label>
                  <a href={part.url} download>{L.download}</a>
                  {canDelete && <button type="button" onClick={remove}>{L.delete}</button>}
                </div>
                {part.ending === "interrupted" && <p class="notice">{L.interrupted}</p>}
              </>
            )
            : part
            ? <p class="notice">{part.status === "failed" ? L.failed : L.saving}</p>
            : null}
          {status && <p role="status">{status}</p>}
        </div>
        <aside class="recording-chat" aria-label={L.chat}>
          <h3>{L.chat}</h3>
          {chat.length === 0 ? <p>{L.noChat}</p> : (
            <>
              <p class="hint">{L.chatHint}</p>
              <ol ref={list} class="recording-chat-list">
                {chat.map((m, i) => (
                  <li
                    key={m.id}
                    data-at={m.at}
                    class={i <= current ? "said" : "later"}
                    aria-current={i === current ? "true" : undefined}
                  >
                    <button type="button" onClick={() => seekTo(m.at)}>
                      <time>{m.time}</time> <strong>{m.name}</strong> {m.text}
                    </button>
                  </li>
                ))}
              </ol>
            </>
          )}
        </aside>
      </div>
    </section>
  );
}
