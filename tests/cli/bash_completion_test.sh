#!/usr/bin/env bash
# The bash completion (tools/sbm.bash-completion) loads and registers sbm, and names every
# command, subcommand and option the binary's --help lists, down the whole command tree.
#   bash tests/cli/bash_completion_test.sh SBM_BINARY COMPLETION_FILE
set -euo pipefail
sbm=$1 file=$2

bash -c 'source "$1" && complete -p sbm' _ "$file" | grep -q -- '-F _sbm sbm' ||
  { echo "$file: error: does not register a completion for sbm" >&2; exit 1; }

missing=0
# Every word of one help text's Subcommands block and every --option of its Options block, in
# the completion's opts="..." line of that command path ("" for sbm itself, " trace gen", ...).
check_help() {
  local words=$1 help name opts
  help=$("$sbm" $words --help)
  opts=$(grep -F "\"${words:+ $words}\") opts=" "$file" || true)
  local subs
  subs=$(printf '%s\n' "$help" | awk 'tolower($0) ~ /^subcommands:/ {b=1; next} b && /^  [a-z]/ {print $1; next} !/^ / {b=0}')
  for name in $subs $(printf '%s\n' "$help" | grep -oE '^  (-[a-z],)?--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z][a-z0-9-]*'); do
    if ! grep -qE -- "[ \"]${name}[ \"]" <<<"$opts"; then
      echo "$file: error: 'sbm${words:+ $words}' lists $name, the completion does not" >&2
      missing=1
    fi
  done
  for name in $subs; do check_help "${words:+$words }$name"; done
}
check_help ""
exit $missing
