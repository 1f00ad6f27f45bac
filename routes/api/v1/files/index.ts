import { z } from "zod";
import { requireActor } from "@/services/auth/access.ts";
import { FileRefSchema } from "@/services/coursework/model.ts";
import { requireUploadAccess } from "@/services/files/access.ts";
import { fileTooLarge, KvFileStore, toFileRef } from "@/services/files/store.ts";
import { defineApi, errorResponses, ErrorResponseSchema, json } from "@/services/web/api.ts";
import { AppError } from "@/services/web/errors.ts";

/** Uploads one file: the raw bytes as the body, streamed into the file store. */
export const POST = defineApi({
  summary: "Upload a file",
  description: "Send the file's bytes as the body with `Content-Type: application/octet-stream`. " +
    "The type is found from the content (the configured types only; never Office files " +
    "with macros), and the name must end in that type's extension (a name without one gets " +
    "it): anything else is 415. The size limit is the configured one. Students upload files for their submissions " +
    "(`purpose=submission`), teachers and admins class material (`purpose=attachment`). " +
    "Answers the file's reference, whose `id` goes into a submission's `fileIds` or an " +
    "assignment's `attachmentIds`; until then only its uploader can read or delete it.",
  tags: ["files"],
  security: [{ bearer: [] }],
  request: {
    query: z.object({
      classId: z.string().min(1).max(40),
      purpose: z.enum(["submission", "attachment"]),
      name: z.string().min(1).max(1000),
    }),
    // Not a zod schema on purpose: the body is streamed by the handler, never parsed.
    body: {
      content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
      required: true,
    },
  },
  responses: {
    201: json(FileRefSchema, "Stored"),
    ...errorResponses,
    409: json(ErrorResponseSchema, "The class is archived"),
    413: json(ErrorResponseSchema, "The file is larger than the configured limit"),
    415: json(
      ErrorResponseSchema,
      "The file's type is not accepted, or the body is not octet-stream",
    ),
  },
}, async (c) => {
  const { kv, config } = c.var.state;
  const actor = requireActor(c.var.state);
  const { classId, purpose, name } = c.req.valid("query");
  await requireUploadAccess(kv, actor, classId, purpose);
  if (!(c.req.header("content-type") ?? "").startsWith("application/octet-stream")) {
    throw new AppError(
      "unsupported_media_type",
      "Send the file's bytes as the body with Content-Type: application/octet-stream.",
    );
  }
  const { maxBytes, types } = config.upload;
  const declared = Number(c.req.header("content-length"));
  // Refused before a byte of the body is read; without a length the store stops at the limit.
  if (declared > maxBytes) throw fileTooLarge(maxBytes);
  const body = c.req.raw.body;
  if (!body) throw new AppError("bad_request", "The file is empty.");
  const meta = await new KvFileStore(kv).put(body, {
    name,
    orgId: actor.user.orgId,
    ownerId: actor.user.id,
    classId,
    purpose,
    maxBytes,
    allowedTypes: types,
  });
  return c.json(toFileRef(meta), 201);
});
