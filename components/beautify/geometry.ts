/**
 * Face geometry for the beautify filter, from MediaPipe face-mesh landmarks: the regions of the
 * skin mask, the crop the smoothing runs in, the slimming warp's control points, and the
 * smoothing of landmarks from one detection to the next. Pure functions (no DOM), so they are
 * unit-tested in Deno.
 * @module
 */

/** Landmarks of one face, normalised to the frame (x, y in 0..1, y down): x0, y0, x1, y1, ... */
export type Landmarks = Float32Array;

const ids = (list: string) => list.split(" ").map(Number);

/** Face-mesh indexes of closed outlines, in order around each shape. */
export const FACE_OVAL = ids(
  "10 338 297 332 284 251 389 356 454 323 361 288 397 365 379 378 400 377 152 148 176 149 150 " +
    "136 172 58 132 93 234 127 162 21 54 103 67 109",
);
export const RIGHT_EYE = ids("33 7 163 144 145 153 154 155 133 173 157 158 159 160 161 246");
export const LEFT_EYE = ids("263 249 390 373 374 380 381 382 362 398 384 385 386 387 388 466");
export const RIGHT_BROW = ids("46 53 52 65 55 107 66 105 63 70");
export const LEFT_BROW = ids("276 283 282 295 285 336 296 334 293 300");
export const LIPS = ids("61 146 91 181 84 17 314 405 321 375 291 409 270 269 267 0 37 39 40 185");

/** Cheek and jaw points the slimming warp pulls in, with their share of the pull. */
export const JAW_PULL: ReadonlyArray<readonly [number, number]> = [
  [93, 0.3],
  [132, 0.6],
  [58, 0.9],
  [172, 1],
  [136, 1],
  [150, 0.8],
  [149, 0.55],
  [176, 0.3],
  [323, 0.3],
  [361, 0.6],
  [288, 0.9],
  [397, 1],
  [365, 1],
  [379, 0.8],
  [378, 0.55],
  [400, 0.3],
];

/** Regions that stay sharp (cut out of the skin mask), each grown about its centre. */
export const SHARP_REGIONS: ReadonlyArray<{ outline: number[]; grow: number }> = [
  { outline: RIGHT_EYE, grow: 1.7 },
  { outline: LEFT_EYE, grow: 1.7 },
  { outline: RIGHT_BROW, grow: 1.35 },
  { outline: LEFT_BROW, grow: 1.35 },
  { outline: LIPS, grow: 1.45 },
];

/** Landmarks 0..467 are the face mesh; FaceLandmarker's 468..477 are not used. */
export const MESH_POINTS = 468;

export interface Point {
  x: number;
  y: number;
}

/** Landmark `i` in pixels of a `width` x `height` frame. */
export function pixel(lm: Landmarks, i: number, width: number, height: number): Point {
  return { x: lm[2 * i] * width, y: lm[2 * i + 1] * height };
}

function mean(points: Point[]): Point {
  let x = 0, y = 0;
  for (const p of points) {
    x += p.x;
    y += p.y;
  }
  return { x: x / points.length, y: y / points.length };
}

/** Where the face is, in pixels: centre of the oval, width (cheek to cheek), eye-line axis. */
export interface FaceFrame {
  center: Point;
  /** Distance between the cheek points at ear height (234, 454). */
  width: number;
  /** Unit vector from the right eye (image left) to the left eye. */
  axis: Point;
  /** Bounding box of the oval. */
  box: { x0: number; y0: number; x1: number; y1: number };
}

export function faceFrame(lm: Landmarks, width: number, height: number): FaceFrame {
  const oval = FACE_OVAL.map((i) => pixel(lm, i, width, height));
  const a = pixel(lm, 234, width, height), b = pixel(lm, 454, width, height);
  const r = mean(RIGHT_EYE.map((i) => pixel(lm, i, width, height)));
  const l = mean(LEFT_EYE.map((i) => pixel(lm, i, width, height)));
  const len = Math.hypot(l.x - r.x, l.y - r.y) || 1;
  return {
    center: mean(oval),
    width: Math.hypot(b.x - a.x, b.y - a.y),
    axis: { x: (l.x - r.x) / len, y: (l.y - r.y) / len },
    box: {
      x0: Math.min(...oval.map((p) => p.x)),
      y0: Math.min(...oval.map((p) => p.y)),
      x1: Math.max(...oval.map((p) => p.x)),
      y1: Math.max(...oval.map((p) => p.y)),
    },
  };
}

/** A rectangle in normalised frame coordinates (0..1). */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * The part of the frame the smoothing and the mask are computed in: the face oval grown by
 * `margin` on each side, widened or heightened to the aspect `aspect` (width / height, in pixels).
 */
