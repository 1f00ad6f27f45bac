import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import { clockinOrg } from "@/services/clockin/cache.ts";
import { PunchSchema } from "@/services/clockin/model.ts";
import { dayOn, myMonth } from "@/services/clockin/punches.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";
import { AppError } from "@/services/web/errors.ts";
import { inWorkspace } from "@/services/workspace/access.ts";

/** Everything stored about the asker's punches of a month. */
export const GET = defineApi({
  summary: "My clock-in records of a month",
  description: "Every field stored about each of the asker's punches (position until the " +
    "retention ends, then only the label), the corrections of their days and their makeup " +
    "requests. `month` is YYYY-MM on the organization's clock (default: this month).",
  tags: ["clockin"],
  security: [{ bearer: [] }],
  request: {
    query: z.object({
      month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "Use YYYY-MM, such as 2026-03.")
        .optional(),
    }),
  },
  responses: {
    200: json(
      z.object({
        punches: z.array(PunchSchema),
        corrections: z.array(z.unknown()),
        makeupRequests: z.array(z.unknown()),
      }),
      "My records",
    ),
    ...errorResponses,
  },
}, async (c) => {
  const { kv } = c.var.state;
  const { user } = requireActor(c.var.state);
  const { org } = await clockinOrg(kv, user.orgId);
  if (!inWorkspace(org, user)) throw new AppError("not_found", "Workspace not found");
  const month = c.req.valid("query").month ?? dayOn(new Date(), org.timeZone).slice(0, 7);
  return c.json(await myMonth(kv, user.orgId, user.id, month), 200);
});
