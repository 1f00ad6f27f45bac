/**
 * The teacher's camera, microphone and screen share: a camera preview before going live (the
 * same track is then published, so an effect set on it in the preview stays on), the
 * simulcast publish once connected, toggles while live, and the choices kept for a reload
 * (a teacher who reloads resumes with the camera and microphone as they were). The beautify
 * filter (use_beautify.ts) is put on every camera track this page opens, before it is shown or
 * published. The teacher picks the camera and microphone (in the preview and while live); the
 * choice is remembered in this browser and used for the next lecture, and a remembered device
 * that is gone falls back to the default with a notice. Browser only.
 * @module
 */
import {
  createLocalAudioTrack,
  createLocalVideoTrack,
  type LocalAudioTrack,
  type LocalVideoTrack,
  type Room,
  Track,
} from "livekit-client";
import { useEffect, useRef, useState } from "preact/hooks";
import { CAMERA_PUBLISH, CAMERA_RESOLUTION, SCREEN_PUBLISH } from "./livekit.ts";
import { type TeacherBeautify, useTeacherBeautify } from "./use_beautify.ts";

export type PreviewState = "starting" | "ready" | "off" | "error";

/** A camera or microphone the browser lists (after permission, so with its label). */
export interface DeviceOption {
  id: string;
  label: string;
}

/** Which device of each kind the teacher chose ("" = the browser's default). */
interface DeviceChoice {
  camera: string;
  mic: string;
}

export interface TeacherMedia {
  /** The camera before going live (null when off or failed). */
  preview: LocalVideoTrack | null;
  /** The same, read at call time (for the page's debug hook). */
  previewRef: { readonly current: LocalVideoTrack | null };
  previewState: PreviewState;
  /** Why the camera or the screen share did not start (the browser's words). */
  error: string;
  shareError: string;
  camOn: boolean;
  micOn: boolean;
  /** The camera's beautify filter: settings, notice, before/after tracks. */
  beautify: TeacherBeautify;
  cameras: DeviceOption[];
  mics: DeviceOption[];
  /** The device in use (or chosen) of each kind. */
  cameraId: string;
  micId: string;
  /** Remembered devices that are not connected any more (the default is used instead). */
  gone: ("camera" | "mic")[];
  /** Why switching a device failed (the browser's words). */
  deviceError: string;
  /** The microphone being heard now (the preview's, then the published one), for the meter. */
  micTrack(room: Room | null): MediaStreamTrack | null;
  chooseCamera(id: string, room: Room | null): Promise<void>;
  chooseMic(id: string, room: Room | null): Promise<void>;
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

/** Where the device choice is kept: one per browser, for every lecture. */
export const DEVICES_STORAGE_KEY = "mirae.lecture.devices";

function loadDevices(): DeviceChoice {
  try {
    const d = JSON.parse(localStorage.getItem(DEVICES_STORAGE_KEY) ?? "{}");
    return {
      camera: typeof d.camera === "string" ? d.camera : "",
      mic: typeof d.mic === "string" ? d.mic : "",
    };
  } catch {
    return { camera: "", mic: "" };
  }
}

function saveDevices(choice: DeviceChoice) {
  try {
    localStorage.setItem(DEVICES_STORAGE_KEY, JSON.stringify(choice));
  } catch { /* not kept */ }
}

/** A remembered device that the browser cannot open (unplugged, or another computer). */
function isGone(err: unknown): boolean {
  const name = (err as Error)?.name;
  return name === "OverconstrainedError" || name === "NotFoundError";
}

/**
 * Opens a track on the remembered device; when that device is gone, on the default one
 * (`onGone` is told). An empty id opens the default.
 */
async function openOn<T>(
  id: string,
  open: (deviceId?: ConstrainDOMString) => Promise<T>,
  onGone: () => void,
): Promise<T> {
  if (!id) return await open();
  try {
    return await open({ exact: id });
  } catch (err) {
    if (!isGone(err)) throw err;
    onGone();
    return await open();
  }
}

/** The id of the device a track was opened on (its source's, not the filter's output). */
function deviceOf(track: LocalVideoTrack | LocalAudioTrack): string {
  return track.getSourceTrackSettings().deviceId ?? "";
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
  const [cameras, setCameras] = useState<DeviceOption[]>([]);
  const [mics, setMics] = useState<DeviceOption[]>([]);
  const [choice, setChoice] = useState<DeviceChoice>({ camera: "", mic: "" });
  const choiceRef = useRef(choice);
  const [gone, setGone] = useState<("camera" | "mic")[]>([]);
  const [deviceError, setDeviceError] = useState("");
  const previewMicRef = useRef<LocalAudioTrack | null>(null);
  const [previewMic, setPreviewMic] = useState<MediaStreamTrack | null>(null);
  // A device switch restarts a track (a new MediaStreamTrack): the meter follows it.
  const [, setSwitched] = useState(0);

  const pick = (patch: Partial<DeviceChoice>, remember: boolean) => {
    const next = { ...choiceRef.current, ...patch };
    choiceRef.current = next;
    setChoice(next);
    if (remember) saveDevices(next);
  };
  const lost = (kind: "camera" | "mic") => {
    setGone((g) => g.includes(kind) ? g : [...g, kind]);
    // The default is used from now on; the teacher's next choice is remembered again.
    pick(kind === "camera" ? { camera: "" } : { mic: "" }, true);
  };

  /** The browser's cameras and microphones (labelled once a device was opened). */
  const listDevices = async () => {
    try {
      const all = await navigator.mediaDevices.enumerateDevices();
      const of = (kind: MediaDeviceKind, word: string) =>
        all.filter((d) => d.kind === kind && d.deviceId).map((d, i) => ({
          id: d.deviceId,
          label: d.label || `${word} ${i + 1}`,
        }));
      setCameras(of("videoinput", "Camera"));
      setMics(of("audioinput", "Microphone"));
    } catch { /* no list: the default devices are used */ }
  };

  const openCamera = () =>
    openOn(
      choiceRef.current.camera,
      (deviceId) => createLocalVideoTrack({ resolution: CAMERA_RESOLUTION, deviceId }),
      () => lost("camera"),
    );

  const startPreviewMic = async () => {
    try {
      const track = await openOn(
        choiceRef.current.mic,
        (deviceId) => createLocalAudioTrack({ deviceId }),
        () => lost("mic"),
      );
      previewMicRef.current = track;
      setPreviewMic(track.mediaStreamTrack);
      if (!choiceRef.current.mic) pick({ mic: deviceOf(track) }, false);
      void listDevices();
    } catch (err) {
      setError(message(err));
    }
  };

  const stopPreviewMic = () => {
    previewMicRef.current?.stop();
    previewMicRef.current = null;
    setPreviewMic(null);
  };

  const choose = (next: Prefs) => {
    prefsRef.current = next;
    setPrefs(next);
    savePrefs(lectureId, next);
  };

  const startPreview = async () => {
    setPreviewState("starting");
    setError("");
    try {
      const track = await openCamera();
      // The filter goes on the track itself, so the preview shows it and going live sends it.
      await beautify.attach(track);
      previewRef.current = track;
      setPreview(track);
      setPreviewState("ready");
      if (!choiceRef.current.camera) pick({ camera: deviceOf(track) }, false);
      void listDevices();
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
    const devices = loadDevices();
    choiceRef.current = devices;
    setChoice(devices);
    if (saved.cam) void startPreview();
    else setPreviewState("off");
    if (saved.mic) void startPreviewMic();
    navigator.mediaDevices?.addEventListener("devicechange", listDevices);
    return () => {
      previewRef.current?.stop();
      previewMicRef.current?.stop();
      navigator.mediaDevices?.removeEventListener("devicechange", listDevices);
    };
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
          track = await openCamera();
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
        const mic = previewMicRef.current;
        if (mic && mic.mediaStreamTrack.readyState === "live") {
          // The microphone heard in the preview (and its meter) is the one published.
          await lp.publishTrack(mic, { source: Track.Source.Microphone });
        } else {
          const id = choiceRef.current.mic;
          await lp.setMicrophoneEnabled(true, id ? { deviceId: id } : undefined);
        }
      } catch (err) {
        setError(message(err));
      }
    }
    // A camera turned on later opens the chosen device too.
    room.options.videoCaptureDefaults = {
      ...room.options.videoCaptureDefaults,
      deviceId: choiceRef.current.camera || undefined,
    };
    room.options.audioCaptureDefaults = {
      ...room.options.audioCaptureDefaults,
      deviceId: choiceRef.current.mic || undefined,
    };
  };

