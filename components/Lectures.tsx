/**
 * Server pieces the lecture pages share: the room island's translated strings, the status
 * badge, "Start a lecture now", and the stylesheet of the lecture pages.
 * @module
 */
import { CsrfField } from "@/components/CsrfField.tsx";
import type { LectureStatus } from "@/services/lectures/model.ts";
import type { State } from "@/services/web/define.ts";
import { LECTURE_ROOM_LABELS, type LectureRoomLabels } from "./lecture/labels.ts";

/** The lecture room's strings in the page's language (islands cannot translate). */
export function lectureRoomLabels(state: State): LectureRoomLabels {
  return Object.fromEntries(
    LECTURE_ROOM_LABELS.map((k) => [k, state.t(`lectures.room.${k}` as const)]),
  ) as LectureRoomLabels;
}

export function LectureStatusBadge({ state, status }: { state: State; status: LectureStatus }) {
  return <span class={`badge lecture-${status}`}>{state.t(`lectures.status.${status}`)}</span>;
}

/** The lecture pages' own styles (kept apart from the app-wide sheet). */
export function LectureStyles() {
  return <link rel="stylesheet" href="/lectures.css" />;
}

/**
 * "Start a lecture now" for a class's teachers: one click schedules a lecture starting now
 * and opens its page, where the teacher goes live (the class lectures page handles it).
 */
export function StartLectureNow({ state, classId }: { state: State; classId: string }) {
  return (
    <form method="post" action={`/classes/${classId}/lectures`} class="start-now">
      <CsrfField state={state} />
      <input type="hidden" name="intent" value="now" />
      <button type="submit" class="primary" title={state.t("lectures.now.hint")}>
        {state.t("lectures.now.start")}
      </button>
    </form>
  );
}
