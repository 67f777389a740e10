#!/usr/bin/env bash
# status_html.sh MISSIONC SOURCE_DIR BINARY_DIR - the HTML page of `missionc status`,
# opened in headless Chromium.
#
# The page of tests/golden/status/verdicts.mission (one goal per verdict) and the one of
# the flagship example must be byte-identical across runs and self-contained (no
# script, stylesheet, image, font or frame to fetch); Chromium's DOM must hold the
# goals table with one row per goal and its verdict, and two inline SVG diagrams: the
# mission map with a node per goal, classed and filled by verdict and saying it, and
# the timeline with the as-of line, milestones classed by the result of their expects
# and goal deadlines by verdict (graph.h's GraphDecor); the screenshot must not be
# blank and must show the verdict colours. Needs Debian's `chromium` and python3; without chromium the test is skipped
# (exit 77) unless CI is set.
set -euo pipefail
missionc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "FAIL: $*"; exit 1; }

# Under AddressSanitizer: Graphviz 2.42, fontconfig, pango and glib leak on their own
# (`missionc graph -T svg` shows the same); suppress leaks allocated inside them only.
printf 'leak:%s\n' libgvc libcgraph libcdt libgvplugin libfontconfig libglib libgobject libpango \
  libcairo libharfbuzz libfreetype >"$work/lsan.supp"
export LSAN_OPTIONS="suppressions=$work/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

# ---- the pages -------------------------------------------------------------------
cd "$src/tests/golden/status"
"$missionc" status verdicts.mission --input verdicts.actuals.csv --as-of 2025-06-30 --format html \
  -o "$work/verdicts.html" --color=never || fail "missionc status --format html exited $?"
"$missionc" status verdicts.mission --input verdicts.actuals.csv --as-of 2025-06-30 --format html \
  --color=never >"$work/again.html"
cmp -s "$work/verdicts.html" "$work/again.html" || fail "the HTML page differs between two runs"
cd "$src/examples"
"$missionc" status climate_neutral_cities.mission --input climate_neutral_cities.actuals.csv \
  --format html -o "$work/flagship.html" --color=never 2>"$work/flagship.err" ||
  { cat "$work/flagship.err"; fail "the flagship example's page"; }

# ---- self-contained: nothing to fetch ------------------------------------------------
# (A link to a source, <a href="https://...">, is navigation, not a fetch: the flagship's
# sources are linked. What would be fetched is a script, stylesheet, image, frame, an
# SVG <use>/<image> reference or a url() in CSS.)
for page in verdicts flagship; do
  if grep -Eio '<script|<link|<img|<iframe|<object|<embed|@import|[[:space:]]src=|url\(["'"'"']?(https?:|//)|<(use|image)[^>]*href="(https?:|//)' \
    "$work/$page.html" | head -3 | grep -q .; then
    fail "$page.html refers to something outside the page"
  fi
  [ "$(grep -c '<div class="diagram' "$work/$page.html")" -eq 2 ] || fail "$page.html should hold two diagrams"
done
[ "$(grep -c '<svg' "$work/verdicts.html")" -eq 7 ] ||
  fail "verdicts.html should hold 7 inline SVGs: the map, the timeline and a chart per goal"

# ---- reviews, risks and sources (LANGUAGE.md 10.4) ------------------------------------
cd "$src/tests/golden/status"
"$missionc" status r4r5-text.mission --input r4r5.actuals.csv --as-of 2025-06-30 --format html \
  -o "$work/r4r5.html" --color=never || fail "the page of r4r5-text.mission"
for want in '<section id="reviews">' '<section id="risks">' '<section id="sources">' \
            '<li id="source-1"><code>plan</code>' '<a href="#source-1">[1]</a>' \
            '<a href="https://example.org/city-survey">' '<small>planned, on 2025-06-30</small>'; do
  grep -qF "$want" "$work/r4r5.html" || fail "r4r5.html lacks $want"
done

# ---- Chromium -------------------------------------------------------------------------
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  source "$2/tests/scripts/skip.bash"
  skip_test "chromium is not installed (apt-get install chromium); the static checks passed"
fi
run_browser() {   # run_browser ARGS... : headless, offline, in a throw-away profile
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d -p "$work")" "$@" 2>>"$work/browser.log"
}
for page in verdicts flagship; do
  run_browser --dump-dom "file://$work/$page.html" >"$work/$page.dom" ||
    { tail -5 "$work/browser.log"; fail "chromium --dump-dom $page.html"; }
done
run_browser --window-size=1400,2600 --screenshot="$work/verdicts.png" "file://$work/verdicts.html" >/dev/null ||
  { tail -5 "$work/browser.log"; fail "chromium --screenshot"; }
# printed (A4 landscape from the page's print CSS): a real PDF
run_browser --print-to-pdf="$work/flagship.pdf" --no-pdf-header-footer "file://$work/flagship.html" >/dev/null ||
  { tail -5 "$work/browser.log"; fail "chromium --print-to-pdf"; }
[ "$(head -c 5 "$work/flagship.pdf")" = "%PDF-" ] && [ "$(stat -c %s "$work/flagship.pdf")" -gt 20000 ] ||
  fail "the printed flagship page is not a PDF"

# ---- what Chromium rendered ---------------------------------------------------------------
python3 - "$work" <<'PY'
import re, struct, sys, zlib
work = sys.argv[1]
problems = []

def check(cond, what):
    if not cond:
        problems.append(what)

def section(dom, name):
    m = re.search(r'<section id="%s">(.*?)</section>' % name, dom, re.S)
    return m.group(1) if m else ""

