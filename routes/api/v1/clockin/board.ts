import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import { BoardSchema, BoardStatusSchema, readBoard } from "@/services/clockin/board.ts";
import { isCalendarDate } from "@/services/coursework/due_time.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";

/** Today's (or a past day's) board of the departments the asker manages. */
export const GET = defineApi({
  summary: "Read the clock-in board of my departments",
  description: "Who has clocked in (time, place label, verdict), late (minutes), outside, " +
    "absent, not yet, or off today; counts over everyone, rows sorted by name and paged. " +
    "`department` picks one department the asker manages (and those below); `status` filters " +
    "the rows. Managers and workspace admins only (403 for employees; 404 for another " +
    "organization's department).",
  tags: ["clockin"],
  security: [{ bearer: [] }],
  request: {
    query: z.object({
      department: z.string().max(40).optional(),
      day: z.string().refine(isCalendarDate, "Use a date YYYY-MM-DD.").optional(),
      status: BoardStatusSchema.optional(),
      offset: z.coerce.number().int().min(0).default(0),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
  },
  responses: { 200: json(BoardSchema, "The board"), ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  const q = c.req.valid("query");
  const board = await readBoard(kv, requireActor(c.var.state), {
    departmentId: q.department || undefined,
    day: q.day,
    status: q.status,
    offset: q.offset,
    limit: q.limit,
  });
  return c.json(board, 200);
});
