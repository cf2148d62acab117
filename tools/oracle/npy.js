'use strict';
// Minimal NumPy .npy reader/writer (format versions 1.0, 2.0 and 3.0 on read;
// 1.0, or 2.0 for huge headers, on write). Little-endian, C order only.
//
// An array is { dtype, shape, data } where dtype is a NumPy-style name
// ('float32', 'int8', 'bool', ...), shape an array of non-negative integers
// and data a typed array of the matching kind (bool uses Uint8Array of 0/1,
// int64/uint64 use BigInt64Array/BigUint64Array).

const fs = require('fs');

// dtype name -> [npy descr, TypedArray constructor]
const DTYPES = {
  float32: ['<f4', Float32Array],
  float64: ['<f8', Float64Array],
  int8: ['|i1', Int8Array],
  uint8: ['|u1', Uint8Array],
  int16: ['<i2', Int16Array],
  uint16: ['<u2', Uint16Array],
  int32: ['<i4', Int32Array],
  uint32: ['<u4', Uint32Array],
  int64: ['<i8', BigInt64Array],
  uint64: ['<u8', BigUint64Array],
  bool: ['|b1', Uint8Array],
};

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

class NpyError extends Error {}

function descrToDtype(descr) {
  // Single-byte types carry no byte order; NumPy writes '|' but '<' and '='
  // are accepted. Multi-byte types must be little-endian ('<', or '=' which
  // is native and therefore little-endian on every platform we run on).
  const m = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  if (m) {
    const [, order, kind, size] = m;
    for (const [name, [d]] of Object.entries(DTYPES)) {
      if (d.slice(1) !== kind + size) continue;
      if (order === '>' && size !== '1') break;
      return name;
    }
  }
  throw new NpyError(`unsupported npy dtype '${descr}'`);
}

function sizeOf(shape) {
  return shape.reduce((a, b) => a * b, 1);
}

// Parses the Python dict literal of a .npy header.
function parseHeader(text) {
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]+)['"]/.exec(text);
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text);
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !fortran || !shape) throw new NpyError(`malformed npy header: ${text.trim()}`);
  if (fortran[1] === 'True') throw new NpyError('Fortran-order npy arrays are not supported');
  const dims = shape[1].split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (!dims.every((s) => /^\d+L?$/.test(s))) throw new NpyError(`malformed npy shape (${shape[1]})`);
  return { dtype: descrToDtype(descr[1]), shape: dims.map((s) => parseInt(s, 10)) };
}

function parse(buf, where = 'npy data') {
  if (buf.length < 10 || !buf.subarray(0, 6).equals(MAGIC)) throw new NpyError(`${where}: not a .npy file`);
  const major = buf[6];
  let headerLen, start;
  if (major === 1) {
    headerLen = buf.readUInt16LE(8);
    start = 10;
  } else if (major === 2 || major === 3) {
    headerLen = buf.readUInt32LE(8);
    start = 12;
  } else {
    throw new NpyError(`${where}: unsupported npy version ${major}.${buf[7]}`);
  }
  const dataStart = start + headerLen;
  if (dataStart > buf.length) throw new NpyError(`${where}: truncated header`);
  const header = buf.toString(major === 3 ? 'utf8' : 'latin1', start, dataStart);
  let parsed;
  try {
    parsed = parseHeader(header);
  } catch (e) {
    throw new NpyError(`${where}: ${e.message}`);
  }
  const { dtype, shape } = parsed;
  const Ctor = DTYPES[dtype][1];
  const n = sizeOf(shape);
  const nbytes = n * Ctor.BYTES_PER_ELEMENT;
  if (buf.length - dataStart < nbytes) {
    throw new NpyError(`${where}: expected ${nbytes} data bytes for shape [${shape}], found ${buf.length - dataStart}`);
  }
  // Copy into a fresh, aligned buffer.
  const data = new Ctor(n);
  new Uint8Array(data.buffer).set(buf.subarray(dataStart, dataStart + nbytes));
  return { dtype, shape, data };
}

function read(path) {
  let buf;
  try {
    buf = fs.readFileSync(path);
  } catch (e) {
    throw new NpyError(`cannot read ${path}: ${e.code || e.message}`);
  }
  return parse(buf, path);
}

function serialize({ dtype, shape, data }) {
  if (!DTYPES[dtype]) throw new NpyError(`cannot write dtype '${dtype}'`);
  const [descr, Ctor] = DTYPES[dtype];
  const n = sizeOf(shape);
  if (data.length !== n) throw new NpyError(`data has ${data.length} elements, shape [${shape}] needs ${n}`);
  const typed = data instanceof Ctor ? data : Ctor.from(data);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  let version = 1;
  let prefix = 10;
  // Pad so that the data starts on a 64-byte boundary; header ends with '\n'.
  let total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  if (total - prefix > 0xffff) {
    version = 2;
    prefix = 12;
    total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  }
  const headerLen = total - prefix;
  const head = Buffer.alloc(total, 0x20);
  MAGIC.copy(head, 0);
  head[6] = version;
  head[7] = 0;
  if (version === 1) head.writeUInt16LE(headerLen, 8);
  else head.writeUInt32LE(headerLen, 8);
  head.write(dict, prefix, 'latin1');
  head[total - 1] = 0x0a;
  const body = Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength);
  return Buffer.concat([head, body]);
}

function write(path, arr) {
  fs.writeFileSync(path, serialize(arr));
}

module.exports = { DTYPES, NpyError, parse, read, serialize, write, sizeOf };
