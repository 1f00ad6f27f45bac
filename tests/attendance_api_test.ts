/**
 * Attendance through the app: the LiveKit webhook endpoint (signature over the raw body,
 * replays, rooms that are not ours, no server), the lecture report, its CSV, the live
 * participant list and the class overview, with who may see what.
 */
import assert from "node:assert/strict";
import { applyEvent } from "@/services/attendance/webhooks.ts";
import { keys } from "@/services/attendance/attendance.ts";
import { addMemberOps } from "@/services/classes/members.ts";
import { commit } from "@/services/db/kv.ts";
import {
  attendanceKeys,
  lectureOpenedAt,
  MIN,
  participantEvent,
  signWebhook,
  webhookJson,
} from "./attendance.ts";
import { bearer, randomUser, testApp, tokenFor, twoSchools } from "./helpers.ts";
import { offlineLiveKitLink } from "./livekit.ts";

type Json = Record<string, unknown>;

async function world() {
  const link = offlineLiveKitLink();
  const t = await testApp({}, { livekit: link });
  const { one, two } = await twoSchools(t.kv);
  // Opened 90 minutes ago, on the minute.
  const t0 = Math.floor((Date.now() - 90 * MIN) / MIN) * MIN;
  const lecture = await lectureOpenedAt(t.kv, one.classA, one.teacherA, t0);
  const tok = {
    teacherA: bearer(await tokenFor(t.kv, one.teacherA)),
    teacherB: bearer(await tokenFor(t.kv, one.teacherB)),
    studentA: bearer(await tokenFor(t.kv, one.studentA)),
    admin: bearer(await tokenFor(t.kv, one.admin)),
    otherAdmin: bearer(await tokenFor(t.kv, two.admin)),
  };
  const get = (path: string, headers: Record<string, string>) =>
    t.app.request(`/api/v1${path}`, { headers });
  const hook = (body: string, authorization?: string, extra: Record<string, string> = {}) =>
    t.app.request("/api/v1/livekit/webhook", {
      method: "POST",
      headers: {
        "content-type": "application/webhook+json",
        ...(authorization === undefined ? {} : { authorization }),
        ...extra,
      },
      body,
    });
  return {
    t,
    link,
    one,
    two,
    t0,
    lecture,
    tok,
    get,
    hook,
    [Symbol.asyncDispose]: () => Promise.resolve(t.close()),
  };
}

async function ok(res: Response, status = 200): Promise<Json> {
  const body = await res.clone().text();
  assert.equal(res.status, status, body);
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  return JSON.parse(body);
}

async function fails(res: Response, status: number): Promise<{ code: string; message: string }> {
  const body = await res.clone().text();
  assert.equal(res.status, status, body);
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  return JSON.parse(body).error;
}

/** Every attendance key with its value and versionstamp (to compare before and after). */
async function snapshot(kv: Deno.Kv) {
  const out: unknown[] = [];
  for (const key of await attendanceKeys(kv)) {
    const e = await kv.get(key);
    out.push([key, e.value, e.versionstamp]);
  }
  return out;
}

