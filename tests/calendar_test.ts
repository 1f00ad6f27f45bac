/**
 * Calendar feeds (ICS): the text itself (escaping, 75-octet folding, CRLF) and the private
 * feed URLs end to end: made on /calendar or a class's lectures page, fetched without a
 * session, parsed with ical.js (an independent, well-kept parser), replaced and stopped.
 * Another school's lectures never appear; a student who leaves a class stops seeing it.
 */
import assert from "node:assert/strict";
import ICAL from "ical.js";
import { addMemberOps, removeMemberOps } from "@/services/classes/members.ts";
import { tokenId } from "@/services/auth/sessions.ts";
import { MAX_FEED_EVENTS } from "@/services/calendar/feed.ts";
import { createFeed, feedUrl } from "@/services/calendar/feeds.ts";
import { buildCalendar, escapeText, foldLine } from "@/services/calendar/ics.ts";
import { createAssignment, publishAssignment } from "@/services/coursework/assignments.ts";
import { utcToZonedTime } from "@/services/coursework/due_time.ts";
import { commit } from "@/services/db/kv.ts";
import { scheduleLecture, updateLecture } from "@/services/lectures/lectures.ts";
import type { User } from "@/services/orgs/users.ts";
import {
  bearer,
  browserSessionFor,
  randomClass,
  randomOrg,
  randomUser,
  testApp,
  tokenFor,
} from "./helpers.ts";

type App = Awaited<ReturnType<typeof testApp>>;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
const octets = (s: string) => new TextEncoder().encode(s).length;

async function browserAs(t: App, user: User) {
  const { cookie, csrf } = await browserSessionFor(t.kv, user);
  return {
    get: (path: string) => t.app.request(path, { headers: { cookie } }),
    post: (path: string, fields: Record<string, string>) =>
      t.app.request(path, {
        method: "POST",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ ...fields, _csrf: csrf }),
      }),
  };
}

/** The token of the link a page shows once (the readonly input). */
function shownToken(html: string): string {
  const m = /class="feed-url" value="[^"]*\/calendar\/([A-Za-z0-9_-]{43})\.ics"/.exec(html);
  assert.ok(m, "the page shows the new link");
  return m[1];
}

/** Fetches a feed the way a calendar app does (no cookie) and parses it with ical.js. */
async function fetchFeed(t: App, token: string) {
  const res = await t.app.request(`/calendar/${token}.ics`);
  const text = await res.text();
  assert.equal(res.status, 200, text.slice(0, 300));
  assert.equal(res.headers.get("content-type"), "text/calendar; charset=utf-8");
  assert.equal(res.headers.get("cache-control"), "private, max-age=300");
  const cal = new ICAL.Component(ICAL.parse(text));
  const events = cal.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
  return { text, cal, events, byUid: new Map(events.map((e) => [e.uid, e])) };
}

/** A school with a class (a name that needs escaping), a teacher, a student, lectures, work. */
async function world(t: App) {
  const now = Math.floor(Date.now() / 1000) * 1000; // ICS times have whole seconds
  const org = await randomOrg(t.kv, { timeZone: "Asia/Seoul" });
  const teacher = await randomUser(t.kv, org.id, "teacher");
  const student = await randomUser(t.kv, org.id, "student", { name: "Student Lee" });
  const cls = await randomClass(t.kv, org.id, {
    teachers: [teacher],
    students: [student],
    name: "3-1 Math; Algebra, Geometry",
  });
  const at = (ms: number, title: string) =>
    scheduleLecture(t.kv, cls, teacher.id, { title, startsAt: iso(ms) }, { notify: false });
  const soon = await at(now + 2 * DAY, "Fractions \\ decimals, part 1");
  const recent = await at(now - 10 * DAY, "Review");
  const tooOld = await at(now - 40 * DAY, "Long ago");
  const tooFar = await at(now + 200 * DAY, "Next year");
  const long = await at(
    now + 3 * DAY,
    "분수와 소수: 아주 긴 제목이 75옥텟에서 접히는지 확인합니다 — 한글은 한 글자에 3바이트",
  );
  const work = await createAssignment(t.kv, cls, {
    title: "Worksheet 4",
    points: 10,
    due: utcToZonedTime(new Date(now + 5 * DAY), "Asia/Seoul"),
  }, teacher.id);
  await publishAssignment(t.kv, org.id, work.id);
  // Another school, with a live-ish lecture tomorrow that must never show.
  const other = await randomOrg(t.kv);
  const otherTeacher = await randomUser(t.kv, other.id, "teacher");
  const otherClass = await randomClass(t.kv, other.id, { teachers: [otherTeacher] });
  const foreign = await scheduleLecture(t.kv, otherClass, otherTeacher.id, {
    title: "Another school's lecture",
    startsAt: iso(now + DAY),
  });
  // Even a membership across schools (which the app never writes) shows nothing of it.
  await commit(addMemberOps(t.kv.atomic(), otherClass.id, student, "student"));
  return { org, teacher, student, cls, soon, recent, tooOld, tooFar, long, work, foreign };
}

