/**
 * Small server pieces the coursework pages share: status badges, due times on the school's
 * clock, file lists, grade and late-policy wording, and the class breadcrumb.
 * @module
 */
import type { Class } from "@/services/classes/classes.ts";
import type {
  Assignment,
  FileRef,
  Grade,
  LatePolicy,
  StudentStatus,
} from "@/services/coursework/model.ts";
import { extensionsOf } from "@/services/files/sniff.ts";
import type { State } from "@/services/web/define.ts";

/** The BCP 47 language for Intl formatters ("zh" is shown as Simplified Chinese). */
export function intlLocale(state: State): string {
  return state.locale === "zh" ? "zh-CN" : state.locale;
}

/** An instant on a given clock, e.g. "Dec 1, 2026, 9:00 AM". */
export function formatWhen(state: State, iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(intlLocale(state), {
    timeZone,
    dateStyle: "medium",
    timeStyle: "short",
  }).format(new Date(iso)) + ` ${zoneAbbreviation(state, iso, timeZone)}`;
}

/** "GMT+9", "PST": the zone's short name at that instant, in the page's language. */
function zoneAbbreviation(state: State, iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(intlLocale(state), { timeZone, timeZoneName: "short" })
    .formatToParts(new Date(iso)).find((p) => p.type === "timeZoneName")?.value ?? timeZone;
}

/** "09:05" (or "Dec 1, 09:05" when `withDate`) on the school's clock. */
export function clockTime(
  state: State,
  iso: string,
  timeZone: string,
  withDate = false,
): string {
  return new Intl.DateTimeFormat(intlLocale(state), {
    timeZone,
    ...(withDate ? { month: "short", day: "numeric" } : {}),
    hour: "2-digit",
    minute: "2-digit",
  }).format(new Date(iso));
}

/** "Fri 9:05 AM GMT+9": a time on the school's clock, with the zone. */
export function weekdayTime(state: State, iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(intlLocale(state), {
    timeZone,
    weekday: "short",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZoneName: "short",
  }).format(new Date(iso));
}

/** "Korean Standard Time (Asia/Seoul)": the school's zone in the page's language. */
export function zoneLabel(state: State, timeZone: string, now = new Date()): string {
  const name = new Intl.DateTimeFormat(intlLocale(state), { timeZone, timeZoneName: "long" })
    .formatToParts(now).find((p) => p.type === "timeZoneName")?.value;
  return name && name !== timeZone ? `${name} (${timeZone})` : timeZone;
}

/** "in 3 days", "2 hours ago": how far an instant is from now. */
export function relativeTime(state: State, iso: string, now = new Date()): string {
  const ms = Date.parse(iso) - now.getTime();
  const rtf = new Intl.RelativeTimeFormat(intlLocale(state), { numeric: "auto" });
  const abs = Math.abs(ms);
  if (abs < 3_600_000) return rtf.format(Math.round(ms / 60_000), "minute");
  if (abs < 2 * 86_400_000) return rtf.format(Math.round(ms / 3_600_000), "hour");
  return rtf.format(Math.round(ms / 86_400_000), "day");
}

/** A number as the page's language writes it (points have up to 2 decimals). */
export function formatNumber(state: State, n: number): string {
  return new Intl.NumberFormat(intlLocale(state), { maximumFractionDigits: 2 }).format(n);
}

/** "1.2 MB" */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The due time on the school's clock with its zone, and how far away it is. */
export function DueDate(
  { state, assignment, relative = true }: {
    state: State;
    assignment: Pick<Assignment, "dueAt" | "timeZone">;
    relative?: boolean;
  },
) {
  return (
    <span class="due">
      <time datetime={assignment.dueAt}>
        {formatWhen(state, assignment.dueAt, assignment.timeZone)}
      </time>{" "}
      <span class="muted zone">({assignment.timeZone})</span>
      {relative && (
        <small class="muted">
          {" · "}
          {relativeTime(state, assignment.dueAt)}
        </small>
      )}
    </span>
  );
}

