/**
 * The teacher's camera, microphone and screen share: a camera preview before going live (the
 * same track is then published, so an effect set on it in the preview stays on), the
 * simulcast publish once connected, toggles while live, and the choices kept for a reload
 * (a teacher who reloads resumes with the camera and microphone as they were). The beautify
 * filter (use_beautify.ts) is put on every camera track this page opens, before it is shown or
 * published. Browser only.
 * @module
 */
import { createLocalVideoTrack, type LocalVideoTrack, type Room, Track } from "livekit-client";
import { useEffect, useRef, useState } from "preact/hooks";
import { CAMERA_PUBLISH, CAMERA_RESOLUTION, SCREEN_PUBLISH } from "./livekit.ts";
import { type TeacherBeautify, useTeacherBeautify } from "./use_beautify.ts";

export type PreviewState = "starting" | "ready" | "off" | "error";

export interface TeacherMedia {
  /** The camera before going live (null when off or failed). */
  preview: LocalVideoTrack | null;
  previewState: PreviewState;
  /** Why the camera or the screen share did not start (the browser's words). */
  error: string;
  shareError: string;
  camOn: boolean;
  micOn: boolean;
  /** The camera's beautify filter: settings, notice, before/after tracks. */
  beautify: TeacherBeautify;
  /** Publishes what the teacher chose, once connected. */
  afterConnect(room: Room): Promise<void>;
  toggleCamera(room: Room | null): Promise<void>;
  toggleMic(room: Room | null): Promise<void>;
  toggleShare(room: Room): Promise<void>;
  /** Stops the preview camera (the lecture is over). */
  release(): void;
}

interface Prefs {
  cam: boolean;
  mic: boolean;
}

function prefsKey(lectureId: string) {
  return `mirae.lecture.${lectureId}.media`;
}

function loadPrefs(lectureId: string): Prefs {
  try {
    const p = JSON.parse(sessionStorage.getItem(prefsKey(lectureId)) ?? "{}");
    return { cam: p.cam !== false, mic: p.mic !== false };
  } catch {
    return { cam: true, mic: true };
  }
}

function savePrefs(lectureId: string, prefs: Prefs) {
  try {
    sessionStorage.setItem(prefsKey(lectureId), JSON.stringify(prefs));
  } catch { /* not kept */ }
}

function message(err: unknown): string {
  return (err as Error)?.message || String(err);
}

export function useTeacherMedia(lectureId: string, enabled: boolean): TeacherMedia {
  const [preview, setPreview] = useState<LocalVideoTrack | null>(null);
  const [previewState, setPreviewState] = useState<PreviewState>(enabled ? "starting" : "off");
  const [error, setError] = useState("");
  const [shareError, setShareError] = useState("");
  const [prefs, setPrefs] = useState<Prefs>({ cam: true, mic: true });
  const previewRef = useRef<LocalVideoTrack | null>(null);
  const prefsRef = useRef(prefs);
  const beautify = useTeacherBeautify();

  const choose = (next: Prefs) => {
    prefsRef.current = next;
    setPrefs(next);
    savePrefs(lectureId, next);
  };

  const startPreview = async () => {
    setPreviewState("starting");
    setError("");
    try {
      const track = await createLocalVideoTrack({ resolution: CAMERA_RESOLUTION });
      // The filter goes on the track itself, so the preview shows it and going live sends it.
      await beautify.attach(track);
      previewRef.current = track;
      setPreview(track);
      setPreviewState("ready");
    } catch (err) {
      setError(message(err));
      setPreviewState("error");
    }
  };

  const stopPreview = () => {
    previewRef.current?.stop();
    previewRef.current = null;
    setPreview(null);
    setPreviewState("off");
  };

  useEffect(() => {
    if (!enabled) return;
    const saved = loadPrefs(lectureId);
    prefsRef.current = saved;
    setPrefs(saved);
    if (saved.cam) void startPreview();
    else setPreviewState("off");
    return () => previewRef.current?.stop();
  }, [enabled]);

  const afterConnect = async (room: Room) => {
    const lp = room.localParticipant;
    setError("");
    if (prefsRef.current.cam) {
      try {
        let track = previewRef.current;
        // The filter set on the preview track stays on once published: it is the same track.
        if (!track || track.mediaStreamTrack.readyState !== "live") {
          // After a rejoin the old track was stopped (its filter with it) with the old
          // connection: a new camera track, with a new filter, before it is published.
          track = await createLocalVideoTrack({ resolution: CAMERA_RESOLUTION });
          previewRef.current = track;
        }
        await beautify.attach(track);
        await lp.publishTrack(track, CAMERA_PUBLISH);
      } catch (err) {
        setError(message(err));
      }
    }
    if (prefsRef.current.mic) {
      try {
        await lp.setMicrophoneEnabled(true);
      } catch (err) {
        setError(message(err));
      }
    }
  };

  const toggleCamera = async (room: Room | null) => {
    const cam = !prefsRef.current.cam;
    choose({ ...prefsRef.current, cam });
    if (!room) return cam ? startPreview() : stopPreview();
    try {
      setError("");
      const pub = await room.localParticipant.setCameraEnabled(cam);
      // Turning the camera back on restarts the same track (LiveKit restarts its filter); a
      // camera that was off when the lecture started is a new track, which gets one here.
      if (cam) await beautify.attach(pub?.videoTrack as LocalVideoTrack | undefined);
    } catch (err) {
      setError(message(err));
    }
  };

  const toggleMic = async (room: Room | null) => {
    const mic = !prefsRef.current.mic;
    choose({ ...prefsRef.current, mic });
    if (!room) return;
    try {
      await room.localParticipant.setMicrophoneEnabled(mic);
    } catch (err) {
      setError(message(err));
    }
  };

  const toggleShare = async (room: Room) => {
    const lp = room.localParticipant;
    setShareError("");
    try {
      await lp.setScreenShareEnabled(
        !lp.isScreenShareEnabled,
        {
          audio: false,
          contentHint: "detail",
          selfBrowserSurface: "exclude",
          resolution: { width: 1920, height: 1080, frameRate: 15 },
        },
        SCREEN_PUBLISH,
      );
    } catch (err) {
      // Closing the browser's picker is not an error worth a message.
      if ((err as Error)?.name !== "NotAllowedError") setShareError(message(err));
    }
  };

  return {
    preview,
    previewState,
    error,
    shareError,
    camOn: prefs.cam,
    micOn: prefs.mic,
    beautify,
    afterConnect,
    toggleCamera,
    toggleMic,
    toggleShare,
    release: () => {
      previewRef.current?.stop();
      previewRef.current = null;
      setPreview(null);
    },
  };
}

/** The camera track the teacher sees of themself: the published one once live. */
export function ownCamera(room: Room | null, preview: LocalVideoTrack | null) {
  if (!room) return preview;
  const pub = room.localParticipant.getTrackPublication(Track.Source.Camera);
  return pub && !pub.isMuted ? pub.videoTrack ?? null : null;
}
