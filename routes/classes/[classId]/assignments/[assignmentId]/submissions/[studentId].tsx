import { SubmissionVersions } from "@/components/AssignmentView.tsx";
import { ClassCrumbs, formatNumber } from "@/components/Coursework.tsx";
import { GradeForm, type GradeFormValues, gradeFormValues } from "@/components/GradeForm.tsx";
import { teacherStatus } from "@/components/SubmissionsTable.tsx";
import { requireActor } from "@/services/auth/access.ts";
import type { Class } from "@/services/classes/classes.ts";
import { getMemberRole, listClassMembers } from "@/services/classes/members.ts";
import { assignmentAccess, requireManager } from "@/services/coursework/assignments.ts";
import {
  getGrade,
  GradeInputSchema,
  lateDays,
  latePenaltyPct,
  releaseGrade,
  saveGradeDraft,
} from "@/services/coursework/grading.ts";
import type { Assignment, Grade, Submission } from "@/services/coursework/model.ts";
import { listSubmissionVersions } from "@/services/coursework/submissions.ts";
import { getOrgUser, type User } from "@/services/orgs/users.ts";
import type { Handlers, PageProps, RouteContext, State } from "@/services/web/define.ts";
import { AppError, notFound } from "@/services/web/errors.ts";
import { readForm, redirect } from "@/services/web/forms.ts";

type Neighbour = { id: string; name: string } | null;

interface Data {
  cls: Class;
  assignment: Assignment;
  student: Pick<User, "id" | "name" | "studentNumber">;
  versions: Submission[];
  grade: Grade | null;
  values: GradeFormValues;
  error?: string;
  flash?: string;
  prev: Neighbour;
  next: Neighbour;
}

/** The assignment, the student and the asker's right to grade; 404 for anyone else. */
async function load(state: State, params: Record<string, string>) {
  const actor = requireActor(state);
  const { assignment, cls, role } = await assignmentAccess(state.kv, actor, params.assignmentId);
  if (cls.id !== params.classId) throw notFound("Assignment not found");
  requireManager(role);
  if (await getMemberRole(state.kv, cls.id, params.studentId) !== "student") {
    throw notFound("Student not found in this class");
  }
  const user = await getOrgUser(state.kv, actor.user.orgId, params.studentId);
  return { assignment, cls, student: user };
}

/** The students before and after this one in the class's order (by name). */
async function neighbours(kv: Deno.Kv, classId: string, studentId: string) {
  for (let offset = 0;; offset += 500) {
    const page = await listClassMembers(kv, classId, { role: "student", offset, limit: 500 });
    const i = page.items.findIndex((m) => m.userId === studentId);
    if (i >= 0) {
      const at = async (j: number): Promise<Neighbour> => {
        if (j < 0 || j >= page.total) return null;
        const m = j >= offset && j < offset + page.items.length
          ? page.items[j - offset]
          : (await listClassMembers(kv, classId, { role: "student", offset: j, limit: 1 }))
            .items[0];
        return m ? { id: m.userId, name: m.name } : null;
      };
      return { prev: await at(offset + i - 1), next: await at(offset + i + 1) };
    }
    if (offset + page.items.length >= page.total) return { prev: null, next: null };
  }
}

/** A translated message for a grade that was not saved (the services speak English). */
function gradeError(state: State, err: AppError, assignment: Assignment): string {
  const { t } = state;
  if (err.code === "conflict") return t("coursework.grade.publishFirst");
  const detail = err.details?.[0];
  if (detail?.path?.[0] === "points") {
    return t("coursework.grade.pointsInvalid", { max: formatNumber(state, assignment.points) });
  }
  return detail?.message ?? err.message;
}

async function render(
  ctx: RouteContext<Data>,
  loaded: Awaited<ReturnType<typeof load>>,
  edit?: { values: GradeFormValues; error: string; status: number },
): Promise<Response> {
  const { kv, t } = ctx.state;
  const { assignment, cls, student } = loaded;
  const [versions, grade, around] = await Promise.all([
    listSubmissionVersions(kv, assignment.id, student.id),
    getGrade(kv, assignment.id, student.id),
    neighbours(kv, cls.id, student.id),
  ]);
  const p = ctx.url.searchParams;
  const flash = edit
    ? undefined
    : p.has("released")
    ? t("coursework.flash.gradeReleased")
    : p.has("saved")
    ? t("coursework.flash.gradeSaved")
    : undefined;
  ctx.state.title = `${student.name} · ${assignment.title}`;
  return ctx.render({
    cls,
    assignment,
    student: { id: student.id, name: student.name, studentNumber: student.studentNumber },
    versions,
    grade,
    values: edit?.values ?? gradeFormValues(grade),
    error: edit?.error,
    flash,
    ...around,
  }, edit ? { status: edit.status } : undefined);
}

