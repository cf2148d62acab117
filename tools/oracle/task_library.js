#!/usr/bin/env node
'use strict';
// The TFLite Task Library's vision tasks (ObjectDetector, ImageSegmenter),
// as compiled to WebAssembly in @tensorflow/tfjs-tflite, run from Node on
// pixels decoded elsewhere: tests feed them the same RGB pixels tflite-doctor
// decodes, so that only the task's own preprocessing and postprocessing can
// differ.
//
//   node task_library.js detect MODEL.tflite PIXELS.npy [--max-results N] [--score-threshold T]
//   node task_library.js segment MODEL.tflite PIXELS.npy --category-mask OUT.npy
//   node task_library.js model-input ECHO.tflite PIXELS.npy --output OUT.npy
//
// PIXELS.npy: uint8 [H, W, 3] (RGB) or [H, W, 4] (RGBA). detect prints one
// JSON line: [{"x", "y", "width", "height", "classes": [{"index", "score",
// "name", "display_name"}]}], the boxes in the image's pixels. segment
// writes the category mask (uint8 [h, w], the model's output size) and
// prints {"width", "height", "labels": [...]}.
// model-input runs the ImageClassifier on a model whose output is its uint8
// input reshaped to [1, H*W*C] (scale 1, zero point 0): every "class score"
// is an input value, so OUT.npy (uint8 [H*W*C]) is the input the Task
// Library's preprocessing gave the model (the vision tasks share it).
// Exit codes: 0 ok, 1 the task failed (message on stderr), 2 bad usage.
// The Task Library needs TFLite metadata; it refuses models without it.

const fs = require('fs');
const path = require('path');
const npy = require('./npy');

function usage(msg) {
  process.stderr.write(`task_library.js: ${msg}\n`);
  process.exit(2);
}

// --- protobuf wire format: just enough to read the Task Library's results
// and write its options (field numbers from tflite_support's .proto files).

function readVarint(buf, pos) {
  let value = 0, shift = 0, b;
  do {
    b = buf[pos.i++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b & 0x80);
  return value;
}

// {field: [values]}: varints as numbers, fixed32 as their 4 bytes,
// length-delimited as Uint8Array.
function decode(buf) {
  const out = {};
  const pos = { i: 0 };
  while (pos.i < buf.length) {
    const key = readVarint(buf, pos);
    const field = Math.floor(key / 8), wire = key & 7;
    let v;
    if (wire === 0) v = readVarint(buf, pos);
    else if (wire === 5) { v = buf.slice(pos.i, pos.i + 4); pos.i += 4; }
    else if (wire === 1) { v = buf.slice(pos.i, pos.i + 8); pos.i += 8; }
    else if (wire === 2) { const n = readVarint(buf, pos); v = buf.slice(pos.i, pos.i + n); pos.i += n; }
    else throw new Error(`unsupported wire type ${wire}`);
    (out[field] = out[field] || []).push(v);
  }
  return out;
}
const f32 = (b) => Buffer.from(b).readFloatLE(0);
const str = (b) => (b ? Buffer.from(b).toString('utf8') : '');
// Varints of int32 fields: negative numbers come as 10-byte two's complement.
const i32 = (v) => (v === undefined ? 0 : v >= 2 ** 31 ? v - 2 ** 64 : v);

function varint(n) {
  const bytes = [];
  let v = n < 0 ? BigInt.asUintN(64, BigInt(n)) : BigInt(n);
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    bytes.push(b);
  } while (v);
  return bytes;
}
const fieldVarint = (field, n) => [...varint(field * 8), ...varint(n)];
function fieldFloat(field, x) {
  const b = Buffer.alloc(4);
  b.writeFloatLE(x, 0);
  return [...varint(field * 8 + 5), ...b];
}

async function loadModule() {
  const pkg = path.dirname(require.resolve('@tensorflow/tfjs-tflite/package.json'));
  const log = [];
  const factory = require(path.join(pkg, 'wasm', 'tflite_web_api_cc.js'));
  const mod = await factory({
    wasmBinary: fs.readFileSync(path.join(pkg, 'wasm', 'tflite_web_api_cc.wasm')),
    print: (l) => log.push(String(l)),
    printErr: (l) => log.push(String(l)),
  });
  mod.log = log;
  return mod;
}

function copyIn(mod, bytes) {
  const ptr = mod._malloc(bytes.length);
  mod.HEAPU8.set(bytes, ptr);
  return ptr;
}

// RGBA pixels, as the web API's fromPixels() hands an ImageData over.
function rgba(arr) {
  if (arr.dtype !== 'uint8' || arr.shape.length !== 3 || (arr.shape[2] !== 3 && arr.shape[2] !== 4))
    usage(`pixels must be uint8 [H, W, 3|4], got ${arr.dtype}[${arr.shape}]`);
  const [h, w, c] = arr.shape;
  if (c === 4) return { data: arr.data, width: w, height: h };
  const out = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    out[4 * i] = arr.data[3 * i];
    out[4 * i + 1] = arr.data[3 * i + 1];
    out[4 * i + 2] = arr.data[3 * i + 2];
    out[4 * i + 3] = 255;
  }
  return { data: out, width: w, height: h };
}

