/**
 * Fixtures of the lecture notification tests: a class with a teacher and two students, a
 * student of another class; a person's notifications; a page as someone signed in.
 * @module
 */
import assert from "node:assert/strict";
import { listNotifications, type Notification } from "@/services/notifications/notifications.ts";
import type { User } from "@/services/orgs/users.ts";
import { browserSessionFor, randomClass, randomOrg, randomUser, type testApp } from "./helpers.ts";

export type App = Awaited<ReturnType<typeof testApp>>;
/** A school in Seoul: a class "3-1 Math" (a teacher, two students), another class's student. */
export async function school(t: App) {
  const org = await randomOrg(t.kv, { timeZone: "Asia/Seoul" });
  const teacher = await randomUser(t.kv, org.id, "teacher");
  const students = [
    await randomUser(t.kv, org.id, "student"),
    await randomUser(t.kv, org.id, "student"),
  ];
  const outsider = await randomUser(t.kv, org.id, "student");
  const cls = await randomClass(t.kv, org.id, { teachers: [teacher], students, name: "3-1 Math" });
  await randomClass(t.kv, org.id, { students: [outsider] });
  return { org, teacher, students, outsider, cls };
}

/** Someone's notifications, newest first. */
export const notes = async (t: App, user: User): Promise<Notification[]> =>
  (await listNotifications(t.kv, user.id)).items;

/** A page's HTML as `user` sees it (asserted 200). */
export async function page(t: App, user: User, path: string, lang = "en") {
  const { cookie } = await browserSessionFor(t.kv, user);
  const res = await t.app.request(path, { headers: { cookie, "accept-language": lang } });
  const html = await res.text();
  assert.equal(res.status, 200, html.slice(0, 300));
  return html;
}
