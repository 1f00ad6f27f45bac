import { z } from "zod";
import { requireActor, requireClassRole, TEACHERS } from "@/services/auth/access.ts";
import { listJoinRequests } from "@/services/classes/join_requests.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";
import { ClassParamsSchema } from "@/services/web/schemas.ts";

/** A class's pending join requests, oldest first (the class's teachers and school admins). */
export const GET = defineApi({
  summary: "List a class's pending join requests",
  tags: ["join requests"],
  security: [{ bearer: [] }],
  request: { params: ClassParamsSchema },
  responses: {
    200: json(
      z.object({
        items: z.array(z.object({
          userId: z.string(),
          name: z.string(),
          linkId: z.string(),
          createdAt: z.string(),
          claims: z.string().optional().describe(
            "Someone without an account says they are this student of the roster (the " +
              "student number or email of the entry); approving signs them in as this " +
              "student, no account is made",
          ),
        })),
      }),
      "Pending requests, oldest first",
    ),
    ...errorResponses,
  },
}, async (c) => {
  const { kv } = c.var.state;
  const { classId } = c.req.valid("param");
  await requireClassRole(kv, requireActor(c.var.state), classId, TEACHERS);
  const items = (await listJoinRequests(kv, classId)).map((
    { userId, name, linkId, createdAt, claim, login },
  ) => ({
    userId,
    name,
    linkId,
    createdAt,
    ...(claim ? { claims: login ?? "" } : {}),
  }));
  return c.json({ items }, 200);
});
