/**
 * What the lecture page shows of recordings: the player's props for an ended lecture (its
 * parts and its whole chat, on the school's clock) and the teacher's record switch otherwise.
 * @module
 */
import { intlLocale } from "@/components/Coursework.tsx";
import {
  RECORDING_PLAYER_LABELS,
  type RecordingPlayerLabels,
  type RecordingPlayerProps,
} from "@/islands/RecordingPlayer.tsx";
import {
  RECORDING_TOGGLE_LABELS,
  type RecordingToggleLabels,
  type RecordingToggleProps,
} from "@/islands/RecordingToggle.tsx";
import { type ClassRole, TEACHERS } from "../auth/access.ts";
import { listChat } from "../lectures/chat.ts";
import type { ChatMessage, Lecture } from "../lectures/model.ts";
import type { State } from "../web/define.ts";
import { recordingOut } from "./model.ts";
import { classRecordsByDefault, listLectureRecordings, recordingWanted } from "./recordings.ts";

/** Most chat messages shown beside a recording. */
const MAX_CHAT = 5_000;

/** The player's props for an ended lecture with recordings; null when it has none. */
export async function recordingPlayerProps(
  state: State,
  lecture: Lecture,
  role: ClassRole,
  timeZone: string,
): Promise<RecordingPlayerProps | null> {
  const parts = await listLectureRecordings(state.kv, lecture.id);
  if (!parts.length) return null;
  const chat: ChatMessage[] = [];
  let after: string | undefined;
  do {
    const page = await listChat(state.kv, lecture.id, { after, limit: 500 });
    chat.push(...page.items);
    after = page.nextAfter;
  } while (after && chat.length < MAX_CHAT);
  const labels = Object.fromEntries(
    RECORDING_PLAYER_LABELS.map((k) => [k, state.t(`recordings.${k}` as const)]),
  ) as RecordingPlayerLabels;
  const time = new Intl.DateTimeFormat(intlLocale(state), {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  return {
    lectureId: lecture.id,
    parts: parts.map(recordingOut).map((p) => ({
      id: p.id,
      part: p.part,
      status: p.status,
      url: p.url,
      startedAt: Date.parse(p.startedAt),
      ending: p.ending,
    })),
    chat: chat.map((m) => ({
      id: m.id,
      name: m.name,
      text: m.text,
      at: Date.parse(m.at),
      time: time.format(new Date(m.at)),
    })),
    canDelete: TEACHERS.includes(role),
    labels,
  };
}

/** Whether the students of a lecture that has not ended are told it is recorded. */
export async function recordingNotice(
  state: State,
  lecture: Lecture,
  role: ClassRole,
): Promise<boolean> {
  if (TEACHERS.includes(role) || lecture.status === "ended") return false;
  return await recordingWanted(state.kv, lecture);
}

/** The teacher's record switch for a lecture that has not ended; null for students. */
export async function recordingToggleProps(
  state: State,
  lecture: Lecture,
  role: ClassRole,
): Promise<RecordingToggleProps | null> {
  if (!TEACHERS.includes(role) || lecture.status === "ended") return null;
  const labels = Object.fromEntries(
    RECORDING_TOGGLE_LABELS.map((k) => [k, state.t(`recordings.${k}` as const)]),
  ) as RecordingToggleLabels;
  return {
    lectureId: lecture.id,
    record: await recordingWanted(state.kv, lecture),
    classDefault: await classRecordsByDefault(state.kv, lecture.classId),
    labels,
  };
}
