#!/usr/bin/env bash
# The README's first command: installs dependencies, builds the tool alone
# (the tests are the second command's work) and shows it at work: on the real
# models in ../shared/fixtures when they are there (where a deployed int8
# model loses accuracy against its float original, on real photos), else on
# a small model the build makes.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j 2 --target tflite-doctor example_model
fixtures=../shared/fixtures
if [ -d "$fixtures/models/mlperf-tiny" ] && [ -d "$fixtures/images" ]; then
  echo "== tflite-doctor compare: Visual Wake Words, float original vs deployed int8, on the fixture photos"
  ./build/tflite-doctor compare "$fixtures/models/mlperf-tiny/vww_96_float.tflite" \
    "$fixtures/models/mlperf-tiny/vww_96_int8.tflite" --data "$fixtures/images"
else
  echo "== ($fixtures not found: showing the example model the build made)"
  ./build/tflite-doctor inspect build/examples/tiny_classifier.tflite
  ./build/tflite-doctor check build/examples/tiny_classifier.tflite
fi
