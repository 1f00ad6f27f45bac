import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import {
  listNotifications,
  markRead,
  NotificationPageSchema,
} from "@/services/notifications/notifications.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";

/** The signed-in user's notifications, newest first, with the unread count. */
export const GET = defineApi({
  summary: "My notifications",
  tags: ["notifications"],
  security: [{ bearer: [] }],
  request: {
    query: z.object({
      cursor: z.string().max(500).optional(),
      limit: z.coerce.number().int().min(1).max(100).default(20),
    }),
  },
  responses: { 200: json(NotificationPageSchema, "Newest first"), ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  const { user } = requireActor(c.var.state);
  return c.json(await listNotifications(kv, user.id, c.req.valid("query")), 200);
});

/** Marks notifications read: the ids given, or all of them. */
export const POST = defineApi({
  summary: "Mark notifications read",
  tags: ["notifications"],
  security: [{ bearer: [] }],
  request: {
    body: {
      content: {
        "application/json": {
          schema: z.union([
            z.strictObject({ ids: z.array(z.string().min(1).max(40)).min(1).max(100) }),
            z.strictObject({ all: z.literal(true) }),
          ]),
        },
      },
      required: true,
    },
  },
  responses: {
    200: json(z.object({ unread: z.number().int() }), "The unread count after"),
    ...errorResponses,
  },
}, async (c) => {
  const { kv } = c.var.state;
  const { user } = requireActor(c.var.state);
  const body = c.req.valid("json");
  return c.json({ unread: await markRead(kv, user.id, "all" in body ? "all" : body.ids) }, 200);
});
