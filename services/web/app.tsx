/**
 * Builds the Hono app from the route manifest: middleware, pages (with `_app` and `_layout`),
 * API operations (validated and described by zod/OpenAPI), islands, static files, and one
 * error path for everything.
 * @module
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { type ComponentType, h, type VNode } from "preact";
import { fileURLToPath as fromFileUrl } from "node:url";
import type { Config } from "@/fresh.config.ts";
import { negotiateLocale, translator } from "../i18n/i18n.ts";
import { LiveKitLink } from "../livekit/link.ts";
import { unreadCount } from "../notifications/notifications.ts";
import { navFaces } from "../workspace/nav.ts";
import type { ApiEnv, ApiRoute } from "./api.ts";
import type {
  AppProps,
  Handler,
  Handlers,
  Method,
  PageProps,
  RouteContext,
  State,
} from "./define.ts";
import { bodyLimit, formatLimit, MAX_BODY_BYTES, MAX_CSV_BYTES } from "./body_limit.ts";
import { getCookies, LANG_COOKIE } from "./cookies.ts";
import { AppError, toAppError, zodDetails } from "./errors.ts";
import { buildIslands, ISLANDS_PREFIX } from "./islands.ts";
import { registerIslands, renderDocument } from "./render.tsx";
import { islandName, parseRouteFile, type RouteFile, sortRoutes } from "./router.ts";
import { staticFiles } from "./static.ts";

// deno-lint-ignore no-explicit-any
type Module = Record<string, any>;

/** The shape of `fresh.gen.ts`. */
export interface Manifest {
  routes: Record<string, Module>;
  islands: Record<string, Module>;
  baseUrl: string;
}

export interface AppOptions {
  kv: Deno.Kv;
  config: Config;
  manifest: Manifest;
  /** Live video; by default the server named by LIVEKIT_URL, if any. */
  livekit?: LiveKitLink;
}

/** Largest request bodies: CSV rosters may be big, everything else is small. */
export { MAX_BODY_BYTES as MAX_JSON_BYTES, MAX_CSV_BYTES };
/** The file upload (the file store enforces the configured size while it streams). */
const UPLOAD_PATH = "/api/v1/files";

