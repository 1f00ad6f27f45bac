import { z } from "zod";
import { requireActor, requireClassRole } from "@/services/auth/access.ts";
import { gradebookPage, GradebookPageSchema } from "@/services/coursework/gradebook.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";
import { ClassParamsSchema } from "@/services/web/schemas.ts";

/** One page of the gradebook: students by name x assignments, drafts included (teachers). */
export const GET = defineApi({
  summary: "Read a page of a class's gradebook",
  description: "Students sorted by name, paged by offset and limit; one cell per published " +
    "or closed assignment. The whole gradebook as CSV is at ./gradebook.csv.",
  tags: ["coursework"],
  security: [{ bearer: [] }],
  request: {
    params: ClassParamsSchema,
    query: z.object({
      offset: z.coerce.number().int().min(0).default(0),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
  },
  responses: { 200: json(GradebookPageSchema, "One page of the gradebook"), ...errorResponses },
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
  return c.json(await gradebookPage(kv, cls, c.req.valid("query")), 200);
});