Deno.test("[attendance api] webhook verification", async (t) => {
  await using w = await world();
  const { link, lecture, one, t0, hook } = w;
  const kv = w.t.kv;
  const joined = (id?: string, at = t0 + 2 * MIN) =>
    webhookJson("participant_joined", lecture.roomName, {
      id,
      at,
      participant: {
        sid: "PA_stu1",
        identity: one.studentA.id,
        name: one.studentA.name,
        role: "student",
        joinedAt: at,
      },
    });

  await t.step("a bad signature (another secret) is 401 and writes nothing", async () => {
    const body = joined();
    const forged = await signWebhook({ apiKey: link.keys.apiKey, apiSecret: "x".repeat(48) }, body);
    const err = await fails(await hook(body, forged), 401);
    assert.equal(err.code, "unauthorized");
    assert.deepEqual(await attendanceKeys(kv), []);
  });

  await t.step("a tampered body (one character) is 401 and writes nothing", async () => {
    const body = joined();
    const auth = await signWebhook(link.keys, body);
    const tampered = body.replace('"PA_stu1"', '"PA_stu2"');
    assert.notEqual(tampered, body);
    assert.equal((await fails(await hook(tampered, auth), 401)).code, "unauthorized");
    assert.deepEqual(await attendanceKeys(kv), []);
  });

  await t.step("the same event re-serialized (same JSON, other bytes) is 401", async () => {
    const body = joined();
    const auth = await signWebhook(link.keys, body);
    const reserialized = JSON.stringify(JSON.parse(body), null, 1);
    assert.deepEqual(JSON.parse(reserialized), JSON.parse(body));
    await fails(await hook(reserialized, auth), 401);
    assert.deepEqual(await attendanceKeys(kv), []);
  });

  await t.step("a Bearer-prefixed or missing Authorization header is 401", async () => {
    const body = joined();
    const auth = await signWebhook(link.keys, body);
    await fails(await hook(body, `Bearer ${auth}`), 401);
    await fails(await hook(body), 401);
    await fails(await hook(body, ""), 401);
    assert.deepEqual(await attendanceKeys(kv), []);
  });

  await t.step("a body over 64 KiB is 413", async () => {
    const body = joined().replace('"ACTIVE"', `"ACTIVE","pad":"${"x".repeat(70_000)}"`);
    const auth = await signWebhook(link.keys, body);
    assert.equal((await fails(await hook(body, auth), 413)).code, "payload_too_large");
    assert.deepEqual(await attendanceKeys(kv), []);
  });

  const id = "EV_good_delivery";
  let before: unknown[] = [];
  await t.step("a good delivery is applied (no CSRF check: no cookie, no Origin)", async () => {
    const body = joined(id);
    const res = await hook(body, await signWebhook(link.keys, body));
    assert.deepEqual(await ok(res), { outcome: "applied" });
    const iv = await kv.get(keys.interval(lecture.id, one.studentA.id, "PA_stu1"));
    assert.deepEqual(iv.value, { joinedAt: t0 + 2 * MIN, role: "student" });
    assert.equal((await kv.get(keys.presence(lecture.id, one.studentA.id))).value !== null, true);
    assert.ok((await kv.get(keys.event(id))).versionstamp);
    before = await snapshot(kv);
  });

  await t.step("replaying the same delivery changes nothing", async () => {
    const body = joined(id);
    const auth = await signWebhook(link.keys, body);
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(await ok(await hook(body, auth)), { outcome: "duplicate" });
    }
    assert.deepEqual(await snapshot(kv), before);
  });

  await t.step("a valid but day-old delivery is answered 200 and ignored", async () => {
    const old = Date.now() - 25 * 60 * MIN;
    const body = joined("EV_old", old);
    const out = await ok(await hook(body, await signWebhook(link.keys, body)));
    assert.equal(out.outcome, "ignored");
    assert.deepEqual(await snapshot(kv), before);
  });

  await t.step("a room that is not a lecture is answered 200 and ignored", async () => {
    const body = webhookJson("room_started", "staff-room");
    const out = await ok(await hook(body, await signWebhook(link.keys, body)));
    assert.deepEqual(out, { outcome: "ignored", reason: "not a lecture room" });
    assert.deepEqual(await snapshot(kv), before);
  });

  await t.step("a signed body that is not JSON is 400", async () => {
    const body = "{not json";
    await fails(await hook(body, await signWebhook(link.keys, body)), 400);
  });
});

Deno.test("[attendance api] a removed student's join counts even when the server cannot be told to remove them", async () => {
  await using w = await world();
  const { link, lecture, one, t0, hook } = w;
  const kv = w.t.kv;
  await kv.set(["lecture_removed", lecture.id, one.studentA.id], { by: one.teacherA.id, at: t0 });
  const at = t0 + 5 * MIN;
  const body = webhookJson("participant_joined", lecture.roomName, {
    at,
    participant: {
      sid: "PA_back",
      identity: one.studentA.id,
      name: one.studentA.name,
      role: "student",
      joinedAt: at,
    },
  });
  // The offline link's server does not answer: the removal fails and is logged.
  const warned: unknown[][] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warned.push(args);
  try {
    assert.deepEqual(await ok(await hook(body, await signWebhook(link.keys, body))), {
      outcome: "applied",
    });
  } finally {
    console.warn = warn;
  }
  assert.equal(warned.length, 1);
  assert.match(String(warned[0][0]), new RegExp(`could not remove ${one.studentA.id} from`));
  const iv = await kv.get(keys.interval(lecture.id, one.studentA.id, "PA_back"));
  assert.deepEqual(iv.value, { joinedAt: at, role: "student" });
  assert.ok((await kv.get(keys.presence(lecture.id, one.studentA.id))).value);
});