function create(mod, kind, modelBytes, optionBytes) {
  const ptr = copyIn(mod, modelBytes);
  const opts = new mod[`${kind}OptionsCppProto`]();
  opts.initFromJsProto({ serializeBinary: () => Uint8Array.from(optionBytes) });
  const status = mod[kind].CreateFromOptions(ptr, modelBytes.length, opts);
  opts.delete();
  if (!status.ok()) throw new Error(`cannot create ${kind}: ${status.errorMessage()}`);
  return status.value();
}

function run(task, method, mod, img) {
  const ptr = copyIn(mod, img.data);
  const status = task[method](ptr, img.width, img.height);
  mod._free(ptr);
  if (!status.ok()) throw new Error(`${method} failed: ${status.errorMessage()}`);
  return new Uint8Array(status.value().toArrayBuffer());
}

async function main(argv) {
  const [mode, model, pixels, ...rest] = argv;
  if (!['detect', 'segment', 'model-input'].includes(mode) || !model || !pixels) usage('usage: task_library.js detect|segment MODEL.tflite PIXELS.npy [options]');
  const opt = {};
  for (let i = 0; i < rest.length; i += 2) {
    if (rest[i + 1] === undefined) usage(`${rest[i]} needs a value`);
    opt[rest[i]] = rest[i + 1];
  }
  const img = rgba(npy.read(pixels));
  const modelBytes = fs.readFileSync(model);
  const mod = await loadModule();
  if (mode === 'model-input') {
    if (!opt['--output']) usage('model-input needs --output OUT.npy');
    // ImageClassifierOptions.max_results = 2: -1 for every class.
    const task = create(mod, 'ImageClassifier', modelBytes, fieldVarint(2, -1));
    // ClassificationResult.classifications = 1; Classifications.classes = 1.
    const result = decode(run(task, 'Classify', mod, img));
    const classes = decode(result[1][0])[1] || [];
    const values = new Uint8Array(classes.length);
    for (const c of classes) {
      const cls = decode(c);
      values[i32(cls[1] && cls[1][0])] = Math.round(cls[2] ? f32(cls[2][0]) : 0);
    }
    npy.write(opt['--output'], { dtype: 'uint8', shape: [values.length], data: values });
  } else if (mode === 'detect') {
    // ObjectDetectorOptions: max_results = 3, score_threshold = 4.
    const options = [];
    if (opt['--max-results']) options.push(...fieldVarint(3, parseInt(opt['--max-results'], 10)));
    if (opt['--score-threshold']) options.push(...fieldFloat(4, parseFloat(opt['--score-threshold'])));
    const task = create(mod, 'ObjectDetector', modelBytes, options);
    const result = decode(run(task, 'Detect', mod, img));
    // DetectionResult.detections = 1; Detection.bounding_box = 2, classes = 3;
    // BoundingBox origin_x, origin_y, width, height = 1..4; Class index = 1,
    // score = 2, display_name = 3, class_name = 4.
    const detections = (result[1] || []).map((d) => {
      const det = decode(d);
      const box = decode(det[2][0]);
      const classes = (det[3] || []).map((c) => {
        const cls = decode(c);
        return { index: i32(cls[1] && cls[1][0]), score: cls[2] ? f32(cls[2][0]) : 0, display_name: str(cls[3] && cls[3][0]), name: str(cls[4] && cls[4][0]) };
      });
      const v = (k) => i32(box[k] && box[k][0]);
      return { x: v(1), y: v(2), width: v(3), height: v(4), classes };
    });
    process.stdout.write(JSON.stringify(detections) + '\n');
  } else {
    if (!opt['--category-mask']) usage('segment needs --category-mask OUT.npy');
    // ImageSegmenterOptions.output_type = 3: CATEGORY_MASK = 1.
    const task = create(mod, 'ImageSegmenter', modelBytes, fieldVarint(3, 1));
    const result = decode(run(task, 'Segment', mod, img));
    // SegmentationResult.segmentation = 1; Segmentation.category_mask = 1,
    // width = 2, height = 3, colored_labels = 5 (class_name = 4, display_name = 5).
    const seg = decode(result[1][0]);
    const width = seg[2][0], height = seg[3][0];
    const mask = seg[1] ? seg[1][0] : new Uint8Array(0);
    npy.write(opt['--category-mask'], { dtype: 'uint8', shape: [height, width], data: Uint8Array.from(mask) });
    const labels = (seg[5] || []).map((l) => { const d = decode(l); return str(d[4] && d[4][0]); });
    process.stdout.write(JSON.stringify({ width, height, labels }) + '\n');
  }
}

main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`task_library.js: ${String(e.message || e).split('\n')[0]}\n`);
  process.exit(1);
});
