import { z } from "zod";
import { requireActor, requireClassRole } from "@/services/auth/access.ts";
import { gradebookCsv } from "@/services/coursework/gradebook.ts";
import { defineApi, errorResponses } from "@/services/web/api.ts";
import { ClassParamsSchema } from "@/services/web/schemas.ts";

/** The whole gradebook as a CSV download, streamed (teachers and admins). */
export const GET = defineApi({
  summary: "Download a class's gradebook as CSV",
  description: "UTF-8 with a BOM. Columns: name, student_number, email, one per assignment " +
    '"Title (points)" with the final points ("EX" excused, "M" missing), and Total.',
  tags: ["coursework"],
  security: [{ bearer: [] }],
  request: { params: ClassParamsSchema },
  responses: {
    200: { content: { "text/csv": { schema: z.string() } }, description: "The gradebook" },
    ...errorResponses,
  },
}, async (c) => {
  const { kv } = c.var.state;
  const { cls } = await requireClassRole(
    kv,
    requireActor(c.var.state),
    c.req.valid("param").classId,
    [
      "admin",
      "teacher",
    ],
  );
  const ascii = cls.name.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "class";
  return new Response(gradebookCsv(kv, cls), {
    status: 200,
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="gradebook-${ascii}.csv"; ` +
        `filename*=UTF-8''${encodeURIComponent(`gradebook-${cls.name}.csv`)}`,
      "cache-control": "no-store",
    },
  });
});
