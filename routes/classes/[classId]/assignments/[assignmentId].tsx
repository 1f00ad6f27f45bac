import { pageQuery } from "@/services/web/query.ts";
import {
  type AssignmentCounts,
  AssignmentHeader,
  StudentPanel,
  TeacherPanel,
} from "@/components/AssignmentPanels.tsx";
import { ClassCrumbs } from "@/components/Coursework.tsx";
import { type GradingPage, SUBMISSIONS_PAGE_SIZE } from "@/components/SubmissionsTable.tsx";
import { type ClassRole, requireActor } from "@/services/auth/access.ts";
import type { Class } from "@/services/classes/classes.ts";
import { listMemberIds } from "@/services/classes/members.ts";
import {
  assignmentAccess,
  type AssignmentView,
  assignmentView,
  closeAssignment,
  publishAssignment,
  requireManager,
} from "@/services/coursework/assignments.ts";
import {
  lateDays,
  listGrades,
  listGradingRows,
  releaseAllGrades,
} from "@/services/coursework/grading.ts";
import type { Assignment, Submission } from "@/services/coursework/model.ts";
import { listNonSubmitters, nudgeNonSubmitters } from "@/services/coursework/reminders.ts";
import {
  listLatestSubmissions,
  listSubmissionVersions,
} from "@/services/coursework/submissions.ts";
import type { Handlers, PageProps, State } from "@/services/web/define.ts";
import { AppError, notFound } from "@/services/web/errors.ts";
import { readForm, redirect } from "@/services/web/forms.ts";

interface Data {
  cls: Class;
  role: ClassRole;
  assignment: Assignment;
  view: AssignmentView;
  /** Students: every version of their own work, oldest first. */
  versions?: Submission[];
  /** Teachers and admins: one page of students with their work and grade, and counts. */
  rows?: GradingPage;
  counts?: AssignmentCounts;
  flash?: string;
}

async function load(state: State, params: Record<string, string>) {
  const actor = requireActor(state);
  const access = await assignmentAccess(state.kv, actor, params.assignmentId);
  if (access.cls.id !== params.classId) throw notFound("Assignment not found");
  return { actor, ...access };
}

async function classCounts(kv: Deno.Kv, a: Assignment): Promise<AssignmentCounts> {
  const students = new Set(await listMemberIds(kv, a.classId, "student"));
  const [latest, grades, nonSubmitters] = await Promise.all([
    listLatestSubmissions(kv, a.id),
    listGrades(kv, a.id),
    listNonSubmitters(kv, a),
  ]);
  const subs = latest.filter((s) => students.has(s.studentId));
  const own = [...grades.values()].filter((g) => students.has(g.studentId));
  return {
    students: students.size,
    submitted: subs.length,
    late: subs.filter((s) => lateDays(a.dueAt, s.submittedAt) > 0).length,
    drafts: own.filter((g) => g.status === "draft").length,
    released: own.filter((g) => g.status === "released").length,
    nonSubmitters: a.status === "published" ? nonSubmitters.length : 0,
  };
}

/** The message for `?published=1` and the like, after a save or an action. */
function flashFor(state: State, url: URL): string | undefined {
  const { t } = state;
  const p = url.searchParams;
  if (p.has("published")) return t("coursework.flash.published");
  if (p.has("saved")) return t("coursework.flash.saved");
  if (p.has("closed")) return t("coursework.flash.closed");
  if (p.has("released")) {
    return t("coursework.flash.released", { n: Number(p.get("released")) || 0 });
  }
  if (p.has("nudged")) return t("coursework.flash.nudged", { n: Number(p.get("nudged")) || 0 });
  if (p.has("submitted")) {
    return t("coursework.flash.submitted", { n: Number(p.get("submitted")) || 1 });
  }
}

/**
 * One assignment. Students read it, see their versions and grade, and turn work in;
 * teachers see every student's latest work, open one to grade, and publish, close, release
 * and nudge (POST `intent`).
 */
export const handler: Handlers<Data> = {
  async GET(_req, ctx) {
    const { kv } = ctx.state;
    const { actor, assignment, cls, role } = await load(ctx.state, ctx.params);
    ctx.state.title = assignment.title;
    const flash = flashFor(ctx.state, ctx.url);
    if (role === "student") {
      const [view, versions] = await Promise.all([
        assignmentView(kv, assignment, actor.user.id),
        listSubmissionVersions(kv, assignment.id, actor.user.id),
      ]);
      return ctx.render({ cls, role, assignment, view, versions, flash });
    }
    const [view, rows, counts] = await Promise.all([
      assignmentView(kv, assignment),
      listGradingRows(kv, assignment, {
        offset: pageQuery(ctx.url).offset,
        limit: SUBMISSIONS_PAGE_SIZE,
      }),
      classCounts(kv, assignment),
    ]);
    return ctx.render({ cls, role, assignment, view, rows, counts, flash });
  },

  /** `intent`: publish, close, releaseAll or nudge (teachers and admins). */
  async POST(req, ctx) {
    const { kv, t } = ctx.state;
    const { actor, assignment, cls, role } = await load(ctx.state, ctx.params);
    requireManager(role);
    if (cls.archived) throw new AppError("conflict", t("coursework.archived"));
    const { intent } = await readForm(req);
    const here = `/classes/${cls.id}/assignments/${assignment.id}`;
    const orgId = actor.user.orgId;
    switch (intent) {
      case "publish":
        await publishAssignment(kv, orgId, assignment.id);
        return redirect(`${here}?published=1`);
      case "close":
        await closeAssignment(kv, orgId, assignment.id);
        return redirect(`${here}?closed=1`);
      case "releaseAll":
        return redirect(`${here}?released=${await releaseAllGrades(kv, assignment)}#submissions`);
      case "nudge":
        if (assignment.status !== "published") {
          throw new AppError("conflict", t("coursework.nudgeNotPublished"));
        }
        return redirect(`${here}?nudged=${await nudgeNonSubmitters(kv, assignment)}#submissions`);
      default:
        throw new AppError("bad_request", t("coursework.badIntent"));
    }
  },
};

export default function AssignmentPage({ data, state }: PageProps<Data>) {
  const { t } = state;
  const { cls, assignment } = data;
  return (
    <>
      <ClassCrumbs
        state={state}
        cls={cls}
        trail={[
          { href: `/classes/${cls.id}/assignments`, label: t("coursework.list.title") },
          { label: assignment.title },
        ]}
      />
      <AssignmentHeader
        state={state}
        cls={cls}
        role={data.role}
        assignment={assignment}
        view={data.view}
      />
      {data.flash && <p class="notice ok" role="status">{data.flash}</p>}
      {cls.archived && <p class="notice">{t("coursework.archived")}</p>}
      {data.role === "student"
        ? (
          <StudentPanel
            state={state}
            cls={cls}
            assignment={assignment}
            view={data.view}
            versions={data.versions ?? []}
          />
        )
        : (
          <TeacherPanel
            state={state}
            cls={cls}
            assignment={assignment}
            view={data.view}
            rows={data.rows!}
            counts={data.counts!}
          />
        )}
    </>
  );
}
