import { TEACHERS } from "@/services/auth/access.ts";
import {
  endLecture,
  lectureAccess,
  LectureParamsSchema,
  lectureView,
  LectureViewSchema,
} from "@/services/lectures/lectures.ts";
import { sendToLecture } from "@/services/lectures/room.ts";
import { TOPICS } from "@/services/lectures/model.ts";
import { defineAction } from "@/services/web/actions.ts";

export const POST = defineAction({
  summary: "End a lecture",
  description:
    "Marks it ended and closes its room, which disconnects everyone. Chat and attendance stay readable.",
  tags: ["lectures"],
  params: LectureParamsSchema,
  find: (kv, actor, { lectureId }) => lectureAccess(kv, actor, lectureId, TEACHERS),
  result: { schema: LectureViewSchema, description: "The lecture" },
  errors: { 409: "The class is archived", 503: "Live video is not available" },
}, async ({ lecture }, { state }) => {
  const server = state.livekit.require();
  await sendToLecture(server, lecture, TOPICS.lecture, { type: "ended" });
  return lectureView(await endLecture(state.kv, server, lecture.id));
});
