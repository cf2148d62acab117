#!/usr/bin/env node
'use strict';
// Reference TFLite runner: the TFLite + XNNPACK WebAssembly build shipped in
// @tensorflow/tfjs-tflite, driven from Node. See README.md for usage.

const fs = require('fs');
const path = require('path');
const npy = require('./npy');

const EXIT_OTHER = 1;
const EXIT_USAGE = 2;
const EXIT_LOAD = 3;

const USAGE = `usage: oracle.js MODEL.tflite [--info]
                 [--output-dir DIR] [--input A.npy [B.npy ...]] [--random SEED]
                 [--batch FILE.json [--keep-state]] [--time N] [--delegation] [--verbose]
       oracle.js --jobs FILE.json   (many models in one process)`;

class CliError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}
const usageError = (msg) => new CliError(msg, EXIT_USAGE);

// Runner dtype spellings that map 1:1 to npy.js dtype names. Anything else
// (int64, uint16, float16, string, ...) is reported by the runner as
// 'unknown' and its data() is not available.
const RUNNER_DTYPES = new Set(['float32', 'float64', 'int8', 'uint8', 'int16', 'uint32', 'int32', 'bool']);

const VARIANTS = ['tflite_web_api_cc_simd', 'tflite_web_api_cc'];

function parseArgs(argv) {
  const opts = { inputs: [], info: false, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw usageError(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--info') opts.info = true;
    else if (a === '--verbose') opts.verbose = true;
    else if (a === '--keep-state') opts.keepState = true;
    else if (a === '--delegation') opts.delegation = true;
    else if (a === '--output-dir') opts.outputDir = value();
    else if (a === '--batch') opts.batch = value();
    else if (a === '--jobs') opts.jobs = value();
    else if (a === '--input') {
      opts.inputs.push(value());
      while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) opts.inputs.push(argv[++i]);
    } else if (a === '--random' || a === '--time') {
      const v = value();
      if (!/^\d+$/.test(v)) throw usageError(`${a} needs a non-negative integer, got '${v}'`);
      opts[a.slice(2)] = parseInt(v, 10);
    } else if (a === '-h' || a === '--help') opts.help = true;
    else if (a.startsWith('-')) throw usageError(`unknown option ${a}`);
    else if (opts.model === undefined) opts.model = a;
    else throw usageError(`unexpected argument '${a}'`);
  }
  if (opts.help) return opts;
  if (opts.jobs !== undefined) {
    if (opts.model !== undefined || opts.inputs.length || opts.batch !== undefined) throw usageError('--jobs takes no other arguments');
    return opts;
  }
  if (opts.model === undefined) throw usageError('missing MODEL.tflite (see --help)');
  if (opts.info) return opts;
  if (opts.batch !== undefined) {
    if (opts.inputs.length || opts.outputDir !== undefined || opts.random !== undefined || opts.time !== undefined) {
      throw usageError('--batch cannot be combined with --input, --output-dir, --random or --time');
    }
  } else if (opts.outputDir === undefined && opts.time === undefined && !opts.delegation) {
    throw usageError('need --output-dir DIR (or --info, --batch FILE.json, --time N, --delegation)');
  }
  if (opts.inputs.length && opts.random !== undefined) throw usageError('use either --input or --random, not both');
  if (opts.keepState && opts.batch === undefined) throw usageError('--keep-state only applies to --batch');
  if (opts.time === 0) throw usageError('--time needs N >= 1');
  if (opts.delegation && (opts.batch !== undefined || opts.time !== undefined)) throw usageError('--delegation cannot be combined with --batch or --time');
  return opts;
}

// --- runtime ---------------------------------------------------------------

async function loadRuntime(log, verbose) {
  let pkgDir;
  try {
    pkgDir = path.dirname(require.resolve('@tensorflow/tfjs-tflite/package.json'));
  } catch (e) {
    throw new CliError('@tensorflow/tfjs-tflite is not installed: run `npm ci --prefix tools/oracle`', EXIT_OTHER);
  }
  const sink = (line) => {
    log.push(String(line));
    if (verbose) process.stderr.write(`[tflite] ${line}\n`);
  };
  const variants = process.env.ORACLE_WASM === 'plain' ? VARIANTS.slice(1) : VARIANTS;
  let lastErr;
  for (const name of variants) {
    try {
      const factory = require(path.join(pkgDir, 'wasm', `${name}.js`));
      const wasmBinary = fs.readFileSync(path.join(pkgDir, 'wasm', `${name}.wasm`));
      const mod = await factory({ wasmBinary, print: sink, printErr: sink });
      mod.variant = name;
      return mod;
    } catch (e) {
      lastErr = e;
      if (verbose) process.stderr.write(`oracle: ${name} unavailable: ${e.message}\n`);
    }
  }
  throw new CliError(`cannot start the TFLite runtime: ${lastErr && lastErr.message}`, EXIT_OTHER);
}

