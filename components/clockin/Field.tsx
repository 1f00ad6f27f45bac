/**
 * Form pieces the clock-in setup islands share (browser and server alike): the API's field
 * message under its field, and reading a problem's `details[].path`.
 * @module
 */
import type { Problem } from "@/components/island_client.ts";
import { names } from "./format.ts";

/** The message the API gave for `path` (dots: "days.mon.start"), under its field. */
export function FieldError(
  { problem, path, id }: { problem: Problem | null; path: string; id?: string },
) {
  const message = names(problem, path);
  return message ? <small class="error" id={id} role="alert">{message}</small> : null;
}

/** Messages of details whose path starts with `prefix` (e.g. "holidays" -> holidays.3). */
export function messagesUnder(problem: Problem | null, prefix: string): string[] {
  return (problem?.details ?? []).filter((d) => {
    const p = (d.path ?? []).join(".");
    return p === prefix || p.startsWith(`${prefix}.`);
  }).map((d) => d.message);
}

/** The problem's message when no detail names one of `shown` (each shown at its field). */
export function GeneralError({ problem, shown }: { problem: Problem | null; shown: string[] }) {
  if (!problem) return null;
  const atField = problem.details.some((d) =>
    shown.some((s) => {
      const p = (d.path ?? []).join(".");
      return p === s || p.startsWith(`${s}.`);
    })
  );
  if (
    atField &&
    problem.details.every((d) => shown.some((s) => (d.path ?? []).join(".").startsWith(s)))
  ) {
    return null;
  }
  return (
    <div class="error" role="alert">
      <p>{problem.message}</p>
      {problem.details.length > 0 && (
        <ul>
          {problem.details.map((d, i) => (
            <li key={i}>{(d.path ?? []).join(".")}{d.path?.length ? ": " : ""}{d.message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
