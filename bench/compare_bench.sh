#!/usr/bin/env bash
# Wall time of `compare` over 100 inputs on MobileNet-v2-sized models, end to
# end through the CLI (load, both runs, every layer run alone, statistics).
# The fixtures hold no float MobileNet v2, so the v2 case is --self on the
# Coral uint8 model (its float shadow is a float MobileNet v2); the v1 0.25
# float/uint8 pair is timed too. Usage: bench/compare_bench.sh [BUILD_DIR] [SAMPLES]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
samples=${2:-100}
fixtures=../shared/fixtures/models
run() {
  local label=$1
  shift
  local start end
  start=$(date +%s.%N)
  "$build/tflite-doctor" compare "$@" --samples "$samples" --json >/dev/null
  end=$(date +%s.%N)
  awk -v l="$label" -v s="$start" -v e="$end" -v n="$samples" \
    'BEGIN { printf "%-52s %6d inputs %8.1f s  (%.0f ms per input)\n", l, n, e - s, 1000 * (e - s) / n }'
}
run "mobilenet_v2_1.0_224_quant --self" --self "$fixtures/coral/mobilenet_v2_1.0_224_quant.tflite"
run "mobilenet_v1_0.25_224 float vs quant" "$fixtures/tflite-support/mobilenet_v1_0.25_224_1_metadata_1.tflite" \
  "$fixtures/tflite-support/mobilenet_v1_0.25_224_quant.tflite"
