#!/usr/bin/env bash
# Our int8 (tflite-doctor quantize) against the TFLite converter's int8 file
# of the same network, both measured against the float model on the same
# evaluation inputs that neither calibration saw: output SQNR (pooled) and
# top-1 agreement, as `tflite-doctor eval --reference FLOAT` computes them.
#
# VWW, ResNet: real photos, ../shared/fixtures/imagenet-sample split in two
# (odd rows of labels.csv calibrate, even rows evaluate; 250 each).
# KWS, AD01: the fixtures hold no MFCC / log-mel features, so both sets are
# seeded uniform noise over the input range the converter's file declares
# (its input quantization); the figures there measure noise, not the task.
# Every model is fed the value range the converter's int8 input declares.
#
# Usage: bench/quantize_vs_converter.sh [BUILD_DIR] [CALIBRATION_METHOD] [EXTRA QUANTIZE ARGS...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
method=${2:-minmax}
shift 2 2>/dev/null || shift $#
extra=("$@")
td="$build/tflite-doctor"
fx=$(cd ../shared/fixtures && pwd)
mlp=$fx/models/mlperf-tiny
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

source bench/lib.sh
imagenet_halves "$fx" "$work"

# eval MODEL against FLOAT on DATA with SPEC files: prints "sqnr agreement".
measure() {
  local model=$1 float=$2 data=$3 spec=$4 ref_spec=$5
  "$td" eval "$model" --data "$data" --reference "$float" --preprocess "$spec" --reference-preprocess "$ref_spec" --json |
    jq -r '"\(.reference.sqnr_db) \(.reference.agreement)"'
}

printf "%-8s %-10s %8s %8s %8s %8s %8s  %s\n" model data "ours dB" "conv dB" "ours t1" "conv t1" "time s" "calibration"
row() {
  local name=$1 float=$2 conv=$3 kind=$4
  read -r lo hi < <(input_range "$conv")
  echo "{\"range\": [$lo, $hi]}" > "$work/$name.float.json"
  echo "{\"range\": [$lo, $hi], \"quantization\": \"input\"}" > "$work/$name.int8.json"
  local calib evald
  if [[ $kind == images ]]; then
    calib=$work/calib.csv evald=$work/eval.csv
  else
    local shape
    shape=$("$td" inspect "$float" --json | jq -c '.inputs[0].shape')
    noise_set "$work/$name.calib" 200 1 "$lo" "$hi" "$shape"
    noise_set "$work/$name.eval" 200 2 "$lo" "$hi" "$shape"
    calib=$work/$name.calib evald=$work/$name.eval
  fi
  local start end
  start=$(date +%s.%N)
  "$td" quantize "$float" -o "$work/$name.ours.tflite" --calibration "$calib" --preprocess "$work/$name.float.json" \
    --calibration-method "$method" "${extra[@]}" >/dev/null
  end=$(date +%s.%N)
  read -r os oa < <(measure "$work/$name.ours.tflite" "$float" "$evald" "$work/$name.float.json" "$work/$name.float.json")
  read -r cs ca < <(measure "$conv" "$float" "$evald" "$work/$name.int8.json" "$work/$name.float.json")
  printf "%-8s %-10s %8.2f %8.2f %8.3f %8.3f %8.1f  %s [%s, %s]\n" "$name" "$kind" "$os" "$cs" "$oa" "$ca" \
    "$(echo "$end - $start" | bc)" "$method" "$lo" "$hi"
}
row vww "$mlp/vww_96_float.tflite" "$mlp/vww_96_int8.tflite" images
row resnet "$mlp/pretrainedResnet.tflite" "$mlp/pretrainedResnet_quant.tflite" images
row kws "$mlp/kws_ref_model_float32.tflite" "$mlp/kws_ref_model.tflite" noise
row ad01 "$mlp/ad01_fp32.tflite" "$mlp/ad01_int8.tflite" noise

# ImageNet: MobileNet v1 0.25 (float, with metadata) quantized from the
# calibration half, top-1 accuracy on the evaluation half against the
# float model's (preprocessing from its metadata); and the wall time of
# quantizing from 250 images.
mnet=$fx/models/tflite-support/mobilenet_v1_0.25_224_1_metadata_1.tflite
start=$(date +%s.%N)
"$td" quantize "$mnet" -o "$work/mnet.ours.tflite" --calibration "$work/calib.csv" --calibration-method "$method" \
  "${extra[@]}" >/dev/null
end=$(date +%s.%N)
float_top1=$("$td" eval "$mnet" --data "$work/eval.csv" --json | jq -r '.accuracy.top1')
read -r ours_top1 ours_sqnr ours_agree < <("$td" eval "$work/mnet.ours.tflite" --data "$work/eval.csv" --reference "$mnet" --json |
  jq -r '"\(.accuracy.top1) \(.reference.sqnr_db) \(.reference.agreement)"')
printf "\n%-10s %10s %10s %10s %10s %8s %8s\n" model "float t1" "ours t1" "loss pts" "ours dB" "agree" "time s"
printf "%-10s %10.3f %10.3f %10.1f %10.2f %8.3f %8.1f\n" mobilenet "$float_top1" "$ours_top1" \
  "$(echo "100 * ($float_top1 - $ours_top1)" | bc -l)" "$ours_sqnr" "$ours_agree" "$(echo "$end - $start" | bc)"
