#!/usr/bin/env bash
# The trace views in a real browser (spec/views.md): headless Chromium opens each HTML form
# offline (tools/render_page.sh) and the rendered page must show the CPU lanes, the highlighted
# finding with its message, and the involved CPU's domain tree, with nothing failing to load.
#   bash tests/ui/trace_view_ui_test.sh SOURCE_DIR SBM_BINARY WORK_DIR
set -uo pipefail
src=$1 sbm=$2 work=$3
mkdir -p "$work"
fail=0
# check NAME LANES FINDING TREE_TEXT: render $work/NAME.html and look at what it drew.
check() {
  local name=$1 lanes=$2 finding=$3 tree=$4
  if ! bash "$src/tools/render_page.sh" "$work/$name.html" "$work/$name" 2>"$work/$name.err"; then
    echo "FAIL: $name: $(cat "$work/$name.err")"
    fail=1
    return
  fi
  local dom=$work/$name.dom.flat before=$fail
  tr '\n' ' ' <"$work/$name.dom.html" >"$dom"
  local got
  got=$(grep -o 'class="lane"' "$dom" | wc -l)
  [ "$got" -ge "$lanes" ] || { echo "FAIL: $name: $got lanes, expected at least $lanes"; fail=1; }
  if [ -n "$finding" ]; then
    grep -q 'class="divergence"' "$dom" || { echo "FAIL: $name: no divergence marker drawn"; fail=1; }
    grep -q "class=\"finding\"[^>]*><b>$finding</b>" "$dom" ||
      { echo "FAIL: $name: no message of $finding beside the lanes"; fail=1; }
  fi
  grep -q "class=\"domain-tree\">[^<]*$tree" "$dom" ||
    { echo "FAIL: $name: no domain tree with '$tree'"; fail=1; }
  # The screenshot holds a drawing: a PNG of some size (an empty page compresses to a few KB).
  local size
  size=$(stat -c %s "$work/$name.png")
  [ "$size" -gt 10000 ] || { echo "FAIL: $name: screenshot of $size bytes"; fail=1; }
  [ "$fail" -eq "$before" ] && echo "ok: $name"
}
corpus=$src/traces/corpus
# A real kernel trace's divergence (NB-4 at line 803) on a 2-CPU machine.
"$sbm" trace view "$corpus/mainline/kernel-6.18-clamp-50.trace" --divergence --jiffies 40 \
  -o "$work/kernel-divergence.html" >/dev/null || fail=1
check kernel-divergence 2 NB-4 "CPU1 attaching sched-domain"
# The plain-lt counterexample of next-balance (spec/mutants.md) as a picture.
"$sbm" prove next-balance --mutant plain-lt --bound jiffies-bits=32 \
  --cex "$work/plain-lt-cex.html" >/dev/null
check plain-lt-cex 1 NB-1 "CPU0 attaching sched-domain"
# sbm's own trace with no option: lanes of every CPU, no finding, the whole dump.
"$sbm" trace gen --topology 2s-numa --ticks 60 -o "$work/gen.trace" 2>/dev/null || fail=1
"$sbm" trace view "$work/gen.trace" --jiffies 30 -o "$work/gen.html" >/dev/null || fail=1
check gen 32 "" "CPU31 attaching sched-domain"
# trace check --html: a window per finding of a replayed trace.
"$sbm" trace check "$corpus/replay/int1-zero-interval.trace" --keep-going \
  --html "$work/findings.html" >/dev/null
check findings 4 INT-1 "CPU0 attaching sched-domain"
exit $fail
