import { useEffect, useState } from "preact/hooks";
import { fill } from "@/components/island_client.ts";

/** The strings this island shows; the page passes them translated. */
export const LIVE_VIDEO_WAIT_LABELS = [
  "title",
  "starting",
  "building",
  "downloading",
  "compiling",
  "elapsed",
  "usually",
] as const;
export type LiveVideoWaitLabels = Record<typeof LIVE_VIDEO_WAIT_LABELS[number], string>;

/** How far the first-run build of the local LiveKit server is (as GET /api/v1/health says). */
export interface LiveVideoBuild {
  step: "downloading" | "building";
  modules: number;
  packages: number;
  startedAt: string;
}

export interface LiveVideoWaitProps {
  /** The build's progress when the page was made; absent while the server only starts. */
  build?: LiveVideoBuild;
  /** Translated strings; `{n}`-style placeholders are filled here. */
  labels: LiveVideoWaitLabels;
  /** How often to ask the health endpoint, in ms. */
  pollMs?: number;
}

/**
 * The lecture page while live video is being prepared (a first run builds the LiveKit server
 * for some minutes): what is happening and how far it is, updated every few seconds; the page
 * reloads by itself into the lecture room once video is ready.
 */
export default function LiveVideoWait({ build, labels, pollMs = 3000 }: LiveVideoWaitProps) {
  const [now, setNow] = useState(() => Date.now());
  const [progress, setProgress] = useState(build);
  useEffect(() => {
    let stopped = false;
    const tick = async () => {
      try {
        const res = await fetch("/api/v1/health", { headers: { accept: "application/json" } });
        const health = await res.json();
        if (stopped) return;
        if (health.liveVideo !== "starting") return location.reload();
        setProgress(health.liveVideoBuild);
      } catch { /* the server may be restarting: ask again next time */ }
      setNow(Date.now());
    };
    const timer = setInterval(tick, pollMs);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [pollMs]);
  const minutes = progress
    ? Math.max(0, Math.floor((now - Date.parse(progress.startedAt)) / 60_000))
    : 0;
  return (
    <section class="card live-video-wait" role="status" aria-live="polite">
      <h2>{labels.title}</h2>
      {progress
        ? (
          <>
            <p>{labels.building}</p>
            <p data-build-step={progress.step}>
              {progress.step === "downloading"
                ? fill(labels.downloading, { n: progress.modules })
                : fill(labels.compiling, { n: progress.packages, modules: progress.modules })}
              {" · "}
              {fill(labels.elapsed, { minutes })}
            </p>
            <progress aria-label={labels.title} />
            <p class="muted">{labels.usually}</p>
          </>
        )
        : <p>{labels.starting}</p>}
    </section>
  );
}
