import {
  ClassCrumbs,
  clockTime,
  formatWhen,
  intlLocale,
  zoneLabel,
} from "@/components/Coursework.tsx";
import { lectureRoomLabels, LectureStatusBadge, LectureStyles } from "@/components/Lectures.tsx";
import LectureRoom from "@/islands/LectureRoom.tsx";
import RecordingPlayer, { type RecordingPlayerProps } from "@/islands/RecordingPlayer.tsx";
import RecordingToggle, { type RecordingToggleProps } from "@/islands/RecordingToggle.tsx";
import {
  recordingNotice,
  recordingPlayerProps,
  recordingToggleProps,
} from "@/services/recordings/player.ts";
import LiveVideoWait, {
  LIVE_VIDEO_WAIT_LABELS,
  type LiveVideoWaitLabels,
} from "@/islands/LiveVideoWait.tsx";
import { type ClassRole, requireActor } from "@/services/auth/access.ts";
import type { Class } from "@/services/classes/classes.ts";
import { linkSecret } from "@/services/classes/join_links.ts";
import { listChat } from "@/services/lectures/chat.ts";
import { lectureAccess } from "@/services/lectures/lectures.ts";
import { studentPass } from "@/services/lectures/pass.ts";
import { type ChatMessage, type Lecture, MAX_CHAT_LENGTH } from "@/services/lectures/model.ts";
import type { LiveKitStatus } from "@/services/livekit/link.ts";
import { getOrg } from "@/services/orgs/orgs.ts";
import { pageCsp } from "@/services/web/csp.ts";
import type { Handlers, PageProps, State } from "@/services/web/define.ts";

/** Messages per page of an ended lecture's chat history. */
const HISTORY_PAGE = 500;

interface Data {
  lecture: Lecture;
  cls: Class;
  role: ClassRole;
  timeZone: string;
  video: LiveKitStatus;
  /** An ended lecture: one page of its chat. */
  history?: { items: ChatMessage[]; nextAfter?: string; after?: string };
  /** Students of a scheduled or live lecture: their join pass. */
  joinPass?: string;
  /** An ended lecture that was recorded: the player (services/recordings/player.ts). */
  recording?: RecordingPlayerProps | null;
  /** Teachers of a lecture that has not ended: the record switch. */
  recordToggle?: RecordingToggleProps | null;
  /** Students of a recorded lecture that has not ended: they are told. */
  recordNotice?: boolean;
}

/**
 * The lecture page, which is also the link teachers share. Members of the class only (others
 * get "not found"; signed-out visitors go to sign-in and come back). A live or scheduled
 * lecture renders the lecture room; an ended one its chat history.
 */
export const handler: Handlers<Data> = {
  async GET(_req, ctx) {
    const { kv, config } = ctx.state;
    const actor = requireActor(ctx.state);
    const { lecture, cls, role } = await lectureAccess(kv, actor, ctx.params.lectureId);
    // Students join with a pass: when the teacher goes live, the waiting pages all ask at once.
    const joinPass = role === "student" && lecture.status !== "ended"
      ? studentPass(await linkSecret(kv, config), lecture, actor.user, actor.session)
      : undefined;
    const { timeZone } = await getOrg(kv, cls.orgId);
    let history: Data["history"];
    if (lecture.status === "ended") {
      const after = ctx.url.searchParams.get("after")?.slice(0, 40) || undefined;
      history = { ...await listChat(kv, lecture.id, { after, limit: HISTORY_PAGE }), after };
    }
    const recording = lecture.status === "ended"
      ? await recordingPlayerProps(ctx.state, lecture, role, timeZone)
      : null;
    const recordToggle = await recordingToggleProps(ctx.state, lecture, role);
    const recordNotice = await recordingNotice(ctx.state, lecture, role);
    ctx.state.title = lecture.title;
    return ctx.render({
      lecture,
      cls,
      role,
      timeZone,
      video: ctx.state.livekit.status(),
      history,
      joinPass,
      recording,
      recordToggle,
      recordNotice,
    }, {
      // The teacher's beautify filter runs MediaPipe's WebAssembly.
      headers: host(role) && lecture.status !== "ended"
        ? {
          "content-security-policy": pageCsp({
            wasm: true,
            livekitUrl: ctx.state.livekit.server?.url,
          }),
        }
        : {},
    });
  },
};

const host = (role: ClassRole) => role !== "student";

