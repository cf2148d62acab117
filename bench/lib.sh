# Helpers shared by the bench scripts; source it after `cd` to the repository
# root (noise_set reads tools/oracle/npy.js from there). input_range calls the
# binary the sourcing script names in $td.

# imagenet_halves FIXTURES OUT_DIR [N] [header]: imagenet-sample split in two
# CSVs of absolute paths, OUT_DIR/calib.csv (odd data rows of labels.csv) and
# OUT_DIR/eval.csv (even rows), each cut to its first N rows when N > 0 and
# led by labels.csv's header line when the fourth argument is `header`.
imagenet_halves() {
  local fx=$1 out=$2 n=${3:-0} header=${4:-}
  local labels=$fx/imagenet-sample/labels.csv
  if [[ $header == header ]]; then
    head -1 "$labels" | tee "$out/calib.csv" >"$out/eval.csv"
  else
    : >"$out/calib.csv"
    : >"$out/eval.csv"
  fi
  awk -v d="$fx/imagenet-sample" -v n="$n" -v out="$out" \
    'NR > 1 { f = (NR % 2) ? "eval" : "calib"; if (n == 0 || c[f]++ < n) print d "/" $0 >> (out "/" f ".csv") }' "$labels"
}

# input_range MODEL: the real range "lo hi" a model's int8 input covers.
input_range() {
  "${td:?bench/lib.sh: set td to the tflite-doctor binary}" inspect "$1" --json |
    jq -r '.inputs[0].quantization | "\(.scale[0] * (-128 - .zero_point[0])) \(.scale[0] * (127 - .zero_point[0]))"'
}

# noise_set DIR N SEED LO HI SHAPE: N seeded uniform float32 .npy files of
# shape SHAPE (a JSON list) over [LO, HI] into DIR.
noise_set() {
  local dir=$1 n=$2 seed=$3 lo=$4 hi=$5 shape=$6
  mkdir -p "$dir"
  node -e '
    const npy = require("./tools/oracle/npy.js");
    const [dir, n, seed, lo, hi, shape] = process.argv.slice(1);
    const dims = JSON.parse(shape);
    let s = BigInt(seed) * 6364136223846793005n + 1442695040888963407n;
    const next = () => { s = (s * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n); return Number(s >> 11n) / 2 ** 53; };
    const size = dims.reduce((a, b) => a * b, 1);
    for (let i = 0; i < Number(n); i++) {
      const data = new Float32Array(size);
      for (let k = 0; k < size; k++) data[k] = Number(lo) + (Number(hi) - Number(lo)) * next();
      npy.write(`${dir}/item_${String(i).padStart(4, "0")}.npy`, { dtype: "float32", shape: dims, data });
    }' "$dir" "$n" "$seed" "$lo" "$hi" "$shape"
}
