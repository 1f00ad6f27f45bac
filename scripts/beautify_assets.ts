/**
 * Prepares what the beautify filter loads in the browser, from npm packages only, into
 * `static/vendor/mediapipe/` (served by the app at `/vendor/mediapipe/`):
 *
 * - `wasm/`: the tasks-vision wasm runtime (SIMD and non-SIMD builds).
 * - `face_detector.tflite`: `@mediapipe/face_detection`'s short-range model with the TFLite
 *   metadata Tasks needs (RGB input normalised to [-1, 1]).
 * - `face_landmarker.task`: the bundle FaceLandmarker loads, a stored zip of that detector and
 *   `@mediapipe/face_mesh`'s landmark model, given metadata (input in [0, 1]) and an output
 *   widened from 468 to 478 points (see {@link patchTflite}).
 *
 * Idempotent: a stamp file records the package versions it was built from, so a second call
 * only reads the stamp and checks the files. `deno run -A scripts/beautify_assets.ts` runs it.
 * @module
 */
import * as fb from "flatbuffers";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
/** Where the assets are written; served at `/vendor/mediapipe/`. */
export const BEAUTIFY_ASSETS_DIR = join(ROOT, "static", "vendor", "mediapipe");
const MODULES = join(ROOT, "node_modules", "@mediapipe");

/** Bump when the output of this script changes for the same packages. */
const RECIPE = 1;

/** The face_mesh package's packed assets: byte range of the plain landmark model. */
const FACE_LANDMARK_RANGE = [2495952, 3737848] as const;
const FACE_LANDMARK_POINTS = 468;
/** Points FaceLandmarker reads (468 + 10 iris points the face_mesh model does not have). */
const TASKS_LANDMARK_POINTS = 478;
/** Input side of the landmark model, in pixels (the extra points sit at its centre). */
const LANDMARK_INPUT_SIZE = 192;

const WASM_FILES = [
  "vision_wasm_internal.js",
  "vision_wasm_internal.wasm",
  "vision_wasm_nosimd_internal.js",
  "vision_wasm_nosimd_internal.wasm",
];

/** Prepares `static/vendor/mediapipe/` (fast when it is already up to date). */
export async function ensureBeautifyAssets(): Promise<void> {
  const versions = await packageVersions();
  const stampPath = join(BEAUTIFY_ASSETS_DIR, "stamp.json");
  const stamp = JSON.stringify({ recipe: RECIPE, versions });
  const outputs = [
    ...WASM_FILES.map((f) => join("wasm", f)),
    "face_detector.tflite",
    "face_landmarker.task",
  ];
  if (await readText(stampPath) === stamp && await allExist(outputs)) return;
  try {
    await prepare(stampPath, stamp);
  } catch (err) {
    if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) {
      throw new Error(
        `The beautify filter's assets need writing to ${BEAUTIFY_ASSETS_DIR} ` +
          "(grant --allow-write=./static/vendor, or run `deno run -A scripts/beautify_assets.ts` " +
          `once): ${(err as Error).message}`,
      );
    }
    throw err;
  }
}

/** Copies the wasm, patches the models, writes the stamp last. */
async function prepare(stampPath: string, stamp: string): Promise<void> {
  await Deno.mkdir(join(BEAUTIFY_ASSETS_DIR, "wasm"), { recursive: true });
  for (const f of WASM_FILES) {
    await writeAtomic(
      join(BEAUTIFY_ASSETS_DIR, "wasm", f),
      await Deno.readFile(join(MODULES, "tasks-vision", "wasm", f)),
    );
  }
  const detector = patchTflite(
    await Deno.readFile(join(MODULES, "face_detection", "face_detection_short_range.tflite")),
    { mean: 127.5, std: 127.5 },
  );
  const packed = await Deno.readFile(
    join(MODULES, "face_mesh", "face_mesh_solution_packed_assets.data"),
  );
  const landmarks = patchTflite(packed.slice(...FACE_LANDMARK_RANGE), {
    mean: 0,
    std: 255,
    widenOutput: {
      from: FACE_LANDMARK_POINTS * 3,
      to: TASKS_LANDMARK_POINTS * 3,
      fill: [LANDMARK_INPUT_SIZE / 2, LANDMARK_INPUT_SIZE / 2, 0],
    },
  });
  await writeAtomic(join(BEAUTIFY_ASSETS_DIR, "face_detector.tflite"), detector);
  await writeAtomic(
    join(BEAUTIFY_ASSETS_DIR, "face_landmarker.task"),
    storedZip([
      { name: "face_detector.tflite", data: detector },
      { name: "face_landmarks_detector.tflite", data: landmarks },
    ]),
  );
  await Deno.writeTextFile(stampPath, stamp);
}

