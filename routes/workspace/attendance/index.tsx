import { clockTime, intlLocale } from "@/components/Coursework.tsx";
import { CsrfField } from "@/components/CsrfField.tsx";
import AttendanceBoard, {
  ATTENDANCE_BOARD_LABELS,
  type AttendanceBoardLabels,
} from "@/islands/AttendanceBoard.tsx";
import { requireActor } from "@/services/auth/access.ts";
import { type Board, readBoard } from "@/services/clockin/board.ts";
import { dayOf } from "@/services/clockin/days.ts";
import { decideMakeup, listPendingMakeups } from "@/services/clockin/makeup.ts";
import type { MakeupRequest } from "@/services/clockin/model.ts";
import { isCalendarDate } from "@/services/coursework/due_time.ts";
import type { Handlers, PageProps, RouteContext } from "@/services/web/define.ts";
import { AppError } from "@/services/web/errors.ts";
import { readForm, redirect } from "@/services/web/forms.ts";
import { requireManager } from "@/services/workspace/access.ts";
import { type DepartmentNode, departmentTree } from "@/services/workspace/departments.ts";

interface Data {
  board: Board;
  department: string;
  day: string;
  month: string;
  departments: DepartmentNode[];
  pending: (MakeupRequest & { requesterName: string })[];
  error?: string;
}

async function load(ctx: RouteContext<Data>, extra: Partial<Data> = {}): Promise<Response> {
  const { kv, t } = ctx.state;
  const actor = requireActor(ctx.state);
  const access = await requireManager(kv, actor);
  const department = ctx.url.searchParams.get("department") ?? "";
  const asked = ctx.url.searchParams.get("day") ?? "";
  const day = isCalendarDate(asked) ? asked : dayOf(new Date(), access.org.timeZone);
  const [board, pending] = await Promise.all([
    readBoard(kv, actor, { departmentId: department || undefined, day }),
    listPendingMakeups(kv, actor),
  ]);
  ctx.state.title = t("clockin.board.title");
  const departments = departmentTree(access.departments, ctx.state.locale)
    .filter((n) => access.managed.has(n.dept.id));
  return ctx.render({
    board,
    department,
    day,
    month: day.slice(0, 7),
    departments,
    pending,
    ...extra,
  });
}

/**
 * Today's board of the departments the asker manages (employees 403, another organization's
 * department 404), the month's CSV, and the makeup requests waiting for their decision.
 */
export const handler: Handlers<Data> = {
  GET(_req, ctx) {
    return load(ctx);
  },
  async POST(req, ctx) {
    const { kv } = ctx.state;
    const fields = await readForm(req);
    const decision = fields.intent === "approve" ? "approved" : "rejected";
    try {
      await decideMakeup(
        kv,
        requireActor(ctx.state),
        (fields.id ?? "").slice(0, 40),
        decision,
        fields.note?.trim().slice(0, 500) || undefined,
      );
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500 || err.status === 404) throw err;
      return load(ctx, { error: err.message });
    }
    const back = new URL(ctx.url);
    back.searchParams.set("decided", decision);
    return redirect(`${back.pathname}${back.search}#pending`);
  },
};

export default function BoardPage({ data, state, url }: PageProps<Data>) {
  const { t } = state;
  const org = { timeZone: data.board.timeZone };
  const labels = Object.fromEntries(
    ATTENDANCE_BOARD_LABELS.map((k) => [k, t(`clockin.board.${k}` as const)]),
  ) as AttendanceBoardLabels;
  const decided = url.searchParams.get("decided");
  return (
    <>
      <header class="page-head">
        <div>
          <h1>{t("clockin.board.title")}</h1>
          <p class="muted">{t("clockin.board.intro", { day: data.day })}</p>
        </div>
      </header>
      <form method="get" class="inline-form" aria-label={t("clockin.board.filter")}>
        <label>
          {t("clockin.board.department")}{" "}
          <select name="department">
            <option value="">{t("clockin.board.allDepartments")}</option>
            {data.departments.map((n) => (
              <option value={n.dept.id} selected={n.dept.id === data.department}>
                {"\u00a0\u00a0".repeat(n.depth)}
                {n.dept.name}
              </option>
            ))}
          </select>
        </label>{" "}
        <label>
          {t("clockin.board.day")} <input type="date" name="day" value={data.day} />
        </label>{" "}
        <button type="submit">{t("clockin.board.show")}</button>
      </form>
      <AttendanceBoard
        department={data.department}
        day={data.day}
        timeZone={org.timeZone}
        locale={intlLocale(state)}
        initial={data.board}
        labels={labels}
      />
      <section class="card" aria-labelledby="export-title">
        <h2 id="export-title">{t("clockin.board.exportTitle")}</h2>
        <form method="get" action="/api/v1/clockin/sheet.csv" class="inline-form">
          <input type="hidden" name="department" value={data.department} />
          <label>
            {t("clockin.board.month")}{" "}
            <input type="month" name="month" value={data.month} required />
          </label>{" "}
          <button type="submit" data-export>{t("clockin.board.download")}</button>
        </form>
        <p class="muted small">{t("clockin.board.exportNote")}</p>
      </section>
      <section class="card" id="pending" aria-labelledby="pending-title">
        <h2 id="pending-title">{t("clockin.board.pendingTitle")}</h2>
        {data.error && <p class="notice error" role="alert">{data.error}</p>}
        {decided && (
          <p class="notice ok" role="status">
            {t(decided === "approved" ? "clockin.board.approved" : "clockin.board.rejected")}
          </p>
        )}
        {data.pending.length === 0 ? <p class="muted">{t("clockin.board.pendingNone")}</p> : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t("clockin.board.colName")}</th>
                <th scope="col">{t("clockin.makeup.day")}</th>
                <th scope="col">{t("clockin.makeup.kind")}</th>
                <th scope="col">{t("clockin.makeup.time")}</th>
                <th scope="col">{t("clockin.makeup.reason")}</th>
                <th scope="col">{t("clockin.board.decide")}</th>
              </tr>
            </thead>
            <tbody>
              {data.pending.map((r, i) => (
                <tr data-request={r.id}>
                  <th scope="row">
                    <span class="row-index">{i + 1}</span>{" "}
                    <a
                      href={`/workspace/attendance/${r.requesterId}?month=${
                        r.payload.day.slice(0, 7)
                      }`}
                    >
                      {r.requesterName}
                    </a>
                  </th>
                  <td data-label={t("clockin.makeup.day")}>{r.payload.day}</td>
                  <td data-label={t("clockin.makeup.kind")}>
                    {t(
                      r.payload.punchKind === "in"
                        ? "clockin.punch.kindIn"
                        : "clockin.punch.kindOut",
                    )}
                  </td>
                  <td data-label={t("clockin.makeup.time")}>
                    {clockTime(state, r.payload.at, org.timeZone)}
                  </td>
                  <td data-label={t("clockin.makeup.reason")}>{r.payload.reason}</td>
                  <td data-label={t("clockin.board.decide")}>
                    <form method="post" class="inline-form">
                      <CsrfField state={state} />
                      <input type="hidden" name="id" value={r.id} />
                      <input
                        name="note"
                        maxLength={500}
                        placeholder={t("clockin.board.note")}
                        aria-label={t("clockin.board.note")}
                      />{" "}
                      <button type="submit" name="intent" value="approve">
                        {t("clockin.board.approve")}
                      </button>{" "}
                      <button type="submit" name="intent" value="reject" class="secondary">
                        {t("clockin.board.reject")}
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
