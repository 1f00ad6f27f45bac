import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import { deleteFile, downloadHeaders, readableFile } from "@/services/files/access.ts";
import { KvFileStore } from "@/services/files/store.ts";
import { defineApi, errorResponses, ErrorResponseSchema, json } from "@/services/web/api.ts";

const params = z.object({ fileId: z.string().min(1).max(40) });

/** Downloads a file the asker may read, always as an attachment. */
export const GET = defineApi({
  summary: "Download a file",
  description: "Who may read a file follows what holds it: a draft assignment's material, " +
    "the class's teachers and the school's admins; a published or closed assignment's, every " +
    "member of the class; a submission's, the student who submitted it, the class's teachers " +
    "and the school's admins; a file nothing holds (just uploaded, or taken off its " +
    "assignment), only its uploader. Anyone else: 404. Always sent as an attachment with the " +
    "type found when it was uploaded, and `X-Content-Type-Options: nosniff`.",
  tags: ["files"],
  security: [{ bearer: [] }],
  request: { params },
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

/** Deletes a file: an assignment's material (taken off the assignment), or one's own upload. */
export const DELETE = defineApi({
  summary: "Delete a file",
  description: "An assignment's material: the class's teachers and the school's admins (the " +
    "file is taken off the assignment). A file nothing holds: its uploader. Files of submitted " +
    "work are kept as a record: 409. A file the asker cannot read: 404; one they may only " +
    "read: 403.",
  tags: ["files"],
  security: [{ bearer: [] }],
  request: { params },
  responses: {
    204: { description: "Deleted" },
    ...errorResponses,
    409: json(ErrorResponseSchema, "Submitted work, or a file of an archived class"),
  },
}, async (c) => {
  const { kv } = c.var.state;
  await deleteFile(
    kv,
    new KvFileStore(kv),
    requireActor(c.var.state),
    c.req.valid("param").fileId,
  );
  return c.body(null, 204);
});
