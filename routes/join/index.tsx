import { findLinkIdByCode } from "@/services/classes/join_codes.ts";
import { joinToken, linkSecret } from "@/services/classes/join_links.ts";
import type { Handlers, PageProps, RouteContext } from "@/services/web/define.ts";
import { AppError } from "@/services/web/errors.ts";
import { clientIp, readForm, redirect } from "@/services/web/forms.ts";

interface Data {
  code?: string;
  error?: string;
}

// A code leads to a join page (a bearer secret): keep it out of search engines.
const HEADERS = { "x-robots-tag": "noindex" };

/**
 * The class code: typed here (or carried by the QR code as `?code=`), it leads to its join
 * link's page, where the link's own state (limits, approval, revoked, expired) applies.
 */
async function follow(ctx: RouteContext<Data>, req: Request, code: string): Promise<Response> {
  const { state } = ctx;
  try {
    const id = await findLinkIdByCode(state.kv, code, { ip: clientIp(req) });
    const token = await joinToken(await linkSecret(state.kv, state.config), id);
    return redirect(`/join/${token}`);
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    const seconds = Number(err.headers?.["retry-after"] ?? 60);
    const error = err.code === "rate_limited"
      ? state.t("join.code.rateLimited", { minutes: Math.max(1, Math.ceil(seconds / 60)) })
      : state.t("join.code.notFound");
    return ctx.render({ code, error }, {
      status: err.status,
      headers: { ...HEADERS, ...err.headers },
    });
  }
}

export const handler: Handlers<Data> = {
  GET(req, ctx) {
    ctx.state.title = ctx.state.t("join.code.title");
    const code = ctx.url.searchParams.get("code");
    if (code) return follow(ctx, req, code);
    return ctx.render({}, { headers: HEADERS });
  },
  async POST(req, ctx) {
    ctx.state.title = ctx.state.t("join.code.title");
    const fields = await readForm(req);
    return await follow(ctx, req, fields.code ?? "");
  },
};

export default function JoinByCode({ data, state }: PageProps<Data>) {
  const { t } = state;
  return (
    <section class="card narrow stack">
      <h1>{t("join.code.title")}</h1>
      <p>{t("join.code.intro")}</p>
      {data.error && <p class="error" role="alert">{data.error}</p>}
      <form method="post" action="/join" class="stack">
        <label>
          {t("join.code.label")}
          <input
            name="code"
            class="class-code-input"
            autocomplete="off"
            autocapitalize="characters"
            spellcheck={false}
            required
            minLength={6}
            maxLength={12}
            value={data.code ?? ""}
            autofocus
          />
        </label>
        <button type="submit" class="primary">{t("join.code.submit")}</button>
      </form>
    </section>
  );
}
