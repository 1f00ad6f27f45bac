import { useEffect, useRef, useState } from "preact/hooks";
import { useHydrated } from "@/components/clockin/hydrated.ts";
import type { Problem } from "@/components/island_client.ts";
import {
  errorOf,
  getJson,
  labelText,
  names,
  postJson,
  type PunchLabel,
  type PunchView,
  timeOn,
  zoneName,
} from "@/components/clockin/format.ts";
import { type NoReading, readPosition } from "@/components/clockin/geolocate.ts";
import OutsideForm, { type OutsideDraft } from "@/components/clockin/OutsideForm.tsx";

/** The strings this island shows; the page passes them translated (`clockin.punch.<key>`). */
export const CLOCK_IN_LABELS = [
  "clockIn",
  "clockOut",
  "loading",
  "off",
  "clock",
  "shiftTitle",
  "noShift",
  "hours",
  "remote",
  "holiday",
  "rest",
  "locating",
  "sending",
  "retaking",
  "uncertain",
  "outsideNeeded",
  "outsideIn",
  "outsideOut",
  "remark",
  "remarkHint",
  "photo",
  "photoOptional",
  "cancel",
  "denied",
  "unavailable",
  "timeout",
  "unsupported",
  "networkTried",
  "network",
  "doneIn",
  "doneOut",
  "already",
  "quickDone",
  "quickTrying",
  "undo",
  "undone",
  "last",
  "todayTitle",
  "none",
  "kindIn",
  "kindOut",
  "verdictInside",
  "verdictOutside",
  "verdictRemote",
  "verdictNetwork",
  "labelSite",
  "labelPlace",
  "labelUnknown",
  "labelNetwork",
  "undoneTag",
  "retry",
] as const;
export type ClockInLabels = Record<typeof CLOCK_IN_LABELS[number], string>;

export interface ClockInProps {
  /** The page's language as Intl reads it ("en", "ko", "zh-CN"). */
  locale: string;
  /** Translated strings, built on the server. */
  labels: ClockInLabels;
  /** Today's state as the server rendered the page (the island refreshes it at once). */
  initial?: Today;
}

/** `GET /api/v1/clockin/today`'s answer. */
export interface Today {
  enabled: boolean;
  quick?: boolean;
  outsideRemark?: boolean;
  outsidePhoto?: "off" | "optional" | "required";
  serverTime?: string;
  timeZone?: string;
  day?: string;
  shift?: {
    name: string;
    kind: string;
    /** Wall-clock times "HH:MM" on the organization's clock. */
    expected?: { start: string; end: string };
    window?: { opens: string; start: string; closes: string };
    remote: boolean;
    holiday: boolean;
    rest: boolean;
  } | null;
  punches?: PunchView[];
  next?: "in" | "out";
}

interface Answer {
  punch: PunchView;
  label?: PunchLabel;
}

type Phase = "locating" | "sending" | "retaking" | null;
const PUNCHES = "/api/v1/clockin/punches";
/** sessionStorage key: quick clock-in was undone today, do not take it again on reload. */
const QUICK_UNDONE = "mirae.clockin.quickUndone";

/**
 * The clock-in page: one big button (clock in or out, as the server says is next), the time on
 * the organization's clock (the server's, offset from its `serverTime`), today's shift, and what
 * the last punch was. A position is read only when the button is pressed, or on opening the
 * page when quick clock-in is on and the clock-in window is open.
 */
