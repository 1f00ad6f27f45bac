import { TEACHERS } from "@/services/auth/access.ts";
import {
  lectureAccess,
  LectureParamsSchema,
  lectureView,
  LectureViewSchema,
  openLecture,
} from "@/services/lectures/lectures.ts";
import { defineAction } from "@/services/web/actions.ts";

export const POST = defineAction(
  {
    summary: "Open a lecture (go live)",
    description:
      "Creates the lecture's LiveKit room and marks it live. Opening a live lecture again is harmless: a teacher who reloads resumes it.",
    tags: ["lectures"],
    params: LectureParamsSchema,
    find: (kv, actor, { lectureId }) => lectureAccess(kv, actor, lectureId, TEACHERS),
    result: { schema: LectureViewSchema, description: "The lecture" },
    errors: {
      409: "The class is archived",
      410: "The lecture has ended",
      503: "Live video is not available",
    },
  },
  async ({ lecture }, { state }) =>
    lectureView(await openLecture(state.kv, state.livekit.require(), lecture.id)),
);
