#!/usr/bin/env bash
# Checks that every C++ file follows .clang-format (ctest `format`, label style; .ci/run runs it
# with the rest). Prints each file clang-format would change and exits 1; fix with
#   clang-format -i FILE...
# Usage: bash tools/check_format.sh [SOURCE_DIR]
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"
if ! command -v clang-format >/dev/null; then
  echo "check_format: clang-format is not installed (bash tools/setup.sh installs it)" >&2
  exit 2
fi
if [ -d .git ] || git rev-parse --git-dir >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.cpp' '*.h')
else
  mapfile -t files < <(find . -path ./build -prune -o \( -name '*.cpp' -o -name '*.h' \) -print | sort)
fi
# One clang-format run over all files; it names each place it would change as
# "FILE:LINE:COL: error: code should be clang-formatted".
report=$(clang-format --dry-run --Werror "${files[@]}" 2>&1) || true
mapfile -t bad < <(grep -o '^[^:]*:[0-9]*:[0-9]*: error' <<<"$report" | cut -d: -f1 | sort -u)
for f in "${bad[@]}"; do
  echo "check_format: $f is not formatted (clang-format -i $f)" >&2
done
echo "check_format: $((${#files[@]} - ${#bad[@]})) of ${#files[@]} files formatted ($(clang-format --version))" >&2
[ "${#bad[@]}" -eq 0 ]
