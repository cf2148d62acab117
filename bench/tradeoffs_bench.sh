#!/usr/bin/env bash
# The whole `tradeoffs` table for MobileNet v1 0.25 (float, with metadata):
# every scheme, mixed precision to the default budget (top-1 agreement >=
# 99%), calibrated on the 250 odd rows of ../shared/fixtures/imagenet-sample
# and measured on the 250 even rows. Prints the table, then wall time, CPU
# time (user + sys) and peak RSS of the command. Target: under 3 minutes.
#
# Usage: bench/tradeoffs_bench.sh [BUILD_DIR] [MODEL] [EXTRA TRADEOFFS ARGS...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
fx=$(cd ../shared/fixtures && pwd)
model=${2:-$fx/models/tflite-support/mobilenet_v1_0.25_224_1_metadata_1.tflite}
shift 2 2>/dev/null || shift $#
extra=("$@")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

source bench/lib.sh
imagenet_halves "$fx" "$work" 0 header
echo "calibration: $(($(wc -l < "$work/calib.csv") - 1)) photos, evaluation: $(($(wc -l < "$work/eval.csv") - 1)) photos"

/usr/bin/time -f "wall %e s, cpu %U s user + %S s sys, peak RSS %M kB" \
  "$build/tflite-doctor" tradeoffs "$model" --calibration "$work/calib.csv" --data "$work/eval.csv" \
  --out "$work/variants" "${extra[@]}"
