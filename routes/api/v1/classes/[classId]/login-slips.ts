import { z } from "zod";
import { requireActor, requireClassRole, TEACHERS } from "@/services/auth/access.ts";
import { issueClassSlips } from "@/services/auth/codes.ts";
import { linkSecret } from "@/services/classes/join_links.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";
import { ClassParamsSchema } from "@/services/web/schemas.ts";

/** One-time codes for a class's students who have no password yet, to print and hand out. */
export const POST = defineApi({
  summary: "Make login slips for a class",
  description: "For each student of the class without a password who has an email or a " +
    "student number: a one-time code (72 hours, single use; replaces an earlier one). The " +
    "codes are in this answer only. Teachers of the class and school admins.",
  tags: ["auth"],
  security: [{ bearer: [] }],
  request: { params: ClassParamsSchema },
  responses: {
    201: json(
      z.object({
        items: z.array(z.object({
          userId: z.string(),
          name: z.string(),
          email: z.string().optional(),
          studentNumber: z.string().optional(),
          code: z.string(),
        })),
        /** Students without a password who have neither an email nor a student number. */
        skipped: z.number().int(),
        expiresAt: z.string(),
      }),
      "The slips",
    ),
    ...errorResponses,
  },
}, async (c) => {
  const { kv, config } = c.var.state;
  const actor = requireActor(c.var.state);
  const { cls } = await requireClassRole(kv, actor, c.req.valid("param").classId, TEACHERS);
  const { slips, skipped, expiresAt } = await issueClassSlips(
    kv,
    await linkSecret(kv, config),
    cls.id,
    actor.user.id,
  );
  return c.json({ items: slips, skipped, expiresAt }, 201);
});
