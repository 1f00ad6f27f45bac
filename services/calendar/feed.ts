/**
 * What a calendar feed holds: the lectures of the last 30 days and the next 180 days and the
 * due dates of published work in the same window, of every class the feed's owner is in (or
 * of its one class), at most MAX_FEED_EVENTS, built fresh on each fetch. Only classes of the
 * owner's own school, and only while they are still in them: a student who leaves a class
 * stops seeing it, and a deleted account's feed is gone.
 *
 * A lecture lasts an hour in the feed: the model has no planned length. There is no
 * cancellation either (a lecture is scheduled, live or ended), so every event is CONFIRMED.
 * @module
 */
import type { Config } from "@/fresh.config.ts";
import { type Class, ClassSchema, listUserClasses } from "../classes/classes.ts";
import { getMemberRole } from "../classes/members.ts";
import { listAssignmentsByClass } from "../coursework/assignments.ts";
import { getRecord, getRecords } from "../db/kv.ts";
import { translator } from "../i18n/i18n.ts";
import { type Lecture, LectureSchema } from "../lectures/model.ts";
import { getUser, type User } from "../orgs/users.ts";
import type { CalendarFeed } from "./feeds.ts";
import { buildCalendar, type IcsEvent } from "./ics.ts";

const DAY = 86_400_000;
/** The window: this far back ... */
export const FEED_PAST_DAYS = 30;
/** ... and this far ahead. */
export const FEED_FUTURE_DAYS = 180;
/** Most events in one feed (the nearest to now are kept). */
export const MAX_FEED_EVENTS = 500;
/** Most classes one feed reads. */
export const MAX_FEED_CLASSES = 40;
/** Lectures read per class, the most recently scheduled first. */
export const LECTURES_READ_PER_CLASS = 400;
/** How long a lecture lasts in the feed (the model has no planned length). */
export const LECTURE_LENGTH_MS = 3_600_000;

/** The classes a feed covers (none: the owner is gone or no longer in the class). */
async function feedClasses(
  kv: Deno.Kv,
  feed: CalendarFeed,
): Promise<{ user: User; classes: Class[] } | null> {
  const user = await getUser(kv, feed.userId);
  if (!user || user.orgId !== feed.orgId) return null;
  if (!feed.classId) {
    const classes = (await listUserClasses(kv, user)).map((c) => c.cls);
    return { user, classes: classes.slice(0, MAX_FEED_CLASSES) };
  }
  const cls = await getRecord(kv, ClassSchema, ["classes", feed.classId]);
  if (!cls || cls.orgId !== user.orgId) return null;
  const member = await getMemberRole(kv, cls.id, user.id);
  return member || user.role === "admin" ? { user, classes: [cls] } : null;
}

async function classLectures(kv: Deno.Kv, cls: Class): Promise<Lecture[]> {
  const keys: Deno.KvKey[] = [];
  const iter = kv.list<string>({ prefix: ["lectures_by_class", cls.id] }, {
    reverse: true,
    limit: LECTURES_READ_PER_CLASS,
  });
  for await (const e of iter) keys.push(["lectures", e.value]);
  return (await getRecords(kv, LectureSchema, keys))
    .filter((l): l is Lecture => l !== null && l.orgId === cls.orgId);
}

/**
 * The ICS text of a feed at `now`, or null when the feed no longer opens anything (its
 * owner is gone or left the class).
 */
export async function renderFeed(
  kv: Deno.Kv,
  config: Pick<Config, "publicUrl">,
  feed: CalendarFeed,
  now = new Date(),
): Promise<string | null> {
  const found = await feedClasses(kv, feed);
  if (!found) return null;
  const { user, classes } = found;
  const t = translator(feed.locale);
  const from = now.getTime() - FEED_PAST_DAYS * DAY;
  const to = now.getTime() + FEED_FUTURE_DAYS * DAY;
  const inWindow = (iso: string) => {
    const at = Date.parse(iso);
    return at >= from && at <= to;
  };
  const perClass = await Promise.all(classes.map(async (cls) => {
    const [lectures, assignments] = await Promise.all([
      classLectures(kv, cls),
      listAssignmentsByClass(kv, cls.id),
    ]);
    const events: IcsEvent[] = [];
    for (const l of lectures) {
      if (!inWindow(l.startsAt)) continue;
      const url = `${config.publicUrl}/lectures/${l.id}`;
      const start = new Date(l.startsAt);
      events.push({
        uid: `lecture-${l.id}@mirae`,
        start,
        end: new Date(start.getTime() + LECTURE_LENGTH_MS),
        summary: `${cls.name}: ${l.title}`,
        description: t("calendar.event.lecture", { url }),
        url,
        sequence: l.sequence ?? 0,
      });
    }
    for (const a of assignments) {
      if (!inWindow(a.dueAt)) continue;
      const url = `${config.publicUrl}/classes/${cls.id}/assignments/${a.id}`;
      events.push({
        uid: `assignment-${a.id}@mirae`,
        start: new Date(a.dueAt),
        summary: `${cls.name}: ${t("calendar.event.due", { title: a.title })}`,
        description: t("calendar.event.assignment", { url }),
        url,
      });
    }
    return events;
  }));
  const events = perClass.flat()
    .sort((a, b) =>
      Math.abs(a.start.getTime() - now.getTime()) - Math.abs(b.start.getTime() - now.getTime())
    )
    .slice(0, MAX_FEED_EVENTS)
    .sort((a, b) => a.start.getTime() - b.start.getTime() || a.uid.localeCompare(b.uid));
  const name = feed.classId
    ? t("calendar.feed.class", { cls: classes[0].name })
    : t("calendar.feed.person", { name: user.name });
  return buildCalendar({ name, events, now });
}
