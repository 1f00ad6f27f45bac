import { useEffect, useRef, useState } from "preact/hooks";
import { fill } from "@/components/island_client.ts";
import { callApi, lectureApi, type LectureStatus, type OwnHand } from "@/components/lecture/api.ts";
import { Chat } from "@/components/lecture/Chat.tsx";
import type { LectureRoomLabels } from "@/components/lecture/labels.ts";
import { receivedVideoStats } from "@/components/lecture/livekit.ts";
import { Moderation } from "@/components/lecture/Moderation.tsx";
import { StudentStage, TeacherStage } from "@/components/lecture/Stage.tsx";
import { StudentPanel } from "@/components/lecture/StudentPanel.tsx";
import { useChat } from "@/components/lecture/use_chat.ts";
import { type Phase, useLectureRoom } from "@/components/lecture/use_room.ts";
import { ownCamera, useTeacherMedia } from "@/components/lecture/use_teacher_media.ts";

export { LECTURE_ROOM_LABELS, type LectureRoomLabels } from "@/components/lecture/labels.ts";

export interface LectureRoomProps {
  lectureId: string;
  /** "teacher" for the class's teachers and school admins. */
  role: "teacher" | "student";
  /** The lecture's status when the page was rendered. */
  status: LectureStatus;
  userId: string;
  /** Students: a signed pass for the token request (see services/lectures/pass.ts). */
  joinPass?: string;
  /** The planned start, already formatted in the school's time zone. */
  startsAtText: string;
  /** Where the attendance report is (teachers), or "" */
  attendanceUrl: string;
  /** Longest chat message (characters). */
  maxChat: number;
  /** Whether students may write in the chat (when the page was rendered). */
  studentChat: boolean;
  /** BCP 47 language for times and numbers. */
  locale: string;
  /** Non-production builds: expose `window.__mirae_lecture` for tests and debugging. */
  debug: boolean;
  /** Translated strings, built on the server; `{name}` placeholders are filled here. */
  labels: LectureRoomLabels;
}

function initialPhase(role: LectureRoomProps["role"], status: LectureStatus): Phase {
  if (status === "ended") return "ended";
  return role === "teacher" ? "preview" : "connecting";
}

/**
 * The live lecture. Teachers preview their camera, go live (the room opens and their camera
 * is published in three simulcast layers), share their screen, run the hand queue and the
 * stage, moderate and end the lecture; a reload resumes a live lecture. Students join by
 * themselves (waiting while the lecture has not started), watch with adaptive stream or data
 * saver, raise a hand, and publish only while on stage. Everyone has the chat, whose history
 * stays readable after the lecture.
 */
