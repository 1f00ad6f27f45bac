/**
 * The lecture chat panel: the log (text rendered as text, never as HTML), and while the
 * lecture is live a length-limited box to write in. Browser only.
 * @module
 */
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { fill } from "../island_client.ts";
import type { LectureRoomLabels } from "./labels.ts";
import type { ChatState } from "./use_chat.ts";

/** Messages rendered at once; earlier ones come with "Show earlier messages". */
const SHOW = 300;

export function Chat(
  { chat, canPost, closed, studentChat, onStudentChat, maxLength, userId, labels: L, locale }: {
    chat: ChatState;
    /** Connected to the live lecture (and, for a student, allowed to write). */
    canPost: boolean;
    /** Whether students may write now. */
    studentChat: boolean;
    /** Teachers: switch the students' chat on or off. */
    onStudentChat?: (on: boolean) => void;
    /** The lecture has ended: the chat is read-only. */
    closed: boolean;
    maxLength: number;
    userId: string;
    labels: LectureRoomLabels;
    locale: string;
  },
) {
  const [text, setText] = useState("");
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState("");
  const [shown, setShown] = useState(SHOW);
  const log = useRef<HTMLOListElement>(null);
  // Follow new messages only while the reader is at the bottom of the log.
  const stick = useRef(true);
  const times = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" });

  useLayoutEffect(() => {
    const el = log.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [chat.messages.length]);

  useEffect(() => {
    if (closed) setProblem("");
  }, [closed]);

  async function submit(e?: Event) {
    e?.preventDefault();
    const value = text.trim();
    if (!value || sending) return;
    setSending(true);
    setProblem("");
    const { error, status } = await chat.send(value);
    setSending(false);
    if (!error) {
      setText("");
      stick.current = true;
      return;
    }
    setProblem(
      status === 429
        ? L.chatTooFast
        : status === 409
        ? L.chatClosed
        : status === 403
        ? L.chatStudentsOff
        : error,
    );
  }

  const hidden = Math.max(0, chat.messages.length - shown);
  const visible = hidden ? chat.messages.slice(hidden) : chat.messages;
  const length = text.length;

  return (
    <section class="lecture-chat card" aria-labelledby="lecture-chat-title">
      <div class="row nowrap">
        <h2 id="lecture-chat-title" class="grow">{L.chatTitle}</h2>
        {onStudentChat && !closed && (
          <label class="check">
            <input
              type="checkbox"
              checked={studentChat}
              onChange={(e) => onStudentChat(e.currentTarget.checked)}
            />
            {L.studentChat}
          </label>
        )}
      </div>
      {hidden > 0 && (
        <button type="button" class="link" onClick={() => setShown((n) => n + SHOW)}>
          {L.showEarlier}
        </button>
      )}
      <ol
        class="chat-log"
        ref={log}
        role="log"
        aria-label={L.chatLog}
        tabIndex={0}
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        }}
      >
        {visible.map((m) => (
          <li
            key={m.id}
            data-message-id={m.id}
            class={`${m.role === "teacher" ? "from-teacher" : ""}${
              m.userId === userId ? " mine" : ""
            }`}
          >
            <span class="chat-meta">
              <strong class="chat-name">{m.name}</strong>
              {m.role === "teacher" && <span class="badge role-teacher">{L["role.teacher"]}</span>}
              <time dateTime={m.at}>{times.format(new Date(m.at))}</time>
            </span>
            <span class="chat-text">{m.text}</span>
          </li>
        ))}
      </ol>
      {chat.loading && <p class="muted">{L.chatLoading}</p>}
      {!chat.loading && chat.messages.length === 0 && <p class="muted">{L.chatEmpty}</p>}
      {chat.error && <p class="error" role="alert">{chat.error}</p>}
      {closed && <p class="muted">{L.chatClosed}</p>}
      {!closed && !studentChat && !onStudentChat && (
        <p class="notice" role="status">{L.chatStudentsOff}</p>
      )}
      {canPost && !closed && (
        <form class="chat-form" onSubmit={submit}>
          <label for="lecture-chat-text" class="sr-only">{L.chatMessage}</label>
          <textarea
            id="lecture-chat-text"
            rows={2}
            maxLength={maxLength}
            value={text}
            placeholder={L.chatMessage}
            aria-describedby="lecture-chat-count"
            onInput={(e) => setText(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
                e.preventDefault();
                void submit();
              }
            }}
          />
          <div class="row nowrap">
            <small id="lecture-chat-count" class="muted grow">
              {fill(L.chatCount, { count: length, max: maxLength })}
            </small>
            <button type="submit" class="primary" disabled={sending || !text.trim()}>
              {L.send}
            </button>
          </div>
          {problem && <p class="error" role="alert">{problem}</p>}
        </form>
      )}
    </section>
  );
}