# The test mission: one row and one map node per goal, with its verdict.
dom = open(f"{work}/verdicts.dom", encoding="utf-8").read()
verdicts = {"cities": "on-track", "cut": "at-risk", "green": "off-track",
            "planting": "on-track", "spend": "no-data"}
goals = section(dom, "goals")
check(goals.count('<tr id="goal-') == len(verdicts), "the goals table should have 5 rows")
for goal, verdict in verdicts.items():
    check(re.search(r'<tr id="goal-%s" class="goal %s">' % (goal, verdict), goals),
          f"goals table: no row for {goal} with verdict {verdict}")
check("Greener &amp; cleaner &lt;cities&gt;" in dom, "the mission title is not HTML-escaped")
check('<span class="badge missed">missed</span>' in section(dom, "milestones"), "milestones: no 'missed'")
check("0.5245" in section(dom, "scores"), "scores: the mission score 0.5245 is missing")
# The diagrams fit the page's width; a CSS-only checkbox shows each at full size.
for view in ("map", "timeline"):
    check(f'<input type="checkbox" class="zoom" id="zoom-{view}">' in dom, f"{view}: no full-size switch")
check(".diagram svg{width:100%;max-width:100%" in dom, "the diagrams are not fitted to the page width")
check("@page{size:A4 landscape" in dom, "no print layout")
mission_map = section(dom, "map")
check(mission_map.count("<svg") == 1, "the map section has no SVG")
for goal, verdict in verdicts.items():
    node = re.search(r'<g id="map-node\d+" class="node goal %s">\s*<title>%s</title>' % (verdict, goal), mission_map)
    check(node, f"map: no node for goal {goal} classed {verdict}")
check(len(re.findall(r'class="node', mission_map)) > len(verdicts), "map: too few nodes")
for verdict in ("on-track", "at-risk", "off-track", "no data"):
    check("● " + verdict in mission_map, f"map: no goal node says '● {verdict}'")
# Trajectories: one chart per goal, every observation drawn with its date and value
# on hover, the baseline-to-target line, the as-of date and the projection's sentence.
charts = section(dom, "trajectories")
check(charts.count('<figure class="chart') == len(verdicts), "trajectories: one chart per goal")
for goal, verdict in verdicts.items():
    check(re.search(r'<figure class="chart %s" id="chart-%s">' % (verdict, goal), charts),
          f"trajectories: no chart for {goal} classed {verdict}")
cities = re.search(r'id="chart-cities">(.*?)</figure>', charts, re.S).group(1)
for obs in ("2022-12-31: 12 city", "2024-12-31: 20 city", "2025-06-30: 26 city",
            "2026-01-31: 30 city (after the as-of date)"):
    check("<title>%s</title>" % obs in cities, f"chart cities: no observation '{obs}'")
check("planned path from baseline 0 through the milestones' expects to target 50" in cities, "chart cities: no planned path (cities has milestone points)")
check("as of 2025-06-30" in cities, "chart cities: no as-of mark")
check("At the current rate: 53 city by 2030-12-31" in cities, "chart cities: no projection sentence")
check("<script" not in charts, "trajectories: a chart has a script")
timeline = section(dom, "timeline")
check(timeline.count("<svg") == 1, "the timeline section has no SVG")
check("as of 2025-06-30" in timeline, "timeline: no as-of mark")
for kind, name, cls in (("milestone", "first", "met"), ("milestone", "roofs", "missed"),
                        ("milestone", "halfway", "no-data"), ("deadline", "green", "off-track")):
    check(re.search(r'class="node %s %s">\s*<title>%s</title>' % (kind, cls, name), timeline),
          f"timeline: {kind} {name} is not classed {cls}")
check(re.search(r'class="node">\s*<title>later</title>', timeline),
      "timeline: milestone later (pending) should keep its own look")

# The flagship example: its one goal has no observation.
flag = open(f"{work}/flagship.dom", encoding="utf-8").read()
check(re.search(r'<tr id="goal-hundred" class="goal no-data">', flag), "flagship: no row for goal hundred")
check(re.search(r'class="node goal no-data">\s*<title>hundred</title>', section(flag, "map")),
      "flagship: no map node for goal hundred")
check("as of 2025-10-15" in section(flag, "timeline"), "flagship: as-of should be the latest date, 2025-10-15")

# The screenshot: a real picture with the verdict colours in it.
def read_png(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), "unexpected PNG format"
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, stride = zlib.decompress(idat), width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows

w, h, bpp, rows = read_png(f"{work}/verdicts.png")
check((w, h) == (1400, 2600), f"screenshot size {w}x{h}")
colours, ink = set(), 0
for row in rows[::2]:
    for x in range(0, w * bpp, bpp * 2):
        px = row[x:x + 3]
        colours.add(px)
        ink += px != b"\xff\xff\xff"
check(len(colours) > 50, f"the screenshot looks blank ({len(colours)} colours)")
check(ink > (w // 2) * (h // 2) * 0.03, "the screenshot is almost all white")
for name, rgb in {"on-track": (0xb9, 0xe0, 0xa5), "at-risk": (0xff, 0xd5, 0x91), "off-track": (0xf4, 0xa7, 0xa7)}.items():
    near = any(all(abs(p[i] - rgb[i]) <= 8 for i in range(3)) for p in colours)
    check(near, f"the screenshot shows no {name} colour")

for p in problems:
    print("FAIL:", p)
sys.exit(1 if problems else 0)
PY
echo "ok: status HTML pages render in $("$browser" --version 2>/dev/null | head -1)"
