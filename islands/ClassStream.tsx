import { useEffect, useRef, useState } from "preact/hooks";
import { ATTACHMENTS_FIELD_LABELS, AttachmentsField } from "@/components/AttachmentsField.tsx";
import {
  fill,
  formatSize,
  type Problem,
  problemFrom,
  sendJson,
  type UploadedFile,
} from "@/components/island_client.ts";
import type { CommentPage, CommentView } from "@/services/stream/comments.ts";
import type { PostPage, PostView } from "@/services/stream/posts.ts";

/** The strings this island shows (`stream.island.*`). */
export const CLASS_STREAM_LABELS = [
  "compose",
  "body",
  "bodyHint",
  "attachments",
  "commentsOffNew",
  "post",
  "posting",
  "edit",
  "save",
  "delete",
  "deleteConfirm",
  "keep",
  "edited",
  "showComments",
  "hideComments",
  "comment",
  "send",
  "commentsAreOff",
  "turnOff",
  "turnOn",
  "deleteComment",
  "older",
  "loading",
  "formerMember",
  "classDefault",
  "empty",
  "emptyTeacher",
] as const;
/**
 * Strings borrowed from the assignment editor (`coursework.editor.*`): files are attached with
 * the same field (its legend is the stream's own "attachments").
 */
export const CLASS_STREAM_UPLOAD_LABELS = [
  ...ATTACHMENTS_FIELD_LABELS.filter((k) => k !== "attachments"),
  "cancel",
] as const;
export type ClassStreamLabels = Record<
  typeof CLASS_STREAM_LABELS[number] | typeof CLASS_STREAM_UPLOAD_LABELS[number],
  string
>;

export interface ClassStreamProps {
  classId: string;
  /** The asker may post (the class's teachers, school admins; not in an archived class). */
  canPost: boolean;
  /** The class's default for new posts: comments off. */
  commentsOffDefault: boolean;
  /** The first page of the stream, rendered by the server. */
  page: PostPage;
  /** The school's clock and the page's language, for the times shown. */
  timeZone: string;
  locale: string;
  /** The largest upload, in bytes, and the file picker's `accept` list. */
  maxBytes: number;
  accept: string;
  labels: ClassStreamLabels;
}

const MAX_FILES = 10;

async function getJson<T>(url: string, network: string): Promise<
  { ok: true; data: T } | { ok: false; problem: Problem }
> {
  try {
    const res = await fetch(url, { headers: { accept: "application/json" } });
    const data = await res.json().catch(() => null);
    return res.ok ? { ok: true, data: data as T } : {
      ok: false,
      problem: problemFrom(res.status, data, network),
    };
  } catch {
    return { ok: false, problem: { message: network, details: [] } };
  }
}

/**
 * A class's stream: the teacher's box for a new announcement (Markdown, files, comments
 * switch), then the announcements newest first with "older" paging, each with its comments
 * (shown on request) and, for its author and admins, edit, delete and the comments switch.
 */
export default function ClassStream(props: ClassStreamProps) {
  const { classId, canPost, page, labels: L } = props;
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const [posts, setPosts] = useState<PostView[]>(page.items);
  const [cursor, setCursor] = useState(page.cursor);
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState("");
  const when = (iso: string) =>
    new Intl.DateTimeFormat(props.locale, {
      timeZone: props.timeZone,
      dateStyle: "medium",
      timeStyle: "short",
    }).format(new Date(iso));

  async function older() {
    if (!cursor) return;
    setLoading(true);
    const res = await getJson<PostPage>(
      `/api/v1/classes/${encodeURIComponent(classId)}/posts?cursor=${encodeURIComponent(cursor)}`,
      L.network,
    );
    setLoading(false);
    if (!res.ok) return setProblem(res.problem.message);
    setPosts((old) => [...old, ...res.data.items.filter((p) => !old.some((o) => o.id === p.id))]);
    setCursor(res.data.cursor);
  }

  const replace = (p: PostView) => setPosts((old) => old.map((o) => (o.id === p.id ? p : o)));
  const remove = (id: string) => setPosts((old) => old.filter((o) => o.id !== id));

  return (
    <div class="stream" data-hydrated={hydrated ? "" : undefined}>
      {canPost && (
        <Composer
          {...props}
          locked={!hydrated}
          onPosted={(p) => setPosts((o) => [p, ...o])}
        />
      )}
      {posts.length === 0 && <p class="stream-empty muted">{canPost ? L.emptyTeacher : L.empty}</p>}
      <ol class="stream-posts">
        {posts.map((p) => (
          <li key={p.id}>
            <PostCard
              post={p}
              labels={L}
              when={when}
              locked={!hydrated}
              onChange={replace}
              onDelete={remove}
            />
          </li>
        ))}
      </ol>
      {problem && <p role="alert" class="alert">{problem}</p>}
      {cursor && (
        <button type="button" onClick={older} disabled={!hydrated || loading}>
          {loading ? L.loading : L.older}
        </button>
      )}
    </div>
  );
}

