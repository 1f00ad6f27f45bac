import assert from "node:assert/strict";
import { advanceBuild, type BuildProgress } from "./local.ts";
import { LiveKitLink } from "./link.ts";

const start: BuildProgress = {
  step: "downloading",
  modules: 0,
  packages: 0,
  startedAt: new Date().toISOString(),
};

Deno.test("[livekit] a first-run build's progress is read from go install -v", () => {
  // Lines as Go 1.26 prints them (checked on a real `go install -v`).
  const output = [
    "go: downloading github.com/livekit/livekit-server v1.13.5",
    "go: downloading github.com/pion/webrtc/v4 v4.1.4",
    "",
    "internal/goarch",
    "runtime",
    "github.com/pion/rtp",
    "github.com/livekit/livekit-server/pkg/rtc",
    "gopkg.in/yaml.v3",
    "# github.com/some/pkg",
    "note: module requires Go 1.24",
  ];
  const p = output.reduce(advanceBuild, start);
  assert.equal(p.modules, 2);
  assert.equal(p.packages, 5);
  assert.equal(p.step, "building");
  assert.equal(p.startedAt, start.startedAt);
});

Deno.test("[livekit] a link that waits for a build says how far it is, then is ready", () => {
  const link = new LiveKitLink();
  const build = { ...start, step: "building" as const, modules: 120, packages: 340 };
  link.fail("starting", "being installed", build);
  assert.deepEqual(link.status(), { state: "starting", message: "being installed", build });
  assert.throws(() => link.require(), /being installed/);
  link.connect({ url: "http://127.0.0.1:9", apiKey: "k", apiSecret: "s".repeat(32) });
  assert.deepEqual(link.status(), { state: "ready" });
  assert.equal(link.require().url, "ws://127.0.0.1:9");
});
