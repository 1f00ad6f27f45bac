/**
 * The types of Fresh 1.x route modules, kept on Hono + Preact (Fresh itself ships only on JSR,
 * which these machines cannot reach). A page module exports an optional `handler` and a
 * default page component; `_middleware.ts` exports `handler` that calls `ctx.next()`;
 * API modules under `routes/api/` export `GET`/`POST`/... made with `defineApi` (see api.ts).
 * @module
 */
import type { ComponentType, JSX } from "preact";
import type { Config } from "@/fresh.config.ts";
import type { Session } from "../auth/sessions.ts";
import type { User } from "../orgs/users.ts";
import type { Locale, Translate } from "../i18n/i18n.ts";
import type { LiveKitLink } from "../livekit/link.ts";

/** Who is asking: the signed-in user and their session. */
export interface Actor {
  user: User;
  session: Session;
}

/** Per-request state every handler and page sees. */
export interface State {
  kv: Deno.Kv;
  config: Config;
  /** The LiveKit deployment for live lectures (or why there is none). */
  livekit: LiveKitLink;
  actor?: Actor;
  locale: Locale;
  t: Translate;
  /** Set by a handler to give the page a title. */
  title?: string;
  /**
   * The signed-in person's unread notifications, for the header's badge: read once when a page
   * renders, unless the handler already knows it and set it.
   */
  unread?: number;
  /** What the header's navigation offers the signed-in person (read once when a page renders). */
  nav?: { classes: boolean; workspace: boolean };
}

export interface RouteContext<Data = unknown> {
  url: URL;
  params: Record<string, string>;
  state: State;
  /** Renders the route's page component with `data` (inside `_layout` and `_app`). */
  render(data?: Data, init?: ResponseInit): Promise<Response>;
  /** Renders `_404`. */
  renderNotFound(): Promise<Response>;
  /** In middleware: runs the rest of the chain. */
  next(): Promise<Response>;
}

export type Handler<Data = unknown> = (
  req: Request,
  ctx: RouteContext<Data>,
) => Response | Promise<Response>;

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export type Handlers<Data = unknown> = Partial<Record<Method, Handler<Data>>>;

export interface PageProps<Data = unknown> {
  data: Data;
  url: URL;
  params: Record<string, string>;
  state: State;
}

/** `_app.tsx` and `_layout.tsx` receive the inner component to place. */
export interface AppProps {
  Component: () => JSX.Element;
  state: State;
  url: URL;
}

/** What a page module may export. */
export interface PageModule {
  handler?: Handler | Handlers;
  default?: ComponentType<PageProps<unknown>> | ComponentType<AppProps>;
}
