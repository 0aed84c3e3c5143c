#!/usr/bin/env bash
# Builds sbm and runs every test (ctest labels: unit, property, corpus, cli, z3, mutants, fuzz).
#   bash tools/test.sh              Release build in build/, all tests
#   bash tools/test.sh --sanitize   ASan+UBSan build in build-asan/, all tests
# Extra arguments after the flags go to ctest (e.g. -L unit).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh

dir=build type=Release extra=()
if [ "${1:-}" = "--sanitize" ]; then
  shift
  dir=build-asan type=RelWithDebInfo extra=(-DSBM_SANITIZE=ON -DSBM_BUILD_BENCHMARKS=OFF)
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export LSAN_OPTIONS="suppressions=$PWD/tools/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi

jobs=$(nproc)
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "${extra[@]}" >/dev/null
cmake --build "$dir" -j "$jobs"
ctest --test-dir "$dir" --output-on-failure -j "$jobs" "$@"
