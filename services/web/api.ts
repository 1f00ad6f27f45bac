/**
 * API route definitions for `routes/api/`: each module exports `GET`, `POST`, ... made with
 * `defineApi`. The file's place under `routes/` gives the path (`[classId]` -> `{classId}`), the
 * export name the method; the zod schemas in the config validate the request and describe it
 * in the OpenAPI document at /api/v1/openapi.json.
 * @module
 */
import type { RouteConfig, RouteHandler } from "@hono/zod-openapi";
import { z } from "zod";
import type { State } from "./define.ts";

/** Hono environment of API handlers: `c.var.state` is the request state. */
export type ApiEnv = { Variables: { state: State } };

export type ApiConfig = Omit<RouteConfig, "method" | "path">;

export interface ApiRoute {
  config: ApiConfig;
  // deno-lint-ignore no-explicit-any
  handler: RouteHandler<any, ApiEnv>;
}

/** Defines one API operation; see the module doc. */
export function defineApi<const C extends ApiConfig>(
  config: C,
  handler: RouteHandler<C & { method: "get"; path: "/" }, ApiEnv>,
): ApiRoute {
  return { config, handler: handler as ApiRoute["handler"] };
}

/** The error body, for OpenAPI response descriptions. */
export const ErrorResponseSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({
      path: z.array(z.union([z.string(), z.number()])).optional(),
      line: z.number().optional(),
      message: z.string(),
    })).optional(),
  }),
});

/** JSON content for a response description. */
export function json<S extends z.ZodType>(schema: S, description: string) {
  return { content: { "application/json": { schema } }, description };
}

/** The usual error responses, to spread into a route's `responses`. */
export const errorResponses = {
  400: json(ErrorResponseSchema, "Invalid input; details name the field or CSV line"),
  401: json(ErrorResponseSchema, "Not signed in"),
  403: json(ErrorResponseSchema, "Not allowed"),
  404: json(ErrorResponseSchema, "Not found, or belongs to another organization"),
} as const;
