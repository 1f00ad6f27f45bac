import { clockTime, formatWhen } from "@/components/Coursework.tsx";
import { CsrfField } from "@/components/CsrfField.tsx";
import { requireActor } from "@/services/auth/access.ts";
import {
  correctDay,
  CorrectionInputSchema,
  listCorrections,
  requireManagesPerson,
} from "@/services/clockin/corrections.ts";
import { dayOf, type PersonDay } from "@/services/clockin/days.ts";
import type { Correction, Punch } from "@/services/clockin/model.ts";
import { type MonthTotals, personMonth } from "@/services/clockin/sheet.ts";
import { weekdayOf } from "@/services/clockin/shifts.ts";
import type { User } from "@/services/orgs/users.ts";
import type { Handlers, PageProps, RouteContext, State } from "@/services/web/define.ts";
import { AppError, validateInput } from "@/services/web/errors.ts";
import { readForm, redirect } from "@/services/web/forms.ts";
import { requireManager } from "@/services/workspace/access.ts";

interface Data {
  person: User;
  month: string;
  timeZone: string;
  days: PersonDay[];
  totals: MonthTotals;
  corrections: Correction[];
  error?: string;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

async function load(ctx: RouteContext<Data>, error?: string): Promise<Response> {
  const { kv, t } = ctx.state;
  const access = await requireManager(kv, requireActor(ctx.state));
  const person = await requireManagesPerson(kv, access, ctx.params.userId);
  const asked = ctx.url.searchParams.get("month") ?? "";
  const month = MONTH.test(asked) ? asked : dayOf(new Date(), access.org.timeZone).slice(0, 7);
  const [{ days, totals }, corrections] = await Promise.all([
    personMonth(kv, access.org, access.departments, person.id, month),
    listCorrections(kv, access.org.id, person.id, month),
  ]);
  ctx.state.title = t("clockin.sheet.title", { name: person.name, month });
  return ctx.render({
    person,
    month,
    timeZone: access.org.timeZone,
    days,
    totals,
    corrections,
    error,
  });
}

/** A person's month (days × results, totals), its corrections, and the correction forms. */
export const handler: Handlers<Data> = {
  GET(_req, ctx) {
    return load(ctx);
  },
  async POST(req, ctx) {
    const f = await readForm(req);
    try {
      const input = validateInput(CorrectionInputSchema, {
        action: f.action,
        userId: ctx.params.userId,
        day: f.day,
        reason: f.reason,
        ...(f.action === "remove" ? { punchId: f.punchId } : { kind: f.kind, time: f.time }),
      });
      await correctDay(ctx.state.kv, requireActor(ctx.state), input);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500 || err.status === 403) throw err;
      const detail = err.details?.map((d) => d.message).join(" ");
      return load(ctx, detail ? `${err.message} ${detail}` : err.message);
    }
    const month = (f.day ?? "").slice(0, 7);
    return redirect(`${ctx.url.pathname}?month=${month}&corrected=1#history`);
  },
};

function punchText(state: State, p: Punch | undefined, tz: string): string {
  const { t } = state;
  if (!p) return t("clockin.history.nothing");
  const kind = t(p.kind === "in" ? "clockin.punch.kindIn" : "clockin.punch.kindOut");
  const undone = p.undoneAt ? ` (${t("clockin.sheet.notCounting")})` : "";
  return `${kind} ${clockTime(state, p.at, tz)}${undone}`;
}

function addMonth(month: string, n: number): string {
  const [y, m] = month.split("-").map(Number);
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return d.toISOString().slice(0, 7);
}

