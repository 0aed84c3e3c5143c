#!/usr/bin/env bash
# Benchmark of `sbm trace record` on the running kernel under its heaviest load (issue "Real
# kernels in the loop"): a CPU-bound loop on every CPU, a sleeper that forks a short sleep over
# and over, and two shells waking each other through a pair of FIFOs, recorded for SECONDS with
# the default events. Prints the events per second the kernel produced (recorded + lost), the
# lost events per CPU, and the rate at which `sbm trace check` reads the same output. Needs root;
# not run by CI.
#   bash tools/bench/trace_record_live.sh [BUILD_DIR] [SECONDS] [BUFFER_KB]   (defaults: build 10 8192)
set -euo pipefail
build=${1:-build}
seconds=${2:-10}
buffer_kb=${3:-8192}
sbm="$build/sbm"
[ -x "$sbm" ] || { echo "trace_record_live: $sbm not found (build first)" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "trace_record_live: recording needs root" >&2; exit 2; }

dir=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

cpus=$(nproc)
for _ in $(seq "$cpus"); do
  sh -c 'while :; do :; done' &
  pids+=($!)
done
sh -c 'while :; do sleep 0.001; done' &
pids+=($!)
mkfifo "$dir/ping" "$dir/pong"
sh -c 'exec 3<>"$0" 4<>"$1"; while :; do echo x >&3; read -r y <&4; done' "$dir/ping" "$dir/pong" &
pids+=($!)
sh -c 'exec 3<>"$0" 4<>"$1"; while :; do read -r x <&3; echo y >&4; done' "$dir/ping" "$dir/pong" &
pids+=($!)
sleep 0.5  # let the load settle

trace="$dir/live.trace"
"$sbm" trace record --seconds "$seconds" --buffer-kb "$buffer_kb" -o "$trace" 2>"$dir/record.err"
cleanup_load() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; pids=(); }
cleanup_load
summary=$(grep '^sbm trace record: [0-9]' "$dir/record.err")
echo "$summary"

/usr/bin/time -f '%e %M' -o "$dir/check.time" "$sbm" trace check --keep-going -q "$trace" >"$dir/check.out" || true
sed -n "s/^result: .*: //p" "$dir/check.out" | sed "s/^/sbm trace check result: /"
read -r check_s check_kb < <(tail -1 "$dir/check.time")  # after "Command exited with non-zero status 1"
read -r lines events unparsed gaps < <(sed -n 's/^== .*: \([0-9]*\) lines, \([0-9]*\) events, \([0-9]*\) unparsed, \([0-9]*\) gaps$/\1 \2 \3 \4/p' "$dir/check.out")
bytes=$(stat -c %s "$trace")

# "N events in T s (R/s); lost events: cpu0 A, cpu1 B; ..."
echo "$summary" | awk -v cs="$check_s" -v ck="$check_kb" -v e="$events" -v u="$unparsed" -v g="$gaps" -v b="$bytes" \
    -v cpus="$cpus" -v kb="$buffer_kb" '{
  recorded = $4; elapsed = $7
  lost = 0; per_cpu = ""
  line = $0; sub(/.*lost events: /, "", line); sub(/;.*/, "", line)
  n = split(line, parts, ", ")
  for (i = 1; i <= n; i++) { split(parts[i], kv, " "); lost += kv[2]; per_cpu = per_cpu " " kv[1] "=" kv[2] }
  printf "load: %d CPU-bound loops, a fork+sleep loop, a FIFO ping-pong; %s s, buffer %d KB per CPU\n", cpus, elapsed, kb
  printf "kernel produced: %.0f events/s (%d recorded + %d lost in %.2f s), %.1f MB of text\n",
         (recorded + lost) / elapsed, recorded, lost, elapsed, b / 1048576
  printf "lost events per CPU:%s\n", per_cpu
  printf "sbm trace check: %d events in %.2f s, %.2f M events/s, peak RSS %.1f MB; %d unparsed, %d gaps\n",
         e, cs, e / (cs > 0 ? cs : 0.01) / 1e6, ck / 1024, u, g
}'
