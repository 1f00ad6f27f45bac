import { ClassSchema, groupKind } from "@/services/classes/classes.ts";
import { getRecord } from "@/services/db/kv.ts";
import type { RouteContext } from "@/services/web/define.ts";
import { AppError } from "@/services/web/errors.ts";

/**
 * The class pages (stream, lectures, coursework, gradebook, slips) are for classes only: a
 * department is a group of the same model, and its id here is 404 (its pages are the admin's
 * group page and the workspace).
 */
export async function handler(_req: Request, ctx: RouteContext): Promise<Response> {
  const actor = ctx.state.actor;
  // `/classes/{id}/...` (the router gives a folder's middleware no path parameters).
  const id = ctx.url.pathname.split("/")[2];
  if (actor && id) {
    const group = await getRecord(ctx.state.kv, ClassSchema, ["classes", id]);
    if (group && group.orgId === actor.user.orgId && groupKind(group) !== "class") {
      throw new AppError("not_found", "Class not found");
    }
  }
  return await ctx.next();
}
