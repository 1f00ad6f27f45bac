import type { GroupKind } from "@/services/classes/classes.ts";
import { memberRoleKey } from "@/services/classes/group_words.ts";
import type { State } from "@/services/web/define.ts";
import { CsrfField } from "./CsrfField.tsx";

/**
 * "Add a person": one person of the organization, by email, into a class or a department with
 * a role named by the group's kind (posts `intent=add` to the group's admin page).
 */
export function AddMemberCard(
  { state, kind, path, add }: {
    state: State;
    kind: GroupKind;
    path: string;
    /** The last failed post (values kept, the message at the email field). */
    add?: { email: string; role: string; error: string };
  },
) {
  const { t } = state;
  const role = add?.role === "teacher" ? "teacher" : "student";
  return (
    <section class="card" id="add" aria-labelledby="add-title">
      <h2 id="add-title">{t("workspace.add.title")}</h2>
      <form method="post" action={`${path}#add`} class="row">
        <CsrfField state={state} />
        <input type="hidden" name="intent" value="add" />
        <label class="grow">
          {t("workspace.add.email")}
          <input
            type="email"
            name="email"
            required
            maxLength={254}
            value={add?.email ?? ""}
            aria-invalid={add ? "true" : undefined}
            aria-describedby={add ? "add-error" : undefined}
          />
          {add && <span class="error" role="alert" id="add-error">{add.error}</span>}
        </label>
        <label>
          {t("workspace.add.as")}
          <select name="role">
            {(["student", "teacher"] as const).map((r) => (
              <option key={r} value={r} selected={role === r}>{t(memberRoleKey(kind, r))}</option>
            ))}
          </select>
        </label>
        <div>
          <button type="submit">{t("workspace.add.submit")}</button>
        </div>
      </form>
    </section>
  );
}
