import type { WorkspaceRole } from "@/services/workspace/access.ts";
import {
  departmentLabel,
  type DepartmentNode,
  type DirectoryEntry,
} from "@/services/workspace/departments.ts";
import type { MessageKey } from "@/services/i18n/i18n.ts";
import type { State } from "@/services/web/define.ts";

/**
 * The workspace's tools, by what the asker may use. Each tool is listed once its page exists
 * (clock-in and the manager's board are built beside this page).
 */
const TOOLS: { href: string; label: MessageKey; roles: WorkspaceRole[] }[] = [
  {
    href: "/workspace/clockin",
    label: "workspace.tools.clockin",
    roles: ["admin", "manager", "employee"],
  },
  {
    href: "/workspace/attendance",
    label: "workspace.tools.attendance",
    roles: ["admin", "manager"],
  },
  { href: "/admin#departments", label: "workspace.tools.departments", roles: ["admin"] },
  { href: "/workspace/import", label: "workspace.tools.import", roles: ["admin"] },
];

/** The list of workspace tools (the clock-in and the manager's board link from here). */
export function WorkspaceTools({ state, role }: { state: State; role: WorkspaceRole }) {
  const { t } = state;
  const tools = TOOLS.filter((tool) => tool.roles.includes(role));
  return (
    <section class="card" id="tools" aria-labelledby="tools-title">
      <h2 id="tools-title">{t("workspace.tools.title")}</h2>
      {tools.length === 0
        ? <p class="muted">{t("workspace.tools.none")}</p>
        : (
          <ul class="tool-list">
            {tools.map((tool) => (
              <li key={tool.href}>
                <a href={tool.href}>{t(tool.label)}</a>
              </li>
            ))}
          </ul>
        )}
    </section>
  );
}

/** One page of the member directory: name, email, departments (managers marked), role. */
export function DirectoryTable(
  { state, page, tree }: {
    state: State;
    page: { items: DirectoryEntry[]; offset: number };
    tree: DepartmentNode[];
  },
) {
  const { t } = state;
  return (
    <div class="table-wrap">
      <table class="directory">
        <thead>
          <tr>
            <th scope="col" class="num">#</th>
            <th scope="col">{t("workspace.directory.name")}</th>
            <th scope="col">{t("workspace.directory.email")}</th>
            <th scope="col">{t("workspace.directory.departments")}</th>
            <th scope="col">{t("workspace.directory.role")}</th>
          </tr>
        </thead>
        <tbody>
          {page.items.map(({ user, departments }, i) => (
            <tr key={user.id}>
              <td class="num muted row-index">{page.offset + i + 1}</td>
              <td>{user.name}</td>
              <td data-label={t("workspace.directory.email")}>
                {user.email ?? <span class="muted">—</span>}
              </td>
              <td data-label={t("workspace.directory.departments")}>
                {departments.length === 0
                  ? <span class="muted">—</span>
                  : departments.map((d, i) => (
                    <span key={d.id} class="dept">
                      {i > 0 && "; "}
                      {departmentLabel(tree, d.id) ?? "—"}
                      {d.manager && (
                        <>
                          {" "}
                          <span class="badge role-teacher">{t("workspace.directory.manager")}</span>
                        </>
                      )}
                    </span>
                  ))}
              </td>
              <td data-label={t("workspace.directory.role")}>
                <span class={`badge role-${user.role}`}>{t(`admin.role.${user.role}`)}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Today's pointer to the workspace, for the people who have one. */
export function WorkspaceCard({ state }: { state: State }) {
  const { t } = state;
  return (
    <section class="card" aria-labelledby="today-workspace">
      <h2 id="today-workspace">{t("workspace.today.card")}</h2>
      <p>
        <a href="/workspace">{t("workspace.today.open")}</a>
      </p>
    </section>
  );
}
