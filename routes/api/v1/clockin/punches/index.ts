import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import { randomToken, tokenId } from "@/services/auth/sessions.ts";
import { PositionSchema } from "@/services/clockin/geo.ts";
import { PositionLabelSchema, PunchSchema } from "@/services/clockin/model.ts";
import { recordPunch } from "@/services/clockin/punches.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";
import { cookieHeader, getCookies } from "@/services/web/cookies.ts";
import { AppError } from "@/services/web/errors.ts";
import { clientIp } from "@/services/web/forms.ts";
import { inWorkspace } from "@/services/workspace/access.ts";
import { clockinOrg } from "@/services/clockin/cache.ts";

/** The long-lived random cookie that tells a person's devices apart (only its hash is kept). */
const DEVICE_COOKIE = "mirae_device";

const PunchBodySchema = z.strictObject({
  kind: z.enum(["in", "out"]).optional(),
  position: PositionSchema.optional(),
  remark: z.string().max(500, "The remark is at most 500 characters.").optional(),
  photoFileId: z.string().max(40).optional(),
  source: z.enum(["tap", "quick"]).optional(),
  outsideConfirmed: z.boolean().optional(),
});

/** Clocks the asker in or out; the server decides where they are and when. */
export const POST = defineApi({
  summary: "Clock in or out",
  description: "For the asker only (no person is named). The time is the server's. On an " +
    "office network no position is needed; otherwise `position` (lat, lng, accuracy in m). " +
    "201 with the new punch; 200 with the first punch when the asker already punched this " +
    "minute; 400 for a bad or too inaccurate position or a missing remark/photo; 409 when " +
    "the position is uncertain (send again with `outsideConfirmed: true` and a remark); 403 " +
    "when clock-in is off.",
  tags: ["clockin"],
  security: [{ bearer: [] }],
  request: {
    body: { content: { "application/json": { schema: PunchBodySchema } }, required: true },
  },
  responses: {
    201: json(
      z.object({ punch: PunchSchema, label: PositionLabelSchema.optional() }),
      "The new punch",
    ),
    200: json(z.object({ punch: PunchSchema }), "The punch already made this minute"),
    409: errorResponses[400],
    ...errorResponses,
  },
}, async (c) => {
  const { kv, config } = c.var.state;
  const actor = requireActor(c.var.state);
  const setup = await clockinOrg(kv, actor.user.orgId);
  if (!inWorkspace(setup.org, actor.user)) throw new AppError("not_found", "Workspace not found");
  let device = getCookies(c.req.raw)[DEVICE_COOKIE];
  if (!device || device.length < 20 || device.length > 100) {
    device = randomToken();
    c.header(
      "set-cookie",
      cookieHeader(DEVICE_COOKIE, device, {
        maxAgeSeconds: 400 * 86_400,
        secure: config.secureCookies,
      }),
    );
  }
  const hash = tokenId(`mirae-device:${device}`).slice(0, 32);
  const { punch, created } = await recordPunch(kv, {
    orgId: actor.user.orgId,
    userId: actor.user.id,
    ip: clientIp(c.req.raw),
    device: hash,
    t: c.var.state.t,
  }, c.req.valid("json"));
  return created ? c.json({ punch, label: punch.label }, 201) : c.json({ punch }, 200);
});
