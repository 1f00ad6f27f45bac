/**
 * The gradebook of a class: students (by name) x published and closed assignments, with
 * totals. Teachers see every grade, drafts included. Paged as JSON, or streamed as CSV row by
 * row so memory stays flat for large classes. Grades are read with one prefix scan per
 * assignment (`["grades", assignmentId]`).
 *
 * Totals: points are the sum of final points (a grade marked missing without points counts 0);
 * possible is the sum of the assignments' points over the grades that are not excused.
 * @module
 */
import { z } from "zod";
import { type Class, listUserClasses } from "../classes/classes.ts";
import { type ClassMember, listClassMembers } from "../classes/members.ts";
import type { User } from "../orgs/users.ts";
import { CSV_BOM, toCsv } from "../csv/csv.ts";
import {
  assignmentSummaries,
  AssignmentSummarySchema,
  listAssignmentsByClass,
} from "./assignments.ts";
import { round2 } from "./grading.ts";
import { type Assignment, type Grade, GradeMarkSchema } from "./model.ts";

export const GradebookCellSchema = z.object({
  assignmentId: z.string(),
  submitted: z.boolean(),
  /** Absent when there is no grade. */
  grade: z.object({
    status: z.enum(["draft", "released"]),
    points: z.number().optional(),
    finalPoints: z.number().optional(),
    penaltyPct: z.number(),
    mark: GradeMarkSchema.optional(),
  }).optional(),
});
export type GradebookCell = z.infer<typeof GradebookCellSchema>;

export const GradebookPageSchema = z.object({
  assignments: z.array(z.object({
    id: z.string(),
    title: z.string(),
    points: z.number(),
    dueAt: z.string(),
    status: z.enum(["draft", "published", "closed"]),
  })),
  items: z.array(z.object({
    student: z.object({
      id: z.string(),
      name: z.string(),
      email: z.string().optional(),
      studentNumber: z.string().optional(),
    }),
    /** One per assignment, in the order of `assignments`. */
    cells: z.array(GradebookCellSchema),
    total: z.object({ points: z.number(), possible: z.number() }),
  })),
  /** Students in the class. */
  total: z.number(),
  offset: z.number(),
  limit: z.number(),
});
export type GradebookPage = z.infer<typeof GradebookPageSchema>;

type GradeLike = Pick<Grade, "finalPoints" | "mark">;

/** Adds one grade to running totals. */
function addToTotal(t: { points: number; possible: number }, a: Assignment, g?: GradeLike) {
  if (!g || g.mark === "excused") return;
  t.points += g.finalPoints ?? 0;
  t.possible += a.points;
}

/** One page of the gradebook (students sorted by name, as the roster is). */
export async function gradebookPage(
  kv: Deno.Kv,
  cls: Class,
  opts: { offset?: number; limit?: number } = {},
): Promise<GradebookPage> {
  const assignments = await listAssignmentsByClass(kv, cls.id);
  const page = await listClassMembers(kv, cls.id, { ...opts, role: "student" });
  const ids = page.items.map((m) => m.userId);
  // A small page of a big class reads its cells by key; otherwise one scan per assignment.
  const byKey = ids.length * 4 < page.total;
  const onPage = new Set(ids);
  const grades: Map<string, Grade>[] = [];
  const submitted: Set<string>[] = [];
  for (const a of assignments) {
    const g = new Map<string, Grade>();
    const s = new Set<string>();
    if (byKey) {
      for (let i = 0; i < ids.length; i += 10) {
        const chunk = ids.slice(i, i + 10);
        const got = await kv.getMany<Grade[]>(chunk.map((id) => ["grades", a.id, id]));
        got.forEach((e, j) => e.value && g.set(chunk[j], e.value));
        const subs = await kv.getMany(chunk.map((id) => ["submission_latest", a.id, id]));
        subs.forEach((e, j) => e.versionstamp !== null && s.add(chunk[j]));
      }
    } else {
      for await (const e of kv.list<Grade>({ prefix: ["grades", a.id] })) {
        if (onPage.has(e.key[2] as string)) g.set(e.key[2] as string, e.value);
      }
      for await (const e of kv.list({ prefix: ["submission_latest", a.id] })) {
        if (onPage.has(e.key[2] as string)) s.add(e.key[2] as string);
      }
    }
    grades.push(g);
    submitted.push(s);
  }
  return {
    assignments: assignments.map(({ id, title, points, dueAt, status }) => ({
      id,
      title,
      points,
      dueAt,
      status,
    })),
    items: page.items.map((m) => {
      const total = { points: 0, possible: 0 };
      const cells = assignments.map((a, i): GradebookCell => {
        const g = grades[i].get(m.userId);
        addToTotal(total, a, g);
        return {
          assignmentId: a.id,
          submitted: submitted[i].has(m.userId),
          grade: g && {
            status: g.status,
            points: g.points,
            finalPoints: g.finalPoints,
            penaltyPct: g.penaltyPct,
            mark: g.mark,
          },
        };
      });
      return {
        student: { id: m.userId, name: m.name, email: m.email, studentNumber: m.studentNumber },
        cells,
        total: { points: round2(total.points), possible: round2(total.possible) },
      };
    }),
    total: page.total,
    offset: page.offset,
    limit: page.limit,
  };
}

