/**
 * The recorder's own Go tests (media/internal/record: RTP timestamps across the 32-bit wrap,
 * VP8 keyframe headers, the WebM Duration rewritten in place and the Cues of a clean close),
 * run with `go test` like the rest of the suite. scripts/setup.ts has built media/ already, so
 * Go and its modules are here.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { findGo } from "@/services/livekit/local.ts";

Deno.test("[recordings] the recorder's Go tests pass (go test ./... in media/)", async () => {
  const go = await findGo();
  assert.ok(go, "Go is needed to build and test the recorder (scripts/setup.ts builds it)");
  const out = await new Deno.Command(go, {
    args: ["test", "-count=1", "./..."],
    cwd: fileURLToPath(new URL("../media", import.meta.url)),
    env: { GOFLAGS: "-mod=mod" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.ok(out.success, text);
  assert.match(text, /^ok\s+github\.com\/mirae\/media\/internal\/record/m);
});
