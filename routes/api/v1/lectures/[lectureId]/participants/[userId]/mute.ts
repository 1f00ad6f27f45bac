import { TEACHERS } from "@/services/auth/access.ts";
import { lectureAccess, LectureUserParamsSchema } from "@/services/lectures/lectures.ts";
import { muteParticipant } from "@/services/lectures/room.ts";
import { defineAction } from "@/services/web/actions.ts";

export const POST = defineAction(
  {
    summary: "Mute a participant's microphone",
    tags: ["lectures"],
    params: LectureUserParamsSchema,
    find: (kv, actor, { lectureId }) => lectureAccess(kv, actor, lectureId, TEACHERS),
    errors: {
      409: "Not in the lecture now, or the lecture is not live",
      503: "Live video is not available",
    },
  },
  ({ lecture }, { state, params }) =>
    muteParticipant(state.livekit.require(), lecture, params.userId),
);
