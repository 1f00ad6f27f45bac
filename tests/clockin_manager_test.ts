import assert from "node:assert/strict";
import { parseCsv } from "@/services/csv/csv.ts";
import { dayOf } from "@/services/clockin/days.ts";
import { CorrectionSchema, PunchSchema } from "@/services/clockin/model.ts";
import { listNotifications } from "@/services/notifications/notifications.ts";
import type { User } from "@/services/orgs/users.ts";
import { bearer, testApp, tokenFor } from "./helpers.ts";
import { addDays, clockinCompany, mondayBefore, writePunch } from "./clockin_manager_fixtures.ts";

const TZ = "Asia/Seoul";

async function call(
  t: Awaited<ReturnType<typeof testApp>>,
  user: User,
  path: string,
  init: { method?: string; body?: unknown; lang?: string } = {},
) {
  const headers: Record<string, string> = bearer(await tokenFor(t.kv, user));
  if (init.body !== undefined) headers["content-type"] = "application/json";
  if (init.lang) headers["accept-language"] = init.lang;
  return await t.app.request(path, {
    method: init.method ?? "GET",
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

Deno.test("board API: employees 403, another org's department 404, managers see theirs and below", async () => {
  await using t = await testApp();
  const w = await clockinCompany(t.kv);
  const other = await clockinCompany(t.kv);
  const today = dayOf(new Date(), TZ);
  await writePunch(t.kv, w.org, w.ann.id, today, "00:00");

  const employee = await call(t, w.ann, "/api/v1/clockin/board");
  assert.equal(employee.status, 403);
  await employee.body?.cancel();
  const foreign = await call(t, other.boss, `/api/v1/clockin/board?department=${w.eng.id}`);
  assert.equal(foreign.status, 404);
  await foreign.body?.cancel();
  const above = await call(t, w.lead, `/api/v1/clockin/board?department=${w.eng.id}`);
  assert.equal(above.status, 403);
  await above.body?.cancel();

  const boss = await call(t, w.boss, "/api/v1/clockin/board");
  assert.equal(boss.status, 200);
  assert.match(boss.headers.get("content-type") ?? "", /application\/json/);
  const board = await boss.json();
  assert.deepEqual(board.items.map((r: { name: string }) => r.name), [
    "Ann",
    "Bob",
    "Boss",
    "Lead",
  ]);
  assert.equal(board.items[0].firstIn, zoned(today, "00:00"));
  assert.equal(board.counts.in, 1);
  const sal = await (await call(t, w.sal, "/api/v1/clockin/board")).json();
  assert.deepEqual(sal.items.map((r: { name: string }) => r.name), ["Cy", "Sal"]);
  const bad = await call(t, w.boss, "/api/v1/clockin/board?day=2026-02-30");
  assert.equal(bad.status, 400);
  assert.deepEqual((await bad.json()).error.details[0].path, ["day"]);
});

function zoned(day: string, time: string): string {
  const [h, m] = time.split(":").map(Number);
  return new Date(Date.parse(`${day}T00:00:00+09:00`) + (h * 60 + m) * 60_000).toISOString();
}

Deno.test("sheet CSV: BOM, headers in the asker's language, a row per person-day and totals, formula-safe", async () => {
  await using t = await testApp();
  const w = await clockinCompany(t.kv);
  // A name that a spreadsheet would run as a formula.
  await t.kv.set(["class_members", w.platform.id, w.bob.id], {
    ...(await t.kv.get<Record<string, unknown>>(["class_members", w.platform.id, w.bob.id])).value,
    name: '=HYPERLINK("http://x")',
  });
  const mon = mondayBefore(new Date(), TZ, 5);
  const month = mon.slice(0, 7);
  await writePunch(t.kv, w.org, w.ann.id, mon, "09:12");
  await writePunch(t.kv, w.org, w.ann.id, mon, "18:00", { kind: "out" });
  await writePunch(t.kv, w.org, w.ann.id, addDays(mon, 1), "09:00", { verdict: "outside" });

  const res = await call(
    t,
    w.lead,
    `/api/v1/clockin/sheet.csv?month=${month}&department=${w.platform.id}`,
    {
      lang: "ko",
    },
  );
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/csv; charset=utf-8");
  assert.match(res.headers.get("content-disposition") ?? "", /attendance-Platform-/);
  const bytes = new Uint8Array(await res.arrayBuffer());
  assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = new TextDecoder().decode(bytes);
  const rows = parseCsv(text).map((r) => r.fields);
  assert.equal(rows[0][0], "이름");
  assert.equal(rows[0][9], "지각(분)");
  const days = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5)), 0))
    .getUTCDate();
  // Three people (Ann, the formula name, Lead), each: every day of the month, then a total.
  assert.equal(rows.length, 1 + 3 * (days + 1));
  const ann = rows.filter((r) => r[0] === "Ann");
  const monRow = ann.find((r) => r[3] === mon)!;
  assert.equal(monRow[5], "지각");
  assert.equal(monRow[6], "09:12");
  assert.equal(monRow[9], "12");
  const total = ann.at(-1)!;
  assert.equal(total[3], "합계");
  assert.equal(total[9], "12");
  assert.equal(total[13], "1"); // the outside punch
  assert.ok(rows.some((r) => r[0] === '\'=HYPERLINK("http://x")'), "formula neutralized");
  assert.ok(!rows.some((r) => r[0] === "Cy"), "Sales is not in Platform's sheet");

  const employee = await call(t, w.ann, `/api/v1/clockin/sheet.csv?month=${month}`);
  assert.equal(employee.status, 403);
  await employee.body?.cancel();
  const badMonth = await call(t, w.lead, "/api/v1/clockin/sheet.csv?month=2026-13");
  assert.equal(badMonth.status, 400);
  await badMonth.body?.cancel();
});

