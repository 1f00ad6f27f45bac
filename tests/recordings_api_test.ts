/**
 * Lecture recordings through the app, without a media server: who may watch, download and
 * delete a recording (the class only), Range answers from the chunked store, the record switch
 * and the class default feeding the recorder's wanted set, watched time counted apart from
 * attendance (spans merged, never past the length), and the school's retention on a clock
 * passed in.
 */
import assert from "node:assert/strict";
import { requireUploadAccess } from "@/services/files/access.ts";
import { CHUNK_BYTES, KvFileStore } from "@/services/files/store.ts";
import { scheduleLecture } from "@/services/lectures/lectures.ts";
import type { Lecture } from "@/services/lectures/model.ts";
import {
  beginRecording,
  finishRecording,
  listWantedLectures,
  noteLectureEnded,
  noteLectureLive,
  setRetentionDays,
  sweepExpiredRecordings,
} from "@/services/recordings/recordings.ts";
import type { User } from "@/services/orgs/users.ts";
import type { Actor } from "@/services/web/define.ts";
import { bearer, browserSessionFor, testApp, tokenFor, twoSchools } from "./helpers.ts";

/** The first bytes of a WebM file (EBML header, DocType "webm"), then `size` bytes of body. */
function webmBytes(size: number): Uint8Array<ArrayBuffer> {
  const head = [0x1a, 0x45, 0xdf, 0xa3, 0x8f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84];
  const out = new Uint8Array(head.length + 4 + size);
  out.set(head);
  out.set(new TextEncoder().encode("webm"), head.length);
  for (let i = head.length + 4; i < out.length; i++) out[i] = (i * 7) & 0xff;
  return out;
}

async function world() {
  const t = await testApp();
  const { one, two } = await twoSchools(t.kv);
  const store = new KvFileStore(t.kv);
  const lecture = await scheduleLecture(t.kv, one.classA, one.teacherA.id, {
    title: "Fractions",
    startsAt: new Date().toISOString(),
  });
  const ended: Lecture = {
    ...lecture,
    status: "ended",
    openedAt: new Date(Date.now() - 120_000).toISOString(),
    endedAt: new Date().toISOString(),
  };
  await t.kv.set(["lectures", lecture.id], ended);
  const bytes = webmBytes(3 * CHUNK_BYTES + 1234);
  const started = new Date(Date.now() - 60_000);
  const rec = await beginRecording(t.kv, ended, started);
  const ready = await finishRecording(t.kv, store, rec, new Blob([bytes]).stream(), {
    durationMs: 60_000,
    ending: "clean",
  });
  assert.equal(ready.status, "ready");
  const tokens = new Map<User, string>();
  const call = async (user: User, method: string, path: string, init: RequestInit = {}) => {
    if (!tokens.has(user)) tokens.set(user, await tokenFor(t.kv, user));
    return await t.app.request(`/api/v1${path}`, {
      method,
      ...init,
      headers: {
        "content-type": "application/json",
        ...bearer(tokens.get(user)!),
        ...init.headers,
      },
    });
  };
  return { t, one, two, store, lecture: ended, rec: ready, bytes, call };
}

