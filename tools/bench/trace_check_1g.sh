#!/usr/bin/env bash
# Benchmark of `sbm trace check` on a generated trace of at least 1 GB (issue "Trace
# conformance", Speed): events per second and peak memory, beside the time `wc -l` takes on
# the same file, and `wc -w`, which also splits every line. Not run by CI (minutes of CPU and
# 1+ GB of disk).
#   bash tools/bench/trace_check_1g.sh [BUILD_DIR] [SIZE_MB]   (defaults: build 1024)
set -euo pipefail
build=${1:-build}
size_mb=${2:-1024}
sbm="$build/sbm"
[ -x "$sbm" ] || { echo "trace_check_1g: $sbm not found (build first)" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "trace_check_1g: needs /usr/bin/time (Debian package time)" >&2; exit 2; }

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
trace="$dir/bench.trace"
# laptop + churn writes about 2.2 kB a tick; generate in one run, deterministic (seed 1).
ticks=$(( size_mb * 1024 * 1024 / 2150 + 1 ))
"$sbm" trace gen --topology laptop --ticks "$ticks" --workload churn --seed 1 -o "$trace" 2>/dev/null
bytes=$(stat -c %s "$trace")

seconds() { /usr/bin/time -f '%e %M' "$@" 2>&1 >/dev/null | tail -1; }
read -r wc_s wc_kb < <(seconds wc -l "$trace")
# A second baseline that, like the checker, splits every line into its words (C locale).
read -r words_s words_kb < <(seconds env LC_ALL=C wc -w "$trace")
read -r check_s check_kb < <(seconds "$sbm" trace check --keep-going -q "$trace")
# The same trace on standard input: the stream reader, as for `trace-cmd report | sbm trace check -`
# (a named regular file is mapped instead; spec/trace-format.md, Reading).
read -r stdin_s stdin_kb < <(seconds sh -c '"$0" trace check --keep-going -q - < "$1"' "$sbm" "$trace")
events=$(grep -vc '^#' "$trace" || true)

awk -v b="$bytes" -v e="$events" -v ws="$wc_s" -v ww="$words_s" -v cs="$check_s" -v ck="$check_kb" \
    -v ss="$stdin_s" -v sk="$stdin_kb" 'BEGIN {
  printf "trace: %.0f MB, %d event lines\n", b / 1048576, e
  printf "wc -l:          %6.2f s\n", ws
  printf "wc -w:          %6.2f s (every line split into words)\n", ww
  printf "sbm trace check: %6.2f s, %.2f M events/s, %.0f MB/s, peak RSS %.1f MB, %.1fx wc -l, %.2fx wc -w\n",
         cs, e / cs / 1e6, b / cs / 1048576, ck / 1024, cs / (ws > 0 ? ws : 0.01), cs / (ww > 0 ? ww : 0.01)
  printf "  from stdin:    %6.2f s, %.2f M events/s, %.0f MB/s, peak RSS %.1f MB, %.1fx wc -l, %.2fx wc -w\n",
         ss, e / ss / 1e6, b / ss / 1048576, sk / 1024, ss / (ws > 0 ? ws : 0.01), ss / (ww > 0 ? ww : 0.01)
}'
