#!/usr/bin/env bash
# Peak resident memory and wall time of `quantize` (int8, default options:
# mse ranges, bias correction) calibrated on 50, 250 and 500 images:
# calibration streams the items (every pass decodes them again, one at a
# time), so memory must not grow with their number. Two sets: the first 50
# photos of imagenet-sample listed 1, 5 and 10 times (the same largest
# photo in each, so only the count changes), and 50, 250 and 500 different
# photos (the peak then also follows the largest photo decoded). The wall
# time of 250 different photos is the speed figure (under 60 s wanted).
# Usage: bench/quantize_memory_bench.sh [BUILD_DIR] [MODEL]
# (MODEL defaults to the float MobileNet v1 0.25 with metadata.)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
model=${2:-../shared/fixtures/models/tflite-support/mobilenet_v1_0.25_224_1_metadata_1.tflite}
sample=$(cd ../shared/fixtures/imagenet-sample && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "model: $model; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
sed -n "2,51p" "$sample/labels.csv" | awk -v d="$sample" 'BEGIN { FS = OFS = "," } { $1 = d "/" $1; print }' >"$work/rows"
for k in 1 5 10; do
  { echo "path,label"; for _ in $(seq "$k"); do cat "$work/rows"; done; } >"$work/same_$((50 * k)).csv"
done
measure() {
  local what=$1 n=$2 data=$3
  /usr/bin/time -v "$build/tflite-doctor" quantize "$model" -o "$work/out.tflite" --calibration "$data" \
    --samples "$n" >"$work/out" 2>"$work/time" || {
    cat "$work/time" >&2
    exit 1
  }
  printf '%-10s %4d images: peak RSS %7.1f MB, wall %s, CPU %s s (load %s)\n' "$what" "$n" \
    "$(awk -F': ' '/Maximum resident set size/ { print $2 / 1024 }' "$work/time")" \
    "$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$work/time")" \
    "$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { print u + s }' "$work/time")" \
    "$(cut -d' ' -f1 /proc/loadavg)"
}
for n in 50 250 500; do measure "same 50" "$n" "$work/same_$n.csv"; done
for n in 50 250 500; do measure different "$n" "$sample/labels.csv"; done
