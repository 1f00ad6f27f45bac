/**
 * The lecture pages without a browser: scheduling on the school's clock (post/redirect/get),
 * who sees the form and the lecture, the video-server message, and an ended lecture's chat
 * history rendered as text. The room itself is tested in real Chromium
 * (tests/browser/lecture_test.ts).
 */
import assert from "node:assert/strict";
import { postChatMessage } from "@/services/lectures/chat.ts";
import { getLecture, markLectureEnded, scheduleLecture } from "@/services/lectures/lectures.ts";
import type { User } from "@/services/orgs/users.ts";
import {
  browserSessionFor,
  dayFromNow,
  randomClass,
  randomOrg,
  randomUser,
  testApp,
} from "./helpers.ts";
import { LiveKitLink } from "@/services/livekit/link.ts";
import { offlineLiveKitLink } from "./livekit.ts";

type App = Awaited<ReturnType<typeof testApp>>;

async function browserAs(t: App, user: User) {
  const { cookie, csrf } = await browserSessionFor(t.kv, user);
  return {
    get: (path: string, headers: Record<string, string> = {}) =>
      t.app.request(path, { headers: { cookie, ...headers } }),
    post: (path: string, fields: Record<string, string>) =>
      t.app.request(path, {
        method: "POST",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ ...fields, _csrf: csrf }),
      }),
  };
}

async function html(res: Response, status = 200): Promise<string> {
  const body = await res.text();
  assert.equal(res.status, status, body.slice(0, 500));
  assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
  return body;
}

/** A school in Seoul with a class: its teacher, a student, and a student of another class. */
async function school(t: App) {
  const org = await randomOrg(t.kv, { timeZone: "Asia/Seoul" });
  const teacher = await randomUser(t.kv, org.id, "teacher", { name: "Teacher Kim" });
  const student = await randomUser(t.kv, org.id, "student", { name: "Student Lee" });
  const outsider = await randomUser(t.kv, org.id, "student");
  const cls = await randomClass(t.kv, org.id, { teachers: [teacher], students: [student] });
  await randomClass(t.kv, org.id, { students: [outsider] });
  return { org, teacher, student, outsider, cls };
}

Deno.test("lecture list: a teacher schedules on the school's clock; the lecture is listed", async () => {
  await using t = await testApp();
  const { teacher, cls } = await school(t);
  const as = await browserAs(t, teacher);

  const empty = await html(await as.get(`/classes/${cls.id}/lectures`));
  assert.ok(empty.includes("No lectures yet. Schedule the first one above."));
  assert.ok(empty.includes("Asia/Seoul"), "the form says which clock it uses");

  const date = dayFromNow(3, "Asia/Seoul");
  const res = await as.post(`/classes/${cls.id}/lectures`, {
    title: "Fractions <live>",
    date,
    time: "09:00",
  });
  assert.equal(res.status, 303);
  const location = res.headers.get("location")!;
  const id = /scheduled=([0-9A-Z]{26})$/.exec(location)?.[1];
  assert.ok(id, location);
  // 09:00 in Seoul (UTC+9) is midnight UTC.
  const startsAt = new Date(`${date}T00:00:00Z`);
  assert.equal((await getLecture(t.kv, cls.orgId, id)).startsAt, startsAt.toISOString());

  const page = await html(await as.get(location));
  assert.ok(page.includes("Lecture scheduled: Fractions &lt;live>."));
  assert.ok(page.includes(`href="/lectures/${id}"`));
  const [y, m, d] = date.split("-").map(Number);
  const month = [
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
  ];
  assert.ok(
    page.includes(`${month[m - 1]} ${d}, ${y}, 9:00 AM GMT+9`),
    "shown on the school's clock, with its zone",
  );
});

Deno.test("lecture list: a bad date comes back with its message and the title kept", async () => {
  await using t = await testApp();
  const { teacher, cls } = await school(t);
  const as = await browserAs(t, teacher);
  const body = await html(
    await as.post(`/classes/${cls.id}/lectures`, {
      title: "Kept title",
      date: "2026-02-30",
      time: "09:00",
    }),
    400,
  );
  assert.ok(body.includes("This date does not exist."));
  assert.ok(body.includes('value="Kept title"'));
  assert.equal((await Array.fromAsync(t.kv.list({ prefix: ["lectures"] }))).length, 0);
});