export function cropRect(
  frame: FaceFrame,
  width: number,
  height: number,
  aspect: number,
  margin = 0.2,
): Rect {
  const { x0, y0, x1, y1 } = frame.box;
  let w = (x1 - x0) * (1 + 2 * margin), h = (y1 - y0) * (1 + 2 * margin);
  if (w / h < aspect) w = h * aspect;
  else h = w / aspect;
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  return { x: (cx - w / 2) / width, y: (cy - h / 2) / height, w: w / width, h: h / height };
}

/**
 * Triangles (a fan about the centroid) covering an outline grown by `grow` about its centroid,
 * as x, y pairs in normalised frame coordinates.
 */
export function outlineTriangles(lm: Landmarks, outline: number[], grow = 1): Float32Array {
  let cx = 0, cy = 0;
  for (const i of outline) {
    cx += lm[2 * i];
    cy += lm[2 * i + 1];
  }
  cx /= outline.length;
  cy /= outline.length;
  const out = new Float32Array(outline.length * 6);
  outline.forEach((i, k) => {
    const j = outline[(k + 1) % outline.length];
    out.set([
      cx,
      cy,
      cx + (lm[2 * i] - cx) * grow,
      cy + (lm[2 * i + 1] - cy) * grow,
      cx + (lm[2 * j] - cx) * grow,
      cy + (lm[2 * j + 1] - cy) * grow,
    ], k * 6);
  });
  return out;
}

/** Largest pull of the slimming warp at strength 1, as a share of the face width. */
export const MAX_SLIM = 0.07;
/** Reach of each control point of the warp, as a share of the face width. */
export const SLIM_RADIUS = 0.22;

/** The slimming warp: content at `from` moves by `move` (pixels); each reaches `radius`. */
export interface WarpControls {
  /** cx, cy, dx, dy per control point (pixels). */
  points: Float32Array;
  radius: number;
  /** Pixel box outside which the warp moves nothing. */
  box: { x0: number; y0: number; x1: number; y1: number };
}

/**
 * Control points of the slimming warp: each cheek and jaw point moves towards the face's
 * vertical axis (perpendicular to the eye line) by up to `MAX_SLIM` of the face width.
 */
export function slimmingControls(
  lm: Landmarks,
  width: number,
  height: number,
  strength: number,
  frame = faceFrame(lm, width, height),
): WarpControls {
  const points = new Float32Array(JAW_PULL.length * 4);
  const radius = SLIM_RADIUS * frame.width;
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  JAW_PULL.forEach(([i, share], k) => {
    const p = pixel(lm, i, width, height);
    // Signed distance along the eye line from the centre: which side of the face p is on.
    const side = Math.sign(
      (p.x - frame.center.x) * frame.axis.x + (p.y - frame.center.y) * frame.axis.y,
    );
    const amount = strength * MAX_SLIM * frame.width * share;
    const dx = -side * frame.axis.x * amount, dy = -side * frame.axis.y * amount;
    points.set([p.x, p.y, dx, dy], k * 4);
    x0 = Math.min(x0, p.x + dx - radius);
    y0 = Math.min(y0, p.y + dy - radius);
    x1 = Math.max(x1, p.x + dx + radius);
    y1 = Math.max(y1, p.y + dy + radius);
  });
  return { points, radius, box: { x0, y0, x1, y1 } };
}

/**
 * Where the warp samples the source for output pixel (x, y): the inverse of moving each control
 * point's neighbourhood by its pull, weights (1 - d²/r²)² normalised where they overlap. The
 * GLSL in pipeline.ts computes the same.
 */
export function warpSource(c: WarpControls, x: number, y: number): Point {
  let dx = 0, dy = 0, sum = 0;
  const r2 = c.radius * c.radius;
  for (let k = 0; k < c.points.length; k += 4) {
    const ex = x - (c.points[k] + c.points[k + 2]), ey = y - (c.points[k + 1] + c.points[k + 3]);
    const q = (ex * ex + ey * ey) / r2;
    if (q >= 1) continue;
    const w = (1 - q) * (1 - q);
    dx += w * c.points[k + 2];
    dy += w * c.points[k + 3];
    sum += w;
  }
  const n = Math.max(1, sum);
  return { x: x - dx / n, y: y - dy / n };
}

/**
 * Blends a new detection into the previous landmarks: a still face keeps steady (little jitter),
 * a moving one follows at once. `alpha` goes from `minAlpha` (no movement) to 1 when the mean
 * movement reaches `fastMove` (normalised units).
 */
export function smoothLandmarks(
  prev: Landmarks | null,
  next: Landmarks,
  minAlpha = 0.35,
  fastMove = 0.01,
): Landmarks {
  if (!prev || prev.length !== next.length) return next.slice();
  let move = 0;
  for (let i = 0; i < next.length; i += 2) {
    move += Math.hypot(next[i] - prev[i], next[i + 1] - prev[i + 1]);
  }
  move /= next.length / 2;
  const alpha = Math.min(1, minAlpha + (1 - minAlpha) * (move / fastMove));
  const out = new Float32Array(next.length);
  for (let i = 0; i < next.length; i++) out[i] = prev[i] + alpha * (next[i] - prev[i]);
  return out;
}
