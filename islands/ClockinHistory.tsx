import { useEffect, useState } from "preact/hooks";
import { useHydrated } from "@/components/clockin/hydrated.ts";
import {
  dateTimeOn,
  getJson,
  labelText,
  type PunchView,
  zoneName,
} from "@/components/clockin/format.ts";

/** The strings this island shows; the page passes them translated (`clockin.history.<key>`). */
export const CLOCKIN_HISTORY_LABELS = [
  "loading",
  "failed",
  "previous",
  "next",
  "punches",
  "noPunches",
  "verdict",
  "place",
  "coordinates",
  "reduced",
  "accuracy",
  "remark",
  "photo",
  "photoOpen",
  "flags",
  "source",
  "undone",
  "corrections",
  "noCorrections",
  "correctedBy",
  "before",
  "after",
  "nothing",
  "makeups",
  "noMakeups",
  "asked",
  "note",
  "zone",
  "kindIn",
  "kindOut",
  "verdictInside",
  "verdictOutside",
  "verdictRemote",
  "verdictNetwork",
  "sourceTap",
  "sourceQuick",
  "sourceMakeup",
  "sourceCorrection",
  "flagSpeed",
  "flagDevice",
  "statusPending",
  "statusApproved",
  "statusRejected",
  "statusWithdrawn",
  "labelSite",
  "labelPlace",
  "labelUnknown",
  "labelNetwork",
  "none",
] as const;
export type ClockinHistoryLabels = Record<typeof CLOCKIN_HISTORY_LABELS[number], string>;

export interface ClockinHistoryProps {
  /** The month shown first, "YYYY-MM" (this month on the organization's clock). */
  month: string;
  /** The organization's time zone (times are shown on its clock). */
  timeZone: string;
  /** The page's language as Intl reads it. */
  locale: string;
  labels: ClockinHistoryLabels;
}

interface Correction {
  id: string;
  day: string;
  at: string;
  byName: string;
  reason: string;
  before?: PunchView;
  after?: PunchView;
}

interface Makeup {
  id: string;
  status: "pending" | "approved" | "rejected" | "withdrawn";
  createdAt: string;
  decisionNote?: string;
  payload: { day: string; punchKind: "in" | "out"; at: string; reason: string };
}

interface Me {
  punches: PunchView[];
  corrections?: Correction[];
  makeupRequests?: Makeup[];
}

/** "2026-12" moved by `by` months. */
function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split("-").map(Number);
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return d.toISOString().slice(0, 7);
}

/**
 * "What was stored about me": each of my punches of a month exactly as stored (with the raw
 * coordinates while the retention keeps them), the corrections of my days and my makeup
 * requests, from `GET /api/v1/clockin/me?month=`; months page back and forth.
 */
