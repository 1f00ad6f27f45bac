import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import {
  analyzeRoster,
  importRoster,
  localizeReport,
  RosterReportSchema,
} from "@/services/roster/import.ts";
import { decodeCsvUpload } from "@/services/roster/columns.ts";
import { requireWorkspaceAdmin } from "@/services/workspace/access.ts";
import { defineApi, errorResponses, ErrorResponseSchema, json } from "@/services/web/api.ts";

/** Imports people into the asker's workspace from CSV; `?dryRun=true` only reports. */
export const POST = defineApi({
  summary: "Import people into the workspace from CSV (preview with ?dryRun=true)",
  description: "Columns by header: name, email (required), role (a company: admin or " +
    "employee, default employee; a school's staff workspace: admin or teacher, default " +
    "teacher; never student), department (a path, Engineering/Platform or Engineering > " +
    "Platform; missing departments are created) and manager_email (that department's " +
    "manager: someone in the file or in the organization; one manager per department in a " +
    "file). Korean (이름, 이메일, 역할, 부서, 관리자 이메일) and Chinese (姓名, 邮箱, 角色, 部门, " +
    "主管邮箱) headers are read too. Existing accounts of the organization are matched by " +
    "email. All-or-nothing, as a class's roster import; the same file again changes nothing. " +
    "Workspace admins only; 404 without a workspace.",
  tags: ["roster", "workspace"],
  security: [{ bearer: [] }],
  request: {
    query: z.object({ dryRun: z.enum(["true", "false"]).optional() }),
    body: { content: { "text/csv": { schema: z.string() } }, required: true },
  },
  responses: {
    200: json(
      RosterReportSchema.extend({ committed: z.boolean() }),
      "What the file holds and does; `committed` says whether it was written",
    ),
    ...errorResponses,
    409: json(ErrorResponseSchema, "Another import is running, or an email was taken meanwhile"),
    413: json(ErrorResponseSchema, "The file is larger than 20 MB"),
    415: json(ErrorResponseSchema, "The body is not text/csv in UTF-8"),
  },
}, async (c) => {
  const { kv, t } = c.var.state;
  const actor = requireActor(c.var.state);
  const { org } = await requireWorkspaceAdmin(kv, actor);
  const text = decodeCsvUpload(c.req.header("content-type"), await c.req.arrayBuffer());
  const scope = { orgId: org.id, workspace: true as const };
  if (c.req.valid("query").dryRun === "true") {
    const report = await analyzeRoster(kv, scope, text);
    return c.json(localizeReport({ ...report, committed: false }, t), 200);
  }
  return c.json(localizeReport(await importRoster(kv, scope, text), t), 200);
});
