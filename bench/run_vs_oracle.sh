#!/usr/bin/env bash
# Latency of `run` (our reference kernels) against the real TFLite runtime
# (WebAssembly + XNNPACK, one thread) on the same machine. Prints one line
# per model: ours, oracle, ratio. Usage: bench/run_vs_oracle.sh [BUILD_DIR] [MODEL...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shift || true
fixtures=../shared/fixtures/models
models=("$@")
if [ ${#models[@]} -eq 0 ]; then
  models=("$fixtures/coral/mobilenet_v2_1.0_224_quant.tflite" "$fixtures/mlperf-tiny/vww_96_int8.tflite"
          "$fixtures/mlperf-tiny/vww_96_float.tflite" "$fixtures/mlperf-tiny/pretrainedResnet_quant.tflite"
          "$fixtures/mlperf-tiny/kws_ref_model.tflite")
fi
printf "%-48s %10s %10s %8s\n" model ours_ms oracle_ms ratio
for m in "${models[@]}"; do
  ours=$("$build/bench/time_model" "$m" 10 | sed 's/.*"mean_ms": \([0-9.]*\).*/\1/')
  theirs=$(node tools/oracle/oracle.js "$m" --random 1 --time 10 | sed 's/.*"mean_ms":\([0-9.]*\).*/\1/')
  ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.2f", a / b }')
  printf "%-48s %10s %10s %8s\n" "$(basename "$m")" "$ours" "$theirs" "$ratio"
done
