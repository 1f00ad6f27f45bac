/**
 * Organizations: a school or a company. Everything else (users, classes, links) belongs to one.
 * @module
 */
import { z } from "zod";
import { AppError, notFound } from "../web/errors.ts";
import { commit, getRecord, newId } from "../db/kv.ts";

export const OrgSchema = z.object({
  id: z.string(),
  name: z.string().min(1).max(120),
  kind: z.enum(["school", "company"]),
  /** Short code people type, e.g. on the sign-in form with a student number. */
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/),
  timeZone: z.string().min(1),
  /**
   * A school's staff workspace (its teachers and admins use the workspace tools with the same
   * accounts). A company always has its workspace; this is read for schools only.
   */
  staffWorkspace: z.boolean().optional(),
  createdAt: z.string(),
});
export type Org = z.infer<typeof OrgSchema>;

export type NewOrg = Pick<Org, "name" | "kind" | "slug"> & {
  timeZone?: string;
  staffWorkspace?: boolean;
};

/** Creates an organization; its slug must be unused. */
export async function createOrg(kv: Deno.Kv, input: NewOrg): Promise<Org> {
  const org = OrgSchema.parse({
    id: newId(),
    timeZone: "UTC",
    ...input,
    slug: input.slug.toLowerCase(),
    createdAt: new Date().toISOString(),
  });
  await commit(
    kv.atomic()
      .check({ key: ["orgs_by_slug", org.slug], versionstamp: null })
      .set(["orgs", org.id], org)
      .set(["orgs_by_slug", org.slug], org.id),
    `The organization code "${org.slug}" is already taken.`,
  );
  return org;
}

/** Whether the organization has a workspace: every company, and a school that switched one on. */
export function hasWorkspace(org: Pick<Org, "kind" | "staffWorkspace">): boolean {
  return org.kind === "company" || org.staffWorkspace === true;
}

/** Switches a school's staff workspace on or off (a company's is always on: 409). */
export async function setStaffWorkspace(kv: Deno.Kv, orgId: string, on: boolean): Promise<Org> {
  const entry = await kv.get<Org>(["orgs", orgId]);
  if (!entry.value) throw notFound("Organization not found");
  if (entry.value.kind === "company") {
    throw new AppError("conflict", "A company's workspace is always on.");
  }
  const org = OrgSchema.parse({ ...entry.value, staffWorkspace: on });
  await commit(kv.atomic().check(entry).set(entry.key, org));
  return org;
}

/** Reads an organization by id; 404 when absent. */
export async function getOrg(kv: Deno.Kv, id: string): Promise<Org> {
  const org = await getRecord(kv, OrgSchema, ["orgs", id]);
  if (!org) throw notFound("Organization not found");
  return org;
}

/** Finds an organization by its code (slug); null when absent. */
export async function findOrgBySlug(kv: Deno.Kv, slug: string): Promise<Org | null> {
  const id = (await kv.get<string>(["orgs_by_slug", slug.trim().toLowerCase()])).value;
  return id ? await getRecord(kv, OrgSchema, ["orgs", id]) : null;
}

/** True when no organization exists yet (a fresh install that the demo seed may fill). */
export async function isEmpty(kv: Deno.Kv): Promise<boolean> {
  for await (const _ of kv.list({ prefix: ["orgs"] }, { limit: 1 })) return false;
  return true;
}