/** What a student sees of their standing on an assignment. */
export function StudentStatusBadge({ state, status }: { state: State; status: StudentStatus }) {
  return <span class={`badge st-${status}`}>{state.t(`coursework.status.${status}`)}</span>;
}

/** Draft, published or closed (teachers' view). */
export function AssignmentStatusBadge(
  { state, status }: { state: State; status: Assignment["status"] },
) {
  return <span class={`badge as-${status}`}>{state.t(`coursework.astatus.${status}`)}</span>;
}

/** "Late work accepted, 10% off per day late" or "Closes at the due time". */
export function latePolicyText(state: State, policy: LatePolicy): string {
  const { t } = state;
  if (policy.kind === "close") return t("coursework.late.close");
  return policy.penaltyPerDayPct > 0
    ? t("coursework.late.penalty", { pct: formatNumber(state, policy.penaltyPerDayPct) })
    : t("coursework.late.noPenalty");
}

/** "Reminders 24 h and 1 h before the due time" or "No reminders". */
export function remindersText(state: State, hours: number[]): string {
  if (!hours.length) return state.t("coursework.reminders.none");
  const list = new Intl.ListFormat(intlLocale(state), { type: "conjunction" });
  return state.t("coursework.reminders.list", {
    hours: list.format(
      hours.map((h) => state.t("coursework.hours", { n: formatNumber(state, h) })),
    ),
  });
}

/** The parts of a grade the wording needs (a released grade as students see it fits too). */
export type GradeLike = Partial<Pick<Grade, "points" | "finalPoints" | "mark">> & {
  penaltyPct: number;
};

/** "8 / 10", "Excused", "Missing", with the late penalty when one applies. */
export function gradeText(state: State, grade: GradeLike, possible: number): string {
  const { t } = state;
  const n = (x: number) => formatNumber(state, x);
  if (grade.mark === "excused") return t("coursework.grade.excused");
  if (grade.finalPoints === undefined) {
    return grade.mark === "missing" ? t("coursework.grade.missing") : "—";
  }
  const score = t("coursework.grade.score", {
    points: n(grade.finalPoints),
    possible: n(possible),
  });
  if (grade.penaltyPct > 0 && grade.points !== undefined) {
    return `${score} ${
      t("coursework.grade.penaltyApplied", { points: n(grade.points), pct: n(grade.penaltyPct) })
    }`;
  }
  return score;
}

/** Attachments or submitted files: each downloads through the files API. */
export function FileList({ state, files }: { state: State; files: FileRef[] }) {
  if (!files.length) return null;
  return (
    <ul class="file-list" aria-label={state.t("coursework.files")}>
      {files.map((f) => (
        <li key={f.id}>
          <a href={`/api/v1/files/${encodeURIComponent(f.id)}`} download={f.name}>{f.name}</a>{" "}
          <small class="muted">{formatSize(f.size)}</small>
        </li>
      ))}
    </ul>
  );
}

/** "Class name / Assignments / Title" above a coursework page. */
export function ClassCrumbs(
  { state, cls, trail }: { state: State; cls: Class; trail: { href?: string; label: string }[] },
) {
  return (
    <nav class="breadcrumb" aria-label={state.t("coursework.breadcrumb")}>
      <a href={`/classes/${cls.id}`}>{cls.name}</a>
      {trail.map((c, i) => (
        <span key={i}>
          {" "}
          <span aria-hidden="true">/</span> {c.href ? <a href={c.href}>{c.label}</a> : c.label}
        </span>
      ))}
    </nav>
  );
}

/** The file picker's `accept` for the configured upload types (the server checks content). */
export function acceptFor(types: string[]): string {
  return types.flatMap((t) => [t, ...extensionsOf(t).map((e) => `.${e}`)]).join(",");
}
