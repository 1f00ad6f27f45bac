import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import { downloadHeaders, readableFile } from "@/services/files/access.ts";
import { KvFileStore } from "@/services/files/store.ts";
import { defineApi, errorResponses } from "@/services/web/api.ts";

/** Downloads a file the asker may read, always as an attachment. */
export const GET = defineApi({
  summary: "Download a file",
  description: "Class material: any member of the class. Submission files: the student who " +
    "uploaded it, the class's teachers and the school's admins. Anyone else: 404. Always sent " +
    "as an attachment with the type found when it was uploaded.",
  tags: ["files"],
  security: [{ bearer: [] }],
  request: { params: z.object({ fileId: z.string().min(1).max(40) }) },
  responses: {
    200: {
      description: "The file's bytes",
      content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
    },
    ...errorResponses,
  },
}, async (c) => {
  const { kv } = c.var.state;
  const store = new KvFileStore(kv);
  const meta = await readableFile(
    kv,
    store,
    requireActor(c.var.state),
    c.req.valid("param").fileId,
  );
  return c.body(await store.open(meta.id), 200, downloadHeaders(meta));
});
