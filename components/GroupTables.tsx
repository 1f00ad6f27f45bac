import type { Class } from "@/services/classes/classes.ts";
import type { DepartmentNode } from "@/services/workspace/departments.ts";
import type { State } from "@/services/web/define.ts";
import { CsrfField } from "./CsrfField.tsx";

/** A group on the admin dashboard: its leads' names and how many members it has. */
export interface GroupRow {
  cls: Class;
  teachers: string[];
  students: number;
}

function RestoreButton({ state, cls, next }: { state: State; cls: Class; next: string }) {
  return (
    <form method="post" action={`/admin/classes/${cls.id}`}>
      <CsrfField state={state} />
      <input type="hidden" name="intent" value="restore" />
      <input type="hidden" name="next" value={next} />
      <button type="submit">{state.t("admin.class.restore")}</button>
    </form>
  );
}

/** A school's classes (active, or archived with a Restore button). */
export function ClassTable(
  { rows, state, archived }: { rows: GroupRow[]; state: State; archived?: boolean },
) {
  const { t } = state;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t("admin.classes.name")}</th>
            <th scope="col">{t("admin.classes.gradeSubject")}</th>
            <th scope="col">{t("admin.classes.teachers")}</th>
            <th scope="col" class="num">{t("admin.classes.students")}</th>
            <th scope="col">
              <span class="sr-only">{t("admin.classes.actions")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ cls, teachers, students }) => (
            <tr key={cls.id}>
              <td>
                <a href={`/admin/classes/${cls.id}`}>{cls.name}</a>
              </td>
              <td data-label={t("admin.classes.gradeSubject")}>
                {[cls.grade && t("classes.grade", { grade: cls.grade }), cls.subject]
                  .filter(Boolean).join(" · ") || <span class="muted">—</span>}
              </td>
              <td data-label={t("admin.classes.teachers")}>
                {teachers.join(", ") || <span class="muted">{t("admin.classes.noTeachers")}</span>}
              </td>
              <td class="num" data-label={t("admin.classes.students")}>{students}</td>
              <td class="cell-actions">
                {archived
                  ? <RestoreButton state={state} cls={cls} next="/admin#archived" />
                  : <a href={`/classes/${cls.id}`}>{t("admin.classes.open")}</a>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * A workspace's departments as a tree (each under its parent, indented by depth), or the
 * archived ones with a Restore button.
 */
export function DepartmentTable(
  { nodes, rows, state, archived }: {
    nodes: DepartmentNode[];
    rows: Map<string, GroupRow>;
    state: State;
    archived?: boolean;
  },
) {
  const { t } = state;
  return (
    <div class="table-wrap">
      <table class="dept-tree">
        <thead>
          <tr>
            <th scope="col">{t("workspace.depts.name")}</th>
            <th scope="col">{t("workspace.depts.managers")}</th>
            <th scope="col" class="num">{t("workspace.depts.members")}</th>
            <th scope="col">
              <span class="sr-only">{t("admin.classes.actions")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {nodes.map(({ dept, depth, path }) => {
            const row = rows.get(dept.id);
            return (
              <tr key={dept.id} data-depth={depth}>
                <td style={depth ? `padding-inline-start: ${0.5 + depth * 1.25}rem` : undefined}>
                  {depth > 0 && <span aria-hidden="true" class="muted">└&nbsp;</span>}
                  <a href={`/admin/classes/${dept.id}`}>{dept.name}</a>
                  {depth > 0 && (
                    <span class="sr-only">
                      {` (${t("workspace.depts.sub", { parent: path.slice(0, -1).join(" / ") })})`}
                    </span>
                  )}
                </td>
                <td data-label={t("workspace.depts.managers")}>
                  {row?.teachers.join(", ") ||
                    <span class="muted">{t("workspace.depts.noManagers")}</span>}
                </td>
                <td class="num" data-label={t("workspace.depts.members")}>{row?.students ?? 0}</td>
                <td class="cell-actions">
                  {archived
                    ? <RestoreButton state={state} cls={dept} next="/admin#archived" />
                    : (
                      <a href={`/workspace?dept=${dept.id}#directory`}>
                        {t("workspace.depts.directory")}
                      </a>
                    )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** A school's staff workspace switch, with what it means. */
export function WorkspaceSwitch({ state, on }: { state: State; on: boolean }) {
  const { t } = state;
  return (
    <section class="card" id="workspace" aria-labelledby="workspace-title">
      <h2 id="workspace-title">{t("workspace.switch.title")}</h2>
      <p>{t("workspace.switch.explain")}</p>
      <form method="post" action="/admin#workspace" class="row">
        <CsrfField state={state} />
        <input type="hidden" name="intent" value="workspace" />
        <input type="hidden" name="on" value={on ? "0" : "1"} />
        <p class="muted" role="status">
          {on ? t("workspace.switch.isOn") : t("workspace.switch.isOff")}
        </p>
        <button type="submit" class={on ? undefined : "primary"}>
          {on ? t("workspace.switch.turnOff") : t("workspace.switch.turnOn")}
        </button>
      </form>
    </section>
  );
}