/** A class's students sorted by name, the roster's order. */
async function listStudentsByName(kv: Deno.Kv, classId: string): Promise<ClassMember[]> {
  const rows: ClassMember[] = [];
  for await (const e of kv.list<ClassMember>({ prefix: ["class_members", classId] })) {
    if (e.value.role === "student") rows.push(e.value);
  }
  const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });
  return rows.sort((a, b) => collator.compare(a.name, b.name));
}

/** A CSV cell: final points, "EX" for excused, "M" for missing without points. */
function cellText(g: GradeLike | undefined): string | number {
  if (!g) return "";
  if (g.mark === "excused") return "EX";
  if (g.finalPoints !== undefined) return g.finalPoints;
  return g.mark === "missing" ? "M" : "";
}

/** Rows per chunk of the CSV stream. */
const ROWS_PER_CHUNK = 100;

/**
 * The gradebook as a CSV download (BOM first, then `name, student_number, email`, one column
 * per assignment "Title (points)", and `Total`), streamed in chunks of rows. Only the compact
 * cell values of each assignment are held in memory, never the whole file.
 */
export function gradebookCsv(kv: Deno.Kv, cls: Class): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let students: ClassMember[] | undefined;
  let assignments: Assignment[] = [];
  // Per assignment: student id -> the grade's final points and mark.
  let cells: Map<string, GradeLike>[] = [];
  let next = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!students) {
        assignments = await listAssignmentsByClass(kv, cls.id);
        students = await listStudentsByName(kv, cls.id);
        cells = [];
        for (const a of assignments) {
          const m = new Map<string, GradeLike>();
          for await (const e of kv.list<Grade>({ prefix: ["grades", a.id] })) {
            m.set(e.key[2] as string, { finalPoints: e.value.finalPoints, mark: e.value.mark });
          }
          cells.push(m);
        }
        const header = [
          "name",
          "student_number",
          "email",
          ...assignments.map((a) => `${a.title} (${a.points})`),
          "Total",
        ];
        controller.enqueue(encoder.encode(CSV_BOM + toCsv([header])));
        return;
      }
      if (next >= students.length) {
        controller.close();
        return;
      }
      let chunk = "";
      for (const m of students.slice(next, next + ROWS_PER_CHUNK)) {
        const total = { points: 0, possible: 0 };
        const row: (string | number | undefined)[] = [m.name, m.studentNumber, m.email];
        assignments.forEach((a, i) => {
          const g = cells[i].get(m.userId);
          addToTotal(total, a, g);
          row.push(cellText(g));
        });
        row.push(round2(total.points));
        chunk += toCsv([row]);
      }
      next += ROWS_PER_CHUNK;
      controller.enqueue(encoder.encode(chunk));
    },
  }, { highWaterMark: 1 });
}

export const MyGradesSchema = z.object({
  classes: z.array(z.object({
    classId: z.string(),
    className: z.string(),
    assignments: z.array(AssignmentSummarySchema),
    /** Over released grades only. */
    total: z.object({ points: z.number(), possible: z.number() }),
  })),
});
export type MyGrades = z.infer<typeof MyGradesSchema>;

/**
 * A student's own grade page: every class they study in, its published and closed assignments
 * with their status, and released grades only (drafts are never shown).
 */
export async function listMyGrades(
  kv: Deno.Kv,
  student: Pick<User, "id" | "orgId">,
  now = new Date(),
) {
  const studentId = student.id;
  const classes = (await listUserClasses(kv, student))
    .filter((c) => c.role === "student")
    .map((c) => c.cls);
  const out: MyGrades["classes"] = [];
  for (const cls of classes) {
    const assignments = await listAssignmentsByClass(kv, cls.id);
    const items = await assignmentSummaries(kv, assignments, studentId, now);
    const total = { points: 0, possible: 0 };
    items.forEach((s, i) => {
      if (s.myGrade) addToTotal(total, assignments[i], s.myGrade);
    });
    out.push({
      classId: cls.id,
      className: cls.name,
      assignments: items,
      total: { points: round2(total.points), possible: round2(total.possible) },
    });
  }
  return { classes: out } satisfies MyGrades;
}
