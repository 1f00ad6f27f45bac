import type { PageProps } from "@/services/web/define.ts";

/** Error page; `data.message` is only ever an AppError's message, never internals. */
export default function ErrorPage({ state, data }: PageProps<{ status: number; message: string }>) {
  const internal = data.status >= 500;
  return (
    <section class="card narrow">
      <h1>{internal ? state.t("error.internal.title") : data.message}</h1>
      {internal && <p>{state.t("error.internal.body")}</p>}
      <p>
        <a href="/">{state.t("common.back")}</a>
      </p>
    </section>
  );
}
