#!/usr/bin/env bash
# Opens one of sbm's self-contained HTML pages in headless Chromium, offline, the way the `ui` tests do.
#   bash tools/render_page.sh PAGE.html OUT_PREFIX [WIDTH,HEIGHT]
# Writes OUT_PREFIX.dom.html (the page after its script ran) and OUT_PREFIX.png (a screenshot).
# The page's contract: its script sets document.body.dataset.sbmRendered = "ok" once it has drawn,
# and its window.onerror sets it to "error: MESSAGE"; the page loads nothing (no src/href other than
# data: URLs and #fragments), so it opens the same with no network.
# Exit: 0 the page rendered; 1 it reported an error, never finished, or refers to an outside resource;
#       2 Chromium is missing or could not run (install Debian's chromium: bash tools/setup.sh chromium).
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: render_page.sh PAGE.html OUT_PREFIX [WIDTH,HEIGHT]" >&2
  exit 2
fi
page=$(realpath "$1") out=$2 size=${3:-1400,900}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "render_page: error: chromium not found (Debian package chromium)" >&2
  exit 2
fi
# No network: every host name resolves nowhere, and no proxy is tried. Root needs --no-sandbox.
flags=(--headless --no-sandbox --disable-gpu --no-first-run --disable-extensions
  --host-resolver-rules="MAP * ~NOTFOUND" --no-proxy-server --hide-scrollbars
  --virtual-time-budget=5000 --window-size="$size")
if ! "$browser" "${flags[@]}" --dump-dom "file://$page" >"$out.dom.html" 2>"$out.chromium.log"; then
  echo "render_page: error: chromium failed on $1 (log: $out.chromium.log)" >&2
  exit 2
fi
if ! "$browser" "${flags[@]}" --screenshot="$(realpath -m "$out.png")" "file://$page" \
  >/dev/null 2>>"$out.chromium.log" || [ ! -s "$out.png" ]; then
  echo "render_page: error: chromium wrote no screenshot of $1 (log: $out.chromium.log)" >&2
  exit 2
fi
state=$(grep -o 'data-sbm-rendered="[^"]*"' "$out.dom.html" | head -1 | sed 's/^data-sbm-rendered="//; s/"$//')
if [ "$state" != ok ]; then
  echo "render_page: $1: the page did not render: ${state:-its script never set data-sbm-rendered}" >&2
  exit 1
fi
outside=$(grep -oE '(src|href)="[^"#][^"]*"' "$out.dom.html" | grep -v '="data:' || true)
if [ -n "$outside" ]; then
  echo "render_page: $1: the page refers to outside resources: $(echo "$outside" | head -3 | tr '\n' ' ')" >&2
  exit 1
fi
echo "render_page: $1 rendered: $out.dom.html, $out.png" >&2
