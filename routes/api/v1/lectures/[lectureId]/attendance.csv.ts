import { z } from "zod";
import { lectureAttendanceCsv } from "@/services/attendance/report.ts";
import { requireActor, TEACHERS } from "@/services/auth/access.ts";
import { lectureAccess, LectureParamsSchema } from "@/services/lectures/lectures.ts";
import { getOrg } from "@/services/orgs/orgs.ts";
import { defineApi, errorResponses } from "@/services/web/api.ts";

/** A lecture's attendance as a CSV download (teachers and admins). */
export const GET = defineApi({
  summary: "Download a lecture's attendance as CSV",
  description: "UTF-8 with a BOM, every student of the class sorted by name. Columns: " +
    "student_number, name, email, status (present, late, absent), minutes_present, " +
    "first_join and last_leave on the school's clock (the zone is in the header), joins.",
  tags: ["lectures"],
  security: [{ bearer: [] }],
  request: { params: LectureParamsSchema },
  responses: {
    200: { content: { "text/csv": { schema: z.string() } }, description: "The attendance" },
    ...errorResponses,
  },
}, async (c) => {
  const { kv } = c.var.state;
  const { lecture } = await lectureAccess(
    kv,
    requireActor(c.var.state),
    c.req.valid("param").lectureId,
    TEACHERS,
  );
  const org = await getOrg(kv, lecture.orgId);
  const date = lecture.openedAt?.slice(0, 10) ?? lecture.startsAt.slice(0, 10);
  const name = `attendance-${date}-${lecture.title}`;
  const ascii = name.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
  return new Response(await lectureAttendanceCsv(kv, lecture, org.timeZone), {
    status: 200,
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${ascii}.csv"; ` +
        `filename*=UTF-8''${encodeURIComponent(`${name}.csv`)}`,
      "cache-control": "no-store",
    },
  });
});
