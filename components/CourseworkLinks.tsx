import type { ClassRole } from "@/services/auth/access.ts";
import type { State } from "@/services/web/define.ts";

/** The class page's links to its assignments and (for teachers and admins) its gradebook. */
export function CourseworkLinks(
  { state, classId, role }: { state: State; classId: string; role: ClassRole },
) {
  const { t } = state;
  return (
    <>
      <a class="button" href={`/classes/${classId}/assignments`}>
        {t("coursework.nav.assignments")}
      </a>
      {role !== "student" && (
        <a class="button" href={`/classes/${classId}/gradebook`}>
          {t("coursework.nav.gradebook")}
        </a>
      )}
    </>
  );
}
