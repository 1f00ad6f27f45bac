import { z } from "zod";
import { classAccess, requireActor } from "@/services/auth/access.ts";
import {
  CalendarFeedSchema,
  createFeed,
  feedUrl,
  listFeedsOf,
  revokeFeed,
} from "@/services/calendar/feeds.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";

/** A feed link as the API shows it: never its token (only the answer that makes it has it). */
const FeedViewSchema = CalendarFeedSchema.pick({ classId: true, locale: true, createdAt: true });
const ScopeSchema = z.object({
  classId: z.string().min(1).max(40).optional().describe("A class's feed; absent: your own"),
});

export const GET = defineApi({
  summary: "My calendar feed links",
  description: "Which private calendar (ICS) links you have: your own and your classes'.",
  tags: ["calendar"],
  security: [{ bearer: [] }],
  responses: {
    200: json(z.object({ items: z.array(FeedViewSchema) }), "Without their tokens"),
    ...errorResponses,
  },
}, async (c) => {
  const { kv } = c.var.state;
  const { user } = requireActor(c.var.state);
  const items = (await listFeedsOf(kv, user.id))
    .map(({ classId, locale, createdAt }) => ({ classId, locale, createdAt }));
  return c.json({ items }, 200);
});

export const POST = defineApi({
  summary: "Make a calendar feed link",
  description: "A private ICS URL (lectures and due dates) for a calendar app to subscribe to: " +
    "your own (every class you are in) or one class's. It replaces the link you had for the " +
    "same scope. The URL is in this answer only.",
  tags: ["calendar"],
  security: [{ bearer: [] }],
  request: {
    body: {
      content: { "application/json": { schema: ScopeSchema.strict() } },
      required: true,
    },
  },
  responses: {
    201: json(FeedViewSchema.extend({ url: z.string() }), "The new link"),
    ...errorResponses,
  },
}, async (c) => {
  const { kv, config, locale } = c.var.state;
  const actor = requireActor(c.var.state);
  const { classId } = c.req.valid("json");
  const cls = classId ? (await classAccess(kv, actor, classId)).cls : undefined;
  const { token, feed } = await createFeed(kv, actor.user, { classId: cls?.id, locale });
  const { locale: l, createdAt } = feed;
  return c.json({
    classId: feed.classId,
    locale: l,
    createdAt,
    url: feedUrl(config.publicUrl, token),
  }, 201);
});

export const DELETE = defineApi({
  summary: "Stop a calendar feed link",
  tags: ["calendar"],
  security: [{ bearer: [] }],
  request: { query: ScopeSchema },
  responses: { 204: { description: "Stopped (or there was none)" }, ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  const { user } = requireActor(c.var.state);
  await revokeFeed(kv, user.id, c.req.valid("query").classId);
  return c.body(null, 204);
});
