import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import { boardDepartments } from "@/services/clockin/board.ts";
import { departmentMonthCsv } from "@/services/clockin/sheet.ts";
import { intlLocale } from "@/components/Coursework.tsx";
import { defineApi, errorResponses } from "@/services/web/api.ts";
import { requireManager } from "@/services/workspace/access.ts";

/** A department's month of clock-in as a CSV download, streamed. */
export const GET = defineApi({
  summary: "Download a department's clock-in month as CSV",
  description: "UTF-8 with a BOM; headers in the asker's language. One row per person and day " +
    "of the month so far (results, first in, last out, worked, late and early minutes, absent, " +
    "remote, outside punches, flags), then a totals row per person. Cells that a spreadsheet " +
    "would run as a formula are neutralized. Without `department`: every department the asker " +
    "manages.",
  tags: ["clockin"],
  security: [{ bearer: [] }],
  request: {
    query: z.object({
      month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "Use a month YYYY-MM."),
      department: z.string().max(40).optional(),
    }),
  },
  responses: {
    200: { content: { "text/csv": { schema: z.string() } }, description: "The month" },
    ...errorResponses,
  },
}, async (c) => {
  const state = c.var.state;
  const { month, department } = c.req.valid("query");
  const access = await requireManager(state.kv, requireActor(state));
  const depts = boardDepartments(access, department || undefined);
  const name = access.departments.find((d) => d.id === department)?.name ?? access.org.name;
  const ascii = name.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "attendance";
  const body = departmentMonthCsv(
    state.kv,
    access.org,
    access.departments,
    depts,
    month,
    state.t,
    intlLocale(state),
  );
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="attendance-${ascii}-${month}.csv"; ` +
        `filename*=UTF-8''${encodeURIComponent(`attendance-${name}-${month}.csv`)}`,
      "cache-control": "no-store",
    },
  });
});
