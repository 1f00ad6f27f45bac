/**
 * Clock-in sites: the places an admin registers (a point, a radius, optionally office
 * networks) and who each is for. A site with no departments and no people is for everyone of
 * the organization; otherwise it is for the people named and the members of the departments
 * named or of any department below them.
 * @module
 */
import { z } from "zod";
import { commit, getRecord, newId } from "../db/kv.ts";
import { AppError, type ErrorDetail, notFound, validateInput } from "../web/errors.ts";
import { listUserClassRoles } from "../classes/members.ts";
import type { Class } from "../classes/classes.ts";
import { getUsers } from "../orgs/users.ts";
import { listDepartments } from "../workspace/departments.ts";
import { IpRangeSchema, RADIUS_DEFAULT_M, RADIUS_MAX_M, RADIUS_MIN_M } from "./geo.ts";
import { type Site, SiteSchema } from "./model.ts";

/** The key of a site. */
export const siteKey = (orgId: string, siteId: string): Deno.KvKey => [
  "clock_sites",
  orgId,
  siteId,
];

const degrees = (field: string, limit: number) =>
  z.number({
    error: (iss) =>
      iss.input === undefined
        ? `${field} is required.`
        : `${field} must be a number of degrees between -${limit} and ${limit}.`,
  }).min(-limit, `${field} must be between -${limit} and ${limit}.`)
    .max(limit, `${field} must be between -${limit} and ${limit}.`);

const radiusMessage = `The radius must be ${RADIUS_MIN_M} to ${RADIUS_MAX_M} metres.`;

/** What an admin sends for a new site. */
export const SiteInputSchema = z.strictObject({
  name: z.string({ error: "The site needs a name." }).trim()
    .min(1, "The site needs a name.").max(120, "The name is at most 120 characters."),
  lat: degrees("Latitude", 90),
  lng: degrees("Longitude", 180),
  radiusM: z.number({ error: radiusMessage }).int("The radius must be whole metres.")
    .min(RADIUS_MIN_M, radiusMessage).max(RADIUS_MAX_M, radiusMessage)
    .default(RADIUS_DEFAULT_M),
  networks: z.array(IpRangeSchema).max(50, "At most 50 office networks.").default([]),
  departmentIds: z.array(z.string().max(40)).max(500).default([]),
  userIds: z.array(z.string().max(40)).max(5000).default([]),
});
export type SiteInput = z.input<typeof SiteInputSchema>;

/** What an edit may change; absent fields stay as they are. */
export const SitePatchSchema = z.strictObject({
  name: SiteInputSchema.shape.name.optional(),
  lat: SiteInputSchema.shape.lat.optional(),
  lng: SiteInputSchema.shape.lng.optional(),
  radiusM: SiteInputSchema.shape.radiusM.unwrap().optional(),
  networks: SiteInputSchema.shape.networks.unwrap().optional(),
  departmentIds: SiteInputSchema.shape.departmentIds.unwrap().optional(),
  userIds: SiteInputSchema.shape.userIds.unwrap().optional(),
});
export type SitePatch = z.input<typeof SitePatchSchema>;

/** 400 naming each department or person that is not the organization's. */
async function checkAssignees(
  kv: Deno.Kv,
  orgId: string,
  departmentIds: string[],
  userIds: string[],
): Promise<void> {
  const details: ErrorDetail[] = [];
  if (departmentIds.length) {
    const ids = new Set((await listDepartments(kv, orgId)).map((d) => d.id));
    departmentIds.forEach((id, i) => {
      if (!ids.has(id)) {
        details.push({ path: ["departmentIds", i], message: "No such department." });
      }
    });
  }
  if (userIds.length) {
    const users = await getUsers(kv, userIds);
    users.forEach((u, i) => {
      if (!u || u.orgId !== orgId || u.role === "student") {
        details.push({ path: ["userIds", i], message: "No such person in this workspace." });
      }
    });
  }
  if (details.length) {
    throw new AppError("validation_failed", "Some fields are not valid.", details);
  }
}

const unique = (ids: string[]) => [...new Set(ids)];

/** Registers a site; 400 with the field for a bad radius, point, network or assignee. */
export async function createSite(kv: Deno.Kv, orgId: string, input: SiteInput): Promise<Site> {
  const v = validateInput(SiteInputSchema, input);
  const departmentIds = unique(v.departmentIds), userIds = unique(v.userIds);
  await checkAssignees(kv, orgId, departmentIds, userIds);
  const now = new Date().toISOString();
  const site: Site = {
    id: newId(),
    orgId,
    ...v,
    networks: unique(v.networks),
    departmentIds,
    userIds,
    createdAt: now,
    updatedAt: now,
  };
  await kv.set(siteKey(orgId, site.id), site);
  return site;
}