Deno.test("[calendar] escaping, folding at 75 octets (never inside a character), CRLF", () => {
  assert.equal(escapeText("a,b;c\\d\ne\r\nf"), "a\\,b\\;c\\\\d\\ne\\nf");
  const line = `SUMMARY:${"가".repeat(60)}`; // 8 + 180 octets
  const folded = foldLine(line);
  const parts = folded.split("\r\n");
  assert.ok(parts.length > 2);
  for (const p of parts) assert.ok(octets(p) <= 75, `${octets(p)} octets`);
  for (const p of parts.slice(1)) assert.ok(p.startsWith(" "));
  assert.equal(parts.map((p, i) => (i ? p.slice(1) : p)).join(""), line);
  const text = buildCalendar({ name: "n", now: new Date(), events: [] });
  assert.ok(text.endsWith("\r\n"));
  assert.ok(!/[^\r]\n/.test(text), "every line ends with CRLF");
});

Deno.test("[calendar] a student's feed: lectures in the window, due dates, escaped and folded; no other school", async () => {
  await using t = await testApp();
  const w = await world(t);
  const as = await browserAs(t, w.student);
  const made = await as.post("/calendar", { intent: "new" });
  assert.equal(made.status, 200);
  const madeHtml = await made.text();
  const token = shownToken(madeHtml);
  const webcal = `webcal://${new URL(t.config.publicUrl).host}/calendar/${token}.ics`;
  assert.ok(madeHtml.includes(`href="${webcal}"`), "one click subscribes a calendar app");
  assert.ok(madeHtml.includes(`cid=${encodeURIComponent(webcal)}`), "and Google Calendar");

  const { text, cal, events, byUid } = await fetchFeed(t, token);
  assert.equal(cal.getFirstPropertyValue("version"), "2.0");
  assert.equal(cal.getFirstPropertyValue("prodid"), "-//Mirae//Calendar feed//EN");
  assert.equal(cal.getFirstPropertyValue("calscale"), "GREGORIAN");
  assert.equal(cal.getFirstPropertyValue("x-wr-calname"), "Mirae · Student Lee");
  for (const line of text.split("\r\n")) assert.ok(octets(line) <= 75, line);

  assert.deepEqual(
    events.map((e) => e.uid).sort(),
    [
      `assignment-${w.work.id}@mirae`,
      `lecture-${w.long.id}@mirae`,
      `lecture-${w.recent.id}@mirae`,
      `lecture-${w.soon.id}@mirae`,
    ].sort(),
    "the last 30 and next 180 days only",
  );
  assert.ok(!text.includes(w.foreign.id) && !text.includes("Another school"));

  const soon = byUid.get(`lecture-${w.soon.id}@mirae`)!;
  assert.equal(soon.summary, "3-1 Math; Algebra, Geometry: Fractions \\ decimals, part 1");
  assert.ok(text.includes("SUMMARY:3-1 Math\\; Algebra\\, Geometry: Fractions \\\\ decimals\\,"));
  assert.equal(soon.startDate.toJSDate().toISOString(), w.soon.startsAt);
  assert.ok(text.includes(`DTSTART:${w.soon.startsAt.replace(/[-:]|\.000/g, "")}`), "UTC");
  assert.equal(soon.endDate.toJSDate().getTime() - Date.parse(w.soon.startsAt), HOUR);
  assert.equal(soon.sequence, 0);
  const url = `${t.config.publicUrl}/lectures/${w.soon.id}`;
  assert.equal(soon.component.getFirstPropertyValue("url"), url);
  assert.ok(soon.description.includes(url));
  assert.equal(soon.component.getFirstPropertyValue("status"), "CONFIRMED");
  assert.ok(soon.component.getFirstPropertyValue("dtstamp"));

  const long = byUid.get(`lecture-${w.long.id}@mirae`)!;
  assert.equal(long.summary, `3-1 Math; Algebra, Geometry: ${w.long.title}`, "unfolded whole");

  const due = byUid.get(`assignment-${w.work.id}@mirae`)!;
  assert.equal(due.summary, "3-1 Math; Algebra, Geometry: Due: Worksheet 4");
  assert.equal(due.startDate.toJSDate().getTime(), Date.parse(w.work.dueAt));
});

