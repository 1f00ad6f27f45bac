/**
 * What every punch of an organization needs, kept in memory for at most a second (the pattern
 * of services/lectures/gate.ts): the organization, its clock-in settings, sites, shifts and
 * departments. Under a punch storm all punches of that second share one load; the admin
 * services' changes show in this process at once (`refreshClockinOrg`) and in the others
 * within a second.
 * @module
 */
import type { Class } from "../classes/classes.ts";
import { getOrg, type Org } from "../orgs/orgs.ts";
import { listDepartments } from "../workspace/departments.ts";
import type { ClockinSettings, Site } from "./model.ts";
import { getClockinSettings } from "./settings.ts";
import { listSites } from "./sites.ts";
import { loadShiftBook, type ShiftBook } from "./shift_store.ts";

/** How old the copy may be before a punch reads it again. */
export const ORG_CACHE_MAX_AGE_MS = 1000;

/** One organization's clock-in setup. */
export interface ClockinOrg {
  org: Org;
  settings: ClockinSettings;
  sites: Site[];
  book: ShiftBook;
  departments: Class[];
  /** Whether any site or shift is assigned to a department (then a punch reads the person's). */
  byDepartment: boolean;
}

interface Cached {
  value: Promise<ClockinOrg>;
  at: number;
}

const caches = new WeakMap<Deno.Kv, Map<string, Cached>>();

async function load(kv: Deno.Kv, orgId: string): Promise<ClockinOrg> {
  const [org, settings, sites, book, departments] = await Promise.all([
    getOrg(kv, orgId),
    getClockinSettings(kv, orgId),
    listSites(kv, orgId),
    loadShiftBook(kv, orgId),
    listDepartments(kv, orgId),
  ]);
  const byDepartment = book.dept.size > 0 || sites.some((s) => s.departmentIds.length > 0);
  return { org, settings, sites, book, departments, byDepartment };
}

/** The organization's clock-in setup, at most ORG_CACHE_MAX_AGE_MS old. */
export function clockinOrg(kv: Deno.Kv, orgId: string, now = Date.now()): Promise<ClockinOrg> {
  let byOrg = caches.get(kv);
  if (!byOrg) caches.set(kv, byOrg = new Map());
  const cached = byOrg.get(orgId);
  if (cached && now - cached.at < ORG_CACHE_MAX_AGE_MS) return cached.value;
  if (byOrg.size > 1000) byOrg.clear();
  const value = load(kv, orgId);
  const map = byOrg;
  map.set(orgId, { value, at: now });
  value.catch(() => map.delete(orgId));
  return value;
}

/** Drops this process's copy after a change (the next punch reads it again). */
export function refreshClockinOrg(kv: Deno.Kv, orgId: string): void {
  caches.get(kv)?.delete(orgId);
}
