import type { GroupKind } from "@/services/classes/classes.ts";
import { groupWords, memberRoleKey } from "@/services/classes/group_words.ts";
import type { ClassMember } from "@/services/classes/members.ts";
import type { State } from "@/services/web/define.ts";
import { CsrfField } from "./CsrfField.tsx";
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
  /** The group's kind: a department's roster says Manager and Member (default: class). */
  kind?: GroupKind;
  /** Where a row's Remove button posts (`intent=remove`, `userId`); absent: no button. */
  removeAction?: string;
}

/** The roster section: a search box, one page of members and the pager. Never renders all rows. */
export function RosterTable(
  { state, roster, q, path, showContact, kind = "class", removeAction }: RosterTableProps,
) {
  const { t } = state;
  const words = groupWords(kind);
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
        <h2 id="roster-title">{t(words.rosterTitle)}</h2>
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
        <p class="empty">{q ? t("classes.roster.noMatch", { q }) : t(words.rosterEmpty)}</p>
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
                {showContact && kind === "class" && (
                  <th scope="col">{t("classes.roster.studentNumber")}</th>
                )}
                {removeAction && (
                  <th scope="col">
                    <span class="sr-only">{t("admin.classes.actions")}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {items.map((m, i) => (
                <tr key={m.userId}>
                  <td class="num muted row-index">{offset + i + 1}</td>
                  <td>{m.name}</td>
                  <td data-label={t("classes.roster.role")}>
                    <span class={`badge role-${m.role}`}>{t(memberRoleKey(kind, m.role))}</span>
                  </td>
                  {showContact && (
                    <td data-label={t("classes.roster.email")}>
                      {m.email ?? <span class="muted">—</span>}
                    </td>
                  )}
                  {showContact && kind === "class" && (
                    <td data-label={t("classes.roster.studentNumber")}>
                      {m.studentNumber ?? <span class="muted">—</span>}
                    </td>
                  )}
                  {removeAction && (
                    <td class="cell-actions">
                      <form method="post" action={`${removeAction}#roster`}>
                        <CsrfField state={state} />
                        <input type="hidden" name="intent" value="remove" />
                        <input type="hidden" name="userId" value={m.userId} />
                        <button
                          type="submit"
                          aria-label={t("workspace.remove.label", { name: m.name })}
                        >
                          {t("workspace.remove")}
                        </button>
                      </form>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {noStudents && items.length > 0 && <p class="empty">{t(words.rosterEmpty)}</p>}
      <Pager state={state} total={total} offset={offset} limit={roster.limit} href={href} />
    </section>
  );
}
