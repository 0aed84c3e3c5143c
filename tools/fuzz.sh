#!/usr/bin/env bash
# Fuzzes what reads outside input (tests/fuzz/): libFuzzer with ASan and UBSan, clang builds
# in build-fuzz/. Not part of CI (its inputs are: tests/fuzz/inputs/ run under ctest -L fuzz).
#   bash tools/fuzz.sh [SECONDS] [TARGET...]
# SECONDS per target (default 300); targets trace_check, topology_dump, machine_spec (default
# all, one after another). Each starts from the inputs tests/fuzz/CMakeLists.txt lists and
# grows its own corpus in build-fuzz/corpus/TARGET. A failing input is written to
# build-fuzz/crash/TARGET-*; once fixed, copy it to tests/fuzz/inputs/TARGET/ so ctest keeps it.
# tests/fuzz/TARGET.dict, where there is one, gives libFuzzer the tokens the input's format uses.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(trace_check topology_dump machine_spec)
case "$seconds" in ''|*[!0-9]*) echo "fuzz.sh: SECONDS must be a whole number, found '$seconds'" >&2; exit 2;; esac

bash tools/setup.sh clang libclang-rt-14-dev
cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSBM_FUZZ=ON \
  >/dev/null
cmake --build build-fuzz -j "$(nproc)"

export ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
for target in "${targets[@]}"; do
  settings=build-fuzz/tests/fuzz/$target.fuzz
  [ -f "$settings" ] || { echo "fuzz.sh: no target '$target' (trace_check, topology_dump, machine_spec)" >&2; exit 2; }
  max_len='' inputs=()
  source "$settings"
  mkdir -p "build-fuzz/corpus/$target" build-fuzz/crash
  dict=()
  [ -f "tests/fuzz/$target.dict" ] && dict=(-dict="tests/fuzz/$target.dict")
  echo "== $target: $seconds s" >&2
  "build-fuzz/tests/fuzz/sbm_fuzz_$target" -max_len="$max_len" -timeout=20 -rss_limit_mb=4096 \
    -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="build-fuzz/crash/$target-" "${dict[@]}" \
    "build-fuzz/corpus/$target" "${inputs[@]}" || status=1
done
exit $status
