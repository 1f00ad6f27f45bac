/**
 * The sign-in pages say a refusal in the reader's language (the API keeps English).
 */
import assert from "node:assert/strict";
import { randomOrg, randomUser, testApp } from "./helpers.ts";

const form = (fields: Record<string, string>, lang: string) => ({
  method: "POST",
  headers: {
    "content-type": "application/x-www-form-urlencoded",
    cookie: `mirae_lang=${lang}`,
  },
  body: new URLSearchParams(fields).toString(),
});

Deno.test("[signin] a wrong password and the throttle are said in Korean and Chinese on the page", async () => {
  await using t = await testApp();
  const org = await randomOrg(t.kv);
  const u = await randomUser(t.kv, org.id, "student");
  const cases = [
    {
      lang: "ko",
      wrong: "이메일, 학번 또는 비밀번호가 맞지 않습니다.",
      many: "로그인 시도가 너무 많습니다.",
    },
    { lang: "zh", wrong: "邮箱、学号或密码不正确。", many: "登录尝试次数过多" },
  ];
  for (const c of cases) {
    const res = await t.app.request(
      "/signin",
      form({ login: u.email!, password: "nope nope" }, c.lang),
    );
    assert.equal(res.status, 401);
    const html = await res.text();
    assert.ok(html.includes(c.wrong), c.lang);
    assert.ok(!html.includes("is not right"), "no English on the page");
  }
  // 5 failures per account: the next attempts are throttled, in the reader's language.
  for (let i = 0; i < 5; i++) {
    await t.app.request("/signin", form({ login: u.email!, password: "nope nope" }, "ko"));
  }
  for (const c of cases) {
    const res = await t.app.request("/signin", form({ login: u.email!, password: "x" }, c.lang));
    assert.equal(res.status, 429);
    const html = await res.text();
    assert.ok(html.includes(c.many), html.slice(0, 200));
    assert.ok(!html.includes("Too many"), "no English on the page");
  }
  // The code sign-in page too.
  const code = await t.app.request(
    "/signin/code",
    form({ login: u.email!, code: "ABCD-EFGH" }, "zh"),
  );
  assert.equal(code.status, 429);
  assert.ok((await code.text()).includes("登录尝试次数过多"));
});
