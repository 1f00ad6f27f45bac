/**
 * Helpers of the workspace page tests: signed-in browser requests, HTML answers, the header's
 * links, and a small company (Sales > Seoul Sales, Engineering).
 * @module
 */
import assert from "node:assert/strict";
import type { User } from "@/services/orgs/users.ts";
import { browserSessionFor, randomUser, testApp } from "./helpers.ts";
import { randomCompany, randomDepartment } from "./workspace_fixtures.ts";

export type App = Awaited<ReturnType<typeof testApp>>;

/** Signs `user` in and returns `get`/`post` helpers that carry the cookie (and CSRF field). */
export async function browserAs(t: App, user: User) {
  const { cookie, csrf } = await browserSessionFor(t.kv, user);
  return {
    get: (path: string, headers: Record<string, string> = {}) =>
      t.app.request(path, { headers: { cookie, ...headers } }),
    post: (path: string, fields: [string, string][]) => {
      const body = new URLSearchParams(fields);
      body.set("_csrf", csrf);
      return t.app.request(path, {
        method: "POST",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        body,
      });
    },
  };
}

export async function html(res: Response, status = 200): Promise<string> {
  const body = await res.text();
  assert.equal(res.status, status, body.slice(0, 500));
  assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
  return body;
}

/** The header's navigation links (the first nav). */
export function navLinks(page: string): string[] {
  const nav = page.match(/<nav class="topnav"[^>]*>([\s\S]*?)<\/nav>/)?.[1] ?? "";
  return [...nav.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
}

/** A company with an admin, a manager of Sales (with Seoul Sales below it) and employees. */
export async function company(kv: Deno.Kv) {
  const org = await randomCompany(kv);
  const admin = await randomUser(kv, org.id, "admin");
  const manager = await randomUser(kv, org.id, "employee", { name: "Mina Manager" });
  const seller = await randomUser(kv, org.id, "employee", { name: "Sam Seller" });
  const engineer = await randomUser(kv, org.id, "employee", { name: "Eve Engineer" });
  const sales = await randomDepartment(kv, org.id, { name: "Sales", managers: [manager] });
  const seoul = await randomDepartment(kv, org.id, {
    name: "Seoul Sales",
    parentId: sales.id,
    members: [seller],
  });
  const eng = await randomDepartment(kv, org.id, { name: "Engineering", members: [engineer] });
  return { org, admin, manager, seller, engineer, sales, seoul, eng };
}