Deno.test("[recordings] the class watches and downloads a recording; nobody else", async (t) => {
  const w = await world();
  try {
    const file = `/files/${w.rec.fileId}`;
    await t.step("members of the class and the school's admin read it, whole", async () => {
      for (const user of [w.one.studentA, w.one.teacherA, w.one.admin]) {
        const res = await w.call(user, "GET", file);
        assert.equal(res.status, 200);
        assert.equal(res.headers.get("content-type"), "video/webm");
        assert.equal(res.headers.get("accept-ranges"), "bytes");
        assert.deepEqual(new Uint8Array(await res.arrayBuffer()), w.bytes);
      }
    });
    await t.step("another class's student, another school, another teacher: 404", async () => {
      for (const user of [w.one.studentB, w.one.teacherB, w.two.studentA, w.two.admin]) {
        const res = await w.call(user, "GET", file);
        assert.equal(res.status, 404, `${user.role} ${user.name}`);
        await res.body?.cancel();
      }
    });
    await t.step("a Range across chunk boundaries gets exactly those bytes (206)", async () => {
      const cases: [string, number, number][] = [
        [`bytes=${CHUNK_BYTES - 10}-${2 * CHUNK_BYTES + 9}`, CHUNK_BYTES - 10, 2 * CHUNK_BYTES + 9],
        ["bytes=0-0", 0, 0],
        [`bytes=${w.bytes.length - 100}-`, w.bytes.length - 100, w.bytes.length - 1],
        ["bytes=-50", w.bytes.length - 50, w.bytes.length - 1],
        [`bytes=10-${w.bytes.length + 999}`, 10, w.bytes.length - 1],
      ];
      for (const [range, start, end] of cases) {
        const res = await w.call(w.one.studentA, "GET", file, { headers: { range } });
        assert.equal(res.status, 206, range);
        assert.equal(res.headers.get("content-range"), `bytes ${start}-${end}/${w.bytes.length}`);
        assert.equal(res.headers.get("content-length"), String(end - start + 1));
        assert.deepEqual(new Uint8Array(await res.arrayBuffer()), w.bytes.subarray(start, end + 1));
      }
      const past = await w.call(w.one.studentA, "GET", file, {
        headers: { range: `bytes=${w.bytes.length}-` },
      });
      assert.equal(past.status, 416);
      assert.equal(past.headers.get("content-range"), `bytes */${w.bytes.length}`);
      await past.body?.cancel();
      // A Range never opens a file the asker may not read.
      const other = await w.call(w.one.studentB, "GET", file, { headers: { range: "bytes=0-9" } });
      assert.equal(other.status, 404);
      await other.body?.cancel();
    });
    await t.step("the files route deletes no recording: 409 teachers, 403 students", async () => {
      const teacher = await w.call(w.one.teacherA, "DELETE", file);
      assert.equal(teacher.status, 409);
      assert.match((await teacher.json()).error.message, /lecture's page/);
      const student = await w.call(w.one.studentA, "DELETE", file);
      assert.equal(student.status, 403);
      await student.body?.cancel();
    });
    await t.step("nobody uploads a file as a recording", async () => {
      const actor = { user: w.one.teacherA } as Actor;
      await assert.rejects(
        requireUploadAccess(w.t.kv, actor, w.one.classA.id, "recording"),
        /made by the app/,
      );
    });
  } finally {
    w.t.close();
  }
});

Deno.test("[recordings] listing, the record switch and deleting", async (t) => {
  const w = await world();
  try {
    const base = `/lectures/${w.lecture.id}/recordings`;
    await t.step("a student lists the parts with their video URL, without views", async () => {
      const res = await w.call(w.one.studentA, "GET", base);
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.equal(body.items.length, 1);
      assert.equal(body.items[0].url, `/api/v1/files/${w.rec.fileId}`);
      assert.equal(body.items[0].orgId, undefined);
      assert.equal(body.views, undefined);
    });
    await t.step("a non-member gets 404; a student may not switch or delete: 403", async () => {
      const stranger = await w.call(w.one.studentB, "GET", base);
      assert.equal(stranger.status, 404);
      await stranger.body?.cancel();
      const patch = await w.call(w.one.studentA, "PATCH", base, {
        body: JSON.stringify({ record: true }),
      });
      assert.equal(patch.status, 403);
      await patch.body?.cancel();
      const del = await w.call(w.one.studentA, "DELETE", `${base}/${w.rec.id}`);
      assert.equal(del.status, 403);
      await del.body?.cancel();
    });
    await t.step("an ended lecture cannot be switched on: 409", async () => {
      const res = await w.call(w.one.teacherA, "PATCH", base, {
        body: JSON.stringify({ record: true }),
      });
      assert.equal(res.status, 409);
      await res.body?.cancel();
    });
    await t.step("the teacher deletes the part: its video is gone too", async () => {
      const res = await w.call(w.one.teacherA, "DELETE", `${base}/${w.rec.id}`);
      assert.equal(res.status, 204);
      assert.equal(await w.store.get(w.rec.fileId!), null);
      const file = await w.call(w.one.studentA, "GET", `/files/${w.rec.fileId}`);
      assert.equal(file.status, 404);
      await file.body?.cancel();
      const list = await (await w.call(w.one.studentA, "GET", base)).json();
      assert.deepEqual(list.items, []);
    });
  } finally {
    w.t.close();
  }
});

Deno.test("[recordings] the recorder follows the lecture's switch and the class default", async () => {
  const w = await world();
  try {
    const kv = w.t.kv;
    const scheduled = await scheduleLecture(kv, w.one.classA, w.one.teacherA.id, {
      title: "Decimals",
      startsAt: new Date().toISOString(),
    });
    const base = `/lectures/${scheduled.id}/recordings`;
    // Off by default: going live starts no recorder.
    await noteLectureLive(kv, { ...scheduled, status: "live" });
    assert.deepEqual(await listWantedLectures(kv), []);
    // The class default turns it on for its lectures.
    const on = await w.call(w.one.teacherA, "PATCH", base, {
      body: JSON.stringify({ classDefault: true }),
    });
    assert.equal(on.status, 200);
    // The lecture has no setting of its own: it follows the class.
    assert.deepEqual(await on.json(), { record: true, classDefault: true });
    const none = await w.call(w.one.teacherA, "PATCH", base, { body: "{}" });
    assert.equal(none.status, 400);
    await none.body?.cancel();
    const other = await scheduleLecture(kv, w.one.classA, w.one.teacherA.id, {
      title: "Percentages",
      startsAt: new Date().toISOString(),
    });
    await noteLectureLive(kv, { ...other, status: "live" });
    assert.deepEqual(await listWantedLectures(kv), [other.id]);
    // A lecture's own "no" wins over the class default.
    const off = await w.call(w.one.teacherA, "PATCH", base, {
      body: JSON.stringify({ record: false }),
    });
    assert.equal(off.status, 200);
    await noteLectureLive(kv, { ...scheduled, status: "live" });
    assert.deepEqual(await listWantedLectures(kv), [other.id]);
    // Switching on while live starts it at once; ending stops it.
    await kv.set(["lectures", scheduled.id], { ...scheduled, status: "live" });
    const live = await w.call(w.one.teacherA, "PATCH", base, {
      body: JSON.stringify({ record: true }),
    });
    assert.equal(live.status, 200);
    assert.deepEqual((await listWantedLectures(kv)).sort(), [scheduled.id, other.id].sort());
    // Its students are told; its teachers see the switch on.
    const page = async (user: User) =>
      await (await w.t.app.request(`/lectures/${scheduled.id}`, {
        headers: { cookie: (await browserSessionFor(kv, user)).cookie },
      })).text();
    assert.match(await page(w.one.studentA), /This lecture is recorded/);
    const teacherPage = await page(w.one.teacherA);
    assert.doesNotMatch(teacherPage, /This lecture is recorded/);
    assert.match(teacherPage, /name="record" checked/);
    await noteLectureEnded(kv, other.id);
    await noteLectureEnded(kv, scheduled.id);
    assert.deepEqual(await listWantedLectures(kv), []);
  } finally {
    w.t.close();
  }
});

Deno.test("[recordings] watching is counted apart from attendance, spans merged", async () => {
  const w = await world();
  try {
    const views = `/lectures/${w.lecture.id}/recordings/${w.rec.id}/views`;
    const watch = async (from: number, to: number) => {
      const res = await w.call(w.one.studentA, "POST", views, {
        body: JSON.stringify({ from, to }),
      });
      assert.equal(res.status, 200, await res.clone().text());
      return (await res.json()).seconds as number;
    };
    assert.equal(await watch(0, 10), 10);
    assert.equal(await watch(5, 20), 20, "overlap counts once");
    assert.equal(await watch(0, 20), 20, "watching again adds nothing");
    assert.equal(await watch(50, 500), 30, "never past the 60 s length");
    const bad = await w.call(w.one.studentA, "POST", views, {
      body: JSON.stringify({ from: 9, to: 3 }),
    });
    assert.equal(bad.status, 400);
    await bad.body?.cancel();
    const stranger = await w.call(w.one.studentB, "POST", views, {
      body: JSON.stringify({ from: 0, to: 5 }),
    });
    assert.equal(stranger.status, 404);
    await stranger.body?.cancel();
    const list = await (await w.call(w.one.teacherA, "GET", `/lectures/${w.lecture.id}/recordings`))
      .json();
    assert.deepEqual(list.views, [{ userId: w.one.studentA.id, seconds: 30 }]);
    // The attendance page shows it in its own column.
    const { cookie } = await browserSessionFor(w.t.kv, w.one.teacherA);
    const page = await w.t.app.request(`/lectures/${w.lecture.id}/attendance`, {
      headers: { cookie },
    });
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /Watched recording/);
    assert.match(html, /data-watched-s="30"/);
    // Live attendance is untouched by watching.
    const live = [];
    for await (const e of w.t.kv.list({ prefix: ["attendance_intervals", w.lecture.id] })) {
      live.push(e);
    }
    assert.equal(live.length, 0);
  } finally {
    w.t.close();
  }
});

