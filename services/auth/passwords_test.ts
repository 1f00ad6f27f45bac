import assert from "node:assert/strict";
import { hashPassword, needsRehash, PBKDF2_ITERATIONS, verifyPassword } from "./passwords.ts";

Deno.test("[auth] passwords - new hashes use PBKDF2-SHA256 at 600,000 iterations", async () => {
  assert.ok(PBKDF2_ITERATIONS >= 600_000);
  const hash = await hashPassword("s3cret passphrase");
  const [scheme, iter, salt, digest] = hash.split("$");
  assert.equal(scheme, "pbkdf2-sha256");
  assert.equal(Number(iter), PBKDF2_ITERATIONS);
  assert.equal(atob(salt).length, 16);
  assert.equal(atob(digest).length, 32);
  assert.equal(needsRehash(hash), false);
});

Deno.test("[auth] passwords - verify accepts the right password only", async () => {
  const hash = await hashPassword("right one", 1000);
  assert.equal(await verifyPassword("right one", hash), true);
  assert.equal(await verifyPassword("right onE", hash), false);
  assert.equal(await verifyPassword("", hash), false);
});

Deno.test("[auth] passwords - same password, different salts", async () => {
  const a = await hashPassword("same", 1000);
  const b = await hashPassword("same", 1000);
  assert.notEqual(a, b);
});

Deno.test("[auth] passwords - weak or malformed hashes", async () => {
  const weak = await hashPassword("pw", 1000);
  assert.equal(needsRehash(weak), true);
  for (
    const bad of [
      "",
      "plain",
      "md5$1$abc$def",
      "pbkdf2-sha256$0$AAAA$AAAA",
      "pbkdf2-sha256$x$AAAA$AAAA",
    ]
  ) {
    assert.equal(await verifyPassword("pw", bad), false, bad);
  }
});