export default function LectureRoom(props: LectureRoomProps) {
  const { lectureId, role, status, labels: L } = props;
  const teacher = role === "teacher";
  const chat = useChat(lectureId, L.network);
  const media = useTeacherMedia(lectureId, teacher && status !== "ended");
  const [hand, setHand] = useState<OwnHand>({ raised: false });
  const [handsSignal, setHandsSignal] = useState(0);
  const [handsCount, setHandsCount] = useState<number | null>(null);
  const [ending, setEnding] = useState(false);
  const [hydrated, setHydrated] = useState(false);
  const [studentChat, setStudentChat] = useState(props.studentChat);
  const resumed = useRef(false);
  // On a phone the side panel (hand, chat) is an overlay opened with the "Chat" button.
  const [panelOpen, setPanelOpen] = useState(false);
  const panelOpenRef = useRef(false);
  const [unread, setUnread] = useState(0);
  const stage = useRef<HTMLDivElement>(null);
  const full = useFullScreen(stage);

  const openPanel = (open: boolean) => {
    panelOpenRef.current = open;
    setPanelOpen(open);
    if (open) setUnread(0);
  };

  const lk = useLectureRoom({
    lectureId,
    joinPass: props.joinPass,
    role,
    initialPhase: initialPhase(role, status),
    labels: L,
    onChat: (m) => {
      chat.add([m]);
      // Counted for the closed panel's button (the packet was checked by chat.add).
      const from = (m as { userId?: unknown } | null)?.userId;
      if (!panelOpenRef.current && from !== props.userId) setUnread((n) => n + 1);
    },
    onStudentChat: setStudentChat,
    onHands: (d) => {
      if (teacher && typeof d.count === "number") {
        setHandsCount(d.count);
        setHandsSignal((n) => n + 1);
      } else if (!teacher && d.raised === false) {
        setHand({ raised: false });
      }
    },
    onJoined: () => {
      void chat.catchUp();
      if (!teacher) {
        void callApi<OwnHand>("GET", `${lectureApi(lectureId)}/hands`, L.network).then((r) => {
          if (r.ok) setHand(r.data);
        });
      }
    },
    afterConnect: teacher ? media.afterConnect : undefined,
    onClosed: () => media.release(),
  });

  useEffect(() => {
    setHydrated(true);
    // The history is there to read before joining, while waiting, and after the lecture.
    void chat.catchUp();
  }, []);

  // A teacher who reloads a live lecture's page is back in it without a click.
  useEffect(() => {
    if (
      teacher && status === "live" && !resumed.current && lk.phase === "preview" &&
      media.previewState !== "starting"
    ) {
      resumed.current = true;
      void lk.join();
    }
  }, [media.previewState]);

  useEffect(() => {
    if (!props.debug) return;
    (globalThis as Record<string, unknown>).__mirae_lecture = {
      get room() {
        return lk.getRoom();
      },
      get phase() {
        return document.querySelector(".lecture-room")?.getAttribute("data-phase");
      },
      videoStats: () => {
        const room = lk.getRoom();
        return room ? receivedVideoStats(room) : Promise.resolve([]);
      },
      /** Teachers: resolves once the camera filter's face model is loaded (its notice). */
      beautifyLoaded: () => media.beautify.whenLoaded(),
      /** Teachers: the device their camera is on, and whether it has the filter. */
      camera: () => {
        const track = ownCamera(lk.getRoom(), media.previewRef.current);
        return track && {
          device: track.getSourceTrackSettings().deviceId ?? "",
          filtered: !!track.getProcessor(),
          live: track.mediaStreamTrack.readyState === "live",
        };
      },
    };
  }, []);

  /** Teachers: students may write in the chat, or not (the server tells their pages). */
  async function switchStudentChat(on: boolean) {
    setStudentChat(on);
    const res = await callApi("PATCH", lectureApi(lectureId), L.network, { studentChat: on });
    if (!res.ok) setStudentChat(!on);
  }

  async function endLecture() {
    if (!confirm(L.confirmEnd)) return;
    setEnding(true);
    await lk.end();
    setEnding(false);
  }

  const { phase, room } = lk;
  const connected = !!room && (phase === "live" || phase === "reconnecting");
  const over = phase === "ended" || phase === "removed";

  return (
    <div
      class={`lecture-room ${teacher ? "as-teacher" : "as-student"}`}
      data-phase={phase}
      data-role={role}
      data-on-stage={lk.onStage ? "true" : "false"}
      data-hydrated={hydrated ? "" : undefined}
    >
      <Banner
        phase={phase}
        problem={lk.problem}
        startsAtText={props.startsAtText}
        audioBlocked={connected && lk.audioBlocked}
        onRejoin={() => void lk.join()}
        onStartAudio={lk.startAudio}
        attendanceUrl={teacher ? props.attendanceUrl : ""}
        labels={L}
      />
      <div
        ref={stage}
        class={`lecture-layout${over ? " over" : ""}${panelOpen ? " panel-open" : ""}${
          full.window ? " full-window" : ""
        }`}
      >
        {!over && (
          <div class="lecture-main">
            <div class="room-bar">
              <button
                type="button"
                class="panel-toggle"
                aria-expanded={panelOpen}
                aria-controls="lecture-side"
                onClick={() => openPanel(!panelOpen)}
              >
                {L.openPanel}
                {unread > 0 && (
                  <span class="unread-count" aria-label={fill(L.unread, { count: unread })}>
                    {unread}
                  </span>
                )}
              </button>
              <button
                type="button"
                class="fullscreen-toggle"
                aria-pressed={full.on}
                onClick={full.toggle}
              >
                {full.on ? L.exitFullScreen : L.fullScreen}
              </button>
            </div>
            {teacher
              ? (
                <TeacherStage
                  room={room}
                  phase={phase}
                  media={media}
                  resume={status === "live" || phase === "left"}
                  onGoLive={() => void lk.join()}
                  onLeave={lk.leave}
                  onEnd={endLecture}
                  ending={ending}
                  labels={L}
                />
              )
              : <StudentStage room={room} phase={phase} labels={L} />}
          </div>
        )}
        <aside class="lecture-side" id="lecture-side">
          {!over && (
            <button type="button" class="panel-close" onClick={() => openPanel(false)}>
              {L.closePanel}
            </button>
          )}
          {teacher && connected && (
            <Moderation
              lectureId={lectureId}
              handsSignal={handsSignal}
              handsCount={handsCount}
              selfId={props.userId}
              labels={L}
              locale={props.locale}
            />
          )}
          {!teacher && connected && room && (
            <StudentPanel
              lectureId={lectureId}
              room={room}
              quality={lk.quality}
              onStage={lk.onStage}
              dataSaver={lk.dataSaver}
              setDataSaver={lk.setDataSaver}
              hand={hand}
              setHand={setHand}
              labels={L}
            />
          )}
          <Chat
            chat={chat}
            canPost={connected && (teacher || studentChat)}
            studentChat={studentChat}
            onStudentChat={teacher ? switchStudentChat : undefined}
            closed={phase === "ended"}
            maxLength={props.maxChat}
            userId={props.userId}
            labels={L}
            locale={props.locale}
          />
        </aside>
      </div>
    </div>
  );
}