export default function ClockinHistory(
  { month: first, timeZone, locale, labels: L }: ClockinHistoryProps,
) {
  const hydrated = useHydrated();
  const [month, setMonth] = useState(first);
  const [me, setMe] = useState<Me | null>(null);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    setMe(null);
    setFailed(null);
    getJson<Me & { error?: { message: string } }>(
      `/api/v1/clockin/me?month=${encodeURIComponent(month)}`,
    ).then((res) => {
      if (res.status === 200 && res.body?.punches) setMe(res.body);
      else setFailed(res.body?.error?.message ?? L.failed);
    });
  }, [month]);

  const when = (iso: string) => dateTimeOn(iso, locale, timeZone);
  const monthName = new Intl.DateTimeFormat(locale, {
    year: "numeric",
    month: "long",
    timeZone: "UTC",
  })
    .format(new Date(`${month}-01T00:00:00Z`));
  const kind = (k: "in" | "out") => (k === "in" ? L.kindIn : L.kindOut);
  const verdicts = {
    inside: L.verdictInside,
    outside: L.verdictOutside,
    remote: L.verdictRemote,
    network: L.verdictNetwork,
  };
  const sources = {
    tap: L.sourceTap,
    quick: L.sourceQuick,
    makeup: L.sourceMakeup,
    correction: L.sourceCorrection,
  };
  const statuses = {
    pending: L.statusPending,
    approved: L.statusApproved,
    rejected: L.statusRejected,
    withdrawn: L.statusWithdrawn,
  };
  const brief = (
    p?: PunchView,
  ) => (p ? `${kind(p.kind)} ${when(p.at)} · ${verdicts[p.verdict]}` : L.nothing);

  return (
    <div class="clockin-history" data-hydrated={hydrated ? "" : undefined}>
      <nav class="pager" aria-label={monthName}>
        <button type="button" onClick={() => setMonth(shiftMonth(month, -1))}>{L.previous}</button>
        <strong aria-live="polite">{monthName}</strong>
        <button
          type="button"
          onClick={() => setMonth(shiftMonth(month, 1))}
          disabled={month >= first}
        >
          {L.next}
        </button>
      </nav>
      <p class="muted">{L.zone.replace("{zone}", `${timeZone} (${zoneName(locale, timeZone)})`)}</p>
      {failed && <p class="error" role="alert">{failed}</p>}
      {!me && !failed && <p aria-live="polite">{L.loading}</p>}
      {me && (
        <>
          <section class="card" aria-labelledby="history-punches">
            <h2 id="history-punches">{L.punches}</h2>
            {me.punches.length === 0
              ? <p class="muted">{L.noPunches}</p>
              : (
                <ol class="clockin-history-list">
                  {me.punches.map((p) => (
                    <li key={p.id} data-punch={p.id}>
                      <strong>{kind(p.kind)} · {when(p.at)}</strong>
                      {p.undoneAt && <span class="badge">{L.undone}</span>}
                      <dl>
                        <dt>{L.verdict}</dt>
                        <dd>{verdicts[p.verdict]}</dd>
                        <dt>{L.place}</dt>
                        <dd>{labelText(p.label, L) || L.none}</dd>
                        <dt>{L.coordinates}</dt>
                        <dd>
                          {p.lat !== undefined && p.lng !== undefined
                            ? `${p.lat}, ${p.lng}`
                            : p.reducedAt
                            ? L.reduced.replace("{date}", when(p.reducedAt))
                            : L.none}
                        </dd>
                        <dt>{L.accuracy}</dt>
                        <dd>
                          {p.accuracy !== undefined ? `±${Math.round(p.accuracy)} m` : L.none}
                        </dd>
                        <dt>{L.remark}</dt>
                        <dd>{p.remark || L.none}</dd>
                        <dt>{L.photo}</dt>
                        <dd>
                          {p.photoFileId
                            ? (
                              <a href={`/api/v1/files/${encodeURIComponent(p.photoFileId)}`}>
                                {L.photoOpen}
                              </a>
                            )
                            : L.none}
                        </dd>
                        <dt>{L.flags}</dt>
                        <dd>
                          {p.flags.length
                            ? p.flags.map((f) => (f === "speed" ? L.flagSpeed : L.flagDevice)).join(
                              ", ",
                            )
                            : L.none}
                        </dd>
                        <dt>{L.source}</dt>
                        <dd>{sources[p.source] ?? p.source}</dd>
                      </dl>
                    </li>
                  ))}
                </ol>
              )}
          </section>
          <section class="card" aria-labelledby="history-corrections">
            <h2 id="history-corrections">{L.corrections}</h2>
            {!me.corrections?.length ? <p class="muted">{L.noCorrections}</p> : (
              <ol>
                {me.corrections.map((c) => (
                  <li key={c.id}>
                    <strong>{c.day}</strong>{" "}
                    {L.correctedBy.replace("{name}", c.byName).replace("{time}", when(c.at))}
                    <dl>
                      <dt>{L.before}</dt>
                      <dd>{brief(c.before)}</dd>
                      <dt>{L.after}</dt>
                      <dd>{brief(c.after)}</dd>
                      <dt>{L.remark}</dt>
                      <dd>{c.reason}</dd>
                    </dl>
                  </li>
                ))}
              </ol>
            )}
          </section>
          <section class="card" aria-labelledby="history-makeups">
            <h2 id="history-makeups">{L.makeups}</h2>
            {!me.makeupRequests?.length ? <p class="muted">{L.noMakeups}</p> : (
              <ol>
                {me.makeupRequests.map((m) => (
                  <li key={m.id}>
                    <strong>{kind(m.payload.punchKind)} · {when(m.payload.at)}</strong>{" "}
                    <span class="badge">{statuses[m.status]}</span>
                    <dl>
                      <dt>{L.asked}</dt>
                      <dd>{when(m.createdAt)}</dd>
                      <dt>{L.remark}</dt>
                      <dd>{m.payload.reason}</dd>
                      {m.decisionNote && (
                        <>
                          <dt>{L.note}</dt>
                          <dd>{m.decisionNote}</dd>
                        </>
                      )}
                    </dl>
                  </li>
                ))}
              </ol>
            )}
          </section>
        </>
      )}
    </div>
  );
}
