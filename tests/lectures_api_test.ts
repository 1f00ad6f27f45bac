/**
 * The lectures API through the app against a real LiveKit server: scheduling, opening and
 * ending (rooms really created and deleted), tokens and their grants, joins, chat, hands,
 * stage and moderation rules, and who may do what.
 */
import assert from "node:assert/strict";
import { TokenVerifier } from "livekit-server-sdk";
import { listJoins } from "@/services/lectures/joins.ts";
import { MAX_CHAT_LENGTH } from "@/services/lectures/model.ts";
import { bearer, dayFromNow, randomUser, testApp, tokenFor, twoSchools } from "./helpers.ts";
import { startTestLiveKit } from "./livekit.ts";

type Json = Record<string, unknown>;

async function world() {
  const lk = await startTestLiveKit();
  const t = await testApp({}, { livekit: lk.link });
  const { one, two } = await twoSchools(t.kv);
  const tok = {
    teacherA: bearer(await tokenFor(t.kv, one.teacherA)),
    teacherB: bearer(await tokenFor(t.kv, one.teacherB)),
    studentA: bearer(await tokenFor(t.kv, one.studentA)),
    studentB: bearer(await tokenFor(t.kv, one.studentB)),
    admin: bearer(await tokenFor(t.kv, one.admin)),
    otherAdmin: bearer(await tokenFor(t.kv, two.admin)),
  };
  const call = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
    t.app.request(`/api/v1${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const close = async () => {
    t.close();
    await lk.stop();
  };
  return { t, lk, one, two, tok, call, close, [Symbol.asyncDispose]: close };
}

async function ok(res: Response, status = 200): Promise<Json> {
  const body = await res.clone().text();
  assert.equal(res.status, status, body);
  return body ? JSON.parse(body) : {};
}

async function fails(res: Response, status: number): Promise<{ code: string; message: string }> {
  const body = await res.clone().text();
  assert.equal(res.status, status, body);
  return JSON.parse(body).error;
}

/** Tomorrow at 08:00 in Seoul, written with its offset as a client would send it. */
const START_DATE = dayFromNow(1, "Asia/Seoul");
const START = `${START_DATE}T08:00:00+09:00`;

Deno.test("lectures: schedule, open, token grants, end", async (t) => {
  await using w = await world();
  const { one, tok, call, lk } = w;
  let lectureId = "";

  await t.step("a teacher schedules a lecture; the start is stored as an instant", async () => {
    const lec = await ok(
      await call("POST", `/classes/${one.classA.id}/lectures`, tok.teacherA, {
        title: "Photosynthesis",
        startsAt: START,
      }),
      201,
    );
    assert.equal(lec.status, "scheduled");
    assert.equal(lec.startsAt, new Date(`${START_DATE}T08:00:00+09:00`).toISOString());
    assert.match(lec.startsAt as string, /T23:00:00\.000Z$/, "08:00 in Seoul is 23:00 UTC");
    assert.deepEqual(lec.attendance, { lateAfterMinutes: 10, minPresentPercent: 50 });
    lectureId = lec.id as string;
  });

  await t.step("bad input names the field", async () => {
    const res = await call("POST", `/classes/${one.classA.id}/lectures`, tok.teacherA, {
      title: "",
      startsAt: "tomorrow",
    });
    const body = await res.json();
    assert.equal(res.status, 400);
    const paths = body.error.details.map((d: { path: string[] }) => d.path.join("."));
    assert.deepEqual(paths.sort(), ["startsAt", "title"]);
  });

  await t.step("students cannot schedule; others' classes are not found", async () => {
    const body = { title: "x", startsAt: START };
    await fails(await call("POST", `/classes/${one.classA.id}/lectures`, tok.studentA, body), 403);
    await fails(await call("POST", `/classes/${one.classA.id}/lectures`, tok.teacherB, body), 404);
    await fails(
      await call("POST", `/classes/${one.classA.id}/lectures`, tok.otherAdmin, body),
      404,
    );
  });

  await t.step("before it opens, a student gets 409 and no token", async () => {
    const err = await fails(await call("POST", `/lectures/${lectureId}/token`, tok.studentA), 409);
    assert.match(err.message, /hasn't started/);
  });

  await t.step(
    "opening creates the room on the media server with the lecture's metadata",
    async () => {
      const lec = await ok(await call("POST", `/lectures/${lectureId}/open`, tok.teacherA));
      assert.equal(lec.status, "live");
      assert.ok(lec.openedAt);
      const rooms = await lk.link.require().rooms.listRooms([`lecture-${lectureId}`]);
      assert.equal(rooms.length, 1);
      assert.equal(JSON.parse(rooms[0].metadata).lectureId, lectureId);
      // Opening again (a reload) keeps the first opening time.
      const again = await ok(await call("POST", `/lectures/${lectureId}/open`, tok.teacherA));
      assert.equal(again.openedAt, lec.openedAt);
    },
  );

  await t.step("students and other classes' teachers cannot open or end it", async () => {
    await fails(await call("POST", `/lectures/${lectureId}/open`, tok.studentA), 403);
    await fails(await call("POST", `/lectures/${lectureId}/end`, tok.studentA), 403);
    await fails(await call("POST", `/lectures/${lectureId}/open`, tok.teacherB), 404);
    await fails(await call("POST", `/lectures/${lectureId}/end`, tok.otherAdmin), 404);
  });

  const verifier = new TokenVerifier(lk.apiKey, lk.apiSecret);

  await t.step(
    "a student's token: this room only, subscribe and data, hidden, 10 minutes",
    async () => {
      const ticket = await ok(await call("POST", `/lectures/${lectureId}/token`, tok.studentA));
      assert.equal(ticket.url, lk.url);
      assert.equal(ticket.role, "student");
      assert.equal(ticket.onStage, false);
      assert.equal(ticket.identity, one.studentA.id);
      const claims = await verifier.verify(ticket.token as string);
      assert.equal(claims.sub, one.studentA.id);
      assert.equal(claims.video?.room, `lecture-${lectureId}`);
      assert.equal(claims.video?.roomJoin, true);
      assert.equal(claims.video?.canPublish, false);
      assert.equal(claims.video?.canSubscribe, true);
      assert.equal(claims.video?.canPublishData, true);
      assert.equal(claims.video?.hidden, true);
      assert.ok(!claims.video?.roomAdmin);
      assert.ok(claims.exp! - claims.nbf! <= 600, "short-lived");
      assert.deepEqual(JSON.parse(claims.metadata!), { role: "student" });
    },
  );

  await t.step("a teacher's token may publish camera, mic and screen and administer", async () => {
    const ticket = await ok(await call("POST", `/lectures/${lectureId}/token`, tok.teacherA));
    const claims = await verifier.verify(ticket.token as string);
    assert.equal(ticket.role, "teacher");
    assert.equal(claims.video?.canPublish, true);
    assert.equal(claims.video?.roomAdmin, true);
    assert.deepEqual(claims.video?.canPublishSources?.slice().sort(), [
      "camera",
      "microphone",
      "screen_share",
      "screen_share_audio",
    ]);
    // A school admin runs lectures as a teacher.
    const admin = await ok(await call("POST", `/lectures/${lectureId}/token`, tok.admin));
    assert.equal(admin.role, "teacher");
  });

  await t.step("non-members get no token", async () => {
    await fails(await call("POST", `/lectures/${lectureId}/token`, tok.studentB), 404);
    await fails(await call("POST", `/lectures/${lectureId}/token`, tok.teacherB), 404);
    await fails(await call("POST", `/lectures/${lectureId}/token`, tok.otherAdmin), 404);
    await fails(await call("POST", `/lectures/${lectureId}/token`, {}), 401);
  });

  await t.step("every token handed out was recorded as a join", async () => {
    const joins = await listJoins(w.t.kv, lectureId);
    assert.deepEqual(
      [...joins.keys()].sort(),
      [one.studentA.id, one.teacherA.id, one.admin.id].sort(),
    );
    assert.equal(joins.get(one.studentA.id)!.role, "student");
  });

  await t.step("ending closes the room; tokens are refused (410) afterwards", async () => {
    const lec = await ok(await call("POST", `/lectures/${lectureId}/end`, tok.teacherA));
    assert.equal(lec.status, "ended");
    assert.ok(lec.endedAt);
    const rooms = await lk.link.require().rooms.listRooms([`lecture-${lectureId}`]);
    assert.equal(rooms.length, 0);
    await fails(await call("POST", `/lectures/${lectureId}/token`, tok.studentA), 410);
    await fails(await call("POST", `/lectures/${lectureId}/open`, tok.teacherA), 410);
    await fails(await call("PATCH", `/lectures/${lectureId}`, tok.teacherA, { title: "x" }), 409);
    // Attendance can be re-graded after the lecture.
    const regraded = await ok(
      await call("PATCH", `/lectures/${lectureId}`, tok.teacherA, {
        attendance: { minPresentPercent: 30 },
      }),
    );
    assert.deepEqual(regraded.attendance, { lateAfterMinutes: 10, minPresentPercent: 30 });
  });

  await t.step("the class lists it, for students too", async () => {
    const list = await ok(await call("GET", `/classes/${one.classA.id}/lectures`, tok.studentA));
    assert.deepEqual((list.items as Json[]).map((l) => l.id), [lectureId]);
    await fails(await call("GET", `/classes/${one.classA.id}/lectures`, tok.studentB), 404);
  });
});

Deno.test("lectures: chat history, limits and safety", async (t) => {
  await using w = await world();
  const { one, tok, call } = w;
  const lec = await ok(
    await call("POST", `/classes/${one.classA.id}/lectures`, tok.teacherA, {
      title: "Chat",
      startsAt: START,
    }),
    201,
  );
  const id = lec.id as string;
  await ok(await call("POST", `/lectures/${id}/open`, tok.teacherA));

  await t.step("messages are stored as plain text, oldest first", async () => {
    await ok(await call("POST", `/lectures/${id}/chat`, tok.teacherA, { text: "Welcome!" }), 201);
    const evil = "<img src=x onerror=alert(1)> hi";
    const m = await ok(
      await call("POST", `/lectures/${id}/chat`, tok.studentA, { text: evil }),
      201,
    );
    assert.equal(m.text, evil, "kept as text; the page shows it as text");
    assert.equal(m.role, "student");
    assert.equal(m.name, one.studentA.name);
    const list = await ok(await call("GET", `/lectures/${id}/chat`, tok.studentA));
    assert.deepEqual((list.items as Json[]).map((i) => i.text), ["Welcome!", evil]);
  });

  await t.step("empty, too long and control characters", async () => {
    await fails(
      await call("POST", `/lectures/${id}/chat`, tok.studentA, { text: "  \u0000 " }),
      400,
    );
    const long = "가".repeat(MAX_CHAT_LENGTH + 1);
    await fails(await call("POST", `/lectures/${id}/chat`, tok.studentA, { text: long }), 400);
    await fails(await call("POST", `/lectures/${id}/chat`, tok.studentA, { txt: "x" }), 400);
  });

  await t.step("paging with after= and limit=", async () => {
    const page1 = await ok(await call("GET", `/lectures/${id}/chat?limit=1`, tok.studentA));
    assert.equal((page1.items as Json[]).length, 1);
    assert.ok(page1.nextAfter);
    const page2 = await ok(
      await call("GET", `/lectures/${id}/chat?after=${page1.nextAfter}`, tok.studentA),
    );
    assert.equal((page2.items as Json[]).length, 1);
    assert.equal(page2.nextAfter, undefined);
  });

  await t.step("sending too fast gets 429 with Retry-After", async () => {
    let res: Response | undefined;
    for (let i = 0; i < 6; i++) {
      res = await call("POST", `/lectures/${id}/chat`, tok.teacherA, { text: `m${i}` });
      if (res.status !== 201) break;
    }
    assert.equal(res!.status, 429);
    assert.ok(Number(res!.headers.get("retry-after")) > 0);
  });

  await t.step("the teacher turns the students' chat off and on again", async () => {
    await fails(await call("PATCH", `/lectures/${id}`, tok.studentA, { studentChat: false }), 403);
    const off = await ok(
      await call("PATCH", `/lectures/${id}`, tok.teacherA, { studentChat: false }),
    );
    assert.equal(off.studentChat, false);
    const refused = await fails(
      await call("POST", `/lectures/${id}/chat`, tok.studentA, { text: "may I?" }),
      403,
    );
    assert.match(refused.message, /turned off the chat for students/);
    // A student joining now is told so with the token.
    const ticket = await ok(await call("POST", `/lectures/${id}/token`, tok.studentA));
    assert.equal(ticket.studentChat, false);
    await ok(await call("PATCH", `/lectures/${id}`, tok.teacherA, { studentChat: true }));
    await ok(await call("POST", `/lectures/${id}/chat`, tok.studentA, { text: "thanks" }), 201);
    assert.equal(
      (await ok(await call("POST", `/lectures/${id}/token`, tok.studentA))).studentChat,
      true,
    );
  });

  await t.step("outsiders can neither read nor write", async () => {
    await fails(await call("GET", `/lectures/${id}/chat`, tok.studentB), 404);
    await fails(await call("POST", `/lectures/${id}/chat`, tok.otherAdmin, { text: "x" }), 404);
  });

  await t.step("after the lecture the history stays readable and closed to writing", async () => {
    await ok(await call("POST", `/lectures/${id}/end`, tok.teacherA));
    const list = await ok(await call("GET", `/lectures/${id}/chat`, tok.studentA));
    assert.ok((list.items as Json[]).length >= 2);
    await fails(await call("POST", `/lectures/${id}/chat`, tok.studentA, { text: "late" }), 409);
    await fails(await call("PATCH", `/lectures/${id}`, tok.teacherA, { studentChat: false }), 409);
  });
});

Deno.test("lectures: hand queue, stage and moderation rules", async (t) => {
  await using w = await world();
  const { one, tok, call, t: app } = w;
  const s2 = await randomUser(app.kv, one.org.id, "student");
  const { addMemberOps } = await import("@/services/classes/members.ts");
  await addMemberOps(app.kv.atomic(), one.classA.id, s2, "student").commit();
  const tok2 = bearer(await tokenFor(app.kv, s2));
  const lec = await ok(
    await call("POST", `/classes/${one.classA.id}/lectures`, tok.teacherA, {
      title: "Hands",
      startsAt: START,
    }),
    201,
  );
  const id = lec.id as string;

  await t.step("hands cannot go up before the lecture is live", async () => {
    await fails(await call("POST", `/lectures/${id}/hands`, tok.studentA), 409);
    await ok(await call("POST", `/lectures/${id}/open`, tok.teacherA));
  });

  await t.step("hands queue in raise order; raising again keeps the place", async () => {
    assert.equal(
      (await ok(await call("POST", `/lectures/${id}/hands`, tok.studentA), 201)).position,
      1,
    );
    assert.equal((await ok(await call("POST", `/lectures/${id}/hands`, tok2), 201)).position, 2);
    assert.equal(
      (await ok(await call("POST", `/lectures/${id}/hands`, tok.studentA), 201)).position,
      1,
    );
    const q = await ok(await call("GET", `/lectures/${id}/hands`, tok.teacherA));
    assert.equal(q.count, 2);
    assert.deepEqual((q.items as Json[]).map((h) => h.userId), [one.studentA.id, s2.id]);
    const mine = await ok(await call("GET", `/lectures/${id}/hands`, tok2));
    assert.deepEqual(mine, { raised: true, position: 2 });
    await fails(await call("POST", `/lectures/${id}/hands`, tok.teacherA), 403);
  });

  await t.step("a student lowers their own; the teacher dismisses others", async () => {
    await ok(await call("DELETE", `/lectures/${id}/hands`, tok.studentA), 204);
    await fails(await call("DELETE", `/lectures/${id}/hands/${s2.id}`, tok2), 403);
    await ok(await call("DELETE", `/lectures/${id}/hands/${s2.id}`, tok.teacherA), 204);
    const q = await ok(await call("GET", `/lectures/${id}/hands`, tok.teacherA));
    assert.equal(q.count, 0);
  });

  await t.step("stage: only for connected students of the class, only by teachers", async () => {
    const err = await fails(
      await call("POST", `/lectures/${id}/stage/${s2.id}`, tok.teacherA),
      409,
    );
    assert.match(err.message, /not in the lecture/);
    await fails(await call("POST", `/lectures/${id}/stage/${s2.id}`, tok.studentA), 403);
    await fails(await call("POST", `/lectures/${id}/stage/${one.studentB.id}`, tok.teacherA), 404);
    const stage = await ok(await call("GET", `/lectures/${id}/stage`, tok.studentA));
    assert.deepEqual(stage.items, []);
  });

  await t.step("a removed student gets no new token", async () => {
    await ok(await call("POST", `/lectures/${id}/token`, tok2));
    await fails(
      await call("POST", `/lectures/${id}/participants/${s2.id}/remove`, tok.studentA),
      403,
    );
    await ok(await call("POST", `/lectures/${id}/participants/${s2.id}/remove`, tok.teacherA), 204);
    const err = await fails(await call("POST", `/lectures/${id}/token`, tok2), 403);
    assert.match(err.message, /removed you/);
    // Others are unaffected.
    await ok(await call("POST", `/lectures/${id}/token`, tok.studentA));
  });

  await t.step("muting someone who is not connected says so", async () => {
    await fails(
      await call("POST", `/lectures/${id}/participants/${one.studentA.id}/mute`, tok.teacherA),
      409,
    );
  });
});

Deno.test("lectures: without a video server the API says what to set up (503)", async () => {
  await using t = await testApp();
  const { one } = await twoSchools(t.kv);
  const h = bearer(await tokenFor(t.kv, one.teacherA));
  const res = await t.app.request(`/api/v1/classes/${one.classA.id}/lectures`, {
    method: "POST",
    headers: { ...h, "content-type": "application/json" },
    body: JSON.stringify({ title: "No video", startsAt: START }),
  });
  const lec = await res.json();
  assert.equal(res.status, 201, "scheduling works without video");
  const open = await t.app.request(`/api/v1/lectures/${lec.id}/open`, {
    method: "POST",
    headers: h,
  });
  const err = (await open.json()).error;
  assert.equal(open.status, 503);
  assert.match(err.message, /LIVEKIT_URL/);
});

Deno.test("lectures: join passes (the join storm's path)", async (t) => {
  await using w = await world();
  const { one, tok, call, t: app } = w;
  const make = async (title: string) =>
    (await ok(
      await call("POST", `/classes/${one.classA.id}/lectures`, tok.teacherA, {
        title,
        startsAt: START,
      }),
      201,
    )).id as string;
  const id = await make("Storm");
  const other = await make("Other");
  const passOf = async (lectureId: string) =>
    (await ok(await call("GET", `/lectures/${lectureId}`, tok.studentA))).joinPass as string;
  const withPass = (lectureId: string, pass: string) =>
    app.app.request(`/api/v1/lectures/${lectureId}/token`, {
      method: "POST",
      headers: { "x-mirae-join-pass": pass },
    });
  const pass = await passOf(id);

  await t.step("students get a pass with the lecture; teachers do not need one", async () => {
    assert.ok(pass.length > 40);
    const teacherView = await ok(await call("GET", `/lectures/${id}`, tok.teacherA));
    assert.equal(teacherView.joinPass, undefined);
  });

  await t.step("before the lecture opens the pass gets 409", async () => {
    await fails(await withPass(id, pass), 409);
    await ok(await call("POST", `/lectures/${id}/open`, tok.teacherA));
  });

  await t.step("a pass alone (no session) joins, and the join is recorded", async () => {
    const ticket = await ok(await withPass(id, pass));
    assert.equal(ticket.identity, one.studentA.id);
    assert.equal(ticket.role, "student");
    const claims = await new TokenVerifier(w.lk.apiKey, w.lk.apiSecret).verify(
      ticket.token as string,
    );
    assert.equal(claims.video?.room, `lecture-${id}`);
    assert.equal(claims.video?.canPublish, false);
    assert.ok((await listJoins(app.kv, id)).has(one.studentA.id));
  });

  await t.step("a pass for another lecture, a tampered or an expired pass: 401", async () => {
    await fails(await withPass(other, pass), 401);
    const [body, sig] = pass.split(".");
    const forged = JSON.parse(atob(body.replace(/-/g, "+").replace(/_/g, "/")));
    forged.u = one.studentB.id;
    const forgedBody = btoa(JSON.stringify(forged)).replace(/\+/g, "-").replace(/\//g, "_")
      .replace(/=+$/, "");
    await fails(await withPass(id, `${forgedBody}.${sig}`), 401);
    const { issueJoinPass } = await import("@/services/lectures/pass.ts");
    const old = issueJoinPass(app.config.secret!, {
      lectureId: id,
      userId: one.studentA.id,
      name: "x",
      orgId: one.org.id,
      role: "student",
      session: "x",
    }, Date.now() - 5 * 3600_000);
    await fails(await withPass(id, old), 401);
    await fails(await withPass(id, "garbage"), 401);
    // Not base64url at all, in the signature or in the body: 401 too, never a 500.
    await fails(await withPass(id, `${body}.${sig.slice(0, -2)}!*`), 401);
    await fails(await withPass(id, `${body.slice(0, 10)}%$${body.slice(10)}.${sig}`), 401);
  });

  await t.step("removed by the teacher: the pass stops working at once", async () => {
    await ok(
      await call("POST", `/lectures/${id}/participants/${one.studentA.id}/remove`, tok.teacherA),
      204,
    );
    await fails(await withPass(id, pass), 403);
  });

  await t.step("ended: 410", async () => {
    await ok(await call("POST", `/lectures/${id}/end`, tok.teacherA));
    await fails(await withPass(id, pass), 410);
  });
});
