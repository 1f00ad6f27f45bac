import { z } from "zod";
import { defineApi, json } from "@/services/web/api.ts";

const HealthSchema = z.object({
  status: z.literal("ok"),
  /** Which of the app's processes answered (0 is the first; see MIRAE_WORKERS). */
  instance: z.number().int(),
  /** Whether live lectures can start now. */
  liveVideo: z.enum(["ready", "starting", "unavailable"]),
  /** While a first run builds the local LiveKit server: how far it has come. */
  liveVideoBuild: z.object({
    step: z.enum(["downloading", "building"]),
    modules: z.number().int(),
    packages: z.number().int(),
    startedAt: z.string(),
  }).optional(),
});

/** For load balancers and monitoring: this process serves and reaches its store. */
export const GET = defineApi({
  summary: "Health check",
  description: "No sign-in needed. 200 while this process answers and can read its store " +
    "(a store that fails gives a 500). `liveVideo` says whether lectures can go live.",
  tags: ["health"],
  responses: { 200: json(HealthSchema, "Serving") },
}, async (c) => {
  const { kv, config, livekit } = c.var.state;
  await kv.get(["settings", "health"], { consistency: "eventual" });
  const video = livekit.status();
  return c.json({
    status: "ok" as const,
    instance: config.instance,
    liveVideo: video.state,
    ...(video.state !== "ready" && video.build ? { liveVideoBuild: video.build } : {}),
  }, 200);
});
