import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { hmacSha256 } from "./hmac.ts";

Deno.test("[auth] hmac - matches createHmac for short, block-sized and long keys", () => {
  for (const secret of ["k", "x".repeat(64), "long-".repeat(30), "비밀-秘密"]) {
    for (const msg of ["", "header.payload", "한국어 message".repeat(50)]) {
      assert.equal(
        hmacSha256(secret)(msg).toString("hex"),
        createHmac("sha256", secret).update(msg).digest("hex"),
        `${secret.length}-char key, ${msg.length}-char message`,
      );
    }
  }
});