Deno.test("[calendar] a moved lecture keeps its UID and its SEQUENCE goes up", async () => {
  await using t = await testApp();
  const w = await world(t);
  const { token } = await createFeed(t.kv, w.student, { locale: "en" });
  const later = iso(Date.parse(w.soon.startsAt) + DAY);
  await updateLecture(t.kv, w.soon.id, { startsAt: later });
  const moved = (await fetchFeed(t, token)).byUid.get(`lecture-${w.soon.id}@mirae`)!;
  assert.equal(moved.sequence, 1);
  assert.equal(moved.startDate.toJSDate().toISOString(), later);
});

Deno.test("[calendar] the feed speaks the language it was made in", async () => {
  await using t = await testApp();
  const w = await world(t);
  const { token } = await createFeed(t.kv, w.student, { locale: "ko" });
  const { byUid } = await fetchFeed(t, token);
  assert.equal(
    byUid.get(`assignment-${w.work.id}@mirae`)!.summary,
    "3-1 Math; Algebra, Geometry: 마감: Worksheet 4",
  );
});

Deno.test("[calendar] links are stored hashed, replaced by a new one, stopped; unknown ones 404", async () => {
  await using t = await testApp();
  const w = await world(t);
  const as = await browserAs(t, w.student);
  const first = shownToken(await (await as.post("/calendar", { intent: "new" })).text());
  // Only the hash is kept: no key or value holds the token itself.
  for await (const e of t.kv.list({ prefix: [] })) {
    const seen = JSON.stringify([e.key, e.value], (_k, v) => typeof v === "bigint" ? `${v}` : v);
    assert.ok(!seen.includes(first));
  }
  assert.ok((await t.kv.get(["calendar_feeds", tokenId(first)])).value);
  // The page no longer shows the link, only that there is one.
  const page = await (await as.get("/calendar")).text();
  assert.ok(!page.includes(first));
  assert.ok(page.includes("You have a calendar link, made"));

  const second = shownToken(await (await as.post("/calendar", { intent: "new" })).text());
  assert.notEqual(first, second);
  assert.equal((await t.app.request(`/calendar/${first}.ics`)).status, 404, "replaced");
  await fetchFeed(t, second);

  const stopped = await as.post("/calendar", { intent: "revoke" });
  assert.equal(stopped.status, 200);
  assert.ok((await stopped.text()).includes("The calendar link was stopped."));
  assert.equal((await t.app.request(`/calendar/${second}.ics`)).status, 404, "stopped");
  for (const bad of ["nope.ics", `${second}.ical`, `${"A".repeat(43)}.ics`]) {
    assert.equal((await t.app.request(`/calendar/${bad}`)).status, 404, bad);
  }
});

Deno.test("[calendar] a class's feed: only members make one, and leaving the class ends it", async () => {
  await using t = await testApp();
  const w = await world(t);
  const as = await browserAs(t, w.student);
  const lectures = await (await as.get(`/classes/${w.cls.id}/lectures`)).text();
  assert.ok(lectures.includes("This class in your calendar"));
  const made = await as.post("/calendar", { intent: "new", classId: w.cls.id });
  const html = await made.text();
  assert.ok(html.includes(`href="/classes/${w.cls.id}/lectures"`), "a way back to the class");
  const token = shownToken(html);
  const { cal, events } = await fetchFeed(t, token);
  // ical.js reads X- properties raw (it does not know them as TEXT): the escaped text.
  assert.equal(
    cal.getFirstPropertyValue("x-wr-calname"),
    "Mirae · 3-1 Math\\; Algebra\\, Geometry",
  );
  assert.equal(events.length, 4);
  // The personal feed is a different link: the class one does not replace it.
  assert.ok((await (await as.get("/calendar")).text()).includes("You have no calendar link yet."));

  // Someone outside the class (or the school) cannot make one for it.
  const otherStudent = await randomUser(t.kv, w.org.id, "student");
  const outsider = await browserAs(t, otherStudent);
  assert.equal(
    (await outsider.post("/calendar", { intent: "new", classId: w.cls.id })).status,
    404,
  );
  const foreigner = await browserAs(t, await randomUser(t.kv, w.foreign.orgId, "admin"));
  assert.equal(
    (await foreigner.post("/calendar", { intent: "new", classId: w.cls.id })).status,
    404,
  );

  // Leaving the class ends the class feed at once.
  await commit(removeMemberOps(t.kv.atomic(), w.cls.id, w.student.id));
  assert.equal((await t.app.request(`/calendar/${token}.ics`)).status, 404);
});

