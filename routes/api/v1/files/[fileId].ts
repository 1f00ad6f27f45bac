import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import { deleteFile, downloadHeaders, readableFile } from "@/services/files/access.ts";
import { byteRange, KvFileStore } from "@/services/files/store.ts";
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
    "type found when it was uploaded, and `X-Content-Type-Options: nosniff`. One `Range: " +
    "bytes=a-b` range is answered with 206 and that part (videos seek this way); a range " +
    "past the end with 416.",
  tags: ["files"],
  security: [{ bearer: [] }],
  request: { params },
  responses: {
    200: {
      description: "The file's bytes",
      content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
    },
    206: {
      description: "The part a `Range` header asked for",
      content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
    },
    416: { description: "The range is past the end of the file" },
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
  const headers = { ...downloadHeaders(meta), "accept-ranges": "bytes" };
  const range = byteRange(c.req.header("range") ?? null, meta.size);
  if (range === "unsatisfiable") {
    return c.body(null, 416, {
      ...headers,
      "content-range": `bytes */${meta.size}`,
      "content-length": "0",
    });
  }
  if (!range) return c.body(await store.open(meta.id), 200, headers);
  return c.body(await store.open(meta.id, range), 206, {
    ...headers,
    "content-range": `bytes ${range.start}-${range.end}/${meta.size}`,
    "content-length": String(range.end - range.start + 1),
  });
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
