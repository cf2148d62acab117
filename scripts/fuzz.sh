#!/usr/bin/env bash
# Fuzzes each input parser with libFuzzer (clang, ASan + UBSan).
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
# Targets: model model_reader metadata npy image wav preprocess_spec csv_dataset (all by
# default); 30 s each by default, 10 s in CI (scripts/test.sh), hours offline. Builds into build-fuzz/.
# The corpus grows under build-fuzz/corpus/TARGET (seeded from the fixtures
# and tests/fuzz/corpus); a failing input is copied to
# tests/fuzz/regressions/TARGET/ so every later test run replays it.
# FUZZ_SEED=N fixes libFuzzer's seed (CI: the same mutations each run; 0,
# the default, draws one). FUZZ_RUNS=N stops a target after N executions
# (offline campaigns: FUZZ_RUNS=10000000 with an 8-hour time cap). Prints
# one line per target: executions, coverage, corpus size, result.
# FUZZ_TIMEOUT=S (default 10) is the time one input may take: a campaign
# niced behind other work needs more, as libFuzzer counts wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(model model_reader metadata npy image wav preprocess_spec csv_dataset)
fixtures=../shared/fixtures
build=build-fuzz

CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTFD_FUZZ=ON >/dev/null
cmake --build "$build" -j "$(nproc)" --target $(printf 'fuzz_%s ' "${targets[@]}")

seeds() {
  case $1 in
    model | model_reader) echo "$fixtures/models $fixtures/edgetpu" ;;
    image) echo "$fixtures/images" ;;
    wav) echo "tests/fuzz/corpus/wav $fixtures/audio" ;;
    *) echo "tests/fuzz/corpus/$1" ;;
  esac
}

status=0
printf "%-16s %12s %8s %8s %s\n" target execs cov corpus result
for t in "${targets[@]}"; do
  corpus=$build/corpus/$t
  artifacts=$build/artifacts/$t
  mkdir -p "$corpus" "$artifacts"
  rm -f "$artifacts"/*  # only this run's findings are copied to the regressions
  dirs=()
  for d in $(seeds "$t"); do [ -d "$d" ] && dirs+=("$d"); done
  log=$build/fuzz_$t.log
  case $t in model*) max_len=4000000 ;; *) max_len=65536 ;; esac
  set +e
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
    "$build/tests/fuzz/fuzz_$t" "$corpus" "${dirs[@]}" -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 \
    -max_len="$max_len" -artifact_prefix="$artifacts/" -print_final_stats=1 -seed="${FUZZ_SEED:-0}" -runs="${FUZZ_RUNS:--1}" \
    >"$log" 2>&1
  rc=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo '?')
  size=$(find "$corpus" -type f | wc -l)
  if [ $rc -eq 0 ]; then
    result=ok
  else
    result="FAILED (see $log)"
    status=1
    mkdir -p "tests/fuzz/regressions/$t"
    for f in "$artifacts"/*; do [ -f "$f" ] && cp "$f" "tests/fuzz/regressions/$t/"; done
  fi
  printf "%-16s %12s %8s %8s %s\n" "$t" "$execs" "$cov" "$size" "$result"
done
exit $status
