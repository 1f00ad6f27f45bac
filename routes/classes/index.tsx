import { requireActor } from "../../services/auth/access.ts";
import { type Class, getClasses } from "../../services/classes/classes.ts";
import { listUserClassRoles, type MemberRole } from "../../services/classes/members.ts";
import type { Handlers, PageProps } from "../../services/web/define.ts";

interface Data {
  classes: { cls: Class; role: MemberRole }[];
  isAdmin: boolean;
  isStudent: boolean;
}

/** "My classes": the classes the signed-in person studies or teaches in (not archived ones). */
export const handler: Handlers<Data> = {
  async GET(_req, ctx) {
    const { state } = ctx;
    const { user } = requireActor(state);
    const roles = await listUserClassRoles(state.kv, user.id);
    const role = new Map(roles.map((r) => [r.classId, r.role]));
    const collator = new Intl.Collator(state.locale, { sensitivity: "base", numeric: true });
    const classes = (await getClasses(state.kv, roles.map((r) => r.classId)))
      .filter((c) => c.orgId === user.orgId && !c.archived)
      .sort((a, b) => collator.compare(a.name, b.name))
      .map((cls) => ({ cls, role: role.get(cls.id)! }));
    state.title = state.t("myClasses.title");
    return ctx.render({
      classes,
      isAdmin: user.role === "admin",
      isStudent: user.role === "student",
    });
  },
};

export default function MyClasses({ data, state }: PageProps<Data>) {
  const { t } = state;
  return (
    <section class="card stack">
      <h1>{t("myClasses.title")}</h1>
      {data.isAdmin && (
        <p class="muted">
          {t("myClasses.adminNote")} <a href="/admin">{t("myClasses.adminLink")}</a>
        </p>
      )}
      {data.classes.length === 0
        ? (
          <p class="muted">
            {data.isStudent ? t("myClasses.empty") : t("myClasses.emptyStaff")}
          </p>
        )
        : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t("myClasses.col.name")}</th>
                <th scope="col">{t("myClasses.col.grade")}</th>
                <th scope="col">{t("myClasses.col.subject")}</th>
                <th scope="col">{t("myClasses.col.role")}</th>
              </tr>
            </thead>
            <tbody>
              {data.classes.map(({ cls, role }) => (
                <tr key={cls.id}>
                  <td>
                    <a href={`/classes/${cls.id}`}>{cls.name}</a>
                  </td>
                  <td>{cls.grade ?? ""}</td>
                  <td>{cls.subject ?? ""}</td>
                  <td>
                    <span class="badge">{t(`myClasses.role.${role}`)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
    </section>
  );
}