  /**
   * Switches the camera or microphone: the track restarts on the new device (LiveKit restarts
   * the camera's filter with it) and, while live, keeps being published.
   */
  const switchDevice = async (kind: "camera" | "mic", id: string, room: Room | null) => {
    setDeviceError("");
    setGone((g) => g.filter((k) => k !== kind));
    pick(kind === "camera" ? { camera: id } : { mic: id }, true);
    try {
      if (room) {
        await room.switchActiveDevice(kind === "camera" ? "videoinput" : "audioinput", id, true);
      } else if (kind === "camera") {
        // A new preview track on the chosen camera, with its own filter: a preview track
        // restarted on another device (setDeviceId) was then not sent once published.
        if (previewRef.current) {
          previewRef.current.stop();
          previewRef.current = null;
          await startPreview();
        }
      } else {
        await previewMicRef.current?.setDeviceId({ exact: id });
        setPreviewMic(previewMicRef.current?.mediaStreamTrack ?? null);
      }
    } catch (err) {
      setDeviceError(message(err));
    }
    setSwitched((n) => n + 1);
  };

  const micTrack = (room: Room | null): MediaStreamTrack | null => {
    if (!room) return previewMic?.readyState === "live" ? previewMic : null;
    const pub = room.localParticipant.getTrackPublication(Track.Source.Microphone);
    const track = pub && !pub.isMuted ? pub.track?.mediaStreamTrack : undefined;
    return track?.readyState === "live" ? track : null;
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
    if (!room) return mic ? startPreviewMic() : stopPreviewMic();
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
    previewRef,
    previewState,
    error,
    shareError,
    camOn: prefs.cam,
    micOn: prefs.mic,
    beautify,
    cameras,
    mics,
    cameraId: choice.camera,
    micId: choice.mic,
    gone,
    deviceError,
    micTrack,
    chooseCamera: (id, room) => switchDevice("camera", id, room),
    chooseMic: (id, room) => switchDevice("mic", id, room),
    afterConnect,
    toggleCamera,
    toggleMic,
    toggleShare,
    release: () => {
      previewRef.current?.stop();
      previewRef.current = null;
      setPreview(null);
      stopPreviewMic();
    },
  };
}

/** The camera track the teacher sees of themself: the published one once live. */
export function ownCamera(room: Room | null, preview: LocalVideoTrack | null) {
  if (!room) return preview;
  const pub = room.localParticipant.getTrackPublication(Track.Source.Camera);
  return pub && !pub.isMuted ? pub.videoTrack ?? null : null;
}