Deno.test("corrections: punch and correction in one commit, seen by the person; 403/404 for others", async () => {
  await using t = await testApp();
  const w = await clockinCompany(t.kv);
  const other = await clockinCompany(t.kv);
  const mon = mondayBefore(new Date(), TZ);
  const p = await writePunch(t.kv, w.org, w.ann.id, mon, "09:40");

  const add = await call(t, w.lead, "/api/v1/clockin/corrections", {
    method: "POST",
    body: {
      action: "add",
      userId: w.ann.id,
      day: mon,
      kind: "in",
      time: "08:59",
      reason: "Badge reader down",
    },
  });
  assert.equal(add.status, 201);
  const added = CorrectionSchema.parse(await add.json());
  assert.equal(added.after?.source, "correction");
  assert.equal(added.before, undefined);
  const stored = await t.kv.get(["punches", w.org.id, mon, w.ann.id, added.after!.id]);
  assert.deepEqual(PunchSchema.parse(stored.value), added.after);

  const remove = await call(t, w.boss, "/api/v1/clockin/corrections", {
    method: "POST",
    body: { action: "remove", userId: w.ann.id, day: mon, punchId: p.id, reason: "Duplicate" },
  });
  assert.equal(remove.status, 201);
  const removed = CorrectionSchema.parse(await remove.json());
  assert.equal(removed.before?.undoneAt, undefined);
  assert.ok(removed.after?.undoneAt);
  const again = await call(t, w.boss, "/api/v1/clockin/corrections", {
    method: "POST",
    body: { action: "remove", userId: w.ann.id, day: mon, punchId: p.id, reason: "Duplicate" },
  });
  assert.equal(again.status, 409);
  await again.body?.cancel();

  const list = await (await call(
    t,
    w.lead,
    `/api/v1/clockin/corrections?userId=${w.ann.id}&month=${mon.slice(0, 7)}`,
  )).json();
  assert.deepEqual(list.items.map((c: { reason: string }) => c.reason), [
    "Badge reader down",
    "Duplicate",
  ]);
  const notes = await listNotifications(t.kv, w.ann.id);
  assert.equal(notes.items.filter((n) => n.kind === "clockin").length, 2);
  // The person sees the change history with their own records.
  const me = await (await call(t, w.ann, `/api/v1/clockin/me?month=${mon.slice(0, 7)}`)).json();
  assert.deepEqual(me.corrections.map((c: { id: string }) => c.id), [added.id, removed.id]);

  // Sal manages Sales, not Ann: 403; another company's manager: 404; an employee: 403.
  for (const [who, status] of [[w.sal, 403], [other.boss, 404], [w.bob, 403]] as const) {
    const res = await call(t, who, "/api/v1/clockin/corrections", {
      method: "POST",
      body: { action: "add", userId: w.ann.id, day: mon, kind: "out", time: "18:00", reason: "x" },
    });
    assert.equal(res.status, status, who.name);
    await res.body?.cancel();
  }
  const noReason = await call(t, w.lead, "/api/v1/clockin/corrections", {
    method: "POST",
    body: { action: "add", userId: w.ann.id, day: mon, kind: "out", time: "18:00", reason: " " },
  });
  assert.equal(noReason.status, 400);
  assert.deepEqual((await noReason.json()).error.details[0].path, ["reason"]);
});

