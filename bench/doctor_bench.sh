#!/usr/bin/env bash
# Wall and CPU time of `doctor` end to end through the CLI on MobileNet v2
# (the Coral uint8 model, compared with its float shadow) over 100 labelled
# ImageNet photos (every fifth row of imagenet-sample): check, compare (every
# layer also run alone on 32 items, carried to the outputs on 4), range
# histograms, accuracy against the shadow. Target: under 30 s on this
# machine. The load average is printed too: the 2 cores are shared.
# Usage: bench/doctor_bench.sh [BUILD_DIR] [ITEMS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
items=${2:-100}
fixtures=../shared/fixtures
[ -d "$fixtures/models" ] || { echo "doctor_bench: no fixtures at $fixtures" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
awk -v n="$items" -v root="$(cd "$fixtures/imagenet-sample" && pwd)" -F, '
  NR == 1 { print; next }
  (NR - 2) % int(500 / n) == 0 && printed < n { sub(/^[^,]*/, root "/" $1); print; printed++ }' \
  "$fixtures/imagenet-sample/labels.csv" >"$work/data.csv"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
TIMEFORMAT="doctor mobilenet_v2_1.0_224_quant (float shadow), $items photos: %R s wall, %U s user, %S s sys"
time "$build/tflite-doctor" doctor "$fixtures/models/coral/mobilenet_v2_1.0_224_quant.tflite" \
  --data "$work/data.csv" --max-items "$items" >"$work/out.txt"
grep -E '^(Verdict|Time):' "$work/out.txt"
