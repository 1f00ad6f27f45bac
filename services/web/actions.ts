/**
 * Actions on one thing the asker may manage (go live, end, publish, close, mute, remove): the
 * same steps every time (who is asking, the thing in their organization, that they may manage
 * it), then one service call. `defineAction` writes those steps once; a route names the thing,
 * how to find it, and what to do.
 * @module
 */
import type { z } from "zod";
import { requireActor } from "../auth/access.ts";
import { type ApiRoute, errorResponses, ErrorResponseSchema, json } from "./api.ts";
import type { Actor, State } from "./define.ts";

export interface ActionSpec<P extends z.ZodObject, T, B extends z.ZodType = z.ZodUndefined> {
  summary: string;
  description?: string;
  tags: string[];
  /** The path parameters (validated; 400 with the field otherwise). */
  params: P;
  /** A JSON body, when the action takes one (validated like the parameters). */
  body?: B;
  /** Loads the thing and checks the asker may manage it: 404 for others' things, 403 if not. */
  find: (kv: Deno.Kv, actor: Actor, params: z.infer<P>) => Promise<T>;
  /** The answer's body (200); without it the action answers 204. */
  result?: { schema: z.ZodType; description: string };
  /** Answers beyond 400-404 (409, 410, 503…): status -> what it means. */
  errors?: Record<number, string>;
}

/** What an action's body gets besides the thing. */
export interface ActionContext<P, B = undefined> {
  state: State;
  actor: Actor;
  params: P;
  /** The validated JSON body (undefined without `spec.body`). */
  body: B;
}

/**
 * Defines a POST action on a thing the asker may manage.
 * @example
 * export const POST = defineAction({
 *   summary: "Close an assignment", tags: ["coursework"], params: AssignmentParamsSchema,
 *   find: (kv, actor, p) => managedAssignment(kv, actor, p.assignmentId),
 *   result: { schema: AssignmentViewSchema, description: "The assignment" },
 * }, ({ assignment }, { state }) => closeAssignment(state.kv, ...));
 */
export function defineAction<P extends z.ZodObject, T, B extends z.ZodType = z.ZodUndefined>(
  spec: ActionSpec<P, T, B>,
  act: (thing: T, ctx: ActionContext<z.infer<P>, z.infer<B>>) => Promise<unknown>,
): ApiRoute {
  const responses: Record<number, unknown> = {
    ...(spec.result
      ? { 200: json(spec.result.schema, spec.result.description) }
      : { 204: { description: "Done" } }),
    ...errorResponses,
  };
  for (const [status, what] of Object.entries(spec.errors ?? {})) {
    responses[Number(status)] = json(ErrorResponseSchema, what);
  }
  return {
    config: {
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      tags: spec.tags,
      security: [{ bearer: [] }],
      request: {
        params: spec.params,
        ...(spec.body
          ? { body: { content: { "application/json": { schema: spec.body } }, required: true } }
          : {}),
      },
      responses: responses as ApiRoute["config"]["responses"],
    },
    handler: async (c) => {
      const state = c.var.state;
      const actor = requireActor(state);
      // Validated against `spec.params` before this runs.
      const req = c.req as unknown as { valid(target: "param" | "json"): unknown };
      const params = req.valid("param") as z.infer<P>;
      const body = (spec.body ? req.valid("json") : undefined) as z.infer<B>;
      const thing = await spec.find(state.kv, actor, params);
      const answer = await act(thing, { state, actor, params, body });
      return spec.result ? c.json(answer, 200) : c.body(null, 204);
    },
  };
}
