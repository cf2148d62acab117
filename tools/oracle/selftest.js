#!/usr/bin/env node
'use strict';
// Self-check of the oracle: npy round trips, and the CLI against real fixture
// models (skipped, with a message, when the shared fixtures are absent).
// Last line of output: "N passed, M failed"; exit status 1 if any failed.

const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const npy = require('./npy');

const ORACLE = path.join(__dirname, 'oracle.js');
const REPO = path.resolve(__dirname, '..', '..');
const FIXTURES = path.resolve(REPO, '..', 'shared', 'fixtures');

let passed = 0;
let failed = 0;
function check(name, fn) {
  try {
    fn();
    passed++;
    console.log(`ok    ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL  ${name}: ${e.message}`);
  }
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'oracle-selftest-'));

function oracle(...args) {
  const r = spawnSync(process.execPath, [ORACLE, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.trim() };
}

// --- npy -----------------------------------------------------------------

const samples = {
  float32: [0, -1.5, 3.25, 1e-30, -Infinity, 7],
  float64: [0, -1.5, Math.PI, 1e-300, Infinity, 7],
  int8: [0, -128, 127, -1, 5, 6],
  uint8: [0, 255, 128, 1, 2, 3],
  int16: [0, -32768, 32767, -1, 4, 5],
  uint16: [0, 65535, 1, 2, 3, 4],
  int32: [0, -2147483648, 2147483647, -1, 3, 4],
  uint32: [0, 4294967295, 1, 2, 3, 4],
  int64: [0n, -9223372036854775808n, 9223372036854775807n, -1n, 3n, 4n],
  uint64: [0n, 18446744073709551615n, 1n, 2n, 3n, 4n],
  bool: [0, 1, 1, 0, 0, 1],
};
for (const [dtype, values] of Object.entries(samples)) {
  check(`npy round trip ${dtype} (${npy.DTYPES[dtype][0]})`, () => {
    for (const shape of [[2, 3], [6], [1, 2, 1, 3]]) {
      const file = path.join(tmp, `${dtype}.npy`);
      npy.write(file, { dtype, shape, data: npy.DTYPES[dtype][1].from(values) });
      const bytes = fs.readFileSync(file);
      assert.strictEqual(bytes.readUInt16LE(8) + 10, bytes.length - values.length * npy.DTYPES[dtype][1].BYTES_PER_ELEMENT);
      assert.strictEqual((bytes.readUInt16LE(8) + 10) % 64, 0, 'data not 64-byte aligned');
      const back = npy.read(file);
      assert.strictEqual(back.dtype, dtype);
      assert.deepStrictEqual(back.shape, shape);
      assert.deepStrictEqual(Array.from(back.data), Array.from(npy.DTYPES[dtype][1].from(values)));
    }
  });
}

check('npy scalar and empty arrays', () => {
  const s = npy.parse(npy.serialize({ dtype: 'float32', shape: [], data: [2.5] }));
  assert.deepStrictEqual([s.shape, Array.from(s.data)], [[], [2.5]]);
  const e = npy.parse(npy.serialize({ dtype: 'int16', shape: [0, 3], data: [] }));
  assert.deepStrictEqual([e.shape, e.data.length], [[0, 3], 0]);
});

check('npy version 2.0 header and NumPy-style header text', () => {
  // Rewrap a 1.0 file as 2.0 (4-byte header length).
  const v1 = npy.serialize({ dtype: 'int32', shape: [2], data: [7, -7] });
  const headerLen = v1.readUInt16LE(8);
  const v2 = Buffer.alloc(v1.length + 2);
  v1.copy(v2, 0, 0, 8);
  v2[6] = 2;
  v2.writeUInt32LE(headerLen, 8);
  v1.copy(v2, 12, 10);
  assert.deepStrictEqual(Array.from(npy.parse(v2).data), [7, -7]);
  // Header as NumPy writes it, with '<i1'-style and '|b1' descrs.
  const text = "{'descr': '<i1', 'fortran_order': False, 'shape': (3,), }";
  const raw = Buffer.concat([Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, text.length + 1, 0]),
    Buffer.from(text + '\n', 'latin1'), Buffer.from([1, 255, 3])]);
  assert.deepStrictEqual(Array.from(npy.parse(raw).data), [1, -1, 3]);
});

check('npy rejects big-endian, Fortran order and truncated data', () => {
  const v1 = npy.serialize({ dtype: 'float32', shape: [2], data: [1, 2] });
  const swap = (from, to) => Buffer.from(v1.toString('latin1').replace(from, to), 'latin1');
  assert.throws(() => npy.parse(swap("'<f4'", "'>f4'")), /unsupported npy dtype/);
  assert.throws(() => npy.parse(swap('False', 'True ')), /Fortran/);
  assert.throws(() => npy.parse(v1.subarray(0, v1.length - 1)), /expected 8 data bytes/);
  assert.throws(() => npy.parse(Buffer.from('not numpy at all')), /not a .npy file/);
});

