import assert from "node:assert/strict";
import { FaceLandmarker } from "@mediapipe/tasks-vision";
import {
  cropRect,
  FACE_OVAL,
  faceFrame,
  JAW_PULL,
  LEFT_BROW,
  LEFT_EYE,
  LIPS,
  MAX_SLIM,
  MESH_POINTS,
  outlineTriangles,
  RIGHT_BROW,
  RIGHT_EYE,
  slimmingControls,
  smoothLandmarks,
  warpSource,
} from "./geometry.ts";

/** A synthetic face: points on an ellipse (oval), eyes and lips where a face has them. */
function syntheticFace(cx = 0.5, cy = 0.5, rx = 0.15, ry = 0.2): Float32Array {
  const lm = new Float32Array(MESH_POINTS * 2).map((_, i) => (i % 2 ? cy : cx));
  const ring = (ids: number[], x: number, y: number, ax: number, ay: number) =>
    ids.forEach((i, k) => {
      const a = (2 * Math.PI * k) / ids.length - Math.PI / 2;
      lm[2 * i] = x + ax * Math.cos(a);
      lm[2 * i + 1] = y + ay * Math.sin(a);
    });
  ring(FACE_OVAL, cx, cy, rx, ry);
  ring(RIGHT_EYE, cx - rx * 0.4, cy - ry * 0.2, rx * 0.15, ry * 0.05);
  ring(LEFT_EYE, cx + rx * 0.4, cy - ry * 0.2, rx * 0.15, ry * 0.05);
  ring(RIGHT_BROW, cx - rx * 0.4, cy - ry * 0.35, rx * 0.2, ry * 0.03);
  ring(LEFT_BROW, cx + rx * 0.4, cy - ry * 0.35, rx * 0.2, ry * 0.03);
  ring(LIPS, cx, cy + ry * 0.5, rx * 0.3, ry * 0.08);
  // The cheek points at ear height (234, 454) are on the oval already.
  return lm;
}

function connections(name: string): Set<string> {
  const list = (FaceLandmarker as unknown as Record<string, { start: number; end: number }[]>)[
    name
  ];
  return new Set(list.flatMap((c) => [`${c.start}-${c.end}`, `${c.end}-${c.start}`]));
}

Deno.test("outlines follow MediaPipe's own face-mesh connections", () => {
  const cases: [number[], string, number][] = [
    // outline, connection set, edges allowed to be missing (the two joins of a brow's lines)
    [FACE_OVAL, "FACE_LANDMARKS_FACE_OVAL", 0],
    [RIGHT_EYE, "FACE_LANDMARKS_RIGHT_EYE", 0],
    [LEFT_EYE, "FACE_LANDMARKS_LEFT_EYE", 0],
    [LIPS, "FACE_LANDMARKS_LIPS", 0],
    [RIGHT_BROW, "FACE_LANDMARKS_RIGHT_EYEBROW", 2],
    [LEFT_BROW, "FACE_LANDMARKS_LEFT_EYEBROW", 2],
  ];
  for (const [outline, name, gaps] of cases) {
    const edges = connections(name);
    const missing = outline.filter((i, k) =>
      !edges.has(`${i}-${outline[(k + 1) % outline.length]}`)
    );
    assert.equal(missing.length, gaps, `${name}: ${missing.join(", ")}`);
  }
  for (const [i] of JAW_PULL) assert.ok(FACE_OVAL.includes(i), `jaw point ${i} is on the oval`);
});

Deno.test("faceFrame: centre, width and eye axis of a face", () => {
  const f = faceFrame(syntheticFace(), 640, 480);
  assert.ok(Math.abs(f.center.x - 320) < 1 && Math.abs(f.center.y - 240) < 1);
  assert.ok(f.width > 150 && f.width < 200, `width ${f.width}`);
  assert.ok(Math.abs(f.axis.x - 1) < 1e-6 && Math.abs(f.axis.y) < 1e-6, "eyes level");
  assert.ok(f.box.x0 < 320 && f.box.x1 > 320 && f.box.y0 < 240 && f.box.y1 > 240);
});

Deno.test("cropRect has the asked aspect and holds the face with a margin", () => {
  const f = faceFrame(syntheticFace(), 640, 480);
  const c = cropRect(f, 640, 480, 0.8);
  assert.ok(Math.abs((c.w * 640) / (c.h * 480) - 0.8) < 1e-9);
  assert.ok(c.x * 640 < f.box.x0 && (c.x + c.w) * 640 > f.box.x1);
  assert.ok(c.y * 480 < f.box.y0 && (c.y + c.h) * 480 > f.box.y1);
});

Deno.test("outlineTriangles fan out from the centre, grown about it", () => {
  const lm = syntheticFace();
  const t1 = outlineTriangles(lm, RIGHT_EYE, 1);
  const t2 = outlineTriangles(lm, RIGHT_EYE, 2);
  assert.equal(t1.length, RIGHT_EYE.length * 6);
  const [cx, cy] = [t1[0], t1[1]];
  assert.deepEqual([t2[0], t2[1]], [cx, cy]);
  const r1 = Math.hypot(t1[2] - cx, t1[3] - cy), r2 = Math.hypot(t2[2] - cx, t2[3] - cy);
  assert.ok(Math.abs(r2 / r1 - 2) < 1e-5);
});

Deno.test("slimming pulls the jaw towards the face's axis, nothing at strength 0", () => {
  const lm = syntheticFace();
  const f = faceFrame(lm, 640, 480);
  const none = slimmingControls(lm, 640, 480, 0);
  assert.ok(none.points.every((v, k) => k % 4 < 2 || v === 0));
  const c = slimmingControls(lm, 640, 480, 1);
  for (let k = 0; k < c.points.length; k += 4) {
    const [x, , dx, dy] = c.points.subarray(k, k + 4);
    assert.ok(Math.sign(dx) === -Math.sign(x - f.center.x), "towards the middle");
    assert.ok(Math.abs(dy) < 1e-9, "horizontal for a level face");
    assert.ok(Math.abs(dx) <= MAX_SLIM * f.width + 1e-9);
  }
  // Content at a control point appears where it was pulled to.
  const k = JAW_PULL.findIndex(([i]) => i === 172) * 4;
  const [x, y, dx, dy] = c.points.subarray(k, k + 4);
  const src = warpSource(c, x + dx, y + dy);
  assert.ok(Math.hypot(src.x - x, src.y - y) < Math.abs(dx) * 0.35, "close to the jaw point");
  // Far from the jaw (the eyes, the background) nothing moves.
  for (const i of [...RIGHT_EYE, ...LEFT_EYE]) {
    const p = { x: lm[2 * i] * 640, y: lm[2 * i + 1] * 480 };
    assert.deepEqual(warpSource(c, p.x, p.y), p);
  }
  assert.deepEqual(warpSource(c, 5, 5), { x: 5, y: 5 });
});

Deno.test("smoothLandmarks: steady when still, follows a moving face", () => {
  const a = syntheticFace(0.5, 0.5);
  const jitter = a.map((v, i) => v + (i % 2 ? 0.001 : -0.001));
  const held = smoothLandmarks(a, jitter);
  assert.ok(Math.abs(held[0] - a[0]) < 0.0006, "small jitter mostly ignored");
  const moved = syntheticFace(0.6, 0.5);
  const followed = smoothLandmarks(a, moved);
  assert.ok(Math.abs(followed[0] - moved[0]) < 1e-6, "a big move is followed at once");
  assert.deepEqual(smoothLandmarks(null, a), a);
});
