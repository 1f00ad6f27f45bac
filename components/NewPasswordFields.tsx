import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "@/services/auth/passwords.ts";
import type { State } from "@/services/web/define.ts";

/**
 * "New password" (with the rule) and "Type it again": the same two fields wherever a person
 * chooses a password (the account page, the one-time code's last step, a claimed roster entry).
 */
export function NewPasswordFields(
  { state, name = "password", autofocus = false }: {
    state: State;
    /** The new password's field name. */
    name?: string;
    autofocus?: boolean;
  },
) {
  const { t } = state;
  return (
    <>
      <label>
        {t("account.password.new")}{" "}
        <small>{t("account.password.hint", { min: MIN_PASSWORD_LENGTH })}</small>
        <input
          name={name}
          type="password"
          autocomplete="new-password"
          minLength={MIN_PASSWORD_LENGTH}
          maxLength={MAX_PASSWORD_LENGTH}
          required
          autofocus={autofocus}
        />
      </label>
      <label>
        {t("account.password.confirm")}
        <input name="confirm" type="password" autocomplete="new-password" required />
      </label>
    </>
  );
}

/** The last step of a one-time code (or an approved claim): choose a password, then signed in. */
export function ChoosePasswordForm(
  { state, action, ticket, login }: {
    state: State;
    /** Where the form posts (`/signin/code`, with its `next`). */
    action: string;
    /** The setup ticket of the code's first step. */
    ticket: string;
    /** The sign-in name, for password managers. */
    login: string;
  },
) {
  return (
    <form method="post" action={action} class="stack">
      <input type="hidden" name="ticket" value={ticket} />
      <input type="hidden" name="login" value={login} autocomplete="username" />
      <NewPasswordFields state={state} autofocus />
      <button type="submit" class="primary">{state.t("signin.setup.submit")}</button>
    </form>
  );
}
