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
cmake --build build -j 2 --target tflite-doctor example_model plant_custom_op
fixtures=../shared/fixtures
if [ -d "$fixtures/models/mlperf-tiny" ] && [ -d "$fixtures/images" ]; then
  echo "== tflite-doctor compare: Visual Wake Words, float original vs deployed int8, on the fixture photos"
  ./build/tflite-doctor compare "$fixtures/models/mlperf-tiny/vww_96_float.tflite" \
    "$fixtures/models/mlperf-tiny/vww_96_int8.tflite" --data "$fixtures/images"
  # A deployment gone wrong three ways, planted with the project's own tools
  # in a real model (MobileNet v1 with its TFLite metadata): quantized on
  # uniform noise by our quantizer, a custom op stock TFLite lacks, and an
  # app that scales pixels to [0,1] where the model expects [-1,1]. doctor
  # finds all three on 24 real photos (calibration: 16 others).
  if [ -d "$fixtures/imagenet-sample" ]; then
    incident=build/examples/incident
    mkdir -p "$incident"
    mobilenet="$fixtures/models/tflite-support/mobilenet_v1_0.25_224_1_metadata_1.tflite"
    root=$(cd "$fixtures/imagenet-sample" && pwd)
    awk -v root="$root" -F, 'NR == 1 { print; next } (NR - 2) % 20 == 0 && n < 24 { sub(/^[^,]*/, root "/" $1); print; n++ }' \
      "$fixtures/imagenet-sample/labels.csv" >"$incident/photos.csv"
    awk -v root="$root" -F, 'NR == 1 { print; next } (NR - 3) % 20 == 0 && n < 16 { sub(/^[^,]*/, root "/" $1); print; n++ }' \
      "$fixtures/imagenet-sample/labels.csv" >"$incident/calibration.csv"
    ./build/tflite-doctor quantize "$mobilenet" -o "$incident/noise_int8.tflite" --calibration random --samples 16 >/dev/null 2>&1
    ./build/plant_custom_op "$incident/noise_int8.tflite" "$incident/deployed.tflite"
    echo '{"range": [0, 1]}' >"$incident/app_preprocessing.json"
    echo
    echo "== tflite-doctor doctor: a MobileNet deployment with three planted faults (report: $incident/report.html)"
    ./build/tflite-doctor doctor "$incident/deployed.tflite" --reference "$mobilenet" --data "$incident/photos.csv" \
      --calibration "$incident/calibration.csv" --calibration-samples 16 --declared "$incident/app_preprocessing.json" \
      --report "$incident/report.html" --fix "$incident/fix"
  fi
else
  echo "== ($fixtures not found: showing the example model the build made)"
  ./build/tflite-doctor inspect build/examples/tiny_classifier.tflite
  ./build/tflite-doctor check build/examples/tiny_classifier.tflite
fi
