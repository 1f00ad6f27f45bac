/**
 * The GLSL ES 3.0 sources of the beautify pipeline's passes (pipeline.ts says what each step
 * does and in which order). Kept apart so the pipeline reads as the order of its passes.
 * @module
 */

/** The slimming warp's control points, at most (a uniform array's size). */
export const MAX_CONTROLS = 16;

export const VERTEX = `#version 300 es
in vec2 a_pos;
uniform float u_flip;
out vec2 v_uv;
void main() {
  v_uv = vec2(a_pos.x * 0.5 + 0.5, u_flip > 0.5 ? 0.5 - a_pos.y * 0.5 : a_pos.y * 0.5 + 0.5);
  gl_Position = vec4(a_pos, 0.0, 1.0);
}`;

/** Mask outlines: positions in frame coordinates (0..1, y down), mapped into the crop. */
export const MASK_VERTEX = `#version 300 es
in vec2 a_pos;
uniform vec4 u_crop;
void main() {
  vec2 q = (a_pos - u_crop.xy) / u_crop.zw;
  gl_Position = vec4(q * 2.0 - 1.0, 0.0, 1.0);
}`;

/**
 * A box mean over 9 texels along `step` with 5 bilinear fetches: the centre, and each pair of
 * neighbours (1, 2) and (3, 4) on either side sampled half-way between its two texels.
 */
const HEADER = `#version 300 es
precision highp float;
in vec2 v_uv;
vec4 box5(sampler2D t, vec2 step) {
  return (texture(t, v_uv) + 2.0 * (texture(t, v_uv + 1.5 * step) + texture(t, v_uv - 1.5 * step))) / 5.0;
}
vec4 box9(sampler2D t, vec2 step) {
  return (texture(t, v_uv)
    + 2.0 * (texture(t, v_uv + 1.5 * step) + texture(t, v_uv - 1.5 * step)
      + texture(t, v_uv + 3.5 * step) + texture(t, v_uv - 3.5 * step))) / 9.0;
}
`;

export const COPY = `${HEADER}
uniform sampler2D u_src;
out vec4 o;
void main() { o = vec4(texture(u_src, v_uv).rgb, 1.0); }`;

export const MASK_FILL = `#version 300 es
precision highp float;
uniform vec4 u_color;
out vec4 o;
void main() { o = u_color; }`;

/** The crop of the source, box-averaged with four bilinear taps: I and I². */
export const DOWN = `${HEADER}
uniform sampler2D u_src;
uniform vec4 u_crop;
uniform vec2 u_tap;
layout(location = 0) out vec4 o0;
layout(location = 1) out vec4 o1;
void main() {
  vec2 uv = u_crop.xy + v_uv * u_crop.zw;
  vec3 c = 0.25 * (texture(u_src, uv - u_tap).rgb + texture(u_src, uv + u_tap).rgb
    + texture(u_src, uv + vec2(u_tap.x, -u_tap.y)).rgb + texture(u_src, uv + vec2(-u_tap.x, u_tap.y)).rgb);
  o0 = vec4(c, 1.0);
  o1 = vec4(c * c, 1.0);
}`;

/** Box mean of two textures along one axis. */
export const BOX_PAIR = `${HEADER}
uniform sampler2D u_a;
uniform sampler2D u_b;
uniform vec2 u_step;
layout(location = 0) out vec4 o0;
layout(location = 1) out vec4 o1;
void main() {
  o0 = box5(u_a, u_step);
  o1 = box5(u_b, u_step);
}`;

/** Vertical box mean of I and I², then the guided filter's a = var / (var + eps) and b. */
export const BOX_COEFFS = `${HEADER}
uniform sampler2D u_a;
uniform sampler2D u_b;
uniform vec2 u_step;
uniform float u_eps;
layout(location = 0) out vec4 o0;
layout(location = 1) out vec4 o1;
void main() {
  vec3 m = box5(u_a, u_step).rgb;
  vec3 v = max(box5(u_b, u_step).rgb - m * m, 0.0);
  vec3 a = v / (v + u_eps);
  o0 = vec4(a, 1.0);
  // b, and in alpha the local mean luma: the base layer the tone curve is applied to.
  o1 = vec4(m - a * m, dot(m, vec3(0.299, 0.587, 0.114)));
}`;

/** Feathers the mask along one axis. */
export const BLUR = `${HEADER}
uniform sampler2D u_a;
uniform vec2 u_step;
out vec4 o;
void main() { o = vec4(box9(u_a, u_step).rg, 0.0, 1.0); }`;

/**
 * Feathers the mask along the other axis and adds the slimming warp's displacement field (in
 * pixels): each control point moves content at c by d; weights (1 - r²/R²)², normalised where
 * they overlap (warpSource in geometry.ts computes the same on the CPU).
 */
export const BLUR_WARP = `${HEADER}
uniform sampler2D u_a;
uniform vec2 u_step;
uniform vec2 u_size;
uniform vec4 u_crop;
uniform vec4 u_ctl[${MAX_CONTROLS}];
uniform int u_nctl;
uniform float u_r2;
out vec4 o;
void main() {
  vec2 px = (u_crop.xy + v_uv * u_crop.zw) * u_size;
  vec2 d = vec2(0.0);
  float ws = 0.0;
  for (int i = 0; i < ${MAX_CONTROLS}; i++) {
    if (i >= u_nctl) break;
    vec4 c = u_ctl[i];
    vec2 e = px - c.xy - c.zw;
    float q = dot(e, e) / u_r2;
    if (q < 1.0) {
      float w = (1.0 - q) * (1.0 - q);
      d += w * c.zw;
      ws += w;
    }
  }
  o = vec4(box9(u_a, u_step).rg, d / max(1.0, ws));
}`;

/**
 * Full resolution: warp (inside the crop), then the guided filter's q = a I + b mixed in by the
 * skin mask, then the tone curve on the base layer. Outside the crop: a copy.
 */
export const COMPOSITE = `${HEADER}
uniform sampler2D u_src;
uniform sampler2D u_a;
uniform sampler2D u_b;
uniform sampler2D u_mask;
uniform vec2 u_size;
uniform vec4 u_crop;
uniform float u_smooth;
uniform float u_bright;
out vec4 o;
bool inCrop(vec2 c) { return all(greaterThanEqual(c, vec2(0.0))) && all(lessThanEqual(c, vec2(1.0))); }
void main() {
  vec2 cuv = (v_uv - u_crop.xy) / u_crop.zw;
  if (!inCrop(cuv)) {
    o = vec4(texture(u_src, v_uv).rgb, 1.0);
    return;
  }
  vec2 uv = v_uv - texture(u_mask, cuv).ba / u_size;
  cuv = (uv - u_crop.xy) / u_crop.zw;
  vec3 I = texture(u_src, uv).rgb;
  vec2 m = texture(u_mask, cuv).rg;
  vec3 c = I;
  if (m.g > 0.0) {
    vec4 b = texture(u_b, cuv);
    vec3 q = texture(u_a, cuv).rgb * I + b.rgb;
    c = mix(I, q, clamp(m.r * u_smooth, 0.0, 1.0));
    // Tone curve L + k L (1 - L) on the smooth base layer: a local lift, edges keep contrast.
    c += u_bright * m.g * b.a * (1.0 - b.a);
  }
  o = vec4(clamp(c, 0.0, 1.0), 1.0);
}`;