Deno.test("[attendance api] without a LiveKit server the webhook is 503", async () => {
  await using t = await testApp();
  const body = webhookJson("room_started", "lecture-01ARZ3NDEKTSV4RRFFQ69G5FAV");
  const res = await t.app.request("/api/v1/livekit/webhook", {
    method: "POST",
    headers: { "content-type": "application/webhook+json", authorization: "x.y.z" },
    body,
  });
  assert.equal(res.status, 503);
  assert.equal((await res.json()).error.code, "unavailable");
  assert.deepEqual(await attendanceKeys(t.kv), []);
});

/** School one's class A with its lecture: student A on time; two more students. */
async function withAttendance(w: Awaited<ReturnType<typeof world>>) {
  const { t, one, lecture, t0 } = w;
  const kv = t.kv;
  const late = await randomUser(kv, one.org.id, "student", {
    name: "Zed Late",
    studentNumber: "2026-9",
    email: "zed@example.org",
  });
  const never = await randomUser(kv, one.org.id, "student", {
    name: "Yun Never",
    studentNumber: "2026-8",
    email: "yun@example.org",
  });
  await commit(
    addMemberOps(
      addMemberOps(kv.atomic(), one.classA.id, late, "student"),
      one.classA.id,
      never,
      "student",
    ),
  );
  const at = (m: number) => t0 + m * MIN;
  const now = Date.now();
  const events = [
    participantEvent("participant_joined", lecture, one.teacherA, "PA_T", {
      joinedAt: at(0),
      at: at(0),
    }),
    participantEvent("participant_joined", lecture, one.studentA, "PA_A", {
      joinedAt: at(1),
      at: at(1),
    }),
    participantEvent("participant_joined", lecture, late, "PA_Z", { joinedAt: at(20), at: at(20) }),
    participantEvent("participant_left", lecture, late, "PA_Z", { joinedAt: at(20), at: at(80) }),
  ];
  for (const ev of events) await applyEvent(kv, ev, { now });
  return { late, never, at };
}