function firstLine(s) {
  return String(s).split('\n').map((l) => l.trim()).find((l) => l) || '';
}

// The most informative runtime log line for an error message.
function logReason(log) {
  const line = log.find((l) => /^(ERROR|Aborted)/.test(l)) || '';
  return firstLine(line.replace(/^ERROR:\s*/, ''));
}

function loadModel(mod, modelPath, log, profiling = false) {
  let bytes;
  try {
    bytes = fs.readFileSync(modelPath);
  } catch (e) {
    throw usageError(`cannot read model ${modelPath}: ${e.code || e.message}`);
  }
  // The runner keeps pointing at this buffer: it is never freed.
  const ptr = mod._malloc(bytes.length);
  mod.HEAPU8.set(bytes, ptr);
  log.length = 0;
  let status;
  try {
    status = mod.TFLiteWebModelRunner.CreateFromBufferAndOptions(ptr, bytes.length, {
      numThreads: 1,
      enableProfiling: profiling,
      maxProfilingBufferEntries: 1 << 16,
    });
  } catch (e) {
    // An abort inside the runtime: a Flex (Select TF ops) model makes it try
    // to dlopen the Flex delegate, which this build cannot do.
    let reason = logReason(log) || firstLine(e.message);
    if (/dlopen/.test(reason)) reason = `runtime aborted trying to dlopen a delegate (Flex/Select TF ops are not available): ${reason}`;
    throw new CliError(`cannot load ${modelPath}: ${reason}`, EXIT_LOAD);
  }
  if (!status.ok()) {
    const reason = [firstLine(status.errorMessage()), logReason(log)].filter((s) => s).join(': ');
    throw new CliError(`cannot load ${modelPath}: ${reason}`, EXIT_LOAD);
  }
  return status.value();
}

function parseShape(text) {
  return text === '' ? [] : text.split(',').map(Number);
}

// Snapshot of the runner's input or output tensors. The runner's tensor
// objects capture the data pointer when they are created, so take a fresh
// snapshot before filling inputs and after every Infer(): dynamic tensors
// (e.g. an output whose shape is computed from an input) only get memory
// during Infer(). data() is a live view into wasm memory; copy what you keep.
function snapshot(vector) {
  const specs = [];
  for (let i = 0; i < vector.size(); i++) {
    const t = vector.get(i);
    const dtype = RUNNER_DTYPES.has(t.dataType) ? t.dataType : 'unknown';
    // Unexposed types give data() === 0 instead of a typed array.
    const view = dtype === 'unknown' ? null : t.data();
    specs.push({ index: i, name: t.name, dtype, shape: parseShape(t.shape), view });
    t.delete();
  }
  vector.delete();
  return specs;
}

const publicSpec = ({ name, dtype, shape }) => ({ name, dtype, shape });
const fmt = (dtype, shape) => `${dtype}[${shape.join(',')}]`;

// --- inputs and outputs ------------------------------------------------------

function setInput(spec, arr, what) {
  const want = fmt(spec.dtype, spec.shape);
  if (spec.dtype === 'unknown') {
    throw usageError(`${what}: model input ${spec.index} '${spec.name}' has a type the runner does not expose`);
  }
  const got = fmt(arr.dtype, arr.shape);
  if (got !== want) throw usageError(`${what}: model input ${spec.index} '${spec.name}' is ${want}, got ${got}`);
  spec.view.set(arr.data);
}

function readInputFiles(specs, files) {
  if (files.length !== specs.length) {
    throw usageError(`model has ${specs.length} input(s), got ${files.length} input file(s)`);
  }
  return files.map((f) => {
    try {
      return npy.read(f);
    } catch (e) {
      if (e instanceof npy.NpyError) throw usageError(e.message);
      throw e;
    }
  });
}