/** One site of the organization; 404 when it is not there (or another organization's). */
export async function getSite(kv: Deno.Kv, orgId: string, siteId: string): Promise<Site> {
  const site = await getRecord(kv, SiteSchema, siteKey(orgId, siteId));
  if (!site) throw notFound("Site not found");
  return site;
}

/** Changes a site; absent fields stay as they are. */
export async function updateSite(
  kv: Deno.Kv,
  orgId: string,
  siteId: string,
  patch: SitePatch,
): Promise<Site> {
  const v = validateInput(SitePatchSchema, patch);
  const entry = await kv.get(siteKey(orgId, siteId));
  if (entry.value === null) throw notFound("Site not found");
  const site = SiteSchema.parse(entry.value);
  const departmentIds = v.departmentIds ? unique(v.departmentIds) : undefined;
  const userIds = v.userIds ? unique(v.userIds) : undefined;
  await checkAssignees(kv, orgId, departmentIds ?? [], userIds ?? []);
  const next: Site = {
    ...site,
    ...(v.name !== undefined && { name: v.name }),
    ...(v.lat !== undefined && { lat: v.lat }),
    ...(v.lng !== undefined && { lng: v.lng }),
    ...(v.radiusM !== undefined && { radiusM: v.radiusM }),
    ...(v.networks && { networks: unique(v.networks) }),
    ...(departmentIds && { departmentIds }),
    ...(userIds && { userIds }),
    updatedAt: new Date().toISOString(),
  };
  await commit(kv.atomic().check(entry).set(siteKey(orgId, siteId), next));
  return next;
}

/** Removes a site (past punches keep their label); 404 when it is not there. */
export async function deleteSite(kv: Deno.Kv, orgId: string, siteId: string): Promise<void> {
  const entry = await kv.get(siteKey(orgId, siteId));
  if (entry.value === null) throw notFound("Site not found");
  await commit(kv.atomic().check(entry).delete(siteKey(orgId, siteId)));
}

/** Every site of the organization, by name. */
export async function listSites(kv: Deno.Kv, orgId: string): Promise<Site[]> {
  const out: Site[] = [];
  for await (const e of kv.list({ prefix: ["clock_sites", orgId] })) {
    out.push(SiteSchema.parse(e.value));
  }
  return out.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/**
 * The departments whose sites and shifts reach a person: the departments they are in and
 * every department above those (nearest first, per department of theirs).
 */
export function departmentsAbove(departments: readonly Class[], mine: Iterable<string>): string[] {
  const byId = new Map(departments.map((d) => [d.id, d]));
  const out: string[] = [];
  const seen = new Set<string>();
  for (const start of mine) {
    let d = byId.get(start);
    for (let depth = 0; d && depth <= 16 && !seen.has(d.id); depth++) {
      seen.add(d.id);
      out.push(d.id);
      d = d.parentId ? byId.get(d.parentId) : undefined;
    }
  }
  return out;
}

/**
 * The sites that apply to a person, given the departments reaching them
 * ({@link departmentsAbove}): those assigned to them, to one of those departments, or to
 * nobody (everyone's).
 */
export function sitesForPerson(
  sites: readonly Site[],
  userId: string,
  departmentIds: Iterable<string>,
): Site[] {
  const depts = new Set(departmentIds);
  return sites.filter((s) =>
    (!s.departmentIds.length && !s.userIds.length) || s.userIds.includes(userId) ||
    s.departmentIds.some((d) => depts.has(d))
  );
}

/** The department ids reaching a person (theirs and above), read from KV. */
export async function personDepartmentIds(
  kv: Deno.Kv,
  orgId: string,
  userId: string,
  departments?: readonly Class[],
): Promise<string[]> {
  const [roles, depts] = await Promise.all([
    listUserClassRoles(kv, userId),
    departments ? Promise.resolve(departments) : listDepartments(kv, orgId),
  ]);
  return departmentsAbove(depts, roles.map((r) => r.classId));
}

/** The sites that apply to a person (read from KV; see {@link sitesForPerson}). */
export async function listSitesFor(kv: Deno.Kv, orgId: string, userId: string): Promise<Site[]> {
  const [sites, depts] = await Promise.all([
    listSites(kv, orgId),
    personDepartmentIds(kv, orgId, userId),
  ]);
  return sitesForPerson(sites, userId, depts);
}