function Composer(
  props: ClassStreamProps & { locked: boolean; onPosted: (p: PostView) => void },
) {
  const { classId, labels: L, maxBytes, accept } = props;
  const [body, setBody] = useState("");
  const [files, setFiles] = useState<UploadedFile[]>([]);
  const [commentsOff, setCommentsOff] = useState(props.commentsOffDefault);
  const [classDefault, setClassDefault] = useState(props.commentsOffDefault);
  const [busy, setBusy] = useState(false);
  /** An upload or a file deletion is running. */
  const [filesBusy, setFilesBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const locked = props.locked || busy || filesBusy;

  async function saveDefault(off: boolean) {
    setClassDefault(off);
    const res = await sendJson(
      "PATCH",
      `/api/v1/classes/${encodeURIComponent(classId)}/posts/settings`,
      { commentsOff: off },
      200,
      L.network,
    );
    if (!res.ok) {
      setClassDefault(!off);
      return setProblem(res.problem);
    }
    setCommentsOff(off);
  }

  async function submit(e: Event) {
    e.preventDefault();
    setProblem(null);
    setBusy(true);
    const res = await sendJson<PostView>(
      "POST",
      `/api/v1/classes/${encodeURIComponent(classId)}/posts`,
      { body, attachmentIds: files.map((f) => f.id), commentsOff },
      201,
      L.network,
    );
    setBusy(false);
    if (!res.ok) return setProblem(res.problem);
    setBody("");
    setFiles([]);
    setCommentsOff(classDefault);
    props.onPosted(res.data);
  }

  return (
    <form class="card stack stream-compose" onSubmit={submit} noValidate>
      <h3>{L.compose}</h3>
      <label>
        {L.body}
        <textarea
          name="body"
          rows={4}
          maxLength={20_000}
          value={body}
          aria-describedby="stream-body-hint"
          onInput={(e) => setBody(e.currentTarget.value)}
        />
      </label>
      <small class="muted" id="stream-body-hint">{L.bodyHint}</small>
      <AttachmentsField
        classId={classId}
        files={files}
        onChange={setFiles}
        onBusy={setFilesBusy}
        onProblem={(message) => setProblem(message ? { message, details: [] } : null)}
        disabled={props.locked || busy}
        max={MAX_FILES}
        maxBytes={maxBytes}
        accept={accept}
        idPrefix="stream"
        labels={L}
      />
      <label class="check">
        <input
          type="checkbox"
          name="commentsOff"
          checked={commentsOff}
          onChange={(e) => setCommentsOff(e.currentTarget.checked)}
        />
        <span>{L.commentsOffNew}</span>
      </label>
      <label class="check">
        <input
          type="checkbox"
          name="classDefault"
          checked={classDefault}
          disabled={props.locked}
          onChange={(e) => void saveDefault(e.currentTarget.checked)}
        />
        <span>{L.classDefault}</span>
      </label>
      {problem && (
        <div role="alert" class="alert">
          <p>{problem.message}</p>
          {problem.details.length > 0 && (
            <ul>{problem.details.map((d, i) => <li key={i}>{d.message}</li>)}</ul>
          )}
        </div>
      )}
      <div class="row actions">
        <button type="submit" class="primary" disabled={locked || !body.trim()}>
          {busy ? L.posting : L.post}
        </button>
      </div>
    </form>
  );
}

function PostCard(
  { post: p, labels: L, when, locked, onChange, onDelete }: {
    post: PostView;
    labels: ClassStreamLabels;
    when: (iso: string) => string;
    locked: boolean;
    onChange: (p: PostView) => void;
    onDelete: (id: string) => void;
  },
) {
  const [editing, setEditing] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState("");
  const [comments, setComments] = useState<CommentView[] | null>(null);
  const [text, setText] = useState("");
  // Keyboard users stay where they were: the confirmation and the editor take the focus.
  const keepButton = useRef<HTMLButtonElement>(null);
  const editor = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (confirming) keepButton.current?.focus();
  }, [confirming]);
  useEffect(() => {
    if (editing !== null) editor.current?.focus();
  }, [editing !== null]);
  const url = `/api/v1/posts/${encodeURIComponent(p.id)}`;
  const off = locked || busy;

  async function patch(body: Record<string, unknown>) {
    setBusy(true);
    setProblem("");
    const res = await sendJson<PostView>("PATCH", url, body, 200, L.network);
    setBusy(false);
    if (!res.ok) return setProblem(res.problem.message), false;
    onChange(res.data);
    return true;
  }

  async function remove() {
    setBusy(true);
    const res = await sendJson("DELETE", url, undefined, 204, L.network);
    setBusy(false);
    if (!res.ok && res.problem.status !== 404) return setProblem(res.problem.message);
    onDelete(p.id);
  }

  async function toggleComments() {
    if (comments) return setComments(null);
    setBusy(true);
    const res = await getJson<CommentPage>(`${url}/comments`, L.network);
    setBusy(false);
    if (!res.ok) return setProblem(res.problem.message);
    setComments(res.data.items);
  }

  async function send(e: Event) {
    e.preventDefault();
    setBusy(true);
    setProblem("");
    const res = await sendJson<CommentView>("POST", `${url}/comments`, { text }, 201, L.network);
    setBusy(false);
    if (!res.ok) return setProblem(res.problem.message);
    setText("");
    // Show the whole conversation with the new comment at its end.
    const list = await getJson<CommentPage>(`${url}/comments`, L.network);
    setComments(list.ok ? list.data.items : [...(comments ?? []), res.data]);
    onChange({ ...p, commentCount: p.commentCount + 1 });
  }

  async function deleteComment(c: CommentView) {
    setBusy(true);
    const res = await sendJson(
      "DELETE",
      `${url}/comments/${encodeURIComponent(c.id)}`,
      undefined,
      204,
      L.network,
    );
    setBusy(false);
    if (!res.ok && res.problem.status !== 404) return setProblem(res.problem.message);
    setComments((old) => old?.filter((x) => x.id !== c.id) ?? null);
    onChange({ ...p, commentCount: Math.max(0, p.commentCount - 1) });
  }

  return (
    <article class="card stream-post" id={`post-${p.id}`} aria-labelledby={`post-${p.id}-by`}>
      <header class="row">
        <strong id={`post-${p.id}-by`}>{p.authorName ?? L.formerMember}</strong>
        <time class="muted" datetime={p.createdAt}>{when(p.createdAt)}</time>
        {p.editedAt && <span class="muted">({L.edited})</span>}
      </header>
      {editing === null
        ? <div class="post-body prose" dangerouslySetInnerHTML={{ __html: p.bodyHtml }} />
        : (
          <form
            class="stack"
            onSubmit={async (e) => {
              e.preventDefault();
              if (await patch({ body: editing })) setEditing(null);
            }}
          >
            <label>
              {L.body}
              <textarea
                ref={editor}
                rows={4}
                value={editing}
                onInput={(e) => setEditing(e.currentTarget.value)}
              />
            </label>
            <div class="row actions">
              <button type="submit" class="primary" disabled={off || !editing.trim()}>
                {L.save}
              </button>
              <button type="button" onClick={() => setEditing(null)}>{L.cancel}</button>
            </div>
          </form>
        )}
      {p.attachments.length > 0 && (
        <ul class="stream-files" aria-label={L.attachments}>
          {p.attachments.map((f) => (
            <li key={f.id}>
              <a href={`/api/v1/files/${encodeURIComponent(f.id)}`}>{f.name}</a>{" "}
              <span class="muted">{formatSize(f.size)}</span>
            </li>
          ))}
        </ul>
      )}
      {p.canEdit && editing === null && (
        <div class="row actions">
          <button type="button" disabled={off} onClick={() => setEditing(p.body)}>
            {L.edit}
          </button>
          <button
            type="button"
            disabled={off}
            onClick={() => void patch({ commentsOff: !p.commentsOff })}
          >
            {p.commentsOff ? L.turnOn : L.turnOff}
          </button>
          {confirming
            ? (
              <span class="row" role="group" aria-label={L.deleteConfirm}>
                <span>{L.deleteConfirm}</span>
                <button type="button" class="danger" disabled={off} onClick={remove}>
                  {L.delete}
                </button>
                <button
                  type="button"
                  ref={keepButton}
                  onClick={() => setConfirming(false)}
                >
                  {L.keep}
                </button>
              </span>
            )
            : (
              <button type="button" disabled={off} onClick={() => setConfirming(true)}>
                {L.delete}
              </button>
            )}
        </div>
      )}
      <section class="stream-comments">
        {p.commentCount > 0 && (
          <button
            type="button"
            class="link"
            aria-expanded={comments ? "true" : "false"}
            disabled={off}
            onClick={toggleComments}
          >
            {comments ? L.hideComments : fill(L.showComments, { count: p.commentCount })}
          </button>
        )}
        {comments && (
          <ul class="stream-comment-list">
            {comments.map((c) => (
              <li key={c.id}>
                <strong>{c.authorName ?? L.formerMember}</strong>{" "}
                <time class="muted" datetime={c.createdAt}>{when(c.createdAt)}</time>
                <p class="comment-text">{c.text}</p>
                {c.canDelete && (
                  <button
                    type="button"
                    class="link"
                    disabled={off}
                    aria-label={`${L.deleteComment}: ${c.text.slice(0, 40)}`}
                    onClick={() => deleteComment(c)}
                  >
                    {L.deleteComment}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        {p.canComment
          ? (
            <form class="row stream-comment-form" onSubmit={send}>
              <label class="grow">
                <span class="sr-only">{L.comment}</span>
                <input
                  name="comment"
                  maxLength={1000}
                  placeholder={L.comment}
                  value={text}
                  onInput={(e) => setText(e.currentTarget.value)}
                />
              </label>
              <button type="submit" disabled={off || !text.trim()}>{L.send}</button>
            </form>
          )
          : p.commentsOff && <p class="muted">{L.commentsAreOff}</p>}
      </section>
      {problem && <p role="alert" class="alert">{problem}</p>}
    </article>
  );
}