Deno.test("[attendance api] the lecture report, the live list and who may see them", async (t) => {
  await using w = await world();
  const { one, lecture, tok, get } = w;
  const { late, never } = await withAttendance(w);

  await t.step("a teacher sees every student with counts", async () => {
    const r = await ok(await get(`/lectures/${lecture.id}/attendance`, tok.teacherA));
    assert.equal((r.window as Json).live, true);
    assert.deepEqual(r.counts, { students: 3, present: 1, late: 1, absent: 1 });
    const rows = r.items as Json[];
    assert.deepEqual(
      rows.map((x) => [x.userId, x.status, x.joins, x.online]).sort(),
      [
        [late.id, "late", 1, false],
        [never.id, "absent", 0, false],
        [one.studentA.id, "present", 1, true],
      ].sort(),
    );
    const z = rows.find((x) => x.userId === late.id)!;
    assert.equal(z.minutesPresent, 60);
    assert.deepEqual(z.intervals, [{
      joinedAt: new Date(w.t0 + 20 * MIN).toISOString(),
      leftAt: new Date(w.t0 + 80 * MIN).toISOString(),
    }]);
    assert.deepEqual((r.others as Json[]).map((o) => o.userId), [one.teacherA.id]);
  });

  await t.step("search and paging: total counts matches, counts cover everyone", async () => {
    const r = await ok(
      await get(`/lectures/${lecture.id}/attendance?q=2026-&limit=1`, tok.teacherA),
    );
    assert.equal(r.total, 2);
    assert.equal((r.items as Json[]).length, 1);
    assert.equal((r.counts as Json).students, 3);
    const next = await ok(
      await get(`/lectures/${lecture.id}/attendance?q=2026-&limit=1&offset=1`, tok.teacherA),
    );
    assert.notEqual((next.items as Json[])[0].userId, (r.items as Json[])[0].userId);
    await fails(await get(`/lectures/${lecture.id}/attendance?limit=0`, tok.teacherA), 400);
  });

  await t.step("a school admin sees it; a student sees only their own row", async () => {
    await ok(await get(`/lectures/${lecture.id}/attendance`, tok.admin));
    const mine = await ok(await get(`/lectures/${lecture.id}/attendance`, tok.studentA));
    assert.equal(mine.counts, null);
    assert.deepEqual((mine.items as Json[]).map((x) => x.userId), [one.studentA.id]);
    assert.deepEqual(mine.others, []);
  });

  await t.step("another class's teacher and another school get 404", async () => {
    for (const h of [tok.teacherB, tok.otherAdmin]) {
      for (const p of ["attendance", "attendance.csv", "participants"]) {
        assert.equal(
          (await fails(await get(`/lectures/${lecture.id}/${p}`, h), 404)).code,
          "not_found",
        );
      }
    }
    await fails(await get(`/lectures/${lecture.id}/attendance`, {}), 401);
  });

  await t.step("the live list: teachers first, then names; students may not read it", async () => {
    const live = await ok(await get(`/lectures/${lecture.id}/participants`, tok.teacherA));
    assert.equal(live.count, 2);
    assert.deepEqual((live.items as Json[]).map((p) => [p.userId, p.role, p.onStage]), [
      [one.teacherA.id, "teacher", false],
      [one.studentA.id, "student", false],
    ]);
    assert.equal(live.nextOffset, undefined);
    await fails(await get(`/lectures/${lecture.id}/participants`, tok.studentA), 403);
    await fails(await get(`/lectures/${lecture.id}/attendance.csv`, tok.studentA), 403);
  });

  await t.step("stage seats and raised hands show in the live list; search and pages", async () => {
    const kv = w.t.kv;
    await kv.set(["lecture_stage", lecture.id, one.studentA.id], {
      userId: one.studentA.id,
      name: one.studentA.name,
      at: Date.now(),
    });
    const raised = Date.now() - 30_000;
    await kv.set(["lecture_hands", lecture.id, one.studentA.id], {
      userId: one.studentA.id,
      name: one.studentA.name,
      at: raised,
    });
    const live = await ok(
      await get(
        `/lectures/${lecture.id}/participants?q=${encodeURIComponent(one.studentA.name)}`,
        tok.teacherA,
      ),
    );
    assert.equal(live.count, 2);
    assert.equal(live.total, 1);
    assert.deepEqual(live.items, [{
      userId: one.studentA.id,
      name: one.studentA.name,
      role: "student",
      joinedAt: new Date(w.t0 + MIN).toISOString(),
      onStage: true,
      handRaisedAt: new Date(raised).toISOString(),
    }]);
    const page = await ok(await get(`/lectures/${lecture.id}/participants?limit=1`, tok.admin));
    assert.equal(page.nextOffset, 1);
  });
});

Deno.test("[attendance api] the CSV download", async () => {
  await using w = await world();
  const { t, one, lecture, tok, get, t0 } = w;
  // A school on Seoul time; a fixed, ended lecture so the file is exact.
  await t.kv.set(["orgs", one.org.id], { ...one.org, timeZone: "Asia/Seoul" });
  await t.kv.set(["users", one.studentA.id], { ...one.studentA, name: "Ahn, Mina" });
  await commit(
    addMemberOps(t.kv.atomic(), one.classA.id, {
      ...one.studentA,
      name: "Ahn, Mina",
      studentNumber: "2026001",
    }, "student"),
  );
  const { late, never } = await withAttendance(w);
  await t.kv.set(["lectures", lecture.id], {
    ...lecture,
    title: "광합성 Photosynthesis",
    status: "ended",
    endedAt: new Date(t0 + 90 * MIN).toISOString(),
  });
  const res = await get(`/lectures/${lecture.id}/attendance.csv`, tok.teacherA);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/csv; charset=utf-8");
  const date = new Date(t0).toISOString().slice(0, 10);
  assert.equal(
    res.headers.get("content-disposition"),
    `attachment; filename="attendance-${date}-Photosynthesis.csv"; ` +
      `filename*=UTF-8''${encodeURIComponent(`attendance-${date}-광합성 Photosynthesis.csv`)}`,
  );
  const bytes = new Uint8Array(await res.arrayBuffer());
  assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf]);
  const seoul = (m: number) =>
    new Date(t0 + m * MIN + 9 * 60 * MIN).toISOString().slice(0, 19).replace("T", " ");
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
  assert.equal(
    text,
    "\ufeff" +
      "student_number,name,email,status,minutes_present,first_join (Asia/Seoul),last_leave (Asia/Seoul),joins\r\n" +
      `2026001,"Ahn, Mina",${one.studentA.email},present,89,${seoul(1)},${seoul(90)},1\r\n` +
      `2026-8,Yun Never,${never.email},absent,0,,,0\r\n` +
      `2026-9,Zed Late,${late.email},late,60,${seoul(20)},${seoul(80)},1\r\n`,
  );
});

