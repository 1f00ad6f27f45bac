import type { PageProps } from "@/services/web/define.ts";

export default function NotFound({ state }: PageProps) {
  return (
    <section class="card narrow">
      <h1>{state.t("error.notFound.title")}</h1>
      <p>{state.t("error.notFound.body")}</p>
      <p>
        <a href="/">{state.t("common.back")}</a>
      </p>
    </section>
  );
}