// Small deterministic PRNG (mulberry32), returns floats in [0, 1).
function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Random inputs: floats uniform in [-1, 1); 8/16-bit integers over their
// full range; 32-bit integers in [0, 16) (they are often indices or sizes);
// bool 0/1.
function randomArray(spec, rand) {
  const n = npy.sizeOf(spec.shape);
  const Ctor = npy.DTYPES[spec.dtype][1];
  const data = new Ctor(n);
  const ranges = { int8: [-128, 256], uint8: [0, 256], int16: [-32768, 65536], int32: [0, 16], uint32: [0, 16], bool: [0, 2] };
  const r = ranges[spec.dtype];
  for (let i = 0; i < n; i++) data[i] = r ? r[0] + Math.floor(rand() * r[1]) : rand() * 2 - 1;
  return { dtype: spec.dtype, shape: spec.shape.slice(), data };
}

function infer(runner, log) {
  log.length = 0;
  let ok;
  try {
    ok = runner.Infer();
  } catch (e) {
    throw new CliError(`inference aborted: ${logReason(log) || firstLine(e.message)}`, EXIT_OTHER);
  }
  if (!ok) throw new CliError(`inference failed${logReason(log) ? ': ' + logReason(log) : ''}`, EXIT_OTHER);
}

function writeOutputs(specs, dir) {
  fs.mkdirSync(dir, { recursive: true });
  const listing = specs.map((spec) => {
    const entry = { ...publicSpec(spec), file: null };
    if (spec.view) {
      entry.file = `output_${spec.index}.npy`;
      npy.write(path.join(dir, entry.file), { dtype: spec.dtype, shape: spec.shape, data: spec.view });
    } else {
      process.stderr.write(`oracle: warning: output ${spec.index} '${spec.name}' has a type the runner does not expose; not written\n`);
    }
    return entry;
  });
  fs.writeFileSync(path.join(dir, 'outputs.json'), `[\n${listing.map((e) => '  ' + JSON.stringify(e)).join(',\n')}\n]\n`);
}

// Which of the model's nodes the XNNPACK delegate took, from the profile of
// the Infer() just run (the runner must have been created with profiling).
// The profiler lists every node of the execution plan as "[names]:INDEX",
// typed by its kernel: a node left on the CPU keeps its own index and op
// name; the delegate's partitions are new nodes "TfLiteXNNPackDelegate"
// appended after the model's N nodes, so N is the first partition's index
// (or the number of nodes run, when there is no partition), and the
// delegated nodes are those of 0..N-1 not run on the CPU.
// Only the main subgraph's plan is profiled.
function delegation(runner) {
  const summary = runner.GetProfilingSummary();
  const lines = summary.split('\n');
  const start = lines.findIndex((l) => /Run Order/.test(l));
  if (start < 0) throw new CliError('the runtime profiled no node (it ran none, or profiling is off)', EXIT_OTHER);
  const cpu = [];
  const partitions = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.trim()) break;
    const fields = line.split('\t').map((f) => f.trim()).filter((f) => f);
    const m = /:(\d+)$/.exec(fields[fields.length - 1]);
    if (!m) throw new CliError(`cannot read the profile line '${line.trim()}'`, EXIT_OTHER);
    const entry = { index: Number(m[1]), op: fields[0] };
    (entry.op === 'TfLiteXNNPackDelegate' ? partitions : cpu).push(entry);
  }
  const nodes = partitions.length ? Math.min(...partitions.map((p) => p.index)) : cpu.length;
  if (cpu.length && Math.max(...cpu.map((c) => c.index)) >= nodes) {
    throw new CliError('the profile lists a CPU node after the delegate partitions', EXIT_OTHER);
  }
  cpu.sort((a, b) => a.index - b.index);
  const onCpu = new Set(cpu.map((c) => c.index));
  const delegated = [];
  for (let i = 0; i < nodes; i++) if (!onCpu.has(i)) delegated.push(i);
  return { nodes, partitions: partitions.length, delegated, cpu };
}

// --- modes -------------------------------------------------------------------

