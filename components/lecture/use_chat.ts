/**
 * The lecture chat's state: history fetched page by page and live messages from the server's
 * data packets, merged by message id (ULIDs sort in time order), so a message that arrives
 * both ways is shown once and a late joiner sees everything said before.
 * @module
 */
import { useCallback, useRef, useState } from "preact/hooks";
import { callApi, type ChatMessage, type ChatPage, isChatMessage, lectureApi } from "./api.ts";

/** Pages of history fetched in one catch-up at most (200 messages each). */
const MAX_PAGES = 100;

export interface ChatState {
  messages: ChatMessage[];
  loading: boolean;
  error: string;
  /** Adds messages (from a packet or an answer); duplicates are dropped. */
  add(items: unknown[]): void;
  /** Fetches what was said after the last fetched message (all of it the first time). */
  catchUp(): Promise<void>;
  /** Sends a message; resolves to an error message, or "" when it was sent. */
  send(text: string): Promise<{ error: string; status: number }>;
}

export function useChat(lectureId: string, networkMessage: string): ChatState {
  const byId = useRef(new Map<string, ChatMessage>());
  const lastFetched = useRef<string | undefined>(undefined);
  const running = useRef<Promise<void> | null>(null);
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState("");
  const api = lectureApi(lectureId);

  const add = useCallback((items: unknown[]) => {
    let changed = false;
    for (const m of items) {
      if (isChatMessage(m) && !byId.current.has(m.id)) {
        byId.current.set(m.id, m);
        changed = true;
      }
    }
    if (changed) {
      setMessages(
        [...byId.current.values()].sort((a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      );
    }
  }, []);

  const catchUp = useCallback(() => {
    // One catch-up at a time; a second caller waits for the running one.
    if (running.current) return running.current;
    const run = (async () => {
      let after = lastFetched.current;
      for (let page = 0; page < MAX_PAGES; page++) {
        const query = new URLSearchParams({ limit: "200" });
        if (after) query.set("after", after);
        const res = await callApi<ChatPage>("GET", `${api}/chat?${query}`, networkMessage);
        if (!res.ok) {
          setError(res.problem.message);
          break;
        }
        setError("");
        const items = res.data.items ?? [];
        add(items);
        if (items.length) lastFetched.current = items[items.length - 1].id;
        if (!res.data.nextAfter || !items.length) break;
        after = res.data.nextAfter;
      }
      setLoading(false);
    })();
    running.current = run.finally(() => running.current = null);
    return running.current;
  }, [api]);

  const send = useCallback(async (text: string) => {
    const res = await callApi<ChatMessage>("POST", `${api}/chat`, networkMessage, { text });
    if (res.ok) {
      add([res.data]);
      return { error: "", status: res.status };
    }
    return { error: res.problem.message, status: res.status };
  }, [api]);

  return { messages, loading, error, add, catchUp, send };
}
