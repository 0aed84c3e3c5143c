#!/usr/bin/env bash
# `sbm topology check --html` in headless Chromium, offline (tools/render_page.sh): the page
# renders, and both the rendered DOM and the screenshot show the picture and the findings.
#   bash tests/ui/topology_html_test.sh SOURCE_DIR SBM WORK_DIR
set -uo pipefail
src=$1 sbm=$2 work=$3
mkdir -p "$work"
fail=0
bad() { echo "FAIL: $*"; fail=1; }
"$sbm" topology check -q --html "$work/report.html" "$src/traces/corpus/topology/bad-groups-span.txt" \
  kunpeng --era v5.8 >"$work/check.out" 2>&1
[ $? -eq 1 ] || bad "topology check: expected exit 1 (violations): $(cat "$work/check.out")"
bash "$src/tools/render_page.sh" "$work/report.html" "$work/report" 1400,1000 || bad "the page did not render"
dom="$work/report.dom.html"
# The DOM: two pictures, the violated box's ID inside the first, the findings next to it.
[ "$(grep -c '<svg' "$dom")" -eq 2 ] || bad "expected 2 pictures in the DOM"
grep -q 'fill="red"[^>]*>TOPO-GROUPS-SPAN: CPU 3</text>' "$dom" || bad "no red TOPO-GROUPS-SPAN in the picture"
grep -q '<li>.*bad-groups-span.txt:21: TOPO-GROUPS-SPAN: CPU3 domain-1 (MC)' "$dom" || bad "the finding is not listed"
grep -q '>NUMA span=0-95 (96 CPUs)<' "$dom" || bad "no kunpeng picture"
# The screenshot: the violated box is drawn red in the picture column (left), and the findings
# column (right) has text.
python3 - "$work/report.png" <<'PY' || fail=1
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, width = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        width, height, depth, color = struct.unpack(">IIBB", body[:10])
        assert depth == 8 and color in (2, 6), f"unexpected PNG format {depth}/{color}"
        bpp = 3 if color == 2 else 4
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
raw, stride = zlib.decompress(idat), width * bpp
rows, prev, i = [], bytearray(stride), 0
for _ in range(height):
    f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
    i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b, c = prev[x], prev[x - bpp] if x >= bpp else 0
        p = a + b - c
        pred = [0, a, b, (a + b) // 2,
                a if abs(p - a) <= abs(p - b) and abs(p - a) <= abs(p - c) else b if abs(p - b) <= abs(p - c) else c][f]
        line[x] = (line[x] + pred) & 0xFF
    rows.append(line)
    prev = line
red = left_ink = right_ink = 0
for line in rows:
    for x in range(width):
        r, g, b = line[x * bpp:x * bpp + 3]
        if r > 200 and g < 60 and b < 60 and x < width // 2:
            red += 1
        if r < 90 and g < 90 and b < 90:
            if x < width // 2:
                left_ink += 1
            else:
                right_ink += 1
ok = red > 200 and left_ink > 500 and right_ink > 500
print(f"{'ok' if ok else 'FAIL'}: screenshot {width}x{height}: {red} red pixels in the picture, "
      f"{left_ink} dark pixels left, {right_ink} right")
sys.exit(0 if ok else 1)
PY
[ $fail -eq 0 ] && echo "ok: topology check --html renders with its picture and findings"
exit $fail