// Each entry is one Infer(). TFLite keeps a model's variable tensors (the
// state of UNIDIRECTIONAL_SEQUENCE_LSTM, SVDF...) from one Infer() to the
// next until the interpreter is rebuilt, so by default every entry gets a
// freshly loaded model: its outputs are what --input gives for that entry
// alone. --keep-state runs the entries one after another on one interpreter,
// as an application that calls Invoke() repeatedly does.
function runBatch(mod, modelPath, batchFile, log, keepState) {
  let jobs;
  try {
    jobs = JSON.parse(fs.readFileSync(batchFile, 'utf8'));
  } catch (e) {
    throw usageError(`cannot read batch file ${batchFile}: ${firstLine(e.message)}`);
  }
  const ok = Array.isArray(jobs) && jobs.every((j) => j && Array.isArray(j.inputs) && typeof j.output_dir === 'string');
  if (!ok) throw usageError(`${batchFile}: expected [{"inputs": [...], "output_dir": "..."}, ...]`);
  const base = path.dirname(path.resolve(batchFile));
  let runner = null;
  jobs.forEach((job, k) => {
    if (runner === null || !keepState) {
      if (runner !== null) runner.delete();
      runner = loadModel(mod, modelPath, log);
    }
    const files = job.inputs.map((f) => path.resolve(base, f));
    try {
      const inSpecs = snapshot(runner.GetInputs());
      const arrays = readInputFiles(inSpecs, files);
      arrays.forEach((a, i) => setInput(inSpecs[i], a, files[i]));
    } catch (e) {
      e.message = `batch entry ${k}: ${e.message}`;
      throw e;
    }
    infer(runner, log);
    writeOutputs(snapshot(runner.GetOutputs()), path.resolve(base, job.output_dir));
  });
}

// Many (model, inputs) jobs in one process, for test suites that build many
// single-op models: [{"model": "m.tflite", "inputs": ["a.npy"], "output_dir": "d"}].
// Each job's outcome goes to its output_dir: outputs as usual, or error.json
// {"code", "message"} (code 3: the runtime cannot load the model); with
// "delegation": true also delegation.json (see delegation(); {"error": ...}
// when the profile cannot tell, e.g. the runtime ran no node). Paths are
// relative to the jobs file. A runtime abort restarts the runtime.
async function runJobs(jobsFile, verbose) {
  let jobs;
  try {
    jobs = JSON.parse(fs.readFileSync(jobsFile, 'utf8'));
  } catch (e) {
    throw usageError(`cannot read jobs file ${jobsFile}: ${firstLine(e.message)}`);
  }
  const ok = Array.isArray(jobs) && jobs.every((j) => j && typeof j.model === 'string' && Array.isArray(j.inputs) && typeof j.output_dir === 'string');
  if (!ok) throw usageError(`${jobsFile}: expected [{"model": "...", "inputs": [...], "output_dir": "..."}, ...]`);
  const base = path.dirname(path.resolve(jobsFile));
  const log = [];
  let mod = await loadRuntime(log, verbose);
  // A wasm trap (e.g. after deleting a runner of a stateful model) can leave
  // the runtime unusable for the next model: start a fresh runtime and try
  // that job once more before reporting it.
  const trapped = (e) => /memory access out of bounds|unreachable|RuntimeError|aborted/i.test(String(e && e.message));
  for (const job of jobs) {
    const outDir = path.resolve(base, job.output_dir);
    fs.mkdirSync(outDir, { recursive: true });
    for (let attempt = 0; attempt < 2; attempt++) {
      // The retry runs with the profiler off: on some models the runtime
      // traps only with it on (TFLite Micro's keyword_scrambled_8bit, SVDF).
      const done = await runJob(job, outDir, attempt === 1, job.delegation === true && attempt === 0);
      if (done) break;
      mod = await loadRuntime(log, verbose);
    }
  }

  // Returns false when the runtime trapped and the job should be retried.
  async function runJob(job, outDir, lastAttempt, profile) {
    let runner = null;
    try {
      runner = loadModel(mod, path.resolve(base, job.model), log, profile);
      const files = job.inputs.map((f) => path.resolve(base, f));
      const inSpecs = snapshot(runner.GetInputs());
      const arrays = readInputFiles(inSpecs, files);
      arrays.forEach((a, i) => setInput(inSpecs[i], a, files[i]));
      infer(runner, log);
      writeOutputs(snapshot(runner.GetOutputs()), outDir);
      if (job.delegation === true) {
        // The outputs stand even when the profile cannot tell the delegation.
        let d;
        if (!profile) {
          d = { error: 'the runtime trapped with its profiler on; these outputs come from a run without it' };
        } else {
          try {
            d = delegation(runner);
          } catch (e) {
            if (!(e instanceof CliError)) throw e;
            d = { error: e.message };
          }
        }
        fs.writeFileSync(path.join(outDir, 'delegation.json'), JSON.stringify(d) + '\n');
      }
      return true;
    } catch (e) {
      if (trapped(e) && !lastAttempt) return false;
      const code = e instanceof CliError ? e.code : EXIT_OTHER;
      fs.writeFileSync(path.join(outDir, 'error.json'), JSON.stringify({ code, message: firstLine(e.message) }) + '\n');
      if (trapped(e)) mod = await loadRuntime(log, verbose);
      return true;
    } finally {
      if (runner && typeof runner.delete === 'function') {
        try { runner.delete(); } catch (e) { /* already gone with an aborted runtime */ }
      }
    }
  }
}

