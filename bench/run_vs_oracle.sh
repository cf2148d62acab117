#!/usr/bin/env bash
# Latency of our interpreter against the real TFLite runtime (WebAssembly +
# XNNPACK, one thread) on the same machine, in the same run. One line per
# model and profile: our mean over RUNS invokes (fast kernels, one thread;
# a mean like the oracle's, since on a shared machine a median leaves out
# the runs another process interrupted and a mean does not), the exact
# kernels' median (--reference-kernels), the oracle's mean, and ratio =
# ours / oracle; then CPU time per run, ours and the oracle's (its
# process's, mean over the timed runs, after its warm-up), their ratio, and
# the load average: wall times also count the time other processes held
# the cores, CPU times do not. The oracle is timed between our two runs,
# ROUNDS times, and the medians of the rounds are printed (the machine is
# shared: single timings are noisy). The oracle's WebAssembly is compiled in
# tiers (a baseline compiler first, the optimizing one in the background):
# it warms up for 0.5 s of CPU before timing, and its mean covers at least
# ~4 s of runs (a VWW mean over 20 unwarmed runs was 2-3x its mean over
# 200). Then
# native XNNPACK against both profiles (bench/native_xnnpack, when built),
# and `eval` on imagenet-sample (MobileNet v2 uint8, 1 and 2 threads: wall
# and CPU time, and the load average, since the machine may be shared).
# Usage: bench/run_vs_oracle.sh [BUILD_DIR] [MODEL...]
# Env: RUNS (default 30; the exact kernels run RUNS/3, 3 to 10), ROUNDS (default 3),
# EVAL=0 to skip the eval lines.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shift || true
fixtures=../shared/fixtures/models
runs=${RUNS:-30}
rounds=${ROUNDS:-3}
models=("$@")
if [ ${#models[@]} -eq 0 ]; then
  models=("$fixtures/coral/mobilenet_v2_1.0_224_quant.tflite" "$fixtures/mlperf-tiny/vww_96_int8.tflite"
          "$fixtures/mlperf-tiny/pretrainedResnet_quant.tflite" "$fixtures/mlperf-tiny/kws_ref_model.tflite"
          "$fixtures/tflite-support/mobilenet_v1_0.25_224_1_default_1.tflite"
          "$fixtures/coral/deeplabv3_mnv2_dm05_pascal_quant.tflite" "$fixtures/mlperf-tiny/vww_96_float.tflite")
  # The fixtures hold DeepLab v3 only quantized: its float shadow (the same
  # graph in float on the dequantized weights) stands for the float model.
  if [ -x "$build/bench/write_float_shadow" ]; then
    shadow_dir=$(mktemp -d)
    trap 'rm -rf "$shadow_dir"' EXIT
    "$build/bench/write_float_shadow" "$fixtures/coral/deeplabv3_mnv2_dm05_pascal_quant.tflite" \
      "$shadow_dir/deeplabv3_mnv2_dm05_float.tflite"
    models+=("$shadow_dir/deeplabv3_mnv2_dm05_float.tflite")
  fi
fi
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
field() { sed "s/.*\"$1\": *\([0-9.]*\).*/\1/"; }
printf "%-44s %-9s %9s %9s %9s %7s %7s %9s %9s %7s %s\n" model profile ours_ms exact_ms oracle_ms ratio exact_r \
  ours_cpu oracle_cpu cpu_r load
for m in "${models[@]}"; do
  for profile in xnnpack reference; do
    ours=() exact=() theirs=() ours_cpu=() theirs_cpu=()
    for ((r = 0; r < rounds; r++)); do
      line=$("$build/bench/time_model" "$m" "$runs" --arithmetic $profile)
      ours+=("$(echo "$line" | field mean_ms)")
      ours_cpu+=("$(echo "$line" | field cpu_ms)")
      e=$("$build/bench/time_model" "$m" $(( runs / 3 < 10 ? (runs / 3 < 3 ? 3 : runs / 3) : 10 )) --arithmetic $profile \
          --reference-kernels | field median_ms)
      exact+=("$e")
      oracle_runs=$(awk -v e="$e" -v r="$runs" 'BEGIN { n = int(4000 / (e + 0.01)); if (n < r) n = r; if (n > 2000) n = 2000; print n }')
      line=$(node tools/oracle/oracle.js "$m" --random 1 --time "$oracle_runs")
      theirs+=("$(echo "$line" | field mean_ms)")
      theirs_cpu+=("$(echo "$line" | field cpu_ms)")
    done
    o=$(printf "%s\n" "${ours[@]}" | median)
    e=$(printf "%s\n" "${exact[@]}" | median)
    t=$(printf "%s\n" "${theirs[@]}" | median)
    oc=$(printf "%s\n" "${ours_cpu[@]}" | median)
    tc=$(printf "%s\n" "${theirs_cpu[@]}" | median)
    printf "%-44s %-9s %9.3f %9.3f %9.3f %7.2f %7.2f %9.3f %9.3f %7.2f %s\n" "$(basename "$m")" $profile "$o" "$e" "$t" \
      "$(awk -v a="$o" -v b="$t" 'BEGIN { print a / b }')" "$(awk -v a="$e" -v b="$t" 'BEGIN { print a / b }')" \
      "$oc" "$tc" "$(awk -v a="$oc" -v b="$tc" 'BEGIN { print a / b }')" "$(cut -d' ' -f1 /proc/loadavg)"
  done
done
# Native XNNPACK (bench/native_xnnpack, built when libxnnpack-dev is
# installed): the delegated nodes as one XNNPACK subgraph, in the same
# process as our two profiles; ratio = ours / native.
if [ -x "$build/bench/native_xnnpack" ]; then
  printf "%-44s %9s %9s %9s %7s %7s %9s %9s %9s %7s %7s %s %s\n" model native_ms xnn_ms ref_ms xnn_r ref_r \
    native_cpu xnn_cpu ref_cpu xnn_cr ref_cr "nodes exact" load
  for m in "$fixtures/coral/mobilenet_v2_1.0_224_quant.tflite" "$fixtures/mlperf-tiny/vww_96_int8.tflite"; do
    line=$("$build/bench/native_xnnpack" "$m" "$runs" 2>/dev/null)
    printf "%-44s %9.3f %9.3f %9.3f %7.2f %7.2f %9.3f %9.3f %9.3f %7.2f %7.2f %s/%s %s\n" "$(basename "$m")" \
      "$(echo "$line" | field native_ms)" "$(echo "$line" | field ours_xnnpack_ms)" \
      "$(echo "$line" | field ours_reference_ms)" "$(echo "$line" | field xnnpack_ratio)" \
      "$(echo "$line" | field reference_ratio)" "$(echo "$line" | field native_cpu_ms)" \
      "$(echo "$line" | field ours_xnnpack_cpu_ms)" "$(echo "$line" | field ours_reference_cpu_ms)" \
      "$(echo "$line" | field xnnpack_cpu_ratio)" "$(echo "$line" | field reference_cpu_ratio)" \
      "$(echo "$line" | field nodes_exact)" "$(echo "$line" | field nodes_checked)" "$(cut -d' ' -f1 /proc/loadavg)"
  done
fi
if [ "${EVAL:-1}" != 0 ] && [ -f ../shared/fixtures/imagenet-sample/labels.csv ]; then
  for threads in 1 2; do
    t=$( { TIMEFORMAT="%R %U %S"; time "$build/tflite-doctor" eval "$fixtures/coral/mobilenet_v2_1.0_224_quant.tflite" \
      --data ../shared/fixtures/imagenet-sample/labels.csv --threads $threads > /dev/null 2>/dev/null; } 2>&1)
    awk -v t=$threads -v r="$t" -v l="$(cut -d' ' -f1 /proc/loadavg)" \
      'BEGIN { split(r, u, " "); printf "eval mobilenet_v2 uint8, 500 imagenet-sample photos, %d thread(s): %.1f s wall, %.1f s CPU, %.1f items/s, load %s\n", t, u[1], u[2] + u[3], 500 / u[1], l }'
  done
fi
