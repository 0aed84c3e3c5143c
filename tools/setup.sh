#!/usr/bin/env bash
# Installs the Debian packages sbm builds with (spec/design.md, "Dependencies"), and
# any further ones named as arguments (tools/fuzz.sh asks for clang's).
# Idempotent: a package already installed is skipped, and apt is not touched at all
# when nothing is missing.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config
  libgtest-dev libgmock-dev librapidcheck-dev libz3-dev
  libcli11-dev nlohmann-json3-dev libbenchmark-dev zlib1g-dev libzstd-dev
  graphviz clang-format libxml2-utils python3-jsonschema
  chromium  # headless browser of the ui tests (tools/render_page.sh)
  libtracecmd-dev libtracefs-dev libtraceevent-dev trace-cmd
  "$@"
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present" >&2
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done" >&2
