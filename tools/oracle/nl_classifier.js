#!/usr/bin/env node
'use strict';
// The TFLite Task Library's NLClassifier (compiled to WebAssembly in
// @tensorflow/tfjs-tflite) on texts: the ground truth for how a text
// classifier with TFLite metadata tokenizes and scores.
//
//   node tools/oracle/nl_classifier.js MODEL.tflite TEXTS.json
//
// TEXTS.json is a JSON array of strings. Prints one JSON line: an array, per
// text, of [{"label", "score"}] in the classifier's output order. Exit 1 with
// a one-line error when the classifier cannot be made or run.
const fs = require('fs');
const path = require('path');

const VARIANTS = ['tflite_web_api_cc_simd', 'tflite_web_api_cc'];

async function loadModule() {
  const pkgDir = path.dirname(require.resolve('@tensorflow/tfjs-tflite/package.json'));
  let lastErr;
  for (const name of VARIANTS) {
    try {
      const factory = require(path.join(pkgDir, 'wasm', `${name}.js`));
      const wasmBinary = fs.readFileSync(path.join(pkgDir, 'wasm', `${name}.wasm`));
      return await factory({ wasmBinary, print: () => {}, printErr: () => {} });
    } catch (e) {
      lastErr = e;
    }
  }
  throw new Error(`cannot start the Task Library: ${lastErr && lastErr.message}`);
}

async function main() {
  const [modelPath, textsPath] = process.argv.slice(2);
  if (!modelPath || !textsPath) throw new Error('usage: nl_classifier.js MODEL.tflite TEXTS.json');
  const texts = JSON.parse(fs.readFileSync(textsPath, 'utf8'));
  const mod = await loadModule();
  const bytes = fs.readFileSync(modelPath);
  // The classifier keeps pointing at the model's bytes: never freed.
  const ptr = mod._malloc(bytes.length);
  mod.HEAPU8.set(bytes, ptr);
  // The Task Library's default options (nl_classifier.js in the package).
  const status = mod.NLClassifier.CreateFromBufferAndOptions(ptr, bytes.length, {
    inputTensorIndex: 0,
    outputScoreTensorIndex: 0,
    outputLabelTensorIndex: -1,
    inputTensorName: 'INPUT',
    outputScoreTensorName: 'OUTPUT_SCORE',
    outputLabelTensorName: 'OUTPUT_LABEL',
  });
  if (!status.ok()) throw new Error(`cannot create NLClassifier: ${status.errorMessage()}`);
  const classifier = status.value();
  const out = texts.map((text) => {
    const categories = classifier.Classify(text);
    const row = [];
    for (let i = 0; i < categories.size(); i++) {
      const c = categories.get(i);
      row.push({ label: c.className, score: c.score });
    }
    categories.delete();
    return row;
  });
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e) => {
  process.stderr.write(`nl_classifier: ${String(e.message || e).split('\n')[0]}\n`);
  process.exit(1);
});