Deno.test("makeup requests: deadline 400, monthly limit 409, approval writes punch + correction + notice", async () => {
  await using t = await testApp();
  const w = await clockinCompany(t.kv, { makeupPerMonth: 2, makeupDeadlineDays: 3 });
  const other = await clockinCompany(t.kv);
  const today = dayOf(new Date(), TZ);
  const yesterday = addDays(today, -1);
  const ask = (user: User, day: string, at = "09:00") =>
    call(t, user, "/api/v1/clockin/makeup", {
      method: "POST",
      body: { day, punchKind: "in", at, reason: "Forgot my phone" },
    });

  const late = await ask(w.ann, addDays(today, -4));
  assert.equal(late.status, 400);
  const lateBody = await late.json();
  assert.deepEqual(lateBody.error.details[0].path, ["day"]);
  assert.match(lateBody.error.message, /up to 3 days/);
  const future = await ask(w.ann, addDays(today, 1));
  assert.equal(future.status, 400);
  await future.body?.cancel();

  const first = await ask(w.ann, yesterday);
  assert.equal(first.status, 201);
  const req1 = await first.json();
  assert.equal(req1.status, "pending");
  assert.equal(req1.kind, "makeup");
  const second = await ask(w.ann, yesterday, "18:00");
  assert.equal(second.status, 201);
  const req2 = await second.json();
  const third = await ask(w.ann, yesterday, "12:00");
  assert.equal(third.status, 409);
  assert.match((await third.json()).error.message, /all 2 makeup requests/);

  // The pending list: Lead (Platform) sees it, Sal (Sales) does not; an employee may not decide.
  const pending = await (await call(t, w.lead, "/api/v1/clockin/makeup/pending")).json();
  assert.deepEqual(pending.items.map((r: { id: string }) => r.id), [req1.id, req2.id]);
  assert.equal(pending.items[0].requesterName, "Ann");
  const salList = await (await call(t, w.sal, "/api/v1/clockin/makeup/pending")).json();
  assert.equal(salList.items.length, 0);
  for (const [who, status] of [[w.bob, 403], [w.sal, 403], [other.admin, 404]] as const) {
    const res = await call(t, who, `/api/v1/clockin/makeup/${req1.id}/approve`, {
      method: "POST",
      body: {},
    });
    assert.equal(res.status, status, who.name);
    await res.body?.cancel();
  }

  const ok = await call(t, w.lead, `/api/v1/clockin/makeup/${req1.id}/approve`, {
    method: "POST",
    body: { note: "Fine" },
  });
  assert.equal(ok.status, 200);
  const approved = await ok.json();
  assert.equal(approved.status, "approved");
  assert.equal(approved.decisionNote, "Fine");
  const punches = [];
  for await (const e of t.kv.list({ prefix: ["punches", w.org.id, yesterday, w.ann.id] })) {
    punches.push(PunchSchema.parse(e.value));
  }
  assert.equal(punches.length, 1);
  assert.equal(punches[0].source, "makeup");
  assert.equal(punches[0].at, req1.payload.at);
  const corrections = [];
  for await (const e of t.kv.list({ prefix: ["punch_corrections", w.org.id, w.ann.id] })) {
    corrections.push(CorrectionSchema.parse(e.value));
  }
  assert.equal(corrections.length, 1);
  assert.deepEqual(corrections[0].after, punches[0]);
  const twice = await call(t, w.lead, `/api/v1/clockin/makeup/${req1.id}/approve`, {
    method: "POST",
  });
  assert.equal(twice.status, 409);
  await twice.body?.cancel();

  // A rejection gives the month's place back.
  const no = await call(t, w.boss, `/api/v1/clockin/makeup/${req2.id}/reject`, {
    method: "POST",
    body: { note: "No" },
  });
  assert.equal(no.status, 200);
  assert.equal((await no.json()).status, "rejected");
  const fourth = await ask(w.ann, yesterday, "12:30");
  assert.equal(fourth.status, 201);
  await fourth.body?.cancel();
  const notes = await listNotifications(t.kv, w.ann.id);
  const titles = notes.items.filter((n) => n.kind === "clockin").map((n) => n.title);
  assert.ok(
    titles.some((x) => x.includes("approved")) && titles.some((x) => x.includes("rejected")),
  );
  const mine = await (await call(t, w.ann, `/api/v1/clockin/makeup?month=${yesterday.slice(0, 7)}`))
    .json();
  assert.equal(mine.items.length, 3);
  const extra = await call(t, w.ann, "/api/v1/clockin/makeup", {
    method: "POST",
    body: { day: yesterday, punchKind: "in", at: "09:00", reason: "x", userId: w.bob.id },
  });
  assert.equal(extra.status, 400);
  await extra.body?.cancel();
});

