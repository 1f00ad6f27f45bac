/**
 * The gradebook CSV export at scale: 2,000 students x 40 published assignments with a grade
 * in every cell, in a file-backed KV. Times `gradebookCsv` consumed to the end and samples RSS
 * every 50 ms during it: memory must stay flat (the file is streamed, never built whole).
 * Run by `deno task bench coursework`, or directly: `deno run -A scripts/bench/_gradebook.ts`.
 * @module
 */
import { addMemberOps } from "../../services/classes/members.ts";
import { createClass } from "../../services/classes/classes.ts";
import { createAssignment } from "../../services/coursework/assignments.ts";
import { gradebookCsv, gradebookPage } from "../../services/coursework/gradebook.ts";
import type { Assignment, Grade } from "../../services/coursework/model.ts";
import { commit } from "../../services/db/kv.ts";
import { createOrg } from "../../services/orgs/orgs.ts";
import { createUser, createUserOps, newUser, type User } from "../../services/orgs/users.ts";

const STUDENTS = 2_000;
const ASSIGNMENTS = 40;
const GRADES_PER_COMMIT = 400;

const mb = (bytes: number) => (bytes / 1048576).toFixed(0);

/** Seeds the class, then measures the CSV export; prints `BENCH` lines. */
export async function benchGradebook(): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "mirae-bench-gradebook-" });
  const kv = await Deno.openKv(`${dir}/kv.sqlite3`);
  try {
    const org = await createOrg(kv, {
      name: "Bench School",
      kind: "school",
      slug: "bench-gradebook",
      timeZone: "Asia/Seoul",
    });
    const teacher = await createUser(
      kv,
      newUser({
        orgId: org.id,
        name: "Teacher",
        email: "gb-teacher@bench.example.org",
        role: "teacher",
      }),
    );
    const cls = await createClass(kv, org.id, { name: "Bench class", teacherIds: [teacher.id] });
    const students: User[] = [];
    for (let i = 0; i < STUDENTS; i += 100) {
      const op = kv.atomic();
      for (let j = i; j < Math.min(i + 100, STUDENTS); j++) {
        const s = newUser({
          orgId: org.id,
          name: j % 2 ? `김민준 ${j}` : `Student, ${j}`,
          email: `gb-student${j}@bench.example.org`,
          studentNumber: `G${String(j).padStart(5, "0")}`,
          role: "student",
        });
        addMemberOps(createUserOps(op, s, false), cls.id, s, "student");
        students.push(s);
      }
      await commit(op);
    }
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

    const before = Deno.memoryUsage().rss;
    let peak = before;
    let heapPeak = Deno.memoryUsage().heapUsed;
    const sampler = setInterval(() => {
      const m = Deno.memoryUsage();
      peak = Math.max(peak, m.rss);
      heapPeak = Math.max(heapPeak, m.heapUsed);
    }, 50);
    let bytes = 0, lines = 0, seconds: number;
    const started = performance.now();
    try {
      for await (const chunk of gradebookCsv(kv, cls)) {
        bytes += chunk.byteLength;
        for (let i = 0; i < chunk.length; i++) if (chunk[i] === 0x0a) lines++;
      }
      seconds = (performance.now() - started) / 1000;
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, Deno.memoryUsage().rss);
    if (lines !== STUDENTS + 1) throw new Error(`expected ${STUDENTS + 1} lines, got ${lines}`);

    const pageStarted = performance.now();
    const page = await gradebookPage(kv, cls, { offset: 1000, limit: 50 });
    const pageSeconds = (performance.now() - pageStarted) / 1000;
    if (page.items.length !== 50 || page.items[0].cells.length !== ASSIGNMENTS) {
      throw new Error("the gradebook page is not 50 students x 40 assignments");
    }

    console.log(`# gradebook csv: ${lines} lines, ${(bytes / 1048576).toFixed(2)} MiB`);
    console.log(`BENCH gradebook_csv_s=${seconds.toFixed(2)} s`);
    console.log(`BENCH gradebook_peak_mb=${mb(peak)} MB`);
    // For reading the peak: RSS before the export, and the JS heap's peak during it (KV's
    // SQLite page cache accounts for most of the rest).
    console.log(`BENCH gradebook_rss_before_mb=${mb(before)} MB`);
    console.log(`BENCH gradebook_heap_peak_mb=${mb(heapPeak)} MB`);
    console.log(`BENCH gradebook_page_s=${pageSeconds.toFixed(2)} s`);
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await benchGradebook();