Deno.test("[calendar] a feed link is the whole key: a made-up class id in a feed record shows nothing foreign", async () => {
  await using t = await testApp();
  const w = await world(t);
  // Even a feed record naming another school's class (never made by the app) opens nothing.
  const { token } = await createFeed(t.kv, w.student, {
    classId: w.foreign.classId,
    locale: "en",
  });
  assert.equal((await t.app.request(`/calendar/${token}.ics`)).status, 404);
  assert.ok(feedUrl("https://school.example", token).endsWith(`/calendar/${token}.ics`));
});

Deno.test("[calendar] bounded: a student in 12 classes gets at most MAX_FEED_EVENTS, the nearest to now", async () => {
  await using t = await testApp();
  const now = Math.floor(Date.now() / 1000) * 1000;
  const org = await randomOrg(t.kv);
  const teacher = await randomUser(t.kv, org.id, "teacher");
  const student = await randomUser(t.kv, org.id, "student");
  const perClass = Math.ceil((MAX_FEED_EVENTS + 40) / 12);
  let far = "";
  for (let c = 0; c < 12; c++) {
    const cls = await randomClass(t.kv, org.id, { teachers: [teacher], students: [student] });
    for (let i = 0; i < perClass; i++) {
      // Spread over the next 170 days; the one furthest out is dropped first.
      const at = now + HOUR + Math.floor(((c * perClass + i) / (12 * perClass)) * 170 * DAY);
      const l = await scheduleLecture(t.kv, cls, teacher.id, {
        title: `L${c}-${i}`,
        startsAt: iso(at),
      }, { notify: false });
      if (c === 11 && i === perClass - 1) far = l.id;
    }
  }
  const { token } = await createFeed(t.kv, student, { locale: "en" });
  const { events, text } = await fetchFeed(t, token);
  assert.equal(events.length, MAX_FEED_EVENTS);
  assert.ok(!text.includes(far), "the furthest lecture is the one left out");
  const starts = events.map((e) => e.startDate.toJSDate().getTime());
  assert.deepEqual(starts, [...starts].sort((a, b) => a - b), "in time order");
});

Deno.test("[calendar] API: make, list (no tokens), fetch and stop feed links", async () => {
  await using t = await testApp();
  const w = await world(t);
  const auth = bearer(await tokenFor(t.kv, w.student), { "content-type": "application/json" });
  const call = (method: string, path: string, body?: unknown) =>
    t.app.request(path, { method, headers: auth, body: body ? JSON.stringify(body) : undefined });

  const made = await call("POST", "/api/v1/me/calendar", { classId: w.cls.id });
  assert.equal(made.status, 201);
  assert.match(made.headers.get("content-type") ?? "", /^application\/json/);
  const { url, classId } = await made.json();
  assert.equal(classId, w.cls.id);
  assert.ok(url.startsWith(`${t.config.publicUrl}/calendar/`), url);
  const token = /\/calendar\/([\w-]{43})\.ics$/.exec(url)![1];
  assert.equal((await fetchFeed(t, token)).events.length, 4);

  const listed = await (await call("GET", "/api/v1/me/calendar")).json();
  assert.deepEqual(listed.items.map((f: { classId?: string }) => f.classId), [w.cls.id]);
  assert.ok(!JSON.stringify(listed).includes(token), "a list never holds a token");

  assert.equal((await call("POST", "/api/v1/me/calendar", { nope: 1 })).status, 400);
  assert.equal(
    (await call("POST", "/api/v1/me/calendar", { classId: w.foreign.classId })).status,
    404,
    "another school's class",
  );
  assert.equal((await call("DELETE", `/api/v1/me/calendar?classId=${w.cls.id}`)).status, 204);
  assert.equal((await t.app.request(`/calendar/${token}.ics`)).status, 404);
});