// --- oracle against fixtures ---------------------------------------------

const helloWorld = path.join(FIXTURES, 'models', 'tflite-micro', 'hello_world_float.tflite');
const flexModel = path.join(FIXTURES, 'models', 'tflite-support', 'whitespace_tokenizer_flex_delegate.tflite');

let runtimeInstalled = true;
try {
  require.resolve('@tensorflow/tfjs-tflite/package.json');
} catch (e) {
  runtimeInstalled = false;
}

if (!fs.existsSync(FIXTURES)) {
  console.log(`skip  oracle fixture checks: ${FIXTURES} is absent`);
} else if (!runtimeInstalled) {
  check('TFLite runtime installed', () => {
    throw new Error('@tensorflow/tfjs-tflite missing: run `npm ci --prefix tools/oracle`');
  });
} else {
  let info;
  check('hello_world_float --info', () => {
    const r = oracle(helloWorld, '--info');
    assert.strictEqual(r.code, 0, r.stderr);
    info = JSON.parse(r.stdout);
    assert.strictEqual(info.inputs.length, 1);
    assert.strictEqual(info.inputs[0].dtype, 'float32');
    assert.strictEqual(info.outputs[0].dtype, 'float32');
  });

  check('hello_world_float(1.0) ~ sin(1.0)', () => {
    assert(info, 'no model info');
    const shape = info.inputs[0].shape;
    const input = path.join(tmp, 'x.npy');
    npy.write(input, { dtype: 'float32', shape, data: new Float32Array(npy.sizeOf(shape)).fill(1.0) });
    const out = path.join(tmp, 'hello');
    const r = oracle(helloWorld, '--input', input, '--output-dir', out);
    assert.strictEqual(r.code, 0, r.stderr);
    const y = npy.read(path.join(out, 'output_0.npy'));
    assert.strictEqual(y.dtype, 'float32');
    assert.deepStrictEqual(y.shape, info.outputs[0].shape);
    assert(Math.abs(y.data[0] - Math.sin(1.0)) < 0.1, `got ${y.data[0]}, want ~${Math.sin(1.0)}`);
    const listing = JSON.parse(fs.readFileSync(path.join(out, 'outputs.json'), 'utf8'));
    assert.deepStrictEqual(listing[0].shape, info.outputs[0].shape);
  });

  check('batch mode matches single runs', () => {
    assert(info, 'no model info');
    const shape = info.inputs[0].shape;
    const jobs = [0.5, 2.0].map((x, k) => {
      npy.write(path.join(tmp, `b${k}.npy`), { dtype: 'float32', shape, data: [x] });
      return { inputs: [`b${k}.npy`], output_dir: `bout${k}` };
    });
    fs.writeFileSync(path.join(tmp, 'batch.json'), JSON.stringify(jobs));
    const r = oracle(helloWorld, '--batch', path.join(tmp, 'batch.json'));
    assert.strictEqual(r.code, 0, r.stderr);
    [0.5, 2.0].forEach((x, k) => {
      const y = npy.read(path.join(tmp, `bout${k}`, 'output_0.npy')).data[0];
      assert(Math.abs(y - Math.sin(x)) < 0.1, `sin(${x}): got ${y}`);
    });
  });

  // An LSTM keeps its state in variable tensors, which TFLite carries from
  // one Infer() to the next: batch entries start from a fresh model unless
  // --keep-state chains them like an application's repeated Invoke().
  const lstm = path.join(FIXTURES, 'models', 'coral', 'keras_lstm_mnist_ptq.tflite');
  check('batch entries of a stateful model (LSTM) start from its initial state; --keep-state chains them', () => {
    const shape = [1, 28, 28];
    const inputs = [11, 12].map((seed, k) => {
      const file = path.join(tmp, `lstm_in${k}.npy`);
      const data = new Uint8Array(28 * 28);
      let s = seed;
      for (let i = 0; i < data.length; i++) data[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
      npy.write(file, { dtype: 'uint8', shape, data });
      return file;
    });
    const single = oracle(lstm, '--input', inputs[1], '--output-dir', path.join(tmp, 'lstm_single'));
    assert.strictEqual(single.code, 0, single.stderr);
    const alone = Array.from(npy.read(path.join(tmp, 'lstm_single', 'output_0.npy')).data);
    const second = (keep) => {
      const jobs = inputs.map((f, k) => ({ inputs: [f], output_dir: `lstm_${keep ? 'kept' : 'fresh'}${k}` }));
      fs.writeFileSync(path.join(tmp, 'lstm_batch.json'), JSON.stringify(jobs));
      const r = oracle(lstm, '--batch', path.join(tmp, 'lstm_batch.json'), ...(keep ? ['--keep-state'] : []));
      assert.strictEqual(r.code, 0, r.stderr);
      return Array.from(npy.read(path.join(tmp, `lstm_${keep ? 'kept' : 'fresh'}1`, 'output_0.npy')).data);
    };
    assert.deepStrictEqual(second(false), alone);
    assert.notDeepStrictEqual(second(true), alone, 'the second run with the first run\'s state should differ');
  });

  check('--keep-state without --batch -> exit 2', () => {
    const r = oracle(helloWorld, '--keep-state', '--output-dir', path.join(tmp, 'ks'));
    assert.strictEqual(r.code, 2, r.stderr);
  });

  check('wrong input dtype -> exit 2, one line', () => {
    const bad = path.join(tmp, 'bad.npy');
    npy.write(bad, { dtype: 'float64', shape: info.inputs[0].shape, data: [1] });
    const r = oracle(helloWorld, '--input', bad, '--output-dir', path.join(tmp, 'bad'));
    assert.strictEqual(r.code, 2, r.stderr);
    assert.strictEqual(r.stderr.split('\n').length, 1, r.stderr);
  });

  check('--time prints mean latency', () => {
    const r = oracle(helloWorld, '--time', '5');
    assert.strictEqual(r.code, 0, r.stderr);
    assert(JSON.parse(r.stdout).mean_ms >= 0);
  });

  check('dynamic output (seanet transpose_conv0) matches TFLite golden', () => {
    // Output shape comes from an input tensor, so the output buffer only
    // exists after Infer(): catches stale tensor pointers.
    const dir = path.join(FIXTURES, 'golden', 'tflm-seanet', 'transpose_conv');
    const model = path.join(dir, 'transpose_conv0.tflite');
    const csv = (f) => fs.readFileSync(path.join(dir, f), 'utf8').split(/[\s,]+/).filter((s) => s).map(Number);
    const r0 = oracle(model, '--info');
    assert.strictEqual(r0.code, 0, r0.stderr);
    const specs = JSON.parse(r0.stdout).inputs;
    const files = ['transpose_conv0_input0_int32.csv', 'transpose_conv0_input1_int16.csv'].map((f, i) => {
      const file = path.join(tmp, `tc${i}.npy`);
      npy.write(file, { dtype: specs[i].dtype, shape: specs[i].shape, data: csv(f) });
      return file;
    });
    const r = oracle(model, '--input', ...files, '--output-dir', path.join(tmp, 'tc'));
    assert.strictEqual(r.code, 0, r.stderr);
    const got = npy.read(path.join(tmp, 'tc', 'output_0.npy')).data;
    const want = csv('transpose_conv0_golden_int16.csv');
    assert.strictEqual(got.length, want.length);
    want.forEach((w, i) => assert(Math.abs(got[i] - w) <= 1, `element ${i}: ${got[i]} vs golden ${w}`));
  });

  check('--delegation: XNNPACK takes hello_world_float whole, leaves 8-bit AVERAGE_POOL_2D/RESHAPE/SOFTMAX of mobilenet_v2 quant', () => {
    const r = oracle(helloWorld, '--delegation');
    assert.strictEqual(r.code, 0, r.stderr);
    assert.deepStrictEqual(JSON.parse(r.stdout), { nodes: 3, partitions: 1, delegated: [0, 1, 2], cpu: [] });
    const mnv2 = path.join(FIXTURES, 'models', 'coral', 'mobilenet_v2_1.0_224_quant.tflite');
    const q = oracle(mnv2, '--delegation');
    assert.strictEqual(q.code, 0, q.stderr);
    const d = JSON.parse(q.stdout);
    assert.deepStrictEqual(d.cpu, [{ index: 62, op: 'AVERAGE_POOL_2D' }, { index: 64, op: 'RESHAPE' }, { index: 65, op: 'SOFTMAX' }]);
    assert.strictEqual(d.nodes, 66);
    assert.strictEqual(d.partitions, 2);
    assert.deepStrictEqual(d.delegated, [...Array(66).keys()].filter((i) => ![62, 64, 65].includes(i)));
  });

  check('Flex model fails to load with exit 3', () => {
    const r = oracle(flexModel, '--info');
    assert.strictEqual(r.code, 3, `exit ${r.code}: ${r.stderr}`);
    assert.strictEqual(r.stderr.split('\n').length, 1, r.stderr);
  });
}

fs.rmSync(tmp, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