async function main(argv) {
  const opts = parseArgs(argv);
  if (opts.help) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  if (opts.jobs !== undefined) {
    await runJobs(opts.jobs, opts.verbose);
    return;
  }
  if (!fs.existsSync(opts.model)) throw usageError(`no such model file: ${opts.model}`);
  const log = [];
  const mod = await loadRuntime(log, opts.verbose);
  if (opts.batch !== undefined) {
    runBatch(mod, opts.model, opts.batch, log, opts.keepState);
    return;
  }
  const runner = loadModel(mod, opts.model, log, opts.delegation === true);

  if (opts.info) {
    // Shapes as known after loading; a dynamic output may change on Infer().
    const [inputs, outputs] = [runner.GetInputs(), runner.GetOutputs()].map((v) => snapshot(v).map(publicSpec));
    process.stdout.write(JSON.stringify({ model: opts.model, runtime: mod.variant, inputs, outputs }) + '\n');
    return;
  }
  const inSpecs = snapshot(runner.GetInputs());
  if (opts.random !== undefined) {
    const rand = prng(opts.random);
    const arrays = inSpecs.map((s) => {
      if (s.dtype === 'unknown') throw usageError(`model input ${s.index} '${s.name}' has a type the runner does not expose`);
      return randomArray(s, rand);
    });
    arrays.forEach((a, i) => setInput(inSpecs[i], a, `random input ${i}`));
    if (opts.outputDir !== undefined) {
      fs.mkdirSync(opts.outputDir, { recursive: true });
      arrays.forEach((a, i) => npy.write(path.join(opts.outputDir, `input_${i}.npy`), a));
    }
  } else if (opts.inputs.length || opts.outputDir !== undefined) {
    const arrays = readInputFiles(inSpecs, opts.inputs);
    arrays.forEach((a, i) => setInput(inSpecs[i], a, opts.inputs[i]));
  } else {
    // --time alone: zero inputs.
    inSpecs.forEach((s) => s.view && s.view.fill(0));
  }

  infer(runner, log);
  // Before timing: the timed runs would carry a stateful model's state on.
  if (opts.outputDir !== undefined) writeOutputs(snapshot(runner.GetOutputs()), opts.outputDir);
  if (opts.time !== undefined) {
    // Warm-up: the WebAssembly is compiled in tiers (a baseline compiler
    // first, the optimizing one in the background while it runs); untimed
    // runs until 0.5 s of CPU has gone by (at most 2000), so that the timed
    // runs are the optimized code's and their CPU time holds no compiling.
    const w0 = process.cpuUsage();
    for (let i = 0; i < 2000; i++) {
      const w = process.cpuUsage(w0);
      if (w.user + w.system > 5e5) break;
      infer(runner, log);
    }
    // Wall time, and the process's CPU time (every thread's): on a shared
    // machine wall time also counts the time other processes held the cores.
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    for (let i = 0; i < opts.time; i++) infer(runner, log);
    const meanMs = Number(process.hrtime.bigint() - t0) / 1e6 / opts.time;
    const cpu = process.cpuUsage(c0);
    const cpuMs = (cpu.user + cpu.system) / 1e3 / opts.time;
    process.stdout.write(JSON.stringify({ mean_ms: Number(meanMs.toFixed(4)), cpu_ms: Number(cpuMs.toFixed(4)) }) + '\n');
  }
  if (opts.delegation) process.stdout.write(JSON.stringify(delegation(runner)) + '\n');
}

main(process.argv.slice(2)).then(
  () => {
    process.exitCode = 0;
  },
  (e) => {
    if (e instanceof CliError) {
      process.stderr.write(`oracle: ${e.message}\n`);
      process.exitCode = e.code;
    } else {
      process.stderr.write(`oracle: internal error: ${firstLine(e && e.stack ? e.stack : e)}\n`);
      process.exitCode = EXIT_OTHER;
    }
  },
);
