/**
 * The build side of the filter (scripts/beautify_assets.ts): TFLite metadata and the landmark
 * model's widened output, read back from the patched bytes; the stored zip of the `.task`
 * bundle; and that preparing the assets twice is cheap. (That the patched models load and find
 * faces is checked in Chromium by tests/browser/beautify_test.ts.)
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  BEAUTIFY_ASSETS_DIR,
  crc32,
  ensureBeautifyAssets,
  fbRoot,
  FbTable,
  patchTflite,
  storedZip,
} from "@/scripts/beautify_assets.ts";

const MODULES = fileURLToPath(new URL("../../node_modules/@mediapipe/", import.meta.url));

/** The ModelMetadata of a patched model: its input normalisation. */
function readNormalization(model: Uint8Array): { mean: number; std: number } {
  const root = fbRoot(model);
  const [entry] = root.tables(6).map((p) => new FbTable(root.bb, p));
  assert.equal(entry.string(0), "TFLITE_METADATA");
  const buffer = new FbTable(root.bb, root.tables(4)[entry.uint(1)]);
  const v = buffer.ref(0);
  const meta = model.slice(v + 4, v + 4 + root.bb.readUint32(v));
  assert.equal(new TextDecoder().decode(meta.subarray(4, 8)), "M001");
  const m = fbRoot(meta);
  const subgraph = new FbTable(m.bb, m.tables(3)[0]);
  const tensor = new FbTable(m.bb, subgraph.tables(2)[0]);
  const unit = new FbTable(m.bb, tensor.tables(4)[0]);
  assert.equal(unit.byte(0), 1, "NormalizationOptions");
  const norm = unit.table(1)!;
  return { mean: m.bb.readFloat32(norm.ref(0) + 4), std: m.bb.readFloat32(norm.ref(1) + 4) };
}

Deno.test("patchTflite adds the image metadata Tasks asks for, keeping the model", async () => {
  const original = await Deno.readFile(
    join(MODULES, "face_detection", "face_detection_short_range.tflite"),
  );
  const patched = patchTflite(original, { mean: 127.5, std: 127.5 });
  assert.equal(new TextDecoder().decode(patched.subarray(4, 8)), "TFL3");
  assert.deepEqual(readNormalization(patched), { mean: 127.5, std: 127.5 });
  // The original bytes follow the new header unchanged, 16-byte aligned.
  const at = patched.length - original.length;
  assert.equal(at % 16, 0);
  assert.deepEqual(patched.subarray(at), original);
  const before = fbRoot(original), after = fbRoot(patched);
  assert.equal(after.tables(2).length, before.tables(2).length, "same subgraphs");
  assert.equal(after.tables(4).length, before.tables(4).length + 1, "one more buffer");
  assert.throws(() => patchTflite(patched, { mean: 0, std: 1 }), /already has metadata/);
  assert.throws(() => patchTflite(new Uint8Array(64), { mean: 0, std: 1 }), /not a TFLite/);
});

Deno.test("patchTflite widens the landmark output from 468 to 478 points", async () => {
  const packed = await Deno.readFile(
    join(MODULES, "face_mesh", "face_mesh_solution_packed_assets.data"),
  );
  const patched = patchTflite(packed.slice(2495952, 3737848), {
    mean: 0,
    std: 255,
    widenOutput: { from: 1404, to: 1434, fill: [96, 96, 0] },
  });
  assert.deepEqual(readNormalization(patched), { mean: 0, std: 255 });
  const root = fbRoot(patched);
  const subgraph = new FbTable(root.bb, root.tables(2)[0]);
  const tensors = subgraph.tables(0).map((p) => new FbTable(root.bb, p));
  const outputs = subgraph.ints(2);
  assert.deepEqual(tensors[outputs[0]].ints(0), [1, 1, 1, 1434]);
  assert.deepEqual(tensors[outputs[1]].ints(0), [1, 1, 1, 1], "face presence unchanged");
  const ops = subgraph.tables(3).map((p) => new FbTable(root.bb, p));
  const last = ops.at(-1)!;
  const code = new FbTable(root.bb, root.tables(1)[last.uint(0)]);
  assert.equal(code.uint(3), 2, "CONCATENATION");
  assert.deepEqual(last.ints(2), [outputs[0]]);
  // Its constant input holds the fill points.
  const fill = tensors[last.ints(1)[1]];
  const data = new FbTable(root.bb, root.tables(4)[fill.uint(2)]).ref(0);
  assert.equal(root.bb.readUint32(data), 30 * 4);
  assert.deepEqual([0, 1, 2, 3].map((k) => root.bb.readFloat32(data + 4 + 4 * k)), [96, 96, 0, 96]);
});

Deno.test("storedZip: readable headers, right CRCs, 16-byte aligned data", () => {
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
  const a = new TextEncoder().encode("first file");
  const b = new Uint8Array(1000).map((_, i) => i % 251);
  const zip = storedZip([{ name: "a.tflite", data: a }, { name: "bb.tflite", data: b }]);
  const view = new DataView(zip.buffer);
  // End of central directory: two entries.
  const end = zip.length - 22;
  assert.equal(view.getUint32(end, true), 0x06054b50);
  assert.equal(view.getUint16(end + 10, true), 2);
  let p = view.getUint32(end + 16, true);
  for (const [name, data] of [["a.tflite", a], ["bb.tflite", b]] as const) {
    assert.equal(view.getUint32(p, true), 0x02014b50);
    assert.equal(view.getUint32(p + 16, true), crc32(data));
    const nameLen = view.getUint16(p + 28, true);
    assert.equal(new TextDecoder().decode(zip.subarray(p + 46, p + 46 + nameLen)), name);
    const local = view.getUint32(p + 42, true);
    assert.equal(view.getUint32(local, true), 0x04034b50);
    assert.equal(view.getUint16(local + 8, true), 0, "stored");
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    assert.equal(start % 16, 0);
    assert.deepEqual(zip.subarray(start, start + data.length), data);
    p += 46 + nameLen;
  }
});

Deno.test("ensureBeautifyAssets prepares static/vendor/mediapipe once", async () => {
  await ensureBeautifyAssets();
  const files = [
    "wasm/vision_wasm_internal.js",
    "wasm/vision_wasm_internal.wasm",
    "face_detector.tflite",
    "face_landmarker.task",
  ];
  const stats = await Promise.all(files.map((f) => Deno.stat(join(BEAUTIFY_ASSETS_DIR, f))));
  assert.ok(stats.every((s) => s.size > 1000));
  const started = performance.now();
  await ensureBeautifyAssets();
  assert.ok(performance.now() - started < 200, "a second call only checks");
  const again = await Deno.stat(join(BEAUTIFY_ASSETS_DIR, "face_landmarker.task"));
  assert.equal(again.mtime?.getTime(), stats[3].mtime?.getTime(), "not rewritten");
});
