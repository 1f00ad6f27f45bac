/**
 * The beautify filter's WebGL2 pipeline, one frame at a time:
 *
 * 1. Upload the camera frame (full resolution).
 * 2. In a fixed crop around the face (so the cost of steps 2-3 does not grow with the camera's
 *    resolution): downsample to 56x70 texels, then a self-guided filter (He et al.) per colour
 *    channel with separable 5-texel box means, giving the coefficients `a`, `b` of
 *    `q = a * I + b`. This is the fast guided filter: the coefficients are smooth, so they are
 *    computed small and applied to the full-resolution `I`, where strong edges keep their
 *    sharpness.
 * 3. In the same crop at 112x140 texels: the skin mask from the landmarks (the face oval minus
 *    the eyes, eyebrows and lips, each grown), feathered by a blur; the oval alone, which limits
 *    the brightening to the face; and the slimming warp's displacement field (cheek and jaw
 *    points pulled towards the face's axis).
 * 4. One full-resolution pass: the warp, `mix(I, q, skin * strength)`, and a tone curve
 *    `L + k L (1 - L)` applied to the local mean luma (the base layer), so that brightening
 *    keeps edges' contrast. Pixels outside the crop are copied unchanged.
 *
 * Without a face it is a plain copy. {@link BeautifyPipeline.create} throws when WebGL2 (with
 * float render targets) is missing, so the caller can pass the camera through instead.
 * @module
 */
import {
  cropRect,
  FACE_OVAL,
  faceFrame,
  type Landmarks,
  outlineTriangles,
  SHARP_REGIONS,
  slimmingControls,
} from "./geometry.ts";
import {
  BLUR,
  BLUR_WARP,
  BOX_COEFFS,
  BOX_PAIR,
  COMPOSITE,
  COPY,
  DOWN,
  MASK_FILL,
  MASK_VERTEX,
  MAX_CONTROLS,
  VERTEX,
} from "./shaders.ts";

/** Anything a frame can be uploaded from. */
export type FrameSource =
  | VideoFrame
  | ImageBitmap
  | HTMLVideoElement
  | HTMLCanvasElement
  | HTMLImageElement
  | OffscreenCanvas;

/** Strengths (0..1) for one frame, already multiplied by any fade. */
export interface RenderParams {
  smoothing: number;
  brightening: number;
  slimming: number;
}

/** Size of the crop the smoothing, the mask and the warp field are computed in (texels). */
export const CROP_W = 112;
export const CROP_H = 140;
/** The guided filter's coefficients are smooth: a quarter of the crop's texels is enough. */
const COEF_W = CROP_W / 2;
const COEF_H = CROP_H / 2;

/** The frame's size in pixels. */
export function frameSize(s: FrameSource): [number, number] {
  if ("displayWidth" in s) return [s.displayWidth, s.displayHeight];
  if ("videoWidth" in s) return [s.videoWidth, s.videoHeight];
  if ("naturalWidth" in s) return [s.naturalWidth, s.naturalHeight];
  return [s.width, s.height];
}

interface Program {
  program: WebGLProgram;
  uniforms: Map<string, WebGLUniformLocation | null>;
}

interface Target {
  w: number;
  h: number;
  fbo: WebGLFramebuffer;
  textures: WebGLTexture[];
}

/** Guided-filter regularisation (variance units, colours in 0..1) for a smoothing strength. */
export function guidedEps(smoothing: number): number {
  const sd = 0.02 + 0.1 * smoothing;
  return sd * sd;
}

/** Gain of the tone curve `L + k L (1 - L)` for a brightening strength. */
export function toneGain(brightening: number): number {
  return 0.6 * brightening;
}

/** The WebGL2 beautify pipeline; draws into {@link BeautifyPipeline.canvas}. */
export class BeautifyPipeline {
  readonly canvas: HTMLCanvasElement | OffscreenCanvas;
  readonly gl: WebGL2RenderingContext;
  private programs: Record<string, Program> = {};
  private triangle: WebGLBuffer;
  private maskBuffer: WebGLBuffer;
  private src: WebGLTexture;
  private pairA!: Target;
  private pairB!: Target;
  private maskA!: Target;
  private maskB!: Target;
  private maskWarp!: Target;
  private width = 0;
  private height = 0;
  private lost = false;