/** One student's work on an assignment, and their grade (the class's teachers and admins). */
export const handler: Handlers<Data> = {
  async GET(_req, ctx) {
    return render(ctx, await load(ctx.state, ctx.params));
  },

  /** `intent`: save (a draft) or release (save, then release to the student). */
  async POST(req, ctx) {
    const { kv, t } = ctx.state;
    const loaded = await load(ctx.state, ctx.params);
    const { assignment, cls, student } = loaded;
    if (cls.archived) throw new AppError("conflict", t("coursework.archived"));
    const fields = await readForm(req);
    const values: GradeFormValues = {
      points: (fields.points ?? "").trim(),
      feedback: fields.feedback ?? "",
      mark: fields.mark ?? "",
    };
    const input = GradeInputSchema.safeParse({
      points: values.points === "" ? undefined : Number(values.points),
      feedback: values.feedback.trim() ? values.feedback : undefined,
      mark: values.mark || undefined,
    });
    if (!input.success) {
      const onPoints = input.error.issues.some((i) => i.path[0] === "points");
      const error = onPoints
        ? t("coursework.grade.pointsInvalid", { max: formatNumber(ctx.state, assignment.points) })
        : t("coursework.grade.empty");
      return render(ctx, loaded, { values, error, status: 400 });
    }
    try {
      await saveGradeDraft(kv, assignment, student.id, input.data, ctx.state.actor!.user.id);
      if (fields.intent === "release") await releaseGrade(kv, assignment, student.id);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      const error = gradeError(ctx.state, err, assignment);
      return render(ctx, loaded, { values, error, status: err.status });
    }
    const here = `/classes/${cls.id}/assignments/${assignment.id}/submissions/${student.id}`;
    return redirect(`${here}?${fields.intent === "release" ? "released" : "saved"}=1`);
  },
};

export default function StudentWorkPage({ data, state }: PageProps<Data>) {
  const { t } = state;
  const { cls, assignment, student, versions, grade } = data;
  const base = `/classes/${cls.id}/assignments/${assignment.id}`;
  const latest = versions.at(-1);
  const daysLate = latest ? lateDays(assignment.dueAt, latest.submittedAt) : 0;
  const status = teacherStatus(assignment, {
    submission: latest ? { ...latest, daysLate } : null,
    grade,
  });
  return (
    <>
      <ClassCrumbs
        state={state}
        cls={cls}
        trail={[
          { href: `/classes/${cls.id}/assignments`, label: t("coursework.list.title") },
          { href: `${base}#submissions`, label: assignment.title },
          { label: student.name },
        ]}
      />
      <header class="page-head">
        <div>
          <p class="eyebrow">{assignment.title}</p>
          <h1>
            {student.name}{" "}
            <span class={`badge st-${status}`}>
              {status === "not_started"
                ? t("coursework.status.notSubmitted")
                : t(`coursework.status.${status}`)}
            </span>
          </h1>
          {student.studentNumber && (
            <p class="muted">{t("coursework.studentNumber", { n: student.studentNumber })}</p>
          )}
        </div>
        <nav class="page-actions" aria-label={t("coursework.otherStudents")}>
          {data.prev && (
            <a class="button" rel="prev" href={`${base}/submissions/${data.prev.id}`}>
              ← {data.prev.name}
            </a>
          )}
          {data.next && (
            <a class="button" rel="next" href={`${base}/submissions/${data.next.id}`}>
              {data.next.name} →
            </a>
          )}
        </nav>
      </header>
      {data.flash && <p class="notice ok" role="status">{data.flash}</p>}
      {cls.archived && <p class="notice">{t("coursework.archived")}</p>}
      <div class="grid-main">
        <section class="card" aria-labelledby="work-title">
          <h2 id="work-title">{t("coursework.work")}</h2>
          {versions.length === 0
            ? <p class="empty">{t("coursework.noWorkFromStudent")}</p>
            : <SubmissionVersions state={state} versions={versions} assignment={assignment} />}
        </section>
        <GradeForm
          state={state}
          action={`${base}/submissions/${student.id}`}
          assignment={assignment}
          grade={grade}
          values={data.values}
          error={data.error}
          penaltyPct={latePenaltyPct(assignment, daysLate)}
          daysLate={daysLate}
          hasWork={versions.length > 0}
          disabled={cls.archived || assignment.status === "draft"}
        />
      </div>
    </>
  );
}
