import { pageQuery } from "@/services/web/query.ts";
import {
  CLASS_ATTENDANCE_PAGE_SIZE,
  type ClassAttendanceData,
  ClassAttendanceSection,
} from "@/components/ClassAttendance.tsx";
import { classAttendanceFor } from "@/services/attendance/class_report.ts";
import { JoinLinksCard, JoinRequestsCard, RosterImportCard } from "@/components/ClassTools.tsx";
import { CourseworkLinks } from "@/components/CourseworkLinks.tsx";
import { StartLectureNow } from "@/components/Lectures.tsx";
import { type ClassStreamData, ClassStreamSection } from "@/components/ClassStream.tsx";
import { ROSTER_PAGE_SIZE, type RosterPage, RosterTable } from "@/components/RosterTable.tsx";
import { classAccess, type ClassRole, requireActor } from "@/services/auth/access.ts";
import type { Class } from "@/services/classes/classes.ts";
import { listClassMembers } from "@/services/classes/members.ts";
import { listRosterView } from "@/services/roster/view.ts";
import { streamPins } from "@/services/stream/pins.ts";
import { getStreamSettings, listPosts } from "@/services/stream/posts.ts";
import type { Handlers, PageProps } from "@/services/web/define.ts";

interface Data {
  cls: Class;
  role: ClassRole;
  teachers: string[];
  roster: RosterPage;
  q: string;
  attendance: ClassAttendanceData;
  stream: ClassStreamData;
}

export const handler: Handlers<Data> = {
  async GET(_req, ctx) {
    const { kv } = ctx.state;
    const actor = requireActor(ctx.state);
    const { cls, role } = await classAccess(kv, actor, ctx.params.classId);
    const { q, offset } = pageQuery(ctx.url);
    const aq = pageQuery(ctx.url, { q: "aq", offset: "aoffset" });
    const viewer = { userId: actor.user.id, role, archived: cls.archived };
    const [teachers, roster, attendance, pins, page, settings] = await Promise.all([
      listClassMembers(kv, cls.id, { role: "teacher", limit: 50 }),
      // Students get names and roles only, and their search matches names only.
      listRosterView(kv, cls.id, { q, offset, limit: ROSTER_PAGE_SIZE }, {
        contactDetails: role !== "student",
      }),
      classAttendanceFor(kv, actor, cls, role, { ...aq, limit: CLASS_ATTENDANCE_PAGE_SIZE }),
      streamPins(kv, cls, viewer),
      listPosts(kv, cls.id, viewer),
      getStreamSettings(kv, cls.id),
    ]);
    ctx.state.title = cls.name;
    return ctx.render({
      cls,
      role,
      q,
      roster,
      attendance: { ...attendance, q: aq.q },
      stream: { pins, page, commentsOffDefault: settings.commentsOff },
      teachers: teachers.items.map((m) => m.name),
    });
  },
};

export default function ClassPage({ data, state }: PageProps<Data>) {
  const { t } = state;
  const { cls, role } = data;
  return (
    <>
      <header class="page-head card">
        <div>
          <p class="eyebrow">
            {[cls.grade && t("classes.grade", { grade: cls.grade }), cls.subject]
              .filter(Boolean).join(" · ") || t("classes.eyebrow")}
          </p>
          <h1>{cls.name}</h1>
          <p class="muted">
            {data.teachers.length
              ? t("classes.teachers", { names: data.teachers.join(", ") })
              : t("classes.noTeachers")}
          </p>
        </div>
        <div class="page-actions">
          <span class={`badge role-${role}`}>{t(`classes.you.${role}`)}</span>
          <CourseworkLinks state={state} classId={cls.id} role={role} />
          <a class="button" href={`/classes/${cls.id}/lectures`}>{t("lectures.title")}</a>
          {role !== "student" && !cls.archived && (
            <StartLectureNow
              state={state}
              classId={cls.id}
            />
          )}
          {role !== "student" && (
            <a class="button" href={`/classes/${cls.id}/slips`}>{t("slips.title")}</a>
          )}
          {role !== "student" && (
            <a class="button" href={`/classes/${cls.id}/accounts`}>{t("accounts.link")}</a>
          )}
          {role === "admin" && (
            <a class="button" href={`/admin/classes/${cls.id}`}>{t("classes.manage")}</a>
          )}
        </div>
      </header>
      {cls.archived && <p class="notice">{t("classes.archivedNotice")}</p>}
      {/* Students open a class to its stream first; teachers get their tools above it. */}
      {role === "student" && (
        <ClassStreamSection state={state} cls={cls} role={role} data={data.stream} />
      )}
      {role === "teacher" && !cls.archived && (
        <div class="grid-2">
          <JoinLinksCard state={state} classId={cls.id} />
          <JoinRequestsCard state={state} classId={cls.id} />
          <RosterImportCard state={state} classId={cls.id} />
        </div>
      )}
      {role !== "student" && (
        <ClassStreamSection state={state} cls={cls} role={role} data={data.stream} />
      )}
      <ClassAttendanceSection state={state} cls={cls} role={role} data={data.attendance} />
      <RosterTable
        state={state}
        roster={data.roster}
        q={data.q}
        path={`/classes/${cls.id}`}
        showContact={role !== "student"}
      />
    </>
  );
}
