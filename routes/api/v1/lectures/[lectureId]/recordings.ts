import { z } from "zod";
import { requireActor, TEACHERS } from "@/services/auth/access.ts";
import { lectureAccess, LectureParamsSchema } from "@/services/lectures/lectures.ts";
import { recordingOut, RecordingViewOutSchema } from "@/services/recordings/model.ts";
import {
  classRecordsByDefault,
  listLectureRecordings,
  listRecordingViews,
  recordingWanted,
  updateRecordingSettings,
} from "@/services/recordings/recordings.ts";
import { defineApi, errorResponses, ErrorResponseSchema, json } from "@/services/web/api.ts";

const ListSchema = z.object({
  /** Whether this lecture is recorded (its setting, else the class's default). */
  record: z.boolean(),
  /** Whether the class's lectures are recorded by default. */
  classDefault: z.boolean(),
  items: z.array(RecordingViewOutSchema),
  /** Teachers only: seconds of the recordings each member watched. */
  views: z.array(z.object({ userId: z.string(), seconds: z.number() })).optional(),
});

/** The lecture's recordings (members of the class), oldest part first. */
export const GET = defineApi({
  summary: "List a lecture's recordings",
  description: "Every part recorded (a recorder restarted during the lecture makes a further " +
    "part), with the URL its video plays from (GET /api/v1/files/{id}, which answers Range " +
    "requests). Teachers also get what each member watched.",
  tags: ["recordings"],
  security: [{ bearer: [] }],
  request: { params: LectureParamsSchema },
  responses: { 200: json(ListSchema, "Recordings, oldest part first"), ...errorResponses },
}, async (c) => {
  const { kv } = c.var.state;
  const { lecture, role } = await lectureAccess(
    kv,
    requireActor(c.var.state),
    c.req.valid("param").lectureId,
  );
  const items = (await listLectureRecordings(kv, lecture.id)).map(recordingOut);
  const views = TEACHERS.includes(role)
    ? [...(await listRecordingViews(kv, lecture.id))].map(([userId, seconds]) => ({
      userId,
      seconds,
    }))
    : undefined;
  return c.json({
    record: await recordingWanted(kv, lecture),
    classDefault: await classRecordsByDefault(kv, lecture.classId),
    items,
    views,
  }, 200);
});

const SettingSchema = z.strictObject({
  record: z.boolean().optional().describe("Record this lecture (its own setting)"),
  classDefault: z.boolean().optional().describe(
    "Record the class's lectures that have no setting of their own",
  ),
}).refine((s) => s.record !== undefined || s.classDefault !== undefined, {
  message: "Give record, classDefault or both",
});
const SettingsSchema = z.object({
  record: z.boolean().describe("Whether this lecture is recorded"),
  classDefault: z.boolean().describe("Whether the class's lectures are, by default"),
});

/** Turns recording of the lecture on or off (teachers); on a live lecture, at once. */
export const PATCH = defineApi({
  summary: "Record a lecture, or stop",
  description: "On a live lecture the recorder starts or stops within seconds. " +
    "`classDefault` applies to the class's lectures without a setting of their own (this one " +
    "too, unless `record` is given or was set before).",
  tags: ["recordings"],
  security: [{ bearer: [] }],
  request: {
    params: LectureParamsSchema,
    body: { content: { "application/json": { schema: SettingSchema } }, required: true },
  },
  responses: {
    200: json(SettingsSchema, "What now holds"),
    ...errorResponses,
    409: json(ErrorResponseSchema, "The lecture has ended"),
  },
}, async (c) => {
  const { kv } = c.var.state;
  const { lecture } = await lectureAccess(
    kv,
    requireActor(c.var.state),
    c.req.valid("param").lectureId,
    TEACHERS,
  );
  return c.json(await updateRecordingSettings(kv, lecture, c.req.valid("json")), 200);
});
