/**
 * "Class starts now": the students of a class hear when one of its lectures is scheduled,
 * moved or goes live. Each notification links to the lecture page, which for a live lecture
 * joins the room, so one tap takes a student in. Teachers are not notified (they did it).
 *
 * The services in lectures.ts call `notifyLecture` after their own commit succeeded, so a
 * change that lost a race (two teachers opening at once) notifies nobody, and opening a live
 * lecture again changes nothing and notifies nobody.
 * @module
 */
import { ClassSchema } from "../classes/classes.ts";
import { listMemberIds } from "../classes/members.ts";
import { getRecord } from "../db/kv.ts";
import {
  KvNotifier,
  type NotificationKind,
  type Notifier,
} from "../notifications/notifications.ts";
import type { Lecture } from "./model.ts";

/** What happened to a lecture that students hear about. */
export type LectureEvent = "scheduled" | "moved" | "live";

const KINDS: Record<LectureEvent, NotificationKind> = {
  scheduled: "lecture_scheduled",
  moved: "lecture_moved",
  live: "lecture_live",
};

/** English text (API clients, future email); pages translate from `args`. */
function englishText(event: LectureEvent, cls: string, lecture: Lecture) {
  const when = `${lecture.startsAt.slice(0, 16).replace("T", " ")} UTC`;
  switch (event) {
    case "scheduled":
      return { title: `New lecture: ${lecture.title}`, body: `${cls}: starts ${when}.` };
    case "moved":
      return { title: `Lecture moved: ${lecture.title}`, body: `${cls}: now starts ${when}.` };
    case "live":
      return { title: `Class starts now: ${lecture.title}`, body: `${cls} is live. Join now.` };
  }
}

/**
 * Notifies every student of the lecture's class of `event` (one notification each, through
 * `notifier`: the in-app list unless another channel is given). Resolves to how many.
 */
export async function notifyLecture(
  kv: Deno.Kv,
  lecture: Lecture,
  event: LectureEvent,
  notifier: Notifier = new KvNotifier(kv),
): Promise<number> {
  const [cls, students] = await Promise.all([
    getRecord(kv, ClassSchema, ["classes", lecture.classId]),
    listMemberIds(kv, lecture.classId, "student"),
  ]);
  if (!cls || students.length === 0) return 0;
  return await notifier.notify(students, {
    kind: KINDS[event],
    ...englishText(event, cls.name, lecture),
    link: `/lectures/${lecture.id}`,
    args: { cls: cls.name.slice(0, 300), title: lecture.title, startsAt: lecture.startsAt },
  });
}
