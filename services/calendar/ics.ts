/**
 * iCalendar (RFC 5545) text for subscribed calendars: a VCALENDAR of VEVENTs with times in
 * UTC (Google Calendar and Outlook show them on the reader's clock, so no VTIMEZONE is
 * needed), text escaped (backslash, semicolon, comma, newline), lines folded at 75 octets
 * without splitting a UTF-8 character, every line ended by CRLF.
 * @module
 */

/** One event of a feed. */
export interface IcsEvent {
  /** Stable across fetches: a calendar matches its copy by it. */
  uid: string;
  start: Date;
  /** Absent: the event is a point in time (a due date). */
  end?: Date;
  summary: string;
  description?: string;
  url?: string;
  /** Revisions so far; a moved event's higher SEQUENCE replaces the old copy. */
  sequence?: number;
  status?: "CONFIRMED" | "CANCELLED";
}

/** A feed: its name (X-WR-CALNAME) and events. */
export interface IcsCalendar {
  name: string;
  events: IcsEvent[];
  /** DTSTAMP of every event: when this copy was made. */
  now: Date;
}

/** PRODID of Mirae's feeds. */
export const PRODID = "-//Mirae//Calendar feed//EN";

/** Escapes a TEXT value: `\` `;` `,` and newlines (CR LF, CR or LF become `\n`). */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\r\n|\r|\n/g, "\\n");
}

/** A UTC DATE-TIME value: 20261204T080000Z. */
export function formatUtc(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/[-:]/g, "");
}

const encoder = new TextEncoder();

/**
 * Folds one content line: at most 75 octets per line, continuation lines begin with a space
 * (which counts towards their 75), and a multi-byte character is never split.
 */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = "";
  let octets = 0;
  let limit = 75;
  for (const ch of line) {
    const size = encoder.encode(ch).length;
    if (octets + size > limit) {
      parts.push(current);
      current = "";
      octets = 0;
      limit = 74; // the leading space of a continuation line is one of its 75
    }
    current += ch;
    octets += size;
  }
  parts.push(current);
  return parts.join("\r\n ");
}

/** Control characters other than tab and newlines are not allowed in TEXT: dropped. */
function clean(value: string): string {
  // deno-lint-ignore no-control-regex
  return value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, "");
}

function text(name: string, value: string): string {
  return `${name}:${escapeText(clean(value))}`;
}

/** The calendar as ICS text (CRLF line ends, folded). */
export function buildCalendar(cal: IcsCalendar): string {
  const stamp = formatUtc(cal.now);
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    `PRODID:${PRODID}`,
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    text("X-WR-CALNAME", cal.name),
    // Hints some clients follow for how often to fetch again.
    "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
    "X-PUBLISHED-TTL:PT1H",
  ];
  for (const e of cal.events) {
    lines.push(
      "BEGIN:VEVENT",
      text("UID", e.uid),
      `DTSTAMP:${stamp}`,
      `DTSTART:${formatUtc(e.start)}`,
    );
    if (e.end) lines.push(`DTEND:${formatUtc(e.end)}`);
    lines.push(text("SUMMARY", e.summary));
    if (e.description) lines.push(text("DESCRIPTION", e.description));
    // URL is a URI value, not TEXT: it is not escaped (and our links need no escaping).
    if (e.url) lines.push(`URL:${clean(e.url).replace(/[\r\n]/g, "")}`);
    lines.push(`SEQUENCE:${e.sequence ?? 0}`, `STATUS:${e.status ?? "CONFIRMED"}`, "END:VEVENT");
  }
  lines.push("END:VCALENDAR");
  return lines.map(foldLine).join("\r\n") + "\r\n";
}