Deno.test("[recordings] the school's retention deletes recordings when their days pass", async () => {
  const w = await world();
  try {
    const kv = w.t.kv;
    const now = new Date();
    const day = 86_400_000;
    // The first part was made with the default (180 days); a school's own setting for later ones.
    assert.equal(
      Math.round((Date.parse(w.rec.expiresAt) - Date.parse(w.rec.createdAt)) / day),
      180,
    );
    await setRetentionDays(kv, w.one.org.id, 30);
    const short = await finishRecording(
      kv,
      w.store,
      await beginRecording(kv, w.lecture, now, now),
      new Blob([webmBytes(100)]).stream(),
      { durationMs: 1_000, ending: "clean" },
    );
    assert.equal(await sweepExpiredRecordings(kv, w.store, new Date(now.getTime() + 29 * day)), 0);
    assert.equal(await sweepExpiredRecordings(kv, w.store, new Date(now.getTime() + 31 * day)), 1);
    assert.equal(await w.store.get(short.fileId!), null);
    assert.notEqual(await w.store.get(w.rec.fileId!), null);
    assert.equal(await sweepExpiredRecordings(kv, w.store, new Date(now.getTime() + 181 * day)), 1);
    assert.equal(await w.store.get(w.rec.fileId!), null);
    // Admins set it; teachers may not.
    const teacher = await w.call(w.one.teacherA, "PUT", "/recordings/retention", {
      body: JSON.stringify({ days: 7 }),
    });
    assert.equal(teacher.status, 403);
    await teacher.body?.cancel();
    const admin = await w.call(w.one.admin, "PUT", "/recordings/retention", {
      body: JSON.stringify({ days: 7 }),
    });
    assert.equal(admin.status, 200);
    assert.deepEqual(await (await w.call(w.one.admin, "GET", "/recordings/retention")).json(), {
      days: 7,
    });
  } finally {
    w.t.close();
  }
});
