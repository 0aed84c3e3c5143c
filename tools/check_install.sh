#!/usr/bin/env bash
# Installs the build into a temporary prefix and uses it as a user would (README.md, "Install
# and use as a library"): builds examples/consumer out of tree against find_package(sbm) and
# runs it, then runs the installed sbm from another directory.
#   bash tools/check_install.sh [BUILD_DIR]   (default build/, already built)
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
build=$(realpath "${1:-build}")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

cmake --install "$build" --prefix "$prefix" >/dev/null
for f in bin/sbm share/man/man1/sbm.1 share/bash-completion/completions/sbm share/doc/sbm/README.md \
         share/doc/sbm/spec/design.md share/sbm/corpus/mainline lib/cmake/sbm/sbmConfig.cmake \
         lib/cmake/sbm/sbmConfigVersion.cmake include/sbm/model/topology.h; do
  [ -e "$prefix/$f" ] || { echo "check_install: $f not installed" >&2; exit 1; }
done

start=$(date +%s.%N)
cmake -S "$src/examples/consumer" -B "$tmp/consumer" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$tmp/consumer" >/dev/null
end=$(date +%s.%N)
echo "check_install: consumer configured and built in $(echo "$end - $start" | bc) s" >&2
"$tmp/consumer/sbm_consumer"

cd "$tmp"
"$prefix/bin/sbm" --version
"$prefix/bin/sbm" topology check 2s-numa -q >/dev/null
# The installed corpus, found beside bin/ (no source path in the binary): the corpus column
# lists its cases (a 1 s budget cuts the run short, exit 3), and says so once the corpus is gone.
corpus_found() {
  "$prefix/bin/sbm" mutants --mutant plain-lt --budget 1 --json >mutants.json || true
  grep -q '"total_cases"' mutants.json && ! grep -q 'no trace corpus' mutants.json
}
corpus_found || { echo "check_install: the installed sbm mutants did not find share/sbm/corpus" >&2; exit 1; }
mv "$prefix/share/sbm/corpus" "$prefix/share/sbm/corpus.away"
! corpus_found || { echo "check_install: sbm mutants found a corpus that is not installed" >&2; exit 1; }
grep -q "^.SS sbm trace check" "$prefix/share/man/man1/sbm.1" ||
  { echo "check_install: the man page has no 'sbm trace check' section" >&2; exit 1; }
echo "check_install: ok" >&2