Deno.test("lecture list: students see lectures, no form, and cannot schedule", async () => {
  await using t = await testApp();
  const { teacher, student, cls } = await school(t);
  await scheduleLecture(t.kv, cls, teacher.id, {
    title: "Geometry",
    startsAt: new Date(Date.now() + 3_600_000).toISOString(),
  });
  const as = await browserAs(t, student);
  const page = await html(await as.get(`/classes/${cls.id}/lectures`));
  assert.ok(page.includes("Geometry"));
  assert.ok(!page.includes("Schedule a lecture"));
  const res = await as.post(`/classes/${cls.id}/lectures`, {
    title: "Mine",
    date: dayFromNow(1),
    time: "09:00",
  });
  assert.equal(res.status, 403);
  await res.body?.cancel();
  // The class page links to the lectures.
  assert.ok(
    (await html(await as.get(`/classes/${cls.id}`))).includes(`/classes/${cls.id}/lectures`),
  );
});

Deno.test("lecture page: members only; signed-out visitors go to sign-in", async () => {
  await using t = await testApp({}, { livekit: offlineLiveKitLink() });
  const { teacher, student, outsider, cls } = await school(t);
  const lecture = await scheduleLecture(t.kv, cls, teacher.id, {
    title: "Geometry",
    startsAt: new Date().toISOString(),
  });
  const path = `/lectures/${lecture.id}`;

  const anon = await t.app.request(path);
  assert.equal(anon.status, 303);
  assert.equal(anon.headers.get("location"), `/signin?next=${encodeURIComponent(path)}`);

  const other = await (await browserAs(t, outsider)).get(path);
  assert.equal(other.status, 404);
  await other.body?.cancel();

  const mine = await html(await (await browserAs(t, student)).get(path));
  assert.ok(mine.includes('data-island="LectureRoom"'));
  assert.ok(mine.includes("&quot;role&quot;:&quot;student&quot;"), "the room as a student");
  assert.ok(!mine.includes("Link for students"), "students get no share box");

  const host = await html(await (await browserAs(t, teacher)).get(path));
  assert.ok(host.includes("&quot;role&quot;:&quot;teacher&quot;"));
  assert.ok(host.includes(`value="${t.config.publicUrl}${path}"`), "the link to share");
});

Deno.test("lecture page: without a video server it says what to do instead of the room", async () => {
  await using t = await testApp(); // no LIVEKIT_URL and nothing started: unavailable
  const { teacher, cls } = await school(t);
  const lecture = await scheduleLecture(t.kv, cls, teacher.id, {
    title: "Geometry",
    startsAt: new Date().toISOString(),
  });
  const body = await html(await (await browserAs(t, teacher)).get(`/lectures/${lecture.id}`));
  assert.ok(body.includes("Live video is not available right now"));
  assert.ok(body.includes("LIVEKIT_URL"));
  assert.ok(!body.includes('data-island="LectureRoom"'));
});

Deno.test("lecture page: an ended lecture shows its chat as text, and attendance to teachers", async () => {
  await using t = await testApp({}, { livekit: offlineLiveKitLink() });
  const { teacher, student, cls } = await school(t);
  const scheduled = await scheduleLecture(t.kv, cls, teacher.id, {
    title: "Geometry",
    startsAt: new Date().toISOString(),
  });
  // Live without a media server: the chat is stored, nothing is sent.
  const key = ["lectures", scheduled.id];
  const live = { ...scheduled, status: "live" as const, openedAt: new Date().toISOString() };
  await t.kv.set(key, live);
  const session = { user: student, session: {} as never };
  const sent = await postChatMessage(t.kv, null, live, session, "student", {
    text: "<script>alert(1)</script> hi",
  });
  await markLectureEnded(t.kv, scheduled.id, new Date());
  // The school is in Seoul (UTC+9): the message's time reads on that clock, not the server's.
  const clock = (timeZone: string) =>
    new Intl.DateTimeFormat("en", { timeZone, hour: "2-digit", minute: "2-digit" })
      .format(new Date(sent.at));

  const body = await html(await (await browserAs(t, student)).get(`/lectures/${scheduled.id}`));
  assert.ok(body.includes("This lecture has ended."));
  assert.ok(body.includes("&lt;script>alert(1)&lt;/script> hi"));
  assert.ok(!body.includes("<script>alert(1)"));
  assert.ok(body.includes(`>${clock("Asia/Seoul")}</time>`), "the time on the school's clock");
  assert.ok(!body.includes(`>${clock("UTC")}</time>`), "not the server's clock");
  assert.ok(body.includes("Times in Korean Standard Time (Asia/Seoul)."), "the clock is named");
  assert.ok(!body.includes('data-island="LectureRoom"'), "no room (and no video bundle)");
  assert.ok(!body.includes("Attendance report"));

  const host = await html(await (await browserAs(t, teacher)).get(`/lectures/${scheduled.id}`));
  assert.ok(host.includes(`href="/lectures/${scheduled.id}/attendance"`));
});

