#!/usr/bin/env bash
# Installs what tflite-doctor needs on Debian 12: build tools and libraries
# from apt (with real photos: opencv-doc's samples, see scripts/debian_photos.sh),
# and the real TFLite runtime (test oracle) plus the MediaPipe models from npm.
# Safe to run again: installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake ninja-build g++ pkg-config flatbuffers-compiler libflatbuffers-dev
          nlohmann-json3-dev libcli11-dev libfmt-dev libzip-dev zlib1g-dev
          libgtest-dev libgmock-dev libbenchmark-dev libstb-dev libjpeg-dev libpng-dev
          clang libclang-rt-14-dev chromium libxnnpack-dev libpthreadpool-dev libcpuinfo-dev
          opencv-doc)
# Node.js may come from another source (e.g. NodeSource, whose nodejs bundles
# npm and conflicts with Debian's npm): install Debian's only when absent.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Each Node tool's node_modules is reinstalled only when its lockfile
# changed: the oracle (the real TFLite runtime), and report_check (Ajv for
# doctor's JSON schema, ws to drive headless Chromium for its HTML report).
for tool in oracle report_check; do
  stamp=tools/$tool/node_modules/.package-lock.json
  if [ ! -f "$stamp" ] || [ tools/$tool/package-lock.json -nt "$stamp" ]; then
    echo "setup: npm ci --prefix tools/$tool"
    npm ci --prefix tools/$tool --no-audit --no-fund --loglevel=error >/dev/null
  fi
done
