#!/usr/bin/env bash
# Every quantization scheme of `tflite-doctor quantize` on the same networks:
# file size and, against the float model on the same evaluation inputs that
# no calibration saw, output SQNR (pooled) and top-1 agreement, as
# `tflite-doctor eval --reference FLOAT` computes them (and top-1 accuracy
# on the labelled ImageNet half for MobileNet).
#
# VWW, ResNet, MobileNet v1 0.25: real photos, ../shared/fixtures/imagenet-sample
# split in two (odd rows of labels.csv calibrate, even rows evaluate; 250 each),
# MobileNet through its metadata's preprocessing, VWW and ResNet fed the range
# their converter's int8 twin declares. KWS: the fixtures hold no MFCC
# features, so both sets are seeded uniform noise over that range (the figures
# measure noise, not the task); its "float" file is the converter's own
# dynamic-range output (int8 weights read by hybrid kernels), so `dynamic`
# refuses it as already quantized.
#
# Usage: bench/quantize_schemes.sh [BUILD_DIR] [EVAL_ITEMS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
items=${2:-250}
td="$build/tflite-doctor"
fx=$(cd ../shared/fixtures && pwd)
mlp=$fx/models/mlperf-tiny
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

source bench/lib.sh
imagenet_halves "$fx" "$work" "$items"

printf "%-10s %-8s %10s %7s %9s %7s %8s\n" model scheme bytes "% size" "SQNR dB" agree "top-1"
row() {
  local name=$1 float=$2 conv=$3 kind=$4
  local spec=auto calib=$work/calib.csv evald=$work/eval.csv
  if [[ -n $conv ]]; then
    read -r lo hi < <(input_range "$conv")
    spec=$work/$name.json
    echo "{\"range\": [$lo, $hi]}" > "$spec"
  fi
  if [[ $kind == noise ]]; then
    local shape
    shape=$("$td" inspect "$float" --json | jq -c '.inputs[0].shape')
    noise_set "$work/$name.calib" 200 1 "$lo" "$hi" "$shape"
    noise_set "$work/$name.eval" 200 2 "$lo" "$hi" "$shape"
    calib=$work/$name.calib evald=$work/$name.eval
  fi
  local fbytes
  fbytes=$(stat -c %s "$float")
  printf "%-10s %-8s %10d %7.1f %9s %7s %8s\n" "$name" float "$fbytes" 100 - - \
    "$([[ $name == mobilenet ]] && "$td" eval "$float" --data "$evald" --json | jq -r '.accuracy.top1' || echo -)"
  for scheme in int8 int16x8 dynamic float16; do
    local out=$work/$name.$scheme.tflite args=()
    case $scheme in
      int8 | int16x8) args=(--calibration "$calib" --preprocess "$spec") ;;
    esac
    if ! "$td" quantize "$float" -o "$out" --scheme "$scheme" "${args[@]}" >"$work/log" 2>&1; then
      printf "%-10s %-8s refused: %s\n" "$name" "$scheme" "$(tail -1 "$work/log")"
      continue
    fi
    local bytes
    bytes=$(stat -c %s "$out")
    read -r sqnr agree top1 < <("$td" eval "$out" --data "$evald" --reference "$float" --preprocess "$spec" \
      --reference-preprocess "$spec" --json | jq -r '"\(.reference.sqnr_db) \(.reference.agreement) \(.accuracy.top1 // "-")"')
    printf "%-10s %-8s %10d %7.1f %9.2f %7.3f %8s\n" "$name" "$scheme" "$bytes" \
      "$(echo "100 * $bytes / $fbytes" | bc -l)" "$sqnr" "$agree" "$([[ $name == mobilenet ]] && echo "$top1" || echo -)"
  done
}
row vww "$mlp/vww_96_float.tflite" "$mlp/vww_96_int8.tflite" images
row resnet "$mlp/pretrainedResnet.tflite" "$mlp/pretrainedResnet_quant.tflite" images
row kws "$mlp/kws_ref_model_float32.tflite" "$mlp/kws_ref_model.tflite" noise
row mobilenet "$fx/models/tflite-support/mobilenet_v1_0.25_224_1_metadata_1.tflite" "" images
