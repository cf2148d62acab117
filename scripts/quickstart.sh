#!/usr/bin/env bash
# The README's first command: installs dependencies, builds the tool alone
# (the tests are the second command's work) and shows it at work: on the real
# models in ../shared/fixtures when they are there (where a deployed int8
# model loses accuracy against its float original, on real photos), else on
# a small model the build makes; then, on any machine, doctor on a MediaPipe
# deployment with three planted faults, measured on photos a Debian package
# ships.
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

# The incident anyone can reproduce on a fresh machine, from packages
# scripts/setup.sh installs: MediaPipe's face detector (npm) deployed as int8
# by our quantizer calibrated on uniform noise, with a custom op stock
# TFLite lacks planted after its input, and an app that scales pixels to
# [0,1] where the detector takes [-1,1] (MediaPipe's face detection graph
# feeds it [-1,1]); doctor measures on photos Debian ships (opencv-doc's
# samples; a third of them calibrate) against the float detector.
mp_incident=build/examples/mediapipe_incident
mkdir -p "$mp_incident"
detector=tools/oracle/node_modules/@mediapipe/face_detection/face_detection_short_range.tflite
bash scripts/debian_photos.sh "$mp_incident"
echo '{"range": [-1, 1]}' >"$mp_incident/detector_input.json"
echo '{"range": [0, 1], "quantization": "input"}' >"$mp_incident/app_preprocessing.json"
./build/tflite-doctor quantize "$detector" -o "$mp_incident/noise_int8.tflite" --calibration random --samples 16 \
  --preprocess "$mp_incident/detector_input.json" --io int8 >/dev/null
./build/plant_custom_op "$mp_incident/noise_int8.tflite" "$mp_incident/deployed.tflite"
echo
echo "== tflite-doctor doctor: MediaPipe's face detector deployed with three planted faults (report: $mp_incident/report.html)"
./build/tflite-doctor doctor "$mp_incident/deployed.tflite" --reference "$detector" --data "$mp_incident/photos" \
  --calibration "$mp_incident/calibration" --declared "$mp_incident/app_preprocessing.json" \
  --report "$mp_incident/report.html" --fix "$mp_incident/fix"