Deno.test("lecture page: wasm is allowed for the teacher's room only; students get a join pass", async () => {
  await using t = await testApp({}, { livekit: offlineLiveKitLink() });
  const { teacher, student, cls } = await school(t);
  const lecture = await scheduleLecture(t.kv, cls, teacher.id, {
    title: "Policy",
    startsAt: new Date(Date.now() + 86_400_000).toISOString(),
  });
  const csp = async (user: User, path: string) =>
    (await (await browserAs(t, user)).get(path)).headers.get("content-security-policy") ?? "";

  const teacherRoom = await csp(teacher, `/lectures/${lecture.id}`);
  assert.match(teacherRoom, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.doesNotMatch(teacherRoom, / 'unsafe-eval'/, "wasm only, never script eval");
  for (
    const [user, path] of [[student, `/lectures/${lecture.id}`], [
      teacher,
      `/classes/${cls.id}`,
    ]] as const
  ) {
    const policy = await csp(user, path);
    assert.match(policy, /script-src 'self';/, path);
  }
  const studentPage = await html(
    await (await browserAs(t, student)).get(`/lectures/${lecture.id}`),
  );
  assert.match(studentPage, /joinPass/);
  const teacherPage = await html(
    await (await browserAs(t, teacher)).get(`/lectures/${lecture.id}`),
  );
  assert.doesNotMatch(teacherPage, /joinPass/);
});

Deno.test("lecture page: while a first run builds the video server, it says how far it is", async () => {
  const link = new LiveKitLink();
  await using t = await testApp({}, { livekit: link });
  const { teacher, student, cls } = await school(t);
  const lecture = await scheduleLecture(t.kv, cls, teacher.id, {
    title: "Waiting",
    startsAt: new Date(Date.now() + 600_000).toISOString(),
  });
  const startedAt = new Date(Date.now() - 130_000).toISOString();
  link.fail("starting", "being installed", {
    step: "building",
    modules: 212,
    packages: 431,
    startedAt,
  });

  for (const user of [teacher, student]) {
    const page = await html(await (await browserAs(t, user)).get(`/lectures/${lecture.id}`));
    assert.ok(page.includes("Live video is being prepared"), "the wait is named");
    assert.ok(page.includes("Building: 431 parts done (212 components fetched)"));
    assert.ok(page.includes("2 min so far"));
    assert.ok(!page.includes('data-island="LectureRoom"'), "no room before there is video");
  }
  const ko = await (await browserAs(t, student)).get(`/lectures/${lecture.id}`, {
    "accept-language": "ko",
  });
  assert.ok((await html(ko)).includes("실시간 영상을 준비하고 있습니다"));

  const health = await t.app.request("/api/v1/health");
  assert.equal(health.status, 200);
  assert.deepEqual((await health.json()).liveVideoBuild, {
    step: "building",
    modules: 212,
    packages: 431,
    startedAt,
  });

  // Once the server runs, the same page is the lecture room and health says nothing of a build.
  link.connect({ url: "ws://127.0.0.1:9", apiKey: "k", apiSecret: "s".repeat(32) });
  const room = await html(await (await browserAs(t, student)).get(`/lectures/${lecture.id}`));
  assert.ok(room.includes('data-island="LectureRoom"'));
  const ready = await (await t.app.request("/api/v1/health")).json();
  assert.equal(ready.liveVideo, "ready");
  assert.equal(ready.liveVideoBuild, undefined);
});
