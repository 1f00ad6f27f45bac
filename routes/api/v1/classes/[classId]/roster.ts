import { z } from "zod";
import { classAccess, requireActor, requireClassRole } from "@/services/auth/access.ts";
import { MemberRoleSchema } from "@/services/classes/members.ts";
import {
  analyzeRoster,
  importRoster,
  localizeReport,
  RosterReportSchema,
} from "@/services/roster/import.ts";
import { decodeCsvUpload } from "@/services/roster/columns.ts";
import { listRosterView, RosterPageSchema } from "@/services/roster/view.ts";
import { defineApi, errorResponses, ErrorResponseSchema, json } from "@/services/web/api.ts";
import { ClassParamsSchema } from "@/services/web/schemas.ts";

/** One page of the roster: contact details for admins and teachers, names for students. */
export const GET = defineApi({
  summary: "List a class's roster",
  tags: ["roster"],
  security: [{ bearer: [] }],
  request: {
    params: ClassParamsSchema,
    query: z.object({
      q: z.string().max(120).optional(),
      role: MemberRoleSchema.optional(),
      offset: z.coerce.number().int().min(0).default(0),
      limit: z.coerce.number().int().min(1).max(500).default(50),
    }),
  },
  responses: {
    200: json(RosterPageSchema, "One page of the roster: teachers first, then by name"),
    ...errorResponses,
  },
}, async (c) => {
  const { kv } = c.var.state;
  const { classId } = c.req.valid("param");
  const { role } = await classAccess(kv, requireActor(c.var.state), classId);
  const page = await listRosterView(kv, classId, c.req.valid("query"), {
    contactDetails: role !== "student",
  });
  return c.json(page, 200);
});

/** Imports people into the class from CSV; `?dryRun=true` only reports what it would do. */
export const POST = defineApi({
  summary: "Import a class roster from CSV (preview with ?dryRun=true)",
  description: "Columns by header: name, email and/or student_number, role (student or " +
    "teacher; student when absent; teacher rows only in a school admin's import); Korean " +
    "(이름, 이메일, 학번, 역할: 학생/교사) and Chinese (姓名, 邮箱, 学号, 角色: 学生/教师) headers " +
    "and roles are read too. Each problem has an English `message`, a `code` with `params`, " +
    "and `text` in the asker's language. " +
    "All-or-nothing: any problem (reported by line) means " +
    "nothing is written. Importing the same file again changes nothing.",
  tags: ["roster"],
  security: [{ bearer: [] }],
  request: {
    params: ClassParamsSchema,
    query: z.object({ dryRun: z.enum(["true", "false"]).optional() }),
    body: { content: { "text/csv": { schema: z.string() } }, required: true },
  },
  responses: {
    200: json(
      RosterReportSchema.extend({ committed: z.boolean() }),
      "What the file holds and does; `committed` says whether it was written",
    ),
    ...errorResponses,
    409: json(
      ErrorResponseSchema,
      "The class is archived, another import is running, or an email was taken meanwhile",
    ),
    413: json(ErrorResponseSchema, "The file is larger than 20 MB"),
    415: json(ErrorResponseSchema, "The body is not text/csv in UTF-8"),
  },
}, async (c) => {
  const { kv, t } = c.var.state;
  const { classId } = c.req.valid("param");
  const actor = requireActor(c.var.state);
  const { role } = await requireClassRole(kv, actor, classId, ["admin", "teacher"]);
  const text = decodeCsvUpload(c.req.header("content-type"), await c.req.arrayBuffer());
  const scope = { orgId: actor.user.orgId, classId, by: role };
  if (c.req.valid("query").dryRun === "true") {
    const report = await analyzeRoster(kv, scope, text);
    return c.json(localizeReport({ ...report, committed: false }, t), 200);
  }
  return c.json(localizeReport(await importRoster(kv, scope, text), t), 200);
});
