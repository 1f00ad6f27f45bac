import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import { formatCode, resetUserSignIn } from "@/services/auth/codes.ts";
import { linkSecret } from "@/services/classes/join_links.ts";
import { defineApi, errorResponses, ErrorResponseSchema, json } from "@/services/web/api.ts";

const UserParamsSchema = z.object({ userId: z.string().min(1).max(40) });

/**
 * An admin (or a teacher, for a student of their class) resets a person's sign-in: a one-time
 * code, shown only in this answer.
 */
export const POST = defineApi({
  summary: "Reset a person's sign-in (admins; teachers for their students)",
  description: "Makes a one-time code (8 characters, 72 hours, single use) for a person of " +
    "the admin's school (a teacher: a student of one of their classes), removes their " +
    "password and ends their sessions. The code is in this answer only; it is stored hashed. " +
    "Teachers may not reset teachers or admins (403); a student they do not teach is 404.",
  tags: ["auth"],
  security: [{ bearer: [] }],
  request: { params: UserParamsSchema },
  responses: {
    201: json(z.object({ code: z.string(), expiresAt: z.string() }), "The one-time code"),
    ...errorResponses,
    409: json(ErrorResponseSchema, "The asker themselves"),
  },
}, async (c) => {
  const { kv, config } = c.var.state;
  const admin = requireActor(c.var.state);
  const { code, expiresAt } = await resetUserSignIn(
    kv,
    await linkSecret(kv, config),
    admin.user,
    c.req.valid("param").userId,
  );
  return c.json({ code: formatCode(code), expiresAt }, 201);
});
