#!/usr/bin/env bash
# Runs every test: the oracle harness self-check, the normal build's tests,
# the same tests built with AddressSanitizer and UBSan, then a short fuzzing
# run of each input parser.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

echo "== oracle self-check (real TFLite runtime under Node)"
node tools/oracle/selftest.js | tail -n 1

echo "== build + tests"
bash scripts/build.sh build
(cd build && ctest -j 2 --output-on-failure --timeout 1200)

echo "== build + tests under AddressSanitizer + UBSan"
bash scripts/build.sh build-asan -DTFD_SANITIZE=ON -DTFD_BUILD_BENCHMARKS=OFF
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
   ctest -j 2 --output-on-failure --timeout 2400)

echo "== fuzz each input parser for 10 s (libFuzzer, clang, ASan + UBSan)"
# The full model target (interpreter and every kernel) is too slow to build
# here; model_reader fuzzes the reader, verifier and metadata. Offline:
# scripts/fuzz.sh 3600 model.
FUZZ_SEED=1 bash scripts/fuzz.sh 10 model_reader metadata npy image wav preprocess_spec csv_dataset