export default function SheetPage({ data, state, url }: PageProps<Data>) {
  const { t } = state;
  const tz = data.timeZone;
  const tot = data.totals;
  const result = (r: string) => t(`clockin.result.${r}` as "clockin.result.normal");
  return (
    <>
      <header class="page-head">
        <div>
          <p class="eyebrow">
            <a href="/workspace/attendance">{t("clockin.board.title")}</a>
          </p>
          <h1>{t("clockin.sheet.title", { name: data.person.name, month: data.month })}</h1>
          <p>
            <a href={`?month=${addMonth(data.month, -1)}`}>{t("clockin.history.previous")}</a>
            {" · "}
            <a href={`?month=${addMonth(data.month, 1)}`}>{t("clockin.history.next")}</a>
          </p>
        </div>
      </header>
      {data.error && <p class="notice error" role="alert">{data.error}</p>}
      {url.searchParams.get("corrected") && (
        <p class="notice ok" role="status">{t("clockin.sheet.corrected")}</p>
      )}
      <section class="card" aria-labelledby="totals-title">
        <h2 id="totals-title">{t("clockin.sheet.totals")}</h2>
        <dl class="totals" data-totals>
          <dt>{t("clockin.sheet.col.lateMin")}</dt>
          <dd data-total="lateMinutes">{tot.lateMinutes} ({tot.lateDays})</dd>
          <dt>{t("clockin.sheet.col.earlyMin")}</dt>
          <dd data-total="earlyMinutes">{tot.earlyMinutes} ({tot.earlyDays})</dd>
          <dt>{t("clockin.sheet.col.absent")}</dt>
          <dd data-total="absences">{tot.absences}</dd>
          <dt>{t("clockin.sheet.col.remote")}</dt>
          <dd data-total="remoteDays">{tot.remoteDays}</dd>
          <dt>{t("clockin.sheet.col.outsidePunches")}</dt>
          <dd data-total="outsidePunches">{tot.outsidePunches}</dd>
          <dt>{t("clockin.result.missing_clock_out")}</dt>
          <dd data-total="missingClockOuts">{tot.missingClockOuts}</dd>
        </dl>
      </section>
      <table class="sheet-table">
        <thead>
          <tr>
            <th scope="col">{t("clockin.sheet.col.date")}</th>
            <th scope="col">{t("clockin.sheet.col.results")}</th>
            <th scope="col">{t("clockin.sheet.col.firstIn")}</th>
            <th scope="col">{t("clockin.sheet.col.lastOut")}</th>
            <th scope="col">{t("clockin.sheet.col.lateMin")}</th>
            <th scope="col">{t("clockin.sheet.col.earlyMin")}</th>
            <th scope="col">{t("clockin.sheet.punches")}</th>
          </tr>
        </thead>
        <tbody>
          {data.days.map((d, i) => (
            <tr data-day={d.day}>
              <th scope="row">
                <span class="row-index">{i + 1}</span> {d.day}{" "}
                {t(`clockin.weekday.${weekdayOf(d.day)}` as "clockin.weekday.mon")}
              </th>
              <td data-label={t("clockin.sheet.col.results")}>
                {(d.evaluation?.results ?? []).map(result).join(", ")}
              </td>
              <td data-label={t("clockin.sheet.col.firstIn")}>
                {d.evaluation?.firstIn ? clockTime(state, d.evaluation.firstIn, tz) : ""}
              </td>
              <td data-label={t("clockin.sheet.col.lastOut")}>
                {d.evaluation?.lastOut ? clockTime(state, d.evaluation.lastOut, tz) : ""}
              </td>
              <td data-label={t("clockin.sheet.col.lateMin")}>{d.evaluation?.lateMinutes || ""}</td>
              <td data-label={t("clockin.sheet.col.earlyMin")}>
                {d.evaluation?.earlyMinutes || ""}
              </td>
              <td data-label={t("clockin.sheet.punches")}>
                {d.punches.map((p) => (
                  <form method="post" class="inline-form punch-line" data-punch={p.id}>
                    <CsrfField state={state} />
                    <span class={p.undoneAt ? "struck" : ""}>{punchText(state, p, tz)}</span>
                    {!p.undoneAt && (
                      <>
                        <input type="hidden" name="action" value="remove" />
                        <input type="hidden" name="day" value={d.day} />
                        <input type="hidden" name="punchId" value={p.id} />{" "}
                        <input
                          name="reason"
                          required
                          maxLength={500}
                          placeholder={t("clockin.sheet.reason")}
                          aria-label={t("clockin.sheet.reason")}
                        />{" "}
                        <button type="submit" class="secondary">
                          {t("clockin.sheet.remove")}
                        </button>
                      </>
                    )}
                  </form>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <section class="card narrow" aria-labelledby="add-title">
        <h2 id="add-title">{t("clockin.sheet.addTitle")}</h2>
        <form method="post" class="stack">
          <CsrfField state={state} />
          <input type="hidden" name="action" value="add" />
          <label>
            {t("clockin.sheet.col.date")}{" "}
            <input type="date" name="day" required min={`${data.month}-01`} />
          </label>
          <label>
            {t("clockin.makeup.kind")}{" "}
            <select name="kind">
              <option value="in">{t("clockin.punch.kindIn")}</option>
              <option value="out">{t("clockin.punch.kindOut")}</option>
            </select>
          </label>
          <label>
            {t("clockin.makeup.time")} <input type="time" name="time" required />
          </label>
          <label>
            {t("clockin.sheet.reason")} <input name="reason" required maxLength={500} />
          </label>
          <button type="submit">{t("clockin.sheet.add")}</button>
        </form>
      </section>
      <section class="card" id="history" aria-labelledby="history-title">
        <h2 id="history-title">{t("clockin.history.corrections")}</h2>
        {data.corrections.length === 0
          ? <p class="muted">{t("clockin.history.noCorrections")}</p>
          : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("clockin.sheet.col.date")}</th>
                  <th scope="col">{t("clockin.sheet.who")}</th>
                  <th scope="col">{t("clockin.history.before")}</th>
                  <th scope="col">{t("clockin.history.after")}</th>
                  <th scope="col">{t("clockin.sheet.reason")}</th>
                </tr>
              </thead>
              <tbody>
                {data.corrections.map((c) => (
                  <tr data-correction={c.id}>
                    <th scope="row">{c.day}</th>
                    <td data-label={t("clockin.sheet.who")}>
                      {t("clockin.history.correctedBy", {
                        name: c.byName,
                        time: formatWhen(state, c.at, tz),
                      })}
                    </td>
                    <td data-label={t("clockin.history.before")}>
                      {punchText(state, c.before, tz)}
                    </td>
                    <td data-label={t("clockin.history.after")}>{punchText(state, c.after, tz)}</td>
                    <td data-label={t("clockin.sheet.reason")}>{c.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
      </section>
    </>
  );
}
