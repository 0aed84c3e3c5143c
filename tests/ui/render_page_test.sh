#!/usr/bin/env bash
# The ui harness (tools/render_page.sh) itself: it passes a page that drew, and fails a page whose
# script threw and a page that refers to an outside resource.
#   bash tests/ui/render_page_test.sh SOURCE_DIR WORK_DIR
set -uo pipefail
src=$1 work=$2
mkdir -p "$work"
fail=0
expect() {
  local want=$1 page=$2
  bash "$src/tools/render_page.sh" "$src/tests/data/ui/$page" "$work/${page%.html}" 2>"$work/${page%.html}.err"
  local got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: $page: exit $got, expected $want: $(cat "$work/${page%.html}.err")"
    fail=1
  else
    echo "ok: $page: exit $got: $(cat "$work/${page%.html}.err")"
  fi
}
expect 0 rendered.html
expect 1 throws.html
expect 1 outside.html
grep -q 'error: .*undefined_function' "$work/throws.err" || { echo "FAIL: throws.html: error not named"; fail=1; }
[ -s "$work/rendered.png" ] || { echo "FAIL: no screenshot of rendered.html"; fail=1; }
exit $fail
