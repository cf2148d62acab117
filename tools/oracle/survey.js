#!/usr/bin/env node
'use strict';
// Loadability survey: runs the oracle on every .tflite in the shared fixtures
// (models/ and golden/) and in the MediaPipe packages' roots, and prints a
// Markdown table (used for LOADABILITY.md):
//   node tools/oracle/survey.js > /tmp/table.md
// For golden/tflm-seanet models it also feeds the recorded CSV inputs and
// compares with the recorded golden output.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const npy = require('./npy');

const ORACLE = path.join(__dirname, 'oracle.js');
const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'shared', 'fixtures');
const MEDIAPIPE = ['face_detection', 'hands', 'pose', 'selfie_segmentation', 'objectron'];

function findTflite(dir, recursive) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return recursive ? findTflite(p, true) : [];
    return e.name.endsWith('.tflite') ? [p] : [];
  }).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

function oracle(...args) {
  const r = spawnSync(process.execPath, [ORACLE, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.trim() };
}

const brief = (ts) => ts.map((t) => `${t.dtype}[${t.shape.join(',')}]`).join(' ');

function readCsv(file) {
  return fs.readFileSync(file, 'utf8').split(/[\s,]+/).filter((s) => s !== '').map(Number);
}

// Feeds NAME_input<i>_<type>.csv, compares with NAME_golden_<type>.csv.
function goldenCheck(model, info, tmp) {
  const dir = path.dirname(model);
  const name = path.basename(model, '.tflite');
  const csv = (prefix) => {
    const f = fs.readdirSync(dir).find((e) => e.startsWith(`${name}_${prefix}_`) && e.endsWith('.csv'));
    return f && path.join(dir, f);
  };
  const golden = csv('golden');
  if (!golden) return '';
  const inputs = info.inputs.map((t, i) => csv(`input${i}`));
  if (!inputs.every((f) => f)) return 'input CSV missing';
  const files = info.inputs.map((t, i) => {
    const file = path.join(tmp, `g${i}.npy`);
    npy.write(file, { dtype: t.dtype, shape: t.shape, data: readCsv(inputs[i]) });
    return file;
  });
  const out = path.join(tmp, 'golden');
  const r = oracle(model, '--input', ...files, '--output-dir', out);
  if (r.code !== 0) return `run failed: ${r.stderr}`;
  const got = npy.read(path.join(out, 'output_0.npy')).data;
  const want = readCsv(golden);
  if (got.length !== want.length) return `size ${got.length} vs golden ${want.length}`;
  let maxDiff = 0;
  let nDiff = 0;
  want.forEach((w, i) => {
    const d = Math.abs(Number(got[i]) - w);
    if (d) nDiff++;
    maxDiff = Math.max(maxDiff, d);
  });
  return maxDiff === 0 ? 'bit-exact' : `${nDiff}/${want.length} differ, max ${maxDiff}`;
}

function survey(model, label, tmp) {
  const row = { label, loads: 'no', inputs: '', outputs: '', run: '', golden: '' };
  const info = oracle(model, '--info');
  if (info.code !== 0) {
    row.run = `exit ${info.code}: ${info.stderr.replace(/^oracle: cannot load \S+: /, '')}`;
    return row;
  }
  const desc = JSON.parse(info.stdout);
  row.loads = 'yes';
  row.inputs = brief(desc.inputs);
  row.outputs = brief(desc.outputs);
  const out = path.join(tmp, 'random');
  fs.rmSync(out, { recursive: true, force: true });
  const r = oracle(model, '--random', '0', '--output-dir', out);
  if (r.code !== 0) {
    row.run = `exit ${r.code}: ${r.stderr}`;
    return row;
  }
  const listing = JSON.parse(fs.readFileSync(path.join(out, 'outputs.json'), 'utf8'));
  const missing = listing.filter((o) => !o.file).map((o) => `'${o.name}'`);
  let nonFinite = 0;
  for (const o of listing.filter((e) => e.file)) {
    nonFinite += Array.from(npy.read(path.join(out, o.file)).data).filter((v) => typeof v === 'number' && !Number.isFinite(v)).length;
  }
  row.run = 'ok';
  if (missing.length) row.run += ` (output ${missing.join(', ')} not exposed)`;
  if (nonFinite) row.run += ` (${nonFinite} non-finite output values)`;
  row.golden = goldenCheck(model, desc, tmp);
  return row;
}

function main() {
  const models = [];
  for (const sub of ['models', 'golden']) {
    for (const m of findTflite(path.join(FIXTURES, sub), true)) models.push([m, path.relative(FIXTURES, m)]);
  }
  for (const pkg of MEDIAPIPE) {
    let dir;
    try {
      dir = path.dirname(require.resolve(`@mediapipe/${pkg}/package.json`));
    } catch (e) {
      process.stderr.write(`survey: @mediapipe/${pkg} not installed\n`);
      continue;
    }
    for (const m of findTflite(dir, false)) models.push([m, `@mediapipe/${pkg}/${path.basename(m)}`]);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'oracle-survey-'));
  const cell = (s) => String(s).replace(/\|/g, '\\|');
  console.log('| model | loads | inputs | outputs | random-input run | golden CSV |');
  console.log('|---|---|---|---|---|---|');
  for (const [m, label] of models) {
    const r = survey(m, label, tmp);
    console.log(`| ${[r.label, r.loads, r.inputs, r.outputs, r.run, r.golden].map(cell).join(' | ')} |`);
  }
  fs.rmSync(tmp, { recursive: true, force: true });
}

main();
