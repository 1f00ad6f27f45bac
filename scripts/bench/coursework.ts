/**
 * `deno task bench coursework`: 1,000 students each upload a 1 MB file (streamed into the
 * file store in 64 KiB pieces) and submit it, 8 at a time, into a file-backed KV. Prints the
 * wall time and the peak RSS: memory must not grow with the file size or the count.
 * Then the gradebook figures from `_gradebook.ts`.
 * @module
 */
import type { Assignment } from "@/services/coursework/model.ts";
import { listLatestSubmissions, submitWork } from "@/services/coursework/submissions.ts";
import { commit, newId } from "@/services/db/kv.ts";
import { KvFileStore } from "@/services/files/store.ts";
import { benchGradebook } from "./_gradebook.ts";
import { measure, seedClass, withFileKv } from "./_lib.ts";
import { DEFAULT_UPLOAD_TYPES } from "@/fresh.config.ts";

const STUDENTS = 1_000;
const FILE_BYTES = 1024 * 1024;
const PIECE_BYTES = 64 * 1024;
const CONCURRENCY = 8;

/** One 64 KiB pattern, reused for every piece of every file: random bytes after a PDF header. */
const pattern = new Uint8Array(PIECE_BYTES);
crypto.getRandomValues(pattern);
pattern.set(new TextEncoder().encode("%PDF-1.7\n"));

/** A 1 MB upload body that yields the shared pattern 16 times, as a network body would. */
function fileStream(): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(ctrl) {
      if (sent >= FILE_BYTES) return ctrl.close();
      sent += PIECE_BYTES;
      ctrl.enqueue(pattern);
    },
  }, { highWaterMark: 0 });
}

await withFileKv("coursework", async (kv) => {
  const { org, teacher, cls, students } = await seedClass(kv, "bench-cw", STUDENTS);
  const now = new Date().toISOString();
  const assignment: Assignment = {
    id: newId(),
    orgId: org.id,
    classId: cls.id,
    title: "Bench essay",
    instructions: "",
    attachments: [],
    points: 100,
    dueAt: new Date(Date.now() + 86_400_000).toISOString(),
    timeZone: "Asia/Seoul",
    latePolicy: { kind: "close" },
    status: "published",
    reminderHours: [],
    createdBy: teacher.id,
    createdAt: now,
    updatedAt: now,
    publishedAt: now,
  };
  await commit(
    kv.atomic()
      .set(["assignments", assignment.id], assignment)
      .set(["assignments_by_class", cls.id, assignment.id], assignment.id),
  );

  const store = new KvFileStore(kv);
  let next = 0;
  const worker = async () => {
    while (next < students.length) {
      const student = students[next++];
      const file = await store.put(fileStream(), {
        name: `essay-${student.studentNumber}.pdf`,
        orgId: org.id,
        ownerId: student.id,
        classId: cls.id,
        purpose: "submission",
        maxBytes: 25 * FILE_BYTES,
        allowedTypes: DEFAULT_UPLOAD_TYPES,
      });
      if (file.type !== "application/pdf" || file.size !== FILE_BYTES) {
        throw new Error(`unexpected file ${JSON.stringify(file)}`);
      }
      await submitWork(kv, {
        assignment,
        student,
        text: "My essay is attached.",
        fileIds: [file.id],
      });
    }
  };

  const { seconds, peakMb } = await measure(() =>
    Promise.all(Array.from({ length: CONCURRENCY }, worker))
  );

  const latest = await listLatestSubmissions(kv, assignment.id);
  if (latest.length !== STUDENTS || latest.some((s) => s.files.length !== 1)) {
    throw new Error(`expected ${STUDENTS} latest submissions with a file, found ${latest.length}`);
  }

  console.log(`BENCH submissions_1k_s=${seconds.toFixed(2)} s`);
  console.log(`BENCH submissions_peak_mb=${peakMb.toFixed(0)} MB`);
});

// The gradebook export, in the same group (its memory figures include this run's).
await benchGradebook();
