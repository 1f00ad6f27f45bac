/**
 * What the signed-in person's navigation offers: classes (a school's people, or anyone in a
 * class), a workspace (`inWorkspace`), or both. Read once per page (services/web/app.tsx).
 * @module
 */
import { listUserClasses } from "../classes/classes.ts";
import { getOrg } from "../orgs/orgs.ts";
import type { User } from "../orgs/users.ts";
import { inWorkspace } from "./access.ts";

/** The faces of the app a person has. */
export interface NavFaces {
  classes: boolean;
  workspace: boolean;
}

/** Which faces `user` has: a company's people see classes only when they are in one. */
export async function navFaces(kv: Deno.Kv, user: User): Promise<NavFaces> {
  const org = await getOrg(kv, user.orgId);
  const classes = org.kind === "school" || (await listUserClasses(kv, user)).length > 0;
  return { classes, workspace: inWorkspace(org, user) };
}
