import { clockTime, formatWhen } from "@/components/Coursework.tsx";
import { CsrfField } from "@/components/CsrfField.tsx";
import { requireActor } from "@/services/auth/access.ts";
import { listCorrections } from "@/services/clockin/corrections.ts";
import { dayOf, getClockinSettings } from "@/services/clockin/days.ts";
import { listMyMakeups, MakeupInputSchema, requestMakeup } from "@/services/clockin/makeup.ts";
import type {
  ClockinSettings,
  Correction,
  MakeupRequest,
  Punch,
} from "@/services/clockin/model.ts";
import type { Handlers, PageProps, RouteContext, State } from "@/services/web/define.ts";
import { AppError, validateInput } from "@/services/web/errors.ts";
import { readForm, redirect } from "@/services/web/forms.ts";
import { workspaceAccess } from "@/services/workspace/access.ts";

interface Data {
  month: string;
  today: string;
  timeZone: string;
  settings: ClockinSettings;
  requests: MakeupRequest[];
  corrections: Correction[];
  error?: string;
  form?: Record<string, string>;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

async function load(
  ctx: RouteContext<Data>,
  extra: Pick<Data, "error" | "form"> = {},
): Promise<Response> {
  const { kv, t } = ctx.state;
  const actor = requireActor(ctx.state);
  const { org } = await workspaceAccess(kv, actor);
  const today = dayOf(new Date(), org.timeZone);
  const asked = ctx.url.searchParams.get("month") ?? "";
  const month = MONTH.test(asked) ? asked : today.slice(0, 7);
  const [settings, requests, corrections] = await Promise.all([
    getClockinSettings(kv, org.id),
    listMyMakeups(kv, actor.user.id, month),
    listCorrections(kv, org.id, actor.user.id, month),
  ]);
  ctx.state.title = t("clockin.makeup.title");
  return ctx.render({
    month,
    today,
    timeZone: org.timeZone,
    settings,
    requests,
    corrections,
    ...extra,
  });
}

/** An employee's makeup requests (补卡): the form, their requests and their days' corrections. */
export const handler: Handlers<Data> = {
  GET(_req, ctx) {
    return load(ctx);
  },
  async POST(req, ctx) {
    const f = await readForm(req);
    try {
      const input = validateInput(MakeupInputSchema, {
        day: f.day,
        punchKind: f.punchKind,
        at: f.at,
        reason: f.reason,
      });
      await requestMakeup(ctx.state.kv, requireActor(ctx.state), input);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500 || err.status === 404) throw err;
      const detail = err.details?.map((d) => d.message).join(" ");
      return load(ctx, { error: detail ? `${err.message} ${detail}` : err.message, form: f });
    }
    return redirect(`/workspace/clockin/makeup?month=${(f.day ?? "").slice(0, 7)}&sent=1`);
  },
};

function punchText(state: State, p: Punch | undefined, tz: string): string {
  const { t } = state;
  if (!p) return t("clockin.history.nothing");
  const kind = t(p.kind === "in" ? "clockin.punch.kindIn" : "clockin.punch.kindOut");
  return `${kind} ${clockTime(state, p.at, tz)}${
    p.undoneAt ? ` (${t("clockin.sheet.notCounting")})` : ""
  }`;
}

const STATUS = {
  pending: "clockin.history.statusPending",
  approved: "clockin.history.statusApproved",
  rejected: "clockin.history.statusRejected",
  withdrawn: "clockin.history.statusWithdrawn",
} as const;

export default function MakeupPage({ data, state, url }: PageProps<Data>) {
  const { t } = state;
  const tz = data.timeZone;
  const f = data.form ?? {};
  return (
    <div class="clockin-page">
      <p>
        <a href="/workspace/clockin">{t("clockin.title")}</a>
      </p>
      <h1>{t("clockin.makeup.title")}</h1>
      <p class="muted">
        {t("clockin.makeup.rules", {
          perMonth: data.settings.makeupPerMonth,
          days: data.settings.makeupDeadlineDays,
        })}
      </p>
      {data.error && <p class="notice error" role="alert">{data.error}</p>}
      {url.searchParams.get("sent") && (
        <p class="notice ok" role="status">{t("clockin.makeup.sent")}</p>
      )}
      <form method="post" class="stack card narrow">
        <CsrfField state={state} />
        <label>
          {t("clockin.makeup.day")}{" "}
          <input type="date" name="day" required max={data.today} value={f.day ?? ""} />
        </label>
        <label>
          {t("clockin.makeup.kind")}{" "}
          <select name="punchKind">
            <option value="in" selected={f.punchKind !== "out"}>{t("clockin.punch.kindIn")}</option>
            <option value="out" selected={f.punchKind === "out"}>
              {t("clockin.punch.kindOut")}
            </option>
          </select>
        </label>
        <label>
          {t("clockin.makeup.time")} <input type="time" name="at" required value={f.at ?? ""} />
        </label>
        <label>
          {t("clockin.makeup.reason")}{" "}
          <textarea name="reason" required maxLength={500}>{f.reason ?? ""}</textarea>
        </label>
        <button type="submit">{t("clockin.makeup.submit")}</button>
      </form>
      <section aria-labelledby="mine-title">
        <h2 id="mine-title">{t("clockin.history.makeups")} ({data.month})</h2>
        {data.requests.length === 0
          ? <p class="muted">{t("clockin.history.noMakeups")}</p>
          : (
            <ul class="plain">
              {data.requests.map((r) => (
                <li data-request={r.id} data-status={r.status}>
                  <strong>{t(STATUS[r.status])}</strong> · {r.payload.day} {t(
                    r.payload.punchKind === "in" ? "clockin.punch.kindIn" : "clockin.punch.kindOut",
                  )} {clockTime(state, r.payload.at, tz)} · {r.payload.reason}
                  {r.decisionNote && <>· {t("clockin.history.note")}: {r.decisionNote}</>}
                </li>
              ))}
            </ul>
          )}
      </section>
      <section aria-labelledby="corr-title">
        <h2 id="corr-title">{t("clockin.history.corrections")}</h2>
        {data.corrections.length === 0
          ? <p class="muted">{t("clockin.history.noCorrections")}</p>
          : (
            <ul class="plain">
              {data.corrections.map((c) => (
                <li data-correction={c.id}>
                  {c.day}: {punchText(state, c.before, tz)} → {punchText(state, c.after, tz)} ·{" "}
                  {t("clockin.history.correctedBy", {
                    name: c.byName,
                    time: formatWhen(state, c.at, tz),
                  })} · {c.reason}
                </li>
              ))}
            </ul>
          )}
      </section>
    </div>
  );
}