export default function ClockIn({ locale, labels: L, initial }: ClockInProps) {
  const hydrated = useHydrated();
  const [today, setToday] = useState<Today | null>(initial ?? null);
  const [loadFailed, setLoadFailed] = useState(false);
  const [offset, setOffset] = useState(0);
  const [now, setNow] = useState(Date.now());
  const [phase, setPhase] = useState<Phase>(null);
  const [status, setStatus] = useState("");
  const [problem, setProblem] = useState<Problem | null>(null);
  const [noReading, setNoReading] = useState<NoReading | null>(null);
  const [outside, setOutside] = useState<OutsideDraft | null>(null);
  const [result, setResult] = useState<Answer | null>(null);
  const [quickId, setQuickId] = useState<string | null>(null);
  const quickTried = useRef(false);

  async function load(): Promise<Today | null> {
    const t0 = Date.now();
    const res = await getJson<Today>("/api/v1/clockin/today");
    if (res.status !== 200 || !res.body) {
      setLoadFailed(true);
      return null;
    }
    const t1 = Date.now();
    if (res.body.serverTime) setOffset(Date.parse(res.body.serverTime) - (t0 + t1) / 2);
    setToday(res.body);
    setLoadFailed(false);
    return res.body;
  }

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    load().then((t) => t && maybeQuick(t));
    return () => clearInterval(timer);
  }, []);

  const zone = today?.timeZone ?? "UTC";
  const at = (iso: string) => timeOn(iso, locale, zone);

  function finished(answer: Answer, status: number, source: "tap" | "quick") {
    setPhase(null);
    setOutside(null);
    setNoReading(null);
    setResult(answer);
    const time = at(answer.punch.at);
    if (status === 200) setStatus(L.already.replace("{time}", time));
    else if (source === "quick") {
      setQuickId(answer.punch.id);
      setStatus(L.quickDone.replace("{time}", time));
    } else setStatus((answer.punch.kind === "in" ? L.doneIn : L.doneOut).replace("{time}", time));
    void load();
  }

  /** Sends a punch; an uncertain verdict takes one more reading first (`retakes` 0). */
  async function send(body: Record<string, unknown>, retakes: number) {
    const source = body.source as "tap" | "quick";
    setPhase("sending");
    const res = await postJson<Answer>(PUNCHES, body);
    if ((res.status === 201 || res.status === 200) && res.body?.punch) {
      return finished(res.body, res.status, source);
    }
    setPhase(null);
    const error = errorOf(res.body) ?? { message: L.network, details: [] };
    if (source === "quick") return setStatus(""); // quick clock-in only when plainly inside
    if (res.status === 403) return void load(); // switched off meanwhile: the page says so
    const uncertain = res.status === 409 && names(error, "outsideConfirmed") !== undefined;
    if (uncertain && retakes === 0 && body.position) {
      setPhase("retaking");
      setStatus(L.retaking);
      const again = await readPosition();
      if (again.ok) return send({ ...body, position: again.reading }, 1);
      setPhase(null);
    }
    const needs = uncertain || names(error, "remark") !== undefined ||
      names(error, "photoFileId") !== undefined;
    if (needs) {
      setStatus(uncertain ? L.uncertain : L.outsideNeeded);
      // First time: the status line says what is needed; after a try, the field says why.
      return setOutside({ body, problem: body.outsideConfirmed ? error : null });
    }
    setStatus("");
    // The field's message says what to do ("go outdoors…"); the top line only that it failed.
    const advice = error.details.map((d) => d.message).filter(Boolean);
    setProblem(advice.length ? { ...error, message: advice.join(" ") } : error);
  }

  /** The button: read a position, then send the punch (without one when there is none). */
  async function punch(source: "tap" | "quick", t: Today | null = today) {
    if (!t?.next) return;
    setProblem(null);
    setNoReading(null);
    setOutside(null);
    setQuickId(null);
    setPhase("locating");
    setStatus(source === "quick" ? L.quickTrying : L.locating);
    const r = await readPosition();
    if (r.ok) return send({ kind: t.next, position: r.reading, source }, 0);
    if (source === "quick") return setPhase(null), setStatus("");
    // No position: on an office network the punch still counts.
    setPhase("sending");
    const res = await postJson<Answer>(PUNCHES, { kind: t.next, source });
    if ((res.status === 201 || res.status === 200) && res.body?.punch) {
      return finished(res.body, res.status, source);
    }
    setPhase(null);
    setStatus("");
    setNoReading(r.why);
  }

  function maybeQuick(t: Today) {
    if (quickTried.current || !t.enabled || !t.quick || t.next !== "in" || !t.shift?.window) return;
    quickTried.current = true;
    const serverNow = t.serverTime ? Date.parse(t.serverTime) : Date.now();
    const { opens, closes } = t.shift.window;
    if (serverNow < Date.parse(opens) || serverNow > Date.parse(closes)) return;
    if (sessionStorage.getItem(QUICK_UNDONE) === t.day) return;
    void punch("quick", t);
  }

  async function undo() {
    if (!quickId) return;
    setPhase("sending");
    const res = await postJson<Answer>(`${PUNCHES}/${encodeURIComponent(quickId)}/undo`, {});
    setPhase(null);
    if (res.status !== 200) {
      return setProblem(errorOf(res.body) ?? { message: L.network, details: [] });
    }
    if (today?.day) sessionStorage.setItem(QUICK_UNDONE, today.day);
    setQuickId(null);
    setResult(null);
    setStatus(L.undone);
    void load();
  }

  async function submitOutside(body: Record<string, unknown>) {
    await send({ ...body, outsideConfirmed: true }, 1);
  }

  if (loadFailed && !today) {
    return (
      <section class="card clockin">
        <p role="alert">{L.network}</p>
        <button type="button" onClick={() => void load()}>{L.retry}</button>
      </section>
    );
  }
  if (!today) {
    return (
      <section class="card clockin">
        <p aria-live="polite">{L.loading}</p>
      </section>
    );
  }
  if (!today.enabled) {
    return (
      <section class="card clockin empty-state" data-hydrated={hydrated ? "" : undefined}>
        <p>{L.off}</p>
      </section>
    );
  }

  const shift = today.shift;
  const busy = phase !== null || !hydrated;
  const verdicts = {
    inside: L.verdictInside,
    outside: L.verdictOutside,
    remote: L.verdictRemote,
    network: L.verdictNetwork,
  };
  const punches = today.punches ?? [];
  const last = result?.punch ?? punches[punches.length - 1];
  const labelOf = (p: PunchView) => labelText(p.label ?? undefined, L);

  return (
    <section class="card clockin" data-hydrated={hydrated ? "" : undefined}>
      <p class="clockin-time" aria-label={L.clock.replace("{zone}", zoneName(locale, zone))}>
        <time>{timeOn(now + offset, locale, zone, true)}</time>{" "}
        <small class="muted">{zoneName(locale, zone, now + offset)}</small>
      </p>
      <div class="clockin-shift">
        <h2>{L.shiftTitle}</h2>
        {shift
          ? (
            <p>
              <strong>{shift.name}</strong>
              {shift.expected && !shift.rest && !shift.holiday && (
                <span>
                  {" · "}
                  {L.hours.replace("{start}", shift.expected.start)
                    .replace("{end}", shift.expected.end)}
                </span>
              )}
              {shift.remote && <span class="badge">{L.remote}</span>}
              {shift.holiday && <span class="badge">{L.holiday}</span>}
              {shift.rest && <span class="badge">{L.rest}</span>}
            </p>
          )
          : <p class="muted">{L.noShift}</p>}
      </div>
      <button
        type="button"
        class={`clockin-button ${today.next === "out" ? "out" : "in"}`}
        disabled={busy}
        aria-busy={busy}
        onClick={() => void punch("tap")}
      >
        {today.next === "out" ? L.clockOut : L.clockIn}
      </button>
      <div class="clockin-status" aria-live="polite" role="status">
        {status && <p>{status}</p>}
        {quickId && (
          <button
            type="button"
            class="secondary"
            onClick={() => void undo()}
            disabled={busy}
          >
            {L.undo}
          </button>
        )}
      </div>
      <div aria-live="assertive">
        {problem && <p class="error" role="alert">{problem.message}</p>}
        {noReading && <p class="error clockin-denied" role="alert">{L[noReading]}</p>}
        {noReading && <p class="muted">{L.networkTried}</p>}
      </div>
      {outside && (
        <OutsideForm
          draft={outside}
          kind={today.next === "out" ? "out" : "in"}
          photo={today.outsidePhoto ?? "off"}
          remarkRequired={today.outsideRemark ?? false}
          busy={busy}
          labels={L}
          onSubmit={submitOutside}
          onCancel={() => (setOutside(null), setStatus(""))}
        />
      )}
      {last && (
        <div class="clockin-last">
          <h2>{L.last}</h2>
          <p>
            <strong>{last.kind === "in" ? L.kindIn : L.kindOut} {at(last.at)}</strong>{" "}
            <span class={`badge verdict-${last.verdict}`}>{verdicts[last.verdict]}</span>
            {last.undoneAt && <span class="badge">{L.undoneTag}</span>}
          </p>
          <p class="clockin-label">{labelText(result?.label ?? last.label, L)}</p>
        </div>
      )}
      <div class="clockin-today">
        <h2>{L.todayTitle}</h2>
        {punches.length === 0 ? <p class="muted">{L.none}</p> : (
          <ol class="clockin-punches">
            {punches.map((p) => (
              <li key={p.id}>
                {p.kind === "in" ? L.kindIn : L.kindOut} {at(p.at)} · {verdicts[p.verdict]}
                {labelOf(p) && ` · ${labelOf(p)}`}
                {p.undoneAt && ` · ${L.undoneTag}`}
              </li>
            ))}
          </ol>
        )}
      </div>
    </section>
  );
}
