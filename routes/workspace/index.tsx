import { Pager } from "@/components/Pager.tsx";
import { DirectoryTable, WorkspaceTools } from "@/components/Directory.tsx";
import { requireActor } from "@/services/auth/access.ts";
import {
  withDescendants,
  workspaceAccess,
  type WorkspaceRole,
} from "@/services/workspace/access.ts";
import {
  type DepartmentNode,
  departmentTree,
  type DirectoryEntry,
  searchDirectory,
} from "@/services/workspace/departments.ts";
import type { Org } from "@/services/orgs/orgs.ts";
import type { Handlers, PageProps } from "@/services/web/define.ts";
import { pageQuery } from "@/services/web/query.ts";

interface Data {
  org: Org;
  role: WorkspaceRole;
  tree: DepartmentNode[];
  q: string;
  /** The chosen department ("" all). */
  dept: string;
  page: { items: DirectoryEntry[]; total: number; offset: number; limit: number };
}

/** People per directory page. */
const PAGE_SIZE = 50;

/**
 * The workspace home: its tools, and the member directory (search by name or email, a
 * department filter that takes the departments below it too, paged). 404 without a workspace
 * or for a student.
 */
export const handler: Handlers<Data> = {
  async GET(_req, ctx) {
    const { kv, t, locale } = ctx.state;
    const access = await workspaceAccess(kv, requireActor(ctx.state));
    const { q, offset } = pageQuery(ctx.url);
    const tree = departmentTree(access.departments, locale);
    const asked = ctx.url.searchParams.get("dept") ?? "";
    // An unknown (or another organization's) department filters nothing: it is not offered.
    const dept = tree.some((n) => n.dept.id === asked) ? asked : "";
    const page = await searchDirectory(kv, access.org.id, access.departments, {
      q,
      departmentIds: dept ? withDescendants(access.departments, [dept]) : undefined,
      offset,
      limit: PAGE_SIZE,
    });
    ctx.state.title = t("workspace.title");
    return ctx.render({ org: access.org, role: access.role, tree, q, dept, page });
  },
};

export default function WorkspaceHome({ data, state }: PageProps<Data>) {
  const { t } = state;
  const { org, role, tree, q, dept, page } = data;
  const href = (offset: number) => {
    const params = new URLSearchParams();
    if (q) params.set("q", q);
    if (dept) params.set("dept", dept);
    if (offset > 0) params.set("offset", String(offset));
    const search = params.toString();
    return `/workspace${search ? `?${search}` : ""}#directory`;
  };
  const filtered = !!q || !!dept;
  return (
    <>
      <header class="page-head">
        <div>
          <p class="eyebrow">{t("workspace.eyebrow")}</p>
          <h1>{org.name}</h1>
          <p class="muted">{t("workspace.you", { role: t(`workspace.role.${role}`) })}</p>
        </div>
      </header>

      <WorkspaceTools state={state} role={role} />

      <section class="card" id="directory" aria-labelledby="directory-title">
        <div class="section-head">
          <h2 id="directory-title">{t("workspace.directory.title")}</h2>
          <form method="get" action="/workspace#directory" role="search" class="search">
            <label>
              <span class="sr-only">{t("workspace.directory.search")}</span>
              <input
                type="search"
                name="q"
                value={q}
                maxLength={100}
                placeholder={t("workspace.directory.search")}
              />
            </label>
            {tree.length > 0 && (
              <label>
                <span class="sr-only">{t("workspace.directory.department")}</span>
                <select name="dept">
                  <option value="" selected={!dept}>
                    {t("workspace.directory.allDepartments")}
                  </option>
                  {tree.map((n) => (
                    <option key={n.dept.id} value={n.dept.id} selected={dept === n.dept.id}>
                      {"\u00a0\u00a0".repeat(n.depth)}
                      {n.dept.name}
                    </option>
                  ))}
                </select>
              </label>
            )}
            <button type="submit">{t("workspace.directory.apply")}</button>
            {filtered && <a href="/workspace#directory">{t("workspace.directory.clear")}</a>}
          </form>
        </div>
        {page.total === 0 && (
          <div class="empty">
            <p>
              {q
                ? t("workspace.directory.noMatch")
                : dept
                ? t("workspace.directory.emptyDept")
                : t("workspace.directory.empty")}
            </p>
            {!filtered && role === "admin" && (
              <p>
                <a href="/admin#departments">{t("workspace.directory.emptyAdmin")}</a>
              </p>
            )}
          </div>
        )}
        {page.items.length > 0 && <DirectoryTable state={state} page={page} tree={tree} />}
        <Pager
          state={state}
          total={page.total}
          offset={page.offset}
          limit={page.limit}
          href={href}
        />
      </section>
    </>
  );
}