Deno.test("makeup requests: 403 while clock-in is off", async () => {
  await using t = await testApp();
  const w = await clockinCompany(t.kv, { enabled: false });
  const res = await call(t, w.ann, "/api/v1/clockin/makeup", {
    method: "POST",
    body: { day: dayOf(new Date(), TZ), punchKind: "in", at: "00:00", reason: "x" },
  });
  assert.equal(res.status, 403);
  await res.body?.cancel();
});

Deno.test("pages: the board, a person's sheet and the makeup page render for those allowed", async () => {
  await using t = await testApp();
  const w = await clockinCompany(t.kv);
  const mon = mondayBefore(new Date(), TZ);
  await writePunch(t.kv, w.org, w.ann.id, mon, "09:30");
  const { browserSessionFor } = await import("./helpers.ts");
  const page = async (user: User, path: string) => {
    const s = await browserSessionFor(t.kv, user);
    return await t.app.request(path, { headers: { cookie: s.cookie } });
  };
  const board = await page(w.boss, "/workspace/attendance");
  assert.equal(board.status, 200);
  assert.match(await board.text(), /AttendanceBoard/);
  const sheet = await page(w.boss, `/workspace/attendance/${w.ann.id}?month=${mon.slice(0, 7)}`);
  assert.equal(sheet.status, 200);
  const html = await sheet.text();
  assert.match(html, new RegExp(`data-day="${mon}"`));
  assert.match(html, /data-total="lateMinutes">30 \(1\)/);
  const employee = await page(w.ann, "/workspace/attendance");
  assert.equal(employee.status, 403);
  await employee.body?.cancel();
  const notTheirs = await page(w.sal, `/workspace/attendance/${w.ann.id}`);
  assert.equal(notTheirs.status, 403);
  await notTheirs.body?.cancel();
  const makeup = await page(w.ann, "/workspace/clockin/makeup");
  assert.equal(makeup.status, 200);
  await makeup.body?.cancel();
});