export default function LecturePage({ data, state }: PageProps<Data>) {
  const { t } = state;
  const { lecture, cls, role, timeZone, video } = data;
  const isHost = host(role);
  const attendanceUrl = `/lectures/${lecture.id}/attendance`;
  const shareUrl = `${state.config.publicUrl}/lectures/${lecture.id}`;
  return (
    <>
      <LectureStyles />
      <ClassCrumbs
        state={state}
        cls={cls}
        trail={[
          { href: `/classes/${cls.id}/lectures`, label: t("lectures.title") },
          { label: lecture.title },
        ]}
      />
      <header class="page-head lecture-head">
        <div>
          <p class="eyebrow">{cls.name}</p>
          <h1>
            {lecture.title}{" "}
            {lecture.status === "ended" && <LectureStatusBadge state={state} status="ended" />}
          </h1>
          <p class="muted">
            {lecture.status === "ended" && lecture.endedAt
              ? t("lectures.page.endedAt", { time: formatWhen(state, lecture.endedAt, timeZone) })
              : t("lectures.page.startsAt", {
                time: formatWhen(state, lecture.startsAt, timeZone),
              })}
          </p>
        </div>
        {isHost && (
          <div class="page-actions">
            {lecture.status !== "ended" && (
              <label class="share-link">
                {t("lectures.page.share")}
                <input
                  readOnly
                  value={shareUrl}
                  aria-describedby="share-hint"
                />
                <small id="share-hint" class="muted">{t("lectures.page.shareHint")}</small>
              </label>
            )}
            <a class="button" href={attendanceUrl}>{t("lectures.page.attendance")}</a>
          </div>
        )}
      </header>
      {data.recordToggle && <RecordingToggle {...data.recordToggle} />}
      {data.recordNotice && <p class="notice recording-notice">{t("recordings.notice")}</p>}
      {data.recording && <RecordingPlayer {...data.recording} />}
      {lecture.status === "ended"
        ? (
          <ChatHistory
            state={state}
            lecture={lecture}
            history={data.history!}
            timeZone={timeZone}
          />
        )
        : video.state === "starting"
        ? (
          <LiveVideoWait
            build={video.build}
            labels={Object.fromEntries(
              LIVE_VIDEO_WAIT_LABELS.map((k) => [k, t(`lectures.video.${k}` as const)]),
            ) as LiveVideoWaitLabels}
          />
        )
        : video.state !== "ready"
        ? (
          <section class="card" role="alert">
            <h2>{t("lectures.page.unavailable")}</h2>
            <p>{video.message}</p>
          </section>
        )
        : (
          <LectureRoom
            lectureId={lecture.id}
            role={isHost ? "teacher" : "student"}
            status={lecture.status}
            userId={state.actor!.user.id}
            joinPass={data.joinPass}
            startsAtText={formatWhen(state, lecture.startsAt, timeZone)}
            attendanceUrl={isHost ? attendanceUrl : ""}
            maxChat={MAX_CHAT_LENGTH}
            studentChat={lecture.studentChat !== false}
            locale={intlLocale(state)}
            debug={state.config.env !== "production"}
            labels={lectureRoomLabels(state)}
          />
        )}
    </>
  );
}

/** An ended lecture's chat, read-only, a page at a time (text shown as text). */
function ChatHistory(
  { state, lecture, history, timeZone }: {
    state: State;
    lecture: Lecture;
    history: NonNullable<Data["history"]>;
    /** The school's clock: the times beside the messages read like the lecture's own times. */
    timeZone: string;
  },
) {
  const { t } = state;
  return (
    <section class="card lecture-history" aria-labelledby="history-title">
      <p class="notice">{t("lectures.page.ended")}</p>
      <h2 id="history-title">{t("lectures.page.history")}</h2>
      <p class="muted">{t("lectures.page.historyClock", { zone: zoneLabel(state, timeZone) })}</p>
      {history.items.length === 0
        ? (
          <p class="empty">
            {history.after ? t("lectures.room.chatEmpty") : t("lectures.page.noChat")}
          </p>
        )
        : (
          <ol class="chat-log static">
            {history.items.map((m) => (
              <li
                key={m.id}
                data-message-id={m.id}
                class={m.role === "teacher" ? "from-teacher" : ""}
              >
                <span class="chat-meta">
                  <strong class="chat-name">{m.name}</strong>
                  {m.role === "teacher" && (
                    <span class="badge role-teacher">{t("lectures.room.role.teacher")}</span>
                  )}
                  <time dateTime={m.at}>{clockTime(state, m.at, timeZone)}</time>
                </span>
                <span class="chat-text">{m.text}</span>
              </li>
            ))}
          </ol>
        )}
      {(history.after || history.nextAfter) && (
        <nav class="pager" aria-label={t("lectures.page.history")}>
          {history.after && <a href={`/lectures/${lecture.id}`}>{t("lectures.page.fromStart")}</a>}
          {history.nextAfter && (
            <a href={`/lectures/${lecture.id}?after=${history.nextAfter}`}>
              {t("lectures.room.next")}
            </a>
          )}
        </nav>
      )}
    </section>
  );
}