/**
 * Full screen for the stage (video, controls and the side panel as an overlay): the
 * Fullscreen API where the browser has it for elements, else (iOS Safari) a CSS "full
 * window" mode that covers the page.
 */
function useFullScreen(stage: { current: HTMLElement | null }) {
  const [api, setApi] = useState(false);
  const [win, setWin] = useState(false);
  useEffect(() => {
    const changed = () => setApi(!!document.fullscreenElement);
    document.addEventListener("fullscreenchange", changed);
    return () => document.removeEventListener("fullscreenchange", changed);
  }, []);
  const toggle = async () => {
    const el = stage.current;
    if (!el) return;
    if (document.fullscreenElement) return void await document.exitFullscreen();
    if (win) return setWin(false);
    if (typeof el.requestFullscreen === "function" && document.fullscreenEnabled) {
      try {
        await el.requestFullscreen();
        return;
      } catch { /* refused: the full window instead */ }
    }
    setWin(true);
  };
  return { on: api || win, window: win, toggle: () => void toggle() };
}

/** Where the room stands, in words, with the one action that helps. */
function Banner(
  { phase, problem, startsAtText, audioBlocked, onRejoin, onStartAudio, attendanceUrl, labels: L }:
    {
      phase: Phase;
      problem: string;
      startsAtText: string;
      audioBlocked: boolean;
      onRejoin(): void;
      onStartAudio(): void;
      attendanceUrl: string;
      labels: LectureRoomLabels;
    },
) {
  return (
    <div class="lecture-banner">
      <div role="status" aria-live="polite">
        {phase === "waiting" && (
          <p class="notice">
            {L.waiting}
            {startsAtText && (
              <>
                <br />
                <span class="muted">{fill(L.startsAt, { time: startsAtText })}</span>
              </>
            )}
          </p>
        )}
        {phase === "connecting" && <p class="notice">{L.connecting}</p>}
        {phase === "live" && (
          <p class="live-line">
            <span class="badge live">{L.live}</span>
          </p>
        )}
        {phase === "reconnecting" && <p class="notice warn">{L.reconnecting}</p>}
        {phase === "ended" && (
          <p class="notice">
            {L.ended}
            {attendanceUrl && (
              <>
                {" "}
                <a href={attendanceUrl}>{L.attendance}</a>
              </>
            )}
          </p>
        )}
      </div>
      {phase === "removed" && <p class="notice error" role="alert">{L.removed}</p>}
      {phase === "elsewhere" && (
        <p class="notice" role="alert">
          {L.elsewhere} <button type="button" onClick={onRejoin}>{L.rejoin}</button>
        </p>
      )}
      {phase === "left" && (
        <p class="notice" role="status">
          {L.left} <button type="button" onClick={onRejoin}>{L.rejoin}</button>
        </p>
      )}
      {phase === "disconnected" && (
        <p class="notice error" role="alert">
          {problem || L.disconnected} <button type="button" onClick={onRejoin}>{L.rejoin}</button>
        </p>
      )}
      {phase === "failed" && <p class="notice error" role="alert">{problem}</p>}
      {audioBlocked && (
        <p class="notice">
          {L.audioBlocked} <button type="button" onClick={onStartAudio}>{L.startAudio}</button>
        </p>
      )}
    </div>
  );
}
