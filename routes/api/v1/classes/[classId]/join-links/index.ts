import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import { requireLinkManager } from "@/services/classes/join_kinds.ts";
import {
  createJoinLink,
  DEFAULT_EXPIRES_HOURS,
  defaultMaxUses,
  joinToken,
  joinUrl,
  linkSecret,
  listJoinLinks,
  MAX_EXPIRES_HOURS,
  MAX_MAX_USES,
  maxUsesOf,
  MIN_EXPIRES_HOURS,
} from "@/services/classes/join_links.ts";
import { classCodeUrl, qrSvg } from "@/services/classes/join_codes.ts";
import { defineApi, errorResponses, ErrorResponseSchema, json } from "@/services/web/api.ts";
import { ClassParamsSchema } from "@/services/web/schemas.ts";

const StatusSchema = z.enum(["active", "expired", "revoked"]);

const JoinLinkOutSchema = z.object({
  id: z.string(),
  /** The address to hand to students. */
  url: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  status: StatusSchema,
  uses: z.number().int(),
  /** Uses it takes; a sign-up past it is refused. */
  maxUses: z.number().int(),
  /** Sign-ups wait for a teacher's approval. */
  approval: z.boolean(),
  /** People who came through it still in the class or waiting for approval. */
  joined: z.number().int(),
  code: z.string().optional().describe(
    "The class code: typed at /join (any case) it reaches this link, with its limits",
  ),
  codeUrl: z.string().optional().describe("The address the QR code carries (/join?code=...)"),
  qrSvg: z.string().optional().describe("An SVG QR code of codeUrl (active links only)"),
});

/** The class code fields of a link: its code, the address and (while active) the QR code. */
async function codeFields(publicUrl: string, link: { code?: string; status: string }) {
  if (!link.code) return {};
  const codeUrl = classCodeUrl(publicUrl, link.code);
  return {
    code: link.code,
    codeUrl,
    ...(link.status === "active" ? { qrSvg: await qrSvg(codeUrl) } : {}),
  };
}

/** A class's join links, newest first (the class's teachers and school admins). */
export const GET = defineApi({
  summary: "List a class's join links (or a department's invite links)",
  tags: ["join links"],
  security: [{ bearer: [] }],
  request: { params: ClassParamsSchema },
  responses: {
    200: json(
      z.object({
        items: z.array(JoinLinkOutSchema),
        defaultMaxUses: z.number().int().describe("The limit a new link gets by default"),
      }),
      "Join links, newest first",
    ),
    ...errorResponses,
  },
}, async (c) => {
  const { kv, config } = c.var.state;
  const actor = requireActor(c.var.state);
  const { classId } = c.req.valid("param");
  await requireLinkManager(kv, actor, classId);
  const secret = await linkSecret(kv, config);
  const [links, suggested] = await Promise.all([
    listJoinLinks(kv, classId),
    defaultMaxUses(kv, classId),
  ]);
  const items = await Promise.all(links.map(async (l) => ({
    id: l.id,
    url: joinUrl(config.publicUrl, await joinToken(secret, l.id)),
    createdAt: l.createdAt,
    expiresAt: l.expiresAt,
    status: l.status,
    uses: l.uses,
    maxUses: l.maxUses,
    approval: l.approval,
    joined: l.joined,
    ...await codeFields(config.publicUrl, l),
  })));
  return c.json({ items, defaultMaxUses: suggested }, 200);
});

/** Makes a new join link that students open in a browser to join the class. */
export const POST = defineApi({
  summary: "Create a join link for a class, or an invite link for a department",
  description: "A class: its teachers and school admins. A department: its managers (and " +
    "those of the departments above) and workspace admins; in a school's staff workspace " +
    "admins only. Opening a department's link makes an employee (a school: a teacher) in " +
    "that department.",
  tags: ["join links"],
  security: [{ bearer: [] }],
  request: {
    params: ClassParamsSchema,
    body: {
      content: {
        "application/json": {
          schema: z.strictObject({
            expiresInHours: z.number().int().min(MIN_EXPIRES_HOURS).max(MAX_EXPIRES_HOURS)
              .optional().describe(
                `Lifetime in hours; ${DEFAULT_EXPIRES_HOURS} (a week) by default`,
              ),
            maxUses: z.number().int().min(1).max(MAX_MAX_USES).optional().describe(
              "Most sign-ups it takes; a little above the class's size by default",
            ),
            approval: z.boolean().optional().describe(
              "Sign-ups wait for a teacher's approval (false by default)",
            ),
          }),
        },
      },
      // An empty POST makes a link with the default lifetime.
      required: false,
    },
  },
  responses: {
    201: json(
      JoinLinkOutSchema.omit({ createdAt: true, uses: true, joined: true }),
      "The new link",
    ),
    ...errorResponses,
    409: json(ErrorResponseSchema, "The class is archived"),
  },
}, async (c) => {
  const { kv, config } = c.var.state;
  const actor = requireActor(c.var.state);
  const { classId } = c.req.valid("param");
  const { cls } = await requireLinkManager(kv, actor, classId);
  const body = c.req.valid("json");
  const { link, token } = await createJoinLink(kv, await linkSecret(kv, config), {
    orgId: cls.orgId,
    classId: cls.id,
    createdBy: actor.user.id,
    expiresInHours: body.expiresInHours,
    maxUses: body.maxUses,
    approval: body.approval,
  });
  return c.json({
    id: link.id,
    url: joinUrl(config.publicUrl, token),
    expiresAt: link.expiresAt,
    status: "active" as const,
    maxUses: maxUsesOf(link),
    approval: link.approval ?? false,
    ...await codeFields(config.publicUrl, { code: link.code, status: "active" }),
  }, 201);
});