const METHODS: Method[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/** The body limit of a request: uploads are the file store's, CSV rosters large, the rest small. */
function bodyLimitFor(c: Context): number {
  const type = c.req.header("content-type") ?? "";
  if (
    c.req.method === "POST" && c.req.path === UPLOAD_PATH &&
    type.startsWith("application/octet-stream")
  ) return Infinity;
  return type.startsWith("text/csv") && c.req.path.startsWith("/api/")
    ? MAX_CSV_BYTES
    : MAX_BODY_BYTES;
}

/** Creates the app. Nothing is opened or started here: `kv` comes from the caller. */
export function createApp({ kv, config, manifest, livekit }: AppOptions) {
  const lk = livekit ?? LiveKitLink.fromConfig(config);
  const root = fromFileUrl(new URL(".", manifest.baseUrl));
  const files = Object.keys(manifest.routes).map(parseRouteFile);
  const mod = (f: RouteFile) => manifest.routes[f.file];
  const special = (name: RouteFile["special"]) => files.filter((f) => f.special === name);
  const App = special("_app")[0]
    ? mod(special("_app")[0]).default as ComponentType<AppProps>
    : undefined;
  const layouts = special("_layout");
  const notFoundPage = special("_404")[0];
  const errorPage = special("_500")[0];

  const islandFiles = Object.fromEntries(
    Object.keys(manifest.islands).map((
      f,
    ) => [islandName(f), fromFileUrl(new URL(f, manifest.baseUrl))]),
  );
  registerIslands(
    Object.fromEntries(
      Object.entries(manifest.islands).map(([f, m]) => [islandName(f), m.default]),
    ),
  );
  const islands = () => buildIslands(islandFiles, root);

  const app = new OpenAPIHono<ApiEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new AppError(
          "validation_failed",
          "Some fields are not valid.",
          zodDetails(result.error),
        );
      }
    },
  });

  async function renderPage(
    c: Context<ApiEnv>,
    file: RouteFile | undefined,
    Page: ComponentType<PageProps<unknown>>,
    data: unknown,
    init?: ResponseInit,
  ): Promise<Response> {
    const state = c.var.state;
    const url = new URL(c.req.url);
    const props: PageProps<unknown> = {
      data,
      url,
      params: c.req.param() as Record<string, string>,
      state,
    };
    const dir = file?.dir ?? "";
    // Layouts from the outermost folder inwards.
    const chain = layouts
      .filter((l) => dir === l.dir || dir.startsWith(`${l.dir}/`) || l.dir === "")
      .sort((a, b) => a.dir.length - b.dir.length)
      .map((l) => mod(l).default as ComponentType<AppProps>);
    let inner = (): VNode => h(Page, props) as VNode;
    for (const Layout of chain.reverse()) {
      const child = inner;
      inner = () => h(Layout, { Component: child, state, url }) as VNode;
    }
    // The header's notification badge: one read of the unread counter per page.
    if (state.actor && state.unread === undefined) {
      state.unread = await unreadCount(state.kv, state.actor.user.id);
    }
    if (state.actor && !state.nav) state.nav = await navFaces(state.kv, state.actor.user);
    const tree = App ? h(App, { Component: inner, state, url }) as VNode : inner();
    const html = await renderDocument(tree, async () => (await islands()).bootUrl);
    const headers = new Headers(init?.headers);
    headers.set("content-type", "text/html; charset=utf-8");
    return new Response(html, { status: init?.status ?? 200, headers });
  }

  async function renderStatusPage(
    c: Context<ApiEnv>,
    file: RouteFile | undefined,
    err: AppError,
  ): Promise<Response> {
    const page = file ? mod(file).default as ComponentType<PageProps<unknown>> : undefined;
    if (!page) return c.text(err.message, err.status as 404);
    return await renderPage(c, undefined, page, { status: err.status, message: err.message }, {
      status: err.status,
    });
  }

  function routeContext(
    c: Context<ApiEnv>,
    file: RouteFile | undefined,
    Page?: ComponentType<PageProps<unknown>>,
  ): RouteContext {
    let url: URL | undefined;
    return {
      // Parsed when asked for: most API requests never read it.
      get url() {
        return url ??= new URL(c.req.url);
      },
      params: c.req.param() as Record<string, string>,
      state: c.var.state,
      render: (data, init) => {
        if (!Page) throw new Error(`${file?.file} has no page component to render`);
        return renderPage(c, file, Page, data, init);
      },
      renderNotFound: () =>
        renderStatusPage(c, notFoundPage, new AppError("not_found", "Not found")),
      next: () => {
        throw new Error("ctx.next() is only for _middleware");
      },
    };
  }

  /** The one error path: JSON for the API, a page (or sign-in) for pages. */
  function errorResponse(err: unknown, c: Context<ApiEnv>): Response | Promise<Response> {
    const e = toAppError(err);
    const url = new URL(c.req.url);
    if (url.pathname.startsWith("/api/") || !c.var.state) {
      for (const [k, v] of Object.entries(e.headers ?? {})) c.header(k, v);
      return c.json(e.toBody(), e.status as 400);
    }
    if (e.status === 401) {
      return c.redirect(`/signin?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
    }
    return renderStatusPage(c, e.status === 404 ? notFoundPage : errorPage, e);
  }
  app.onError(errorResponse);

  /** A refused body on a page, in the visitor's language (the limit runs before _middleware). */
  function pageRefusal(c: Context<ApiEnv>, err: AppError): AppError {
    const state = c.var.state;
    const chosen = getCookies(c.req.raw)[LANG_COOKIE];
    state.locale = negotiateLocale(c.req.header("accept-language") ?? null, chosen);
    state.t = translator(state.locale);
    return new AppError(
      err.code,
      err.code === "payload_too_large"
        ? state.t("error.bodyTooLarge", { size: formatLimit(bodyLimitFor(c)) })
        : state.t("error.bodyTimeout"),
    );
  }

  app.notFound((c) => {
    if (new URL(c.req.url).pathname.startsWith("/api/") || !c.var.state) {
      return c.json(new AppError("not_found", "No such endpoint").toBody(), 404);
    }
    return renderStatusPage(c, notFoundPage, new AppError("not_found", "Not found"));
  });

  // Request state first: every later step (middleware files, pages, API) reads it.
  app.use("*", async (c, next) => {
    c.set("state", { kv, config, livekit: lk, locale: "en", t: translator("en") } satisfies State);
    await next();
  });

  // One body limit for every request, before anything reads a body: CSV rosters may be large,
  // file uploads are limited by the file store, everything else is small. Requests without a
  // body (the join storm's token requests say Content-Length: 0) pass at no cost.
  app.use(
    "*",
    bodyLimit({
      limitFor: bodyLimitFor,
      idleMs: config.bodyIdleTimeoutMs,
      refuse: (err, c) =>
        errorResponse(c.req.path.startsWith("/api/") ? err : pageRefusal(c, err), c),
    }),
  );

  app.get(`${ISLANDS_PREFIX}*`, async (c) => {
    const body = (await islands()).files.get(new URL(c.req.url).pathname);
    if (!body) return c.notFound();
    return c.body(body as Uint8Array<ArrayBuffer>, 200, {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "public, max-age=31536000, immutable",
    });
  });

  for (const f of sortRoutes(special("_middleware"))) {
    const handler = mod(f).handler as Handler;
    const run = async (c: Context<ApiEnv>, next: () => Promise<void>) => {
      const ctx = routeContext(c, f);
      ctx.next = async () => {
        await next();
        return c.res;
      };
      return await handler(c.req.raw, ctx);
    };
    app.use(f.dir || "*", run);
    if (f.dir) app.use(`${f.dir}/*`, run);
  }

  const routes = sortRoutes(files.filter((f) => !f.special));
  for (const f of routes) {
    const m = mod(f);
    if (f.isApi) {
      for (const method of METHODS) {
        const route = m[method] as ApiRoute | undefined;
        if (!route) continue;
        app.openapi(
          { ...route.config, method: method.toLowerCase() as "get", path: f.openapiPath },
          route.handler,
        );
      }
      continue;
    }
    const Page = m.default as ComponentType<PageProps<unknown>> | undefined;
    const handler = m.handler as Handler | Handlers | undefined;
    app.all(f.pattern, async (c) => {
      const method = (c.req.method === "HEAD" ? "GET" : c.req.method) as Method;
      const ctx = routeContext(c, f, Page);
      const fn: Handler | undefined = typeof handler === "function" ? handler : handler?.[method] ??
        (method === "GET" && Page ? (_req, ctx) => ctx.render(undefined) : undefined);
      if (!fn) throw new AppError("bad_request", `${c.req.method} is not allowed here.`);
      return await fn(c.req.raw, ctx);
    });
  }

  // The document is the same for every request: build it once (it takes ~80 ms).
  let openApiDoc: unknown;
  app.get("/api/v1/openapi.json", (c) => {
    openApiDoc ??= app.getOpenAPI31Document({
      openapi: "3.1.0",
      info: {
        title: "Mirae API",
        version: "1.0.0",
        description:
          "Schools, classes, rosters, coursework, live lectures and attendance. Authenticate with `Authorization: Bearer <token>` " +
          "from POST /api/v1/sessions, or with the session cookie plus an X-CSRF-Token header.",
      },
    });
    return c.json(openApiDoc);
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
  });

  app.use("*", staticFiles(fromFileUrl(new URL("static", manifest.baseUrl))));
  return app;
}