Deno.test("[attendance api] a class across its lectures", async (t) => {
  await using w = await world();
  const { t: app, one, lecture, tok, get, t0 } = w;
  const { late, never } = await withAttendance(w);
  // An earlier, ended lecture that only student A attended; and a scheduled one (not counted).
  const first = await lectureOpenedAt(app.kv, one.classA, one.teacherA, t0 - 3 * 24 * 60 * MIN, {
    status: "ended",
    endedAt: new Date(t0 - 3 * 24 * 60 * MIN + 60 * MIN).toISOString(),
  });
  await app.kv.set(keys.interval(first.id, one.studentA.id, "PA_old"), {
    joinedAt: t0 - 3 * 24 * 60 * MIN,
    leftAt: t0 - 3 * 24 * 60 * MIN + 60 * MIN,
    role: "student",
  });
  await lectureOpenedAt(app.kv, one.classA, one.teacherA, null);

  await t.step(
    "teachers see each student's counts and rate, and each lecture's counts",
    async () => {
      const r = await ok(await get(`/classes/${one.classA.id}/attendance`, tok.teacherA));
      assert.deepEqual((r.lectures as Json[]).map((l) => [l.id, l.counts]), [
        [first.id, { students: 3, present: 1, late: 0, absent: 2 }],
        [lecture.id, { students: 3, present: 1, late: 1, absent: 1 }],
      ]);
      const by = Object.fromEntries((r.items as Json[]).map((x) => [x.userId, x]));
      assert.deepEqual(
        [by[one.studentA.id], by[late.id], by[never.id]].map((
          x,
        ) => [x.present, x.late, x.absent, x.rate, x.statuses]),
        [
          [2, 0, 0, 1, ["present", "present"]],
          [0, 1, 1, 0.5, ["absent", "late"]],
          [0, 0, 2, 0, ["absent", "absent"]],
        ],
      );
      assert.equal(r.total, 3);
    },
  );

  await t.step("search and paging", async () => {
    const r = await ok(await get(`/classes/${one.classA.id}/attendance?q=zed&limit=5`, tok.admin));
    assert.deepEqual((r.items as Json[]).map((x) => x.userId), [late.id]);
    assert.equal(r.total, 1);
  });

  await t.step("a student sees their own record only, without counts", async () => {
    const r = await ok(await get(`/classes/${one.classA.id}/attendance`, tok.studentA));
    assert.deepEqual((r.items as Json[]).map((x) => x.userId), [one.studentA.id]);
    assert.ok((r.lectures as Json[]).every((l) => l.counts === null));
  });

  await t.step("another class's teacher and another school get 404", async () => {
    await fails(await get(`/classes/${one.classA.id}/attendance`, tok.teacherB), 404);
    await fails(await get(`/classes/${one.classA.id}/attendance`, tok.otherAdmin), 404);
  });

  await t.step("the OpenAPI document lists the attendance operations", async () => {
    const doc = await ok(await app.app.request("/api/v1/openapi.json"));
    const paths = doc.paths as Record<string, Json>;
    for (
      const p of [
        "/api/v1/livekit/webhook",
        "/api/v1/lectures/{lectureId}/attendance",
        "/api/v1/lectures/{lectureId}/attendance.csv",
        "/api/v1/lectures/{lectureId}/participants",
        "/api/v1/classes/{classId}/attendance",
      ]
    ) assert.ok(paths[p], p);
  });
});
