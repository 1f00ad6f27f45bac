import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { BeautifyControls } from "./BeautifyControls.tsx";
import { DEFAULT_BEAUTIFY, mergeSettings, notice } from "./settings.ts";

Deno.test("the defaults: off until switched on, moderate strengths", () => {
  assert.equal(DEFAULT_BEAUTIFY.enabled, false);
  for (const k of ["smoothing", "brightening", "slimming"] as const) {
    assert.ok(DEFAULT_BEAUTIFY[k] > 0 && DEFAULT_BEAUTIFY[k] < 1, k);
  }
  assert.throws(() => (DEFAULT_BEAUTIFY as { enabled: boolean }).enabled = true);
});

Deno.test("mergeSettings clamps strengths and ignores what is not a setting", () => {
  const base = { ...DEFAULT_BEAUTIFY };
  assert.deepEqual(mergeSettings(base, { smoothing: 2, slimming: -1 }), {
    ...base,
    smoothing: 1,
    slimming: 0,
  });
  assert.deepEqual(
    mergeSettings(base, { brightening: NaN, enabled: "yes" as unknown as boolean }),
    base,
  );
  assert.deepEqual(mergeSettings(base, { enabled: true }), { ...base, enabled: true });
});

Deno.test("notices carry a stable kind and a message", () => {
  assert.equal(notice("no-face").kind, "no-face");
  assert.match(notice("model-failed", "404").message, /\(404\)$/);
});

Deno.test("controls: every input has a label; values in percent; notice shown", () => {
  const html = renderToString(
    BeautifyControls({
      settings: { ...DEFAULT_BEAUTIFY, enabled: true, smoothing: 0.55 },
      onChange() {},
      showBefore: false,
      onShowBeforeChange() {},
      notice: notice("no-face"),
      labels: { brightening: "밝게" },
      idPrefix: "t",
    }),
  );
  assert.match(html, /role="switch"[^>]*checked/);
  for (const id of ["t-smoothing", "t-brightening", "t-slimming"]) {
    assert.match(html, new RegExp(`<label for="${id}">`));
    assert.match(html, new RegExp(`id="${id}"`));
  }
  assert.match(html, /<label for="t-brightening">밝게<\/label>/);
  assert.match(html, /value="55"/);
  assert.match(html, /aria-valuetext="55%"/);
  assert.match(html, /role="status"[^>]*>No face found/);
});