  /**
   * A pipeline drawing into `canvas` (a new OffscreenCanvas, or a 1x1 canvas element where
   * there is none). Throws when WebGL2 or float render targets are unavailable.
   */
  static create(canvas?: HTMLCanvasElement | OffscreenCanvas): BeautifyPipeline {
    const c = canvas ??
      (typeof OffscreenCanvas === "function"
        ? new OffscreenCanvas(1, 1)
        : Object.assign(document.createElement("canvas"), { width: 1, height: 1 }));
    const gl = c.getContext("webgl2", {
      alpha: false,
      antialias: false,
      depth: false,
      stencil: false,
      premultipliedAlpha: false,
      preserveDrawingBuffer: false,
      powerPreference: "high-performance",
    }) as WebGL2RenderingContext | null;
    if (!gl) throw new Error("WebGL2 is not available");
    if (!gl.getExtension("EXT_color_buffer_float")) {
      throw new Error("WebGL2 cannot render to float textures (EXT_color_buffer_float)");
    }
    return new BeautifyPipeline(c, gl);
  }

  private constructor(canvas: HTMLCanvasElement | OffscreenCanvas, gl: WebGL2RenderingContext) {
    this.canvas = canvas;
    this.gl = gl;
    canvas.addEventListener("webglcontextlost", () => this.lost = true);
    const sources: Record<string, [string, string]> = {
      copy: [VERTEX, COPY],
      down: [VERTEX, DOWN],
      coeffs: [VERTEX, BOX_COEFFS],
      pair: [VERTEX, BOX_PAIR],
      blur: [VERTEX, BLUR],
      blurWarp: [VERTEX, BLUR_WARP],
      composite: [VERTEX, COMPOSITE],
      fill: [MASK_VERTEX, MASK_FILL],
    };
    for (const [name, [vs, fs]] of Object.entries(sources)) {
      this.programs[name] = this.compile(vs, fs);
    }
    this.triangle = gl.createBuffer()!;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.triangle);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 3, -1, -1, 3]), gl.STATIC_DRAW);
    this.maskBuffer = gl.createBuffer()!;
    gl.enableVertexAttribArray(0);
    this.src = this.texture(1, 1, gl.RGBA8, gl.RGBA, gl.UNSIGNED_BYTE);
    const half = (w: number, h: number) => this.texture(w, h, gl.RGBA16F, gl.RGBA, gl.HALF_FLOAT);
    const rg = () => this.texture(CROP_W, CROP_H, gl.RG8, gl.RG, gl.UNSIGNED_BYTE);
    const coef = () => half(COEF_W, COEF_H);
    this.pairA = this.target(COEF_W, COEF_H, [coef(), coef()]);
    this.pairB = this.target(COEF_W, COEF_H, [coef(), coef()]);
    this.maskA = this.target(CROP_W, CROP_H, [rg()]);
    this.maskB = this.target(CROP_W, CROP_H, [rg()]);
    this.maskWarp = this.target(CROP_W, CROP_H, [half(CROP_W, CROP_H)]);
    const status = gl.checkFramebufferStatus(gl.FRAMEBUFFER);
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    if (status !== gl.FRAMEBUFFER_COMPLETE) {
      throw new Error(`WebGL2 framebuffer incomplete (${status})`);
    }
  }

  /** False once the WebGL context is lost (the caller then passes frames through). */
  get usable(): boolean {
    return !this.lost && !this.gl.isContextLost();
  }

  private compile(vsSource: string, fsSource: string): Program {
    const gl = this.gl;
    const shader = (type: number, source: string) => {
      const s = gl.createShader(type)!;
      gl.shaderSource(s, source);
      gl.compileShader(s);
      if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) {
        throw new Error(`shader: ${gl.getShaderInfoLog(s)}`);
      }
      return s;
    };
    const program = gl.createProgram()!;
    gl.attachShader(program, shader(gl.VERTEX_SHADER, vsSource));
    gl.attachShader(program, shader(gl.FRAGMENT_SHADER, fsSource));
    gl.bindAttribLocation(program, 0, "a_pos");
    gl.linkProgram(program);
    if (!gl.getProgramParameter(program, gl.LINK_STATUS)) {
      throw new Error(`program: ${gl.getProgramInfoLog(program)}`);
    }
    return { program, uniforms: new Map() };
  }

  private texture(w: number, h: number, internal: number, format: number, type: number) {
    const gl = this.gl;
    const t = gl.createTexture()!;
    gl.bindTexture(gl.TEXTURE_2D, t);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    gl.texImage2D(gl.TEXTURE_2D, 0, internal, w, h, 0, format, type, null);
    return t;
  }

  private target(w: number, h: number, textures: WebGLTexture[]): Target {
    const gl = this.gl;
    const fbo = gl.createFramebuffer()!;
    gl.bindFramebuffer(gl.FRAMEBUFFER, fbo);
    textures.forEach((t, i) =>
      gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0 + i, gl.TEXTURE_2D, t, 0)
    );
    gl.drawBuffers(textures.map((_, i) => gl.COLOR_ATTACHMENT0 + i));
    return { w, h, fbo, textures };
  }

  private use(name: string, textures: WebGLTexture[], values: Record<string, number[]>) {
    const gl = this.gl;
    const p = this.programs[name];
    gl.useProgram(p.program);
    const loc = (n: string) => {
      if (!p.uniforms.has(n)) p.uniforms.set(n, gl.getUniformLocation(p.program, n));
      return p.uniforms.get(n)!;
    };
    textures.forEach((t, i) => {
      gl.activeTexture(gl.TEXTURE0 + i);
      gl.bindTexture(gl.TEXTURE_2D, t);
    });
    for (const [n, v] of Object.entries(values)) {
      const l = loc(n);
      if (n === "u_nctl") gl.uniform1i(l, v[0]);
      else if (n === "u_ctl") gl.uniform4fv(l, v);
      else if (v.length === 1) gl.uniform1f(l, v[0]);
      else if (v.length === 2) gl.uniform2f(l, v[0], v[1]);
      else gl.uniform4f(l, v[0], v[1], v[2], v[3]);
    }
    return (samplerNames: string[]) => samplerNames.forEach((s, i) => gl.uniform1i(loc(s), i));
  }

  private draw(to: Target | null, w: number, h: number) {
    const gl = this.gl;
    gl.bindFramebuffer(gl.FRAMEBUFFER, to ? to.fbo : null);
    gl.viewport(0, 0, w, h);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.triangle);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
  }

  private pass(
    name: string,
    inputs: [string, WebGLTexture][],
    to: Target | null,
    values: Record<string, number[]>,
  ) {
    const bind = this.use(name, inputs.map(([, t]) => t), { u_flip: [to ? 0 : 1], ...values });
    bind(inputs.map(([n]) => n));
    if (to) this.draw(to, to.w, to.h);
    else this.draw(null, this.width, this.height);
  }

  /** Uploads `source` (resizing the canvas to it). */
  private upload(source: FrameSource): void {
    const gl = this.gl;
    const [w, h] = frameSize(source);
    if (w !== this.width || h !== this.height) {
      this.width = this.canvas.width = w;
      this.height = this.canvas.height = h;
    }
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, this.src);
    gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, gl.RGBA, gl.UNSIGNED_BYTE, source);
  }

  /** Draws `source` unchanged (upload and copy: the cost of passing a frame through). */
  copy(source: FrameSource): void {
    this.upload(source);
    this.pass("copy", [["u_src", this.src]], null, {});
  }

  /** Draws `source` beautified around the face `landmarks` (normalised; null: a plain copy). */
  render(source: FrameSource, landmarks: Landmarks | null, params: RenderParams): void {
    if (!landmarks || (params.smoothing <= 0 && params.brightening <= 0 && params.slimming <= 0)) {
      this.copy(source);
      return;
    }
    const gl = this.gl;
    this.upload(source);
    const W = this.width, H = this.height;
    const frame = faceFrame(landmarks, W, H);
    // The margin holds the warp's reach (SLIM_RADIUS of the face width) beyond the jaw.
    const crop = cropRect(frame, W, H, CROP_W / CROP_H, 0.25);
    const cropV = [crop.x, crop.y, crop.w, crop.h];
    const stepX = [1 / CROP_W, 0], stepY = [0, 1 / CROP_H];
    const coefX = [1 / COEF_W, 0], coefY = [0, 1 / COEF_H];

    // Guided filter coefficients in the crop.
    const tap = [(crop.w / COEF_W) / 4, (crop.h / COEF_H) / 4];
    this.pass("down", [["u_src", this.src]], this.pairA, { u_crop: cropV, u_tap: tap });
    const pair = (from: Target, to: Target, program: string, values: Record<string, number[]>) =>
      this.pass(program, [["u_a", from.textures[0]], ["u_b", from.textures[1]]], to, values);
    pair(this.pairA, this.pairB, "pair", { u_step: coefX });
    pair(this.pairB, this.pairA, "coeffs", { u_step: coefY, u_eps: [guidedEps(params.smoothing)] });
    pair(this.pairA, this.pairB, "pair", { u_step: coefX });
    pair(this.pairB, this.pairA, "pair", { u_step: coefY });

    // Skin mask (R) and face mask (G) in the crop, feathered; the warp field in B, A.
    gl.bindFramebuffer(gl.FRAMEBUFFER, this.maskA.fbo);
    gl.viewport(0, 0, CROP_W, CROP_H);
    gl.clearColor(0, 0, 0, 0);
    gl.clear(gl.COLOR_BUFFER_BIT);
    const fill = (triangles: Float32Array, color: number[]) => {
      this.use("fill", [], { u_crop: cropV, u_color: color });
      gl.bindBuffer(gl.ARRAY_BUFFER, this.maskBuffer);
      gl.bufferData(gl.ARRAY_BUFFER, triangles, gl.STREAM_DRAW);
      gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
      gl.drawArrays(gl.TRIANGLES, 0, triangles.length / 2);
    };
    fill(outlineTriangles(landmarks, FACE_OVAL, 0.97), [1, 1, 0, 1]);
    gl.colorMask(true, false, false, false);
    for (const { outline, grow } of SHARP_REGIONS) {
      fill(outlineTriangles(landmarks, outline, grow), [0, 0, 0, 1]);
    }
    gl.colorMask(true, true, true, true);
    this.pass("blur", [["u_a", this.maskA.textures[0]]], this.maskB, { u_step: stepX });
    const warp = slimmingControls(landmarks, W, H, params.slimming, frame);
    const n = params.slimming > 0 ? Math.min(MAX_CONTROLS, warp.points.length / 4) : 0;
    const ctl = new Float32Array(MAX_CONTROLS * 4);
    ctl.set(warp.points.subarray(0, n * 4));
    this.pass("blurWarp", [["u_a", this.maskB.textures[0]]], this.maskWarp, {
      u_step: stepY,
      u_size: [W, H],
      u_crop: cropV,
      u_ctl: Array.from(ctl),
      u_nctl: [n],
      u_r2: [warp.radius * warp.radius],
    });

    // Warp, smoothing and tone curve at full resolution.
    this.pass(
      "composite",
      [
        ["u_src", this.src],
        ["u_a", this.pairA.textures[0]],
        ["u_b", this.pairA.textures[1]],
        ["u_mask", this.maskWarp.textures[0]],
      ],
      null,
      {
        u_size: [W, H],
        u_crop: cropV,
        u_smooth: [Math.min(1, 1.5 * params.smoothing)],
        u_bright: [toneGain(params.brightening)],
      },
    );
  }

  /** The canvas's pixels, RGBA, top row first (for tests and benchmarks: it waits for the GPU). */
  readPixels(): Uint8Array {
    const gl = this.gl;
    const w = this.width, h = this.height;
    const raw = new Uint8Array(w * h * 4);
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, raw);
    const out = new Uint8Array(raw.length);
    for (let y = 0; y < h; y++) {
      out.set(raw.subarray((h - 1 - y) * w * 4, (h - y) * w * 4), y * w * 4);
    }
    return out;
  }

  /** Waits for the GPU to finish the frame (one pixel read back). */
  finish(): void {
    const px = new Uint8Array(4);
    this.gl.bindFramebuffer(this.gl.FRAMEBUFFER, null);
    this.gl.readPixels(0, 0, 1, 1, this.gl.RGBA, this.gl.UNSIGNED_BYTE, px);
  }

  /** A renderer string for reports ("ANGLE (…SwiftShader…)" on the CPU renderer). */
  renderer(): string {
    const gl = this.gl;
    const info = gl.getExtension("WEBGL_debug_renderer_info");
    return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  }

  /** Frees the GPU resources. */
  dispose(): void {
    this.gl.getExtension("WEBGL_lose_context")?.loseContext();
  }
}
