import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import { listPendingMakeups } from "@/services/clockin/makeup.ts";
import { MakeupRequestSchema } from "@/services/clockin/model.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";

/** The makeup requests waiting for the asker's decision. */
export const GET = defineApi({
  summary: "List the makeup requests I may decide",
  description: "Pending requests of the people of the departments the asker manages (admins: " +
    "all), oldest first. 403 for employees.",
  tags: ["clockin"],
  security: [{ bearer: [] }],
  responses: {
    200: json(
      z.object({ items: z.array(MakeupRequestSchema.extend({ requesterName: z.string() })) }),
      "Pending requests",
    ),
    ...errorResponses,
  },
}, async (c) => {
  const state = c.var.state;
  return c.json({ items: await listPendingMakeups(state.kv, requireActor(state)) }, 200);
});
