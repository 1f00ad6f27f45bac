/**
 * The lecture room's connection: open (teachers), get a token, connect to LiveKit, follow
 * the room's events, and say where things stand in one `phase` the page shows. Students
 * wait (polling every ~5 s) while the lecture has not started. The server's data packets
 * (chat, hands, stage, lecture ended) are read here and only when the server sent them.
 * Browser only.
 * @module
 */
import {
  DisconnectReason,
  type Participant,
  type RemoteParticipant,
  type RemoteTrack,
  type RemoteTrackPublication,
  type Room,
  RoomEvent,
} from "livekit-client";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { callApi, lectureApi, type LectureToken } from "./api.ts";
import type { LectureRoomLabels } from "./labels.ts";
import {
  applyVideoQuality,
  applyVideoQualityAll,
  newLectureRoom,
  type QualityName,
  qualityName,
  serverPayload,
  unpublishAll,
} from "./livekit.ts";

export type Phase =
  /** Teacher, not connected yet: camera preview and "Go live". */
  | "preview"
  /** Student: the lecture has not started; the page retries by itself. */
  | "waiting"
  | "connecting"
  | "live"
  | "reconnecting"
  /** Connection lost (not by the lecture ending): "Rejoin". */
  | "disconnected"
  /** Teacher: left without ending the lecture, which goes on for the students: "Rejoin". */
  | "left"
  | "ended"
  | "removed"
  /** The same person joined from another tab or device. */
  | "elsewhere"
  /** The server said no (e.g. no video server): `problem` says why. */
  | "failed";

/** Data-channel topics the server sends on (services/lectures/model.ts TOPICS). */
export const TOPICS = {
  chat: "mirae.chat",
  hands: "mirae.hands",
  stage: "mirae.stage",
  lecture: "mirae.lecture",
} as const;

/** How often a waiting student asks whether the lecture has started (ms, ± jitter). */
const WAIT_RETRY = 5_000;

export interface RoomOptions {
  lectureId: string;
  role: "teacher" | "student";
  /** Students: the page's join pass, so a join needs no session read on the server. */
  joinPass?: string;
  initialPhase: Phase;
  labels: LectureRoomLabels;
  /** A chat message packet from the server. */
  onChat(message: unknown): void;
  /** A "mirae.hands" packet: `{count}` for teachers, `{raised:false}` for a student. */
  onHands(data: Record<string, unknown>): void;
  /** Connected (first time, rejoin or after a network reconnect): fetch what was missed. */
  onJoined(room: Room): void;
  /** Whether students may write in the chat: from the token answer, then as the teacher changes it. */
  onStudentChat?(on: boolean): void;
  /** Teachers: publish camera and microphone once connected. */
  afterConnect?(room: Room): Promise<void>;
  /** The connection is over for good (ended, removed…): release cameras and such. */
  onClosed?(): void;
}

export interface RoomState {
  phase: Phase;
  problem: string;
  room: Room | null;
  /** The room now (for callbacks that outlive a render). */
  getRoom(): Room | null;
  /** Changes whenever tracks or participants change (re-render to pick them up). */
  tick: number;
  quality: QualityName;
  onStage: boolean;
  audioBlocked: boolean;
  dataSaver: boolean;
  setDataSaver(on: boolean): void;
  join(): Promise<void>;
  /** Teachers: end the lecture for everyone. */
  end(): Promise<boolean>;
  /** Teachers: leave the room; the lecture goes on (its room closes when everyone has left). */
  leave(): void;
  startAudio(): void;
}

const DATA_SAVER_KEY = "mirae.lecture.dataSaver";