async function packageVersions(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const pkg of ["tasks-vision", "face_detection", "face_mesh"]) {
    const path = join(MODULES, pkg, "package.json");
    const text = await readText(path);
    if (text === null) {
      throw new Error(
        `${path} is missing: run \`deno install\` (the beautify filter's models come from npm).`,
      );
    }
    out[pkg] = JSON.parse(text).version;
  }
  return out;
}

async function readText(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

async function allExist(paths: string[]): Promise<boolean> {
  for (const p of paths) {
    try {
      if (!(await Deno.stat(join(BEAUTIFY_ASSETS_DIR, p))).size) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** Writes through a temp file and a rename, so a reader (another test, the server) never sees
 * half a file. */
async function writeAtomic(path: string, data: Uint8Array): Promise<void> {
  const tmp = await Deno.makeTempFile({ dir: dirname(path), prefix: ".tmp-" });
  await Deno.writeFile(tmp, data);
  await Deno.chmod(tmp, 0o644);
  await Deno.rename(tmp, path);
}

// ---------------------------------------------------------------------------------------------
// TFLite patching
//
// A TFLite model is a flatbuffer whose offsets (uoffset) all point forward. So new tables put
// IN FRONT of the original bytes can refer to the original subgraphs, tensors, operators and
// buffers unchanged: the patched file is a new root `Model` table (with the new pieces) followed
// by the original model, untouched and still 16-byte aligned.
// ---------------------------------------------------------------------------------------------

/** Field indexes of the TFLite schema tables used here (tensorflow/lite/schema/schema.fbs). */
const MODEL = {
  version: 0,
  operatorCodes: 1,
  subgraphs: 2,
  description: 3,
  buffers: 4,
  metadataBuffer: 5,
  metadata: 6,
  signatureDefs: 7,
};
const SUBGRAPH = { tensors: 0, inputs: 1, outputs: 2, operators: 3, name: 4 };
const TENSOR = { shape: 0, type: 1, buffer: 2, name: 3 };
const FLOAT32 = 0;
const CONCATENATION = 2;
const CONCATENATION_OPTIONS = 10;

/** Read access to one flatbuffer table. */
export class FbTable {
  constructor(readonly bb: fb.ByteBuffer, readonly pos: number) {}

  /** Offset of field `i` inside the table, 0 when absent. */
  field(i: number): number {
    const vt = this.pos - this.bb.readInt32(this.pos);
    const o = 4 + 2 * i;
    return o < this.bb.readInt16(vt) ? this.bb.readInt16(vt + o) : 0;
  }

  /** Absolute position of what field `i` refers to (table, vector, string), 0 when absent. */
  ref(i: number): number {
    const f = this.field(i);
    if (!f) return 0;
    const p = this.pos + f;
    return p + this.bb.readUint32(p);
  }

  /** Absolute positions of the elements a vector of tables holds. */
  tables(i: number): number[] {
    const v = this.ref(i);
    if (!v) return [];
    const n = this.bb.readUint32(v);
    return Array.from({ length: n }, (_, k) => {
      const p = v + 4 + 4 * k;
      return p + this.bb.readUint32(p);
    });
  }

  ints(i: number): number[] {
    const v = this.ref(i);
    if (!v) return [];
    return Array.from(
      { length: this.bb.readUint32(v) },
      (_, k) => this.bb.readInt32(v + 4 + 4 * k),
    );
  }

  uint(i: number, fallback = 0): number {
    const f = this.field(i);
    return f ? this.bb.readUint32(this.pos + f) : fallback;
  }

  byte(i: number, fallback = 0): number {
    const f = this.field(i);
    return f ? this.bb.readUint8(this.pos + f) : fallback;
  }

  string(i: number): string {
    const v = this.ref(i);
    if (!v) return "";
    const n = this.bb.readUint32(v);
    return new TextDecoder().decode(this.bb.bytes().subarray(v + 4, v + 4 + n));
  }

  table(i: number): FbTable | null {
    const r = this.ref(i);
    return r ? new FbTable(this.bb, r) : null;
  }
}

/** Root table of a flatbuffer. */
export function fbRoot(bytes: Uint8Array): FbTable {
  const bb = new fb.ByteBuffer(bytes);
  return new FbTable(bb, bb.readUint32(0));
}

/** A place in the output: a new object (resolved when it is placed) or one of the original. */
type Target = { label: Label } | { old: number };
class Label {
  at = -1;
}
type Field =
  | { i: number; u8: number }
  | { i: number; u32: number }
  | { i: number; i32: number }
  | { i: number; ref: Target };

/**
 * Writes flatbuffer objects front to back (a parent before what it refers to), in front of an
 * original buffer that is appended afterwards. Offsets are patched in {@link FrontWriter.finish}.
 */
class FrontWriter {
  private out: number[] = [];
  private fixups: { at: number; to: Target }[] = [];

  constructor(fileIdentifier: string) {
    this.u32(0); // root offset, patched by finish()
    for (const c of fileIdentifier) this.out.push(c.charCodeAt(0));
  }

  private u32(v: number): void {
    this.out.push(v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255);
  }

  private align(n: number, offset = 0): void {
    while ((this.out.length + offset) % n) this.out.push(0);
  }

  private offset(to: Target): void {
    this.fixups.push({ at: this.out.length, to });
    this.u32(0);
  }

  /** Puts `label` here (after aligning for `align` bytes, then skipping `offset`). */
  place(label: Label, align = 4, offset = 0): void {
    this.align(align, offset);
    label.at = this.out.length;
  }

  /** A table with every field in a 4-byte slot: its vtable first, then the table. */
  table(label: Label, fields: Field[]): void {
    this.align(2);
    const count = fields.length ? Math.max(...fields.map((f) => f.i)) + 1 : 0;
    const vt = this.out.length;
    const slots = new Array<number>(count).fill(0);
    fields.forEach((f, k) => slots[f.i] = 4 + 4 * k);
    const u16 = (v: number) => this.out.push(v & 255, v >> 8);
    u16(4 + 2 * count);
    u16(4 + 4 * fields.length);
    slots.forEach(u16);
    this.place(label);
    this.u32(label.at - vt); // soffset: the vtable sits before the table
    for (const f of fields) {
      if ("ref" in f) this.offset(f.ref);
      else if ("u8" in f) this.u32(f.u8 & 255);
      else if ("u32" in f) this.u32(f.u32);
      else this.u32(f.i32 >>> 0);
    }
  }

  /** A vector of offsets. */
  refs(label: Label, items: Target[]): void {
    this.place(label);
    this.u32(items.length);
    items.forEach((t) => this.offset(t));
  }

  ints(label: Label, items: number[]): void {
    this.place(label);
    this.u32(items.length);
    items.forEach((v) => this.u32(v >>> 0));
  }

  /** A vector of bytes whose data starts 16-byte aligned. */
  bytes(label: Label, data: Uint8Array): void {
    this.place(label, 16, 4);
    this.u32(data.length);
    for (const b of data) this.out.push(b);
  }

  string(label: Label, text: string): void {
    this.place(label);
    const data = new TextEncoder().encode(text);
    this.u32(data.length);
    for (const b of data) this.out.push(b);
    this.out.push(0);
  }

  /** The new objects, the original bytes after them (16-aligned), offsets patched. */
  finish(root: Label, original: Uint8Array): Uint8Array {
    this.align(16);
    const base = this.out.length;
    const result = new Uint8Array(base + original.length);
    result.set(this.out);
    result.set(original, base);
    const view = new DataView(result.buffer);
    view.setUint32(0, root.at, true);
    for (const { at, to } of this.fixups) {
      const target = "old" in to ? base + to.old : to.label.at;
      if (target <= at) throw new Error("flatbuffer offsets must point forward");
      view.setUint32(at, target - at, true);
    }
    return result;
  }
}

/** The TFLite ModelMetadata (file identifier "M001") Tasks reads for an image input. */
function imageMetadata(mean: number, std: number): Uint8Array {
  const b = new fb.Builder(256);
  const floats = (xs: number[]) => {
    b.startVector(4, xs.length, 4);
    for (let i = xs.length - 1; i >= 0; i--) b.addFloat32(xs[i]);
    return b.endVector();
  };
  const vector = (offsets: number[]) => {
    b.startVector(4, offsets.length, 4);
    for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]);
    return b.endVector();
  };
  const meanV = floats([mean]);
  const stdV = floats([std]);
  b.startObject(2); // NormalizationOptions { mean, std }
  b.addFieldOffset(0, meanV, 0);
  b.addFieldOffset(1, stdV, 0);
  const normalization = b.endObject();
  b.startObject(2); // ProcessUnit { options_type: NormalizationOptions = 1, options }
  b.addFieldInt8(0, 1, 0);
  b.addFieldOffset(1, normalization, 0);
  const unit = b.endObject();
  b.startObject(1); // ImageProperties { color_space: RGB = 1 }
  b.addFieldInt8(0, 1, 0);
  const image = b.endObject();
  b.startObject(2); // Content { content_properties_type: ImageProperties = 2, ... }
  b.addFieldInt8(0, 2, 0);
  b.addFieldOffset(1, image, 0);
  const content = b.endObject();
  const units = vector([unit]);
  const name = b.createString("image");
  b.startObject(5); // TensorMetadata { name 0, content 3, process_units 4 }
  b.addFieldOffset(0, name, 0);
  b.addFieldOffset(3, content, 0);
  b.addFieldOffset(4, units, 0);
  const tensor = b.endObject();
  const inputs = vector([tensor]);
  b.startObject(3); // SubGraphMetadata { input_tensor_metadata 2 }
  b.addFieldOffset(2, inputs, 0);
  const subgraph = b.endObject();
  const subgraphs = vector([subgraph]);
  const modelName = b.createString("model");
  const minParser = b.createString("1.5.0");
  b.startObject(8); // ModelMetadata { name 0, subgraph_metadata 3, min_parser_version 7 }
  b.addFieldOffset(0, modelName, 0);
  b.addFieldOffset(3, subgraphs, 0);
  b.addFieldOffset(7, minParser, 0);
  b.finish(b.endObject(), "M001");
  return b.asUint8Array();
}

/** What {@link patchTflite} changes. */
export interface TflitePatch {
  /** Input normalisation: the model sees (pixel - mean) / std. */
  mean: number;
  std: number;
  /**
   * Widen the first output from `from` to `to` floats by appending a CONCATENATION with a
   * constant tensor repeating `fill` (x, y, z). The face_mesh landmark model outputs 468 points;
   * FaceLandmarker reads 478 (the last 10 are irises). Zeros would project to the corner of the
   * face crop and drag the tracked face box with them frame after frame; points at the crop's
   * centre stay inside the face.
   */
  widenOutput?: { from: number; to: number; fill: number[] };
}

/**
 * Adds image-input metadata to a TFLite model that has none (and optionally widens its first
 * output). Returns the new file; the original bytes follow a new root table unchanged.
 */
export function patchTflite(original: Uint8Array, patch: TflitePatch): Uint8Array {
  if (new TextDecoder().decode(original.subarray(4, 8)) !== "TFL3") {
    throw new Error("not a TFLite model (no TFL3 identifier)");
  }
  const model = fbRoot(original);
  if (model.tables(MODEL.metadata).length) throw new Error("the model already has metadata");
  const oldBuffers = model.tables(MODEL.buffers);
  const oldCodes = model.tables(MODEL.operatorCodes);
  const subgraphs = model.tables(MODEL.subgraphs);
  const w = new FrontWriter("TFL3");
  const L = () => new Label();
  const old = (p: number): Target => ({ old: p });
  const at = (l: Label): Target => ({ label: l });

  const root = L(), codesV = L(), subgraphsV = L(), buffersV = L(), metadataV = L();
  const metaEntry = L(), metaName = L(), metaBuffer = L(), metaData = L();
  const newBuffers: Label[] = [metaBuffer];
  const newCodes: Label[] = [];
  let newSubgraph: Label | null = null;

  const fields: Field[] = [{ i: MODEL.version, u32: model.uint(MODEL.version, 3) }];
  fields.push({ i: MODEL.operatorCodes, ref: at(codesV) });
  fields.push({ i: MODEL.subgraphs, ref: at(subgraphsV) });
  if (model.field(MODEL.description)) {
    fields.push({ i: MODEL.description, ref: old(model.ref(MODEL.description)) });
  }
  fields.push({ i: MODEL.buffers, ref: at(buffersV) });
  fields.push({ i: MODEL.metadata, ref: at(metadataV) });
  if (model.field(MODEL.signatureDefs)) {
    fields.push({ i: MODEL.signatureDefs, ref: old(model.ref(MODEL.signatureDefs)) });
  }
  w.table(root, fields);

  // Plan the widened output first: it adds an operator code, a constant buffer and a subgraph.
  let widen: null | {
    sg: FbTable;
    codeIndex: number;
    constBuffer: Label;
    constData: Uint8Array;
    concatOptions: Label;
  } = null;
  if (patch.widenOutput) {
    const { from, to, fill } = patch.widenOutput;
    const sg = new FbTable(model.bb, subgraphs[0]);
    const out = new FbTable(model.bb, sg.tables(SUBGRAPH.tensors)[sg.ints(SUBGRAPH.outputs)[0]]);
    const shape = out.ints(TENSOR.shape);
    if (shape.reduce((a, b) => a * b, 1) !== from || out.byte(TENSOR.type) !== FLOAT32) {
      throw new Error(`first output is ${shape.join("x")}, expected ${from} floats`);
    }
    const extra = new Float32Array(to - from).map((_, k) => fill[k % fill.length]);
    let codeIndex = oldCodes.findIndex((p) => {
      const c = new FbTable(model.bb, p);
      return Math.max(c.byte(0), c.uint(3)) === CONCATENATION;
    });
    if (codeIndex < 0) {
      codeIndex = oldCodes.length;
      newCodes.push(L());
    }
    const constBuffer = L();
    newBuffers.push(constBuffer);
    newSubgraph = L();
    widen = {
      sg,
      codeIndex,
      constBuffer,
      constData: new Uint8Array(extra.buffer),
      concatOptions: L(),
    };
  }

  w.refs(codesV, [...oldCodes.map(old), ...newCodes.map(at)]);
  for (const code of newCodes) {
    // OperatorCode { deprecated_builtin_code 0, version 2, builtin_code 3 }
    w.table(code, [{ i: 0, u8: CONCATENATION }, { i: 2, i32: 1 }, { i: 3, i32: CONCATENATION }]);
  }
  w.refs(subgraphsV, subgraphs.map((p, k) => k === 0 && newSubgraph ? at(newSubgraph) : old(p)));
  if (widen && newSubgraph) {
    const { sg } = widen;
    const { from, to } = patch.widenOutput!;
    const tensors = sg.tables(SUBGRAPH.tensors);
    const outputs = sg.ints(SUBGRAPH.outputs);
    const constIndex = tensors.length, wideIndex = tensors.length + 1;
    const tensorsV = L(), outputsV = L(), operatorsV = L();
    const constT = L(), wideT = L(), concat = L();
    const sgFields: Field[] = [
      { i: SUBGRAPH.tensors, ref: at(tensorsV) },
      { i: SUBGRAPH.inputs, ref: old(sg.ref(SUBGRAPH.inputs)) },
      { i: SUBGRAPH.outputs, ref: at(outputsV) },
      { i: SUBGRAPH.operators, ref: at(operatorsV) },
    ];
    if (sg.field(SUBGRAPH.name)) sgFields.push({ i: SUBGRAPH.name, ref: old(sg.ref(4)) });
    w.table(newSubgraph, sgFields);
    w.refs(tensorsV, [...tensors.map(old), at(constT), at(wideT)]);
    w.ints(outputsV, [wideIndex, ...outputs.slice(1)]);
    w.refs(operatorsV, [...sg.tables(SUBGRAPH.operators).map(old), at(concat)]);
    const tensor = (label: Label, floats: number, buffer: number, name: string) => {
      const shapeV = L(), nameS = L();
      w.table(label, [
        { i: TENSOR.shape, ref: at(shapeV) },
        { i: TENSOR.type, u8: FLOAT32 },
        { i: TENSOR.buffer, u32: buffer },
        { i: TENSOR.name, ref: at(nameS) },
      ]);
      w.ints(shapeV, [1, 1, 1, floats]);
      w.string(nameS, name);
    };
    tensor(constT, to - from, oldBuffers.length + 1, "landmarks_fill");
    tensor(wideT, to, 0, "landmarks_wide");
    // Operator { opcode_index 0, inputs 1, outputs 2, builtin_options_type 3, builtin_options 4 }
    const inV = L(), outV = L();
    w.table(concat, [
      { i: 0, u32: widen.codeIndex },
      { i: 1, ref: at(inV) },
      { i: 2, ref: at(outV) },
      { i: 3, u8: CONCATENATION_OPTIONS },
      { i: 4, ref: at(widen.concatOptions) },
    ]);
    w.ints(inV, [outputs[0], constIndex]);
    w.ints(outV, [wideIndex]);
    w.table(widen.concatOptions, [{ i: 0, i32: 3 }]); // ConcatenationOptions { axis }
  }
  w.refs(buffersV, [...oldBuffers.map(old), ...newBuffers.map(at)]);
  w.refs(metadataV, [at(metaEntry)]);
  // Metadata { name 0, buffer 1 }: the buffer holding the ModelMetadata flatbuffer.
  w.table(metaEntry, [{ i: 0, ref: at(metaName) }, { i: 1, u32: oldBuffers.length }]);
  w.string(metaName, "TFLITE_METADATA");
  const dataOf = new Map<Label, [Label, Uint8Array]>([
    [metaBuffer, [metaData, imageMetadata(patch.mean, patch.std)]],
  ]);
  if (widen) dataOf.set(widen.constBuffer, [L(), widen.constData]);
  for (const [buffer, [data]] of dataOf) w.table(buffer, [{ i: 0, ref: at(data) }]);
  for (const [data, bytes] of dataOf.values()) w.bytes(data, bytes);
  return w.finish(root, original);
}

// ---------------------------------------------------------------------------------------------
// Zip (stored, no compression), the container of a `.task` bundle
// ---------------------------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (the zip/PNG polynomial). */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) c = CRC_TABLE[(c ^ b) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * A zip with every file stored uncompressed, each file's data 16-byte aligned (padding in the
 * local header's extra field) so a model can be used in place.
 */
export function storedZip(files: { name: string; data: Uint8Array }[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const { name, data } of files) {
    const nameBytes = new TextEncoder().encode(name);
    const extra = (16 - ((offset + 30 + nameBytes.length) % 16)) % 16;
    const crc = crc32(data);
    const local = new Uint8Array(30 + nameBytes.length + extra);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 10, true); // version needed
    lv.setUint16(8, 0, true); // method: stored
    lv.setUint32(14, crc, true);
    lv.setUint32(18, data.length, true);
    lv.setUint32(22, data.length, true);
    lv.setUint16(26, nameBytes.length, true);
    lv.setUint16(28, extra, true);
    local.set(nameBytes, 30);
    const entry = new Uint8Array(46 + nameBytes.length);
    const cv = new DataView(entry.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 10, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, data.length, true);
    cv.setUint32(24, data.length, true);
    cv.setUint16(28, nameBytes.length, true);
    cv.setUint32(42, offset, true);
    entry.set(nameBytes, 46);
    chunks.push(local, data);
    central.push(entry);
    offset += local.length + data.length;
  }
  const centralSize = central.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, files.length, true);
  ev.setUint16(10, files.length, true);
  ev.setUint32(12, centralSize, true);
  ev.setUint32(16, offset, true);
  const all = [...chunks, ...central, end];
  const out = new Uint8Array(all.reduce((n, c) => n + c.length, 0));
  let p = 0;
  for (const c of all) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}

if (import.meta.main) {
  const started = performance.now();
  await ensureBeautifyAssets();
  console.log(
    `beautify assets ready in ${BEAUTIFY_ASSETS_DIR} (${
      Math.round(performance.now() - started)
    } ms)`,
  );
}
