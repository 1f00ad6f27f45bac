import type { ClassMember } from "@/services/classes/members.ts";
import type { State } from "@/services/web/define.ts";
import { Pager } from "./Pager.tsx";
import { SearchForm } from "./SearchForm.tsx";

/** One page of a roster, as `listClassMembers` or `listRosterView` return it. */
export interface RosterPage {
  items: Pick<ClassMember, "userId" | "name" | "role" | "email" | "studentNumber">[];
  total: number;
  offset: number;
  limit: number;
}

/** Rows per roster page. */
export const ROSTER_PAGE_SIZE = 50;

interface RosterTableProps {
  state: State;
  roster: RosterPage;
  /** The search as typed. */
  q: string;
  /** Path of the page the roster is on; search and paging links stay there. */
  path: string;
  /** Teachers and admins see email and student number; students see names and roles only. */
  showContact: boolean;
}

/** The roster section: a search box, one page of members and the pager. Never renders all rows. */
export function RosterTable({ state, roster, q, path, showContact }: RosterTableProps) {
  const { t } = state;
  const href = (offset: number) => {
    const params = new URLSearchParams();
    if (q) params.set("q", q);
    if (offset > 0) params.set("offset", String(offset));
    const search = params.toString();
    return `${path}${search ? `?${search}` : ""}#roster`;
  };
  const { items, total, offset } = roster;
  // Teachers sort first, so a full first page of teachers only means there are no students.
  const noStudents = !q && offset === 0 && total === items.length &&
    items.every((m) => m.role === "teacher");
  return (
    <section class="card" id="roster" aria-labelledby="roster-title">
      <div class="section-head">
        <h2 id="roster-title">{t("classes.roster.title")}</h2>
        <SearchForm
          state={state}
          path={path}
          anchor="roster"
          value={q}
          placeholder={showContact
            ? t("classes.roster.searchPlaceholder")
            : t("classes.roster.searchPlaceholderNames")}
        />
      </div>
      {total === 0 && (
        <p class="empty">{q ? t("classes.roster.noMatch", { q }) : t("classes.roster.empty")}</p>
      )}
      {items.length > 0 && (
        <div class="table-wrap">
          <table class="roster">
            <thead>
              <tr>
                <th scope="col" class="num">#</th>
                <th scope="col">{t("classes.roster.name")}</th>
                <th scope="col">{t("classes.roster.role")}</th>
                {showContact && <th scope="col">{t("classes.roster.email")}</th>}
                {showContact && <th scope="col">{t("classes.roster.studentNumber")}</th>}
              </tr>
            </thead>
            <tbody>
              {items.map((m, i) => (
                <tr key={m.userId}>
                  <td class="num muted row-index">{offset + i + 1}</td>
                  <td>{m.name}</td>
                  <td data-label={t("classes.roster.role")}>
                    <span class={`badge role-${m.role}`}>{t(`classes.role.${m.role}`)}</span>
                  </td>
                  {showContact && (
                    <td data-label={t("classes.roster.email")}>
                      {m.email ?? <span class="muted">—</span>}
                    </td>
                  )}
                  {showContact && (
                    <td data-label={t("classes.roster.studentNumber")}>
                      {m.studentNumber ?? <span class="muted">—</span>}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {noStudents && items.length > 0 && <p class="empty">{t("classes.roster.empty")}</p>}
      <Pager state={state} total={total} offset={offset} limit={roster.limit} href={href} />
    </section>
  );
}
