#!/usr/bin/env bash
# Peak resident memory of `eval` for 500 and 5,000 items: it must not grow
# with the dataset (items are streamed; only a small record per item is
# kept). The 5,000-item set is imagenet-sample's 500 photos listed 10 times.
# Usage: bench/eval_memory_bench.sh [BUILD_DIR] [MODEL] [--json]
# (MODEL defaults to the float MobileNet v1 0.25 with metadata; --json also
# measures the JSON report, which lists every item.)
# Measured 2026-12-06 (2 shared cores, float MobileNet v1 0.25 with metadata):
#   text report: 500 items 77.3 MB, 5000 items 78.0 MB, ratio 1.009
#   --json:      500 items 77.7 MB, 5000 items 78.3 MB, ratio 1.008
#   before streaming, 500 items: 606 MB (every decoded photo held).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
model=${2:-../shared/fixtures/models/tflite-support/mobilenet_v1_0.25_224_1_metadata_1.tflite}
mode=${3:-}
sample=$(cd ../shared/fixtures/imagenet-sample && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# CSVs with absolute paths: the labels file once, then ten times.
tail -n +2 "$sample/labels.csv" | awk -v d="$sample" 'BEGIN { FS = OFS = "," } { $1 = d "/" $1; print }' >"$work/rows"
{ echo "path,label"; cat "$work/rows"; } >"$work/500.csv"
{ echo "path,label"; for _ in $(seq 10); do cat "$work/rows"; done; } >"$work/5000.csv"
peak_kb() {
  /usr/bin/time -v "$build/tflite-doctor" eval "$model" --data "$1" $mode >"$work/out" 2>"$work/time" || {
    cat "$work/time" >&2
    exit 1
  }
  awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time"
}
wall_s() { awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$work/time"; }
small=$(peak_kb "$work/500.csv")
small_t=$(wall_s)
large=$(peak_kb "$work/5000.csv")
large_t=$(wall_s)
echo "model: $model ${mode:-(text report)}"
printf '  500 items: peak RSS %8.1f MB  (%s)\n' "$(echo "$small / 1024" | bc -l)" "$small_t"
printf ' 5000 items: peak RSS %8.1f MB  (%s)\n' "$(echo "$large / 1024" | bc -l)" "$large_t"
printf ' ratio 5000/500: %.3f\n' "$(echo "$large / $small" | bc -l)"
