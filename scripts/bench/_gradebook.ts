/**
 * The gradebook CSV export at scale: 2,000 students x 40 published assignments with a grade
 * in every cell, in a file-backed KV. Times `gradebookCsv` consumed to the end and samples RSS
 * every 50 ms during it: memory must stay flat (the file is streamed, never built whole).
 * Run by `deno task bench coursework`, or directly: `deno run -A scripts/bench/_gradebook.ts`.
 * @module
 */
import { createAssignment } from "@/services/coursework/assignments.ts";
import { gradebookCsv, gradebookPage } from "@/services/coursework/gradebook.ts";
import type { Assignment, Grade } from "@/services/coursework/model.ts";
import { commit } from "@/services/db/kv.ts";
import { measure, seedClass, withFileKv } from "./_lib.ts";

const STUDENTS = 2_000;
const ASSIGNMENTS = 40;
const GRADES_PER_COMMIT = 400;

/** Seeds the class, then measures the CSV export; prints `BENCH` lines. */
export async function benchGradebook(): Promise<void> {
  await withFileKv("gradebook", async (kv) => {
    const { teacher, cls, students } = await seedClass(kv, "bench-gradebook", STUDENTS);
    const assignments: Assignment[] = [];
    for (let i = 0; i < ASSIGNMENTS; i++) {
      const a = await createAssignment(kv, cls, {
        title: `Assignment ${i + 1}`,
        points: 20,
        due: { date: "2026-12-01", time: "09:00" },
      }, teacher.id);
      // Published without notifying 2,000 students 40 times: only the export is measured.
      const published: Assignment = { ...a, status: "published", publishedAt: a.createdAt };
      await kv.set(["assignments", a.id], published);
      assignments.push(published);
    }
    let op = kv.atomic();
    let pending = 0;
    const now = new Date().toISOString();
    for (const a of assignments) {
      for (const [k, s] of students.entries()) {
        const points = (k * 7 + a.id.charCodeAt(a.id.length - 1)) % 21;
        const grade: Grade = {
          assignmentId: a.id,
          studentId: s.id,
          classId: cls.id,
          points,
          feedback: "Good work; see the comments on page 2.",
          penaltyPct: 0,
          finalPoints: points,
          status: k % 3 ? "released" : "draft",
          gradedBy: teacher.id,
          gradedAt: now,
          ...(k % 3 ? { releasedAt: now } : {}),
        };
        op.set(["grades", a.id, s.id], grade);
        if (++pending === GRADES_PER_COMMIT) {
          await commit(op);
          op = kv.atomic();
          pending = 0;
        }
      }
    }
    if (pending) await commit(op);

    let bytes = 0, lines = 0;
    const { seconds, peakMb, beforeMb } = await measure(async () => {
      for await (const chunk of gradebookCsv(kv, cls)) {
        bytes += chunk.byteLength;
        for (let i = 0; i < chunk.length; i++) if (chunk[i] === 0x0a) lines++;
      }
    });
    if (lines !== STUDENTS + 1) throw new Error(`expected ${STUDENTS + 1} lines, got ${lines}`);

    const pageStarted = performance.now();
    const page = await gradebookPage(kv, cls, { offset: 1000, limit: 50 });
    const pageSeconds = (performance.now() - pageStarted) / 1000;
    if (page.items.length !== 50 || page.items[0].cells.length !== ASSIGNMENTS) {
      throw new Error("the gradebook page is not 50 students x 40 assignments");
    }

    console.log(`# gradebook csv: ${lines} lines, ${(bytes / 1048576).toFixed(2)} MiB`);
    console.log(`BENCH gradebook_csv_s=${seconds.toFixed(2)} s`);
    console.log(`BENCH gradebook_peak_mb=${peakMb.toFixed(0)} MB`);
    // For reading the peak: RSS before the export (KV's SQLite page cache accounts for most
    // of the growth during it; the JS heap stays flat).
    console.log(`BENCH gradebook_rss_before_mb=${beforeMb.toFixed(0)} MB`);
    console.log(`BENCH gradebook_page_s=${pageSeconds.toFixed(2)} s`);
  });
}

if (import.meta.main) await benchGradebook();
