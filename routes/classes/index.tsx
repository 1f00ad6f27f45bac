import { requireActor } from "@/services/auth/access.ts";
import { type Class, listUserClasses } from "@/services/classes/classes.ts";
import type { MemberRole } from "@/services/classes/members.ts";
import type { Handlers, PageProps } from "@/services/web/define.ts";

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
    const collator = new Intl.Collator(state.locale, { sensitivity: "base", numeric: true });
    const classes = (await listUserClasses(state.kv, user))
      .sort((a, b) => collator.compare(a.cls.name, b.cls.name));
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
                  <td data-label={t("myClasses.col.grade")}>{cls.grade ?? ""}</td>
                  <td data-label={t("myClasses.col.subject")}>{cls.subject ?? ""}</td>
                  <td data-label={t("myClasses.col.role")}>
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