export function useLectureRoom(opts: RoomOptions): RoomState {
  const { lectureId, role, labels: L } = opts;
  const api = lectureApi(lectureId);
  const [phase, setPhaseState] = useState<Phase>(opts.initialPhase);
  const [problem, setProblem] = useState("");
  const [tick, setTick] = useState(0);
  const [quality, setQuality] = useState<QualityName>("unknown");
  const [onStage, setOnStageState] = useState(false);
  const [audioBlocked, setAudioBlocked] = useState(false);
  const [dataSaver, setDataSaverState] = useState(false);
  const roomRef = useRef<Room | null>(null);
  const phaseRef = useRef(phase);
  const joining = useRef(false);
  const retry = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const dataSaverRef = useRef(false);
  const onStageRef = useRef(false);
  // The latest callbacks, so room listeners set up once always call the current ones.
  const cb = useRef(opts);
  cb.current = opts;

  const setPhase = (p: Phase) => {
    phaseRef.current = p;
    setPhaseState(p);
  };
  const bump = () => setTick((n) => n + 1);

  useEffect(() => {
    try {
      const saved = localStorage.getItem(DATA_SAVER_KEY) === "1";
      dataSaverRef.current = saved;
      setDataSaverState(saved);
    } catch { /* storage off: default "auto" */ }
  }, []);

  const setDataSaver = useCallback((on: boolean) => {
    dataSaverRef.current = on;
    setDataSaverState(on);
    try {
      localStorage.setItem(DATA_SAVER_KEY, on ? "1" : "0");
    } catch { /* not kept */ }
    if (roomRef.current) applyVideoQualityAll(roomRef.current, on);
  }, []);

  /** The lecture is over for this page: leave the room and release devices. */
  const close = (next: Phase, message = "") => {
    clearTimeout(retry.current);
    const room = roomRef.current;
    roomRef.current = null;
    setPhase(next);
    setProblem(message);
    if (room) void room.disconnect();
    cb.current.onClosed?.();
    bump();
  };

  const stageChanged = async (room: Room, on: boolean) => {
    if (onStageRef.current === on) return;
    onStageRef.current = on;
    setOnStageState(on);
    // Off stage: the server has already unpublished; stop the camera and microphone too.
    if (!on) await unpublishAll(room);
    bump();
  };

  const wire = (room: Room) => {
    const mine = () => roomRef.current === room;
    const changed = () => mine() && bump();
    room
      .on(
        RoomEvent.TrackSubscribed,
        (_t: RemoteTrack, pub: RemoteTrackPublication, _p: RemoteParticipant) => {
          if (dataSaverRef.current) applyVideoQuality(pub, true);
          changed();
        },
      )
      .on(RoomEvent.TrackUnsubscribed, changed)
      .on(RoomEvent.TrackPublished, changed)
      .on(RoomEvent.TrackUnpublished, changed)
      .on(RoomEvent.TrackMuted, changed)
      .on(RoomEvent.TrackUnmuted, changed)
      .on(RoomEvent.LocalTrackPublished, changed)
      .on(RoomEvent.LocalTrackUnpublished, changed)
      .on(RoomEvent.ParticipantConnected, changed)
      .on(RoomEvent.ParticipantDisconnected, changed)
      .on(RoomEvent.ConnectionQualityChanged, (q, p: Participant) => {
        if (mine() && p === room.localParticipant) setQuality(qualityName(q));
      })
      .on(RoomEvent.ParticipantPermissionsChanged, (_prev, p: Participant) => {
        if (!mine() || p !== room.localParticipant || role !== "student") return;
        void stageChanged(room, !!p.permissions?.canPublish);
      })
      .on(RoomEvent.DataReceived, (payload, participant, _kind, topic) => {
        if (!mine()) return;
        const data = serverPayload(payload, participant);
        if (!data || typeof data !== "object") return;
        const d = data as Record<string, unknown>;
        if (topic === TOPICS.chat) cb.current.onChat(d);
        else if (topic === TOPICS.hands) cb.current.onHands(d);
        else if (topic === TOPICS.stage && typeof d.onStage === "boolean") {
          void stageChanged(room, d.onStage);
        } else if (topic === TOPICS.lecture && d.type === "ended") close("ended");
        else if (
          topic === TOPICS.lecture && d.type === "chat" && typeof d.studentChat === "boolean"
        ) {
          cb.current.onStudentChat?.(d.studentChat);
        }
      })
      .on(RoomEvent.Reconnecting, () => mine() && setPhase("reconnecting"))
      .on(RoomEvent.Reconnected, () => {
        if (!mine()) return;
        setPhase("live");
        cb.current.onJoined(room);
      })
      .on(RoomEvent.AudioPlaybackStatusChanged, () => {
        if (mine()) setAudioBlocked(!room.canPlaybackAudio);
      })
      .on(RoomEvent.Disconnected, (reason?: DisconnectReason) => {
        if (!mine()) return;
        if (reason === DisconnectReason.ROOM_DELETED) close("ended");
        else if (reason === DisconnectReason.PARTICIPANT_REMOVED) close("removed");
        else if (reason === DisconnectReason.DUPLICATE_IDENTITY) close("elsewhere");
        else close("disconnected", L.disconnected);
      });
  };

  /** Answers the token request's refusals: wait, ended, removed, or a message. */
  const refused = (status: number, message: string) => {
    if (status === 409 && role === "student") {
      setPhase("waiting");
      clearTimeout(retry.current);
      retry.current = setTimeout(() => void join(), WAIT_RETRY * (0.8 + Math.random() * 0.4));
      return;
    }
    if (status === 410) return close("ended");
    // An expired pass (the page was open for hours): the reloaded page carries a new one.
    if (status === 401 && opts.joinPass) return location.reload();
    if (status === 403 && role === "student") return close("removed");
    setPhase(status === 0 ? "disconnected" : "failed");
    setProblem(message);
    // The video server may come up (503 while it starts): try again a little later.
    if (status === 503) {
      clearTimeout(retry.current);
      retry.current = setTimeout(() => void join(), WAIT_RETRY * 2);
    }
  };

  const join = async () => {
    if (joining.current || roomRef.current) return;
    joining.current = true;
    clearTimeout(retry.current);
    if (phaseRef.current !== "waiting") setPhase("connecting");
    try {
      if (role === "teacher") {
        const opened = await callApi("POST", `${api}/open`, L.network);
        if (!opened.ok) return refused(opened.status, opened.problem.message);
      }
      // With a pass the request goes without cookies: the server checks the pass only.
      const res = await callApi<LectureToken>("POST", `${api}/token`, L.network, undefined, {
        pass: opts.joinPass,
      });
      if (!res.ok) return refused(res.status, res.problem.message);
      cb.current.onStudentChat?.(res.data.studentChat);
      const room = newLectureRoom();
      roomRef.current = room;
      wire(room);
      try {
        await room.connect(res.data.url, res.data.token);
      } catch (err) {
        if (roomRef.current === room) roomRef.current = null;
        void room.disconnect();
        setPhase("disconnected");
        setProblem(`${L.network} (${(err as Error).message})`);
        return;
      }
      if (roomRef.current !== room) return;
      onStageRef.current = res.data.onStage;
      setOnStageState(res.data.onStage);
      setAudioBlocked(!room.canPlaybackAudio);
      setProblem("");
      setPhase("live");
      applyVideoQualityAll(room, dataSaverRef.current);
      cb.current.onJoined(room);
      if (cb.current.afterConnect) await cb.current.afterConnect(room);
      bump();
    } finally {
      joining.current = false;
    }
  };

  const end = async () => {
    const res = await callApi("POST", `${api}/end`, L.network);
    if (!res.ok) {
      setProblem(res.problem.message);
      return false;
    }
    close("ended");
    return true;
  };

  useEffect(() => {
    // Students join as soon as the page is up (or wait for the lecture to start).
    if (role === "student" && opts.initialPhase === "connecting") void join();
    return () => {
      clearTimeout(retry.current);
      const room = roomRef.current;
      roomRef.current = null;
      void room?.disconnect();
    };
  }, []);

  return {
    phase,
    problem,
    room: roomRef.current,
    getRoom: () => roomRef.current,
    tick,
    quality,
    onStage,
    audioBlocked,
    dataSaver,
    setDataSaver,
    join,
    end,
    leave: () => close("left"),
    startAudio: () => {
      void roomRef.current?.startAudio().then(() => setAudioBlocked(false));
    },
  };
}
