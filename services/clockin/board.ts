/**
 * Today's board for a manager: who of their departments has clocked in (time, place label,
 * verdict), who is late (minutes), outside, absent or not yet in, with the counts on top and
 * suspect punches (speed, device) flagged. Only the departments the asker manages
 * (`workspaceAccess(...).managed`) and those below are shown; one department may be picked.
 *
 * The board is one read of the organization's punches of the day (days.ts `departmentDay`);
 * the rows are paged (the page's island asks for one page and the counts every few seconds),
 * so a 2,000-person department costs the browser one page of rows per poll.
 * @module
 */
import { z } from "zod";
import { AppError } from "../web/errors.ts";
import { requireManager, requireManages, type WorkspaceAccess } from "../workspace/access.ts";
import type { Actor } from "../web/define.ts";
import { withDescendants } from "../workspace/access.ts";
import { dayOf, departmentDay, type PersonDay } from "./days.ts";
import { PositionLabelSchema, PunchFlagSchema, PunchVerdictSchema } from "./model.ts";

/** Where a person stands on the board. */
export const BoardStatusSchema = z.enum(["in", "late", "outside", "absent", "not_yet", "off"]);
export type BoardStatus = z.infer<typeof BoardStatusSchema>;

export const BoardRowSchema = z.object({
  userId: z.string(),
  name: z.string(),
  status: BoardStatusSchema,
  /** The first counting punch of the day. */
  firstIn: z.string().optional(),
  lastOut: z.string().optional(),
  verdict: PunchVerdictSchema.optional(),
  label: PositionLabelSchema.optional(),
  lateMinutes: z.number(),
  /** Day results so far (evaluateDay), e.g. ["late", "outside"]. */
  results: z.array(z.string()),
  /** Suspect punches of the day. */
  flags: z.array(PunchFlagSchema),
});
export type BoardRow = z.infer<typeof BoardRowSchema>;

export const BoardCountsSchema = z.object({
  total: z.number(),
  in: z.number(),
  late: z.number(),
  outside: z.number(),
  absent: z.number(),
  not_yet: z.number(),
  off: z.number(),
  flagged: z.number(),
});
export type BoardCounts = z.infer<typeof BoardCountsSchema>;

export const BoardSchema = z.object({
  day: z.string(),
  timeZone: z.string(),
  /** The department picked, if any (else every one the asker manages). */
  departmentId: z.string().optional(),
  counts: BoardCountsSchema,
  /** The rows of the status asked for (all when none), sorted by name, one page. */
  items: z.array(BoardRowSchema),
  /** Rows matching the status filter. */
  total: z.number(),
  offset: z.number(),
  limit: z.number(),
  /** When the board was read (the server's clock). */
  at: z.string(),
});
export type Board = z.infer<typeof BoardSchema>;

/** A person's board status from their day. */
export function boardRow(p: PersonDay & { name: string }): BoardRow {
  const counting = p.punches.filter((x) => !x.undoneAt);
  const first = counting[0];
  const ev = p.evaluation;
  const results = ev?.results ?? [];
  const outside = counting.some((x) => x.verdict === "outside");
  let status: BoardStatus;
  if (results.includes("rest") || results.includes("holiday") || (!ev && !first)) status = "off";
  else if (!first) status = results.includes("absent") ? "absent" : "not_yet";
  else if (ev && ev.lateMinutes > 0) status = "late";
  else if (outside) status = "outside";
  else status = "in";
  const flags = [...new Set(counting.flatMap((x) => x.flags))];
  const row: BoardRow = {
    userId: p.userId,
    name: p.name,
    status,
    lateMinutes: ev?.lateMinutes ?? 0,
    results: [...results],
    flags,
  };
  if (first) {
    row.firstIn = first.at;
    row.verdict = first.verdict;
    if (first.label) row.label = first.label;
  }
  if (ev?.lastOut) row.lastOut = ev.lastOut;
  return row;
}

/** Counts per status (a late person counts as in too; outside counts any outside punch). */
export function boardCounts(rows: BoardRow[]): BoardCounts {
  const c: BoardCounts = {
    total: rows.length,
    in: 0,
    late: 0,
    outside: 0,
    absent: 0,
    not_yet: 0,
    off: 0,
    flagged: 0,
  };
  for (const r of rows) {
    if (r.firstIn) c.in++;
    if (r.status === "late") c.late++;
    if (r.verdict === "outside" || r.status === "outside") c.outside++;
    if (r.status === "absent") c.absent++;
    if (r.status === "not_yet") c.not_yet++;
    if (r.status === "off") c.off++;
    if (r.flags.length) c.flagged++;
  }
  return c;
}

/** The departments a board covers: the one picked (and below), else all the asker manages. */
export function boardDepartments(access: WorkspaceAccess, departmentId?: string): Set<string> {
  if (!departmentId) return access.managed;
  requireManages(access, departmentId);
  return withDescendants(access.departments, [departmentId]);
}

/** The board's query. */
export interface BoardQuery {
  departmentId?: string;
  /** "YYYY-MM-DD" on the organization's clock; today when absent. */
  day?: string;
  status?: BoardStatus;
  offset?: number;
  limit?: number;
}

/**
 * The board of the asker's departments: 403 for an employee, 404 without a workspace or for
 * another organization's department, 403 for a department they do not manage.
 */
export async function readBoard(
  kv: Deno.Kv,
  actor: Actor,
  query: BoardQuery = {},
  now = new Date(),
): Promise<Board> {
  const access = await requireManager(kv, actor);
  const depts = boardDepartments(access, query.departmentId);
  const day = query.day ?? dayOf(now, access.org.timeZone);
  if (day > dayOf(now, access.org.timeZone)) {
    throw new AppError("validation_failed", "The board shows today and past days only.", [{
      path: ["day"],
      message: "The board shows today and past days only.",
    }]);
  }
  const days = await departmentDay(kv, access.org, access.departments, depts, day, now);
  const rows = days.map(boardRow);
  const matching = query.status ? rows.filter((r) => r.status === query.status) : rows;
  const limit = Math.min(Math.max(query.limit ?? 100, 1), 500);
  const offset = Math.max(query.offset ?? 0, 0);
  return {
    day,
    timeZone: access.org.timeZone,
    departmentId: query.departmentId,
    counts: boardCounts(rows),
    items: matching.slice(offset, offset + limit),
    total: matching.length,
    offset,
    limit,
    at: now.toISOString(),
  };
}
