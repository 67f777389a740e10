#!/usr/bin/env bash
# adversarial_markup.sh MISSIONC SOURCE_DIR BINARY_DIR - titles and docs full of markup
# stay text in every output format.
#
# tests/adversarial/make_hostile.py rewrites tests/golden/status/verdicts.mission with
# titles and `///` docs holding `<script>`, `"]; node [`, `-->`, `</td>`, `*/`, backticks,
# pipes, ampersands and newline escapes. Then every producer runs on the benign and the
# hostile file, and tests/adversarial/check_markup.py checks that each output parses
# (JSON, SARIF, DOT through Graphviz, SVG as XML, HTML, Markdown tables, Mermaid, the C
# header through the C compiler) and has the same structure as the benign one: the same
# nodes and edges, rows and cells, no element or node that a title injected.
set -euo pipefail
missionc=$1 src=$2 bin=$3
work=$bin/adversarial-markup
rm -rf "$work"
mkdir -p "$work"
cd "$work"
fail() { echo "FAIL: $*"; exit 1; }
py=/usr/bin/python3
[ -x "$py" ] || py=python3

# Graphviz and its plugins leak on their own under AddressSanitizer (graph_embed.sh)
printf 'leak:%s\n' libgvc libcgraph libcdt libgvplugin libfontconfig libglib libgobject libpango \
  libcairo libharfbuzz libfreetype libexpat >lsan.supp
export LSAN_OPTIONS="suppressions=$work/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

cp "$src/tests/golden/status/verdicts.mission" benign.mission
cp "$src/tests/golden/status/verdicts.actuals.csv" actuals.csv
"$py" "$src/tests/adversarial/make_hostile.py" benign.mission hostile.mission
grep -q '<script>' hostile.mission || fail "make_hostile.py changed nothing"

for v in benign hostile; do
  "$missionc" check "$v.mission" || fail "$v: check failed"
  "$missionc" export "$v.mission" >"$v.json"
  for view in map timeline actors rules portfolio; do
    "$missionc" graph "$v.mission" --view $view -T dot >"$v.$view.dot"
    "$missionc" graph "$v.mission" --view $view -T svg >"$v.$view.svg"
    "$missionc" graph "$v.mission" --view $view -T mermaid >"$v.$view.mmd"
  done
  for fmt in text markdown html; do
    "$missionc" status "$v.mission" --input actuals.csv --as-of 2025-06-30 --format $fmt >"$v.status.$fmt"
  done
  # warnings and errors that quote titles: an unused goal, -Werror, in JSON and SARIF
  printf 'import "%s"\nscore oops "<script>x</script> \\"]; --> </td>" = missing_name\n' "$v.mission" \
    >"$v.bad.mission"
  "$missionc" check "$v.bad.mission" --diagnostics-format=json 2>"$v.diag.json" && fail "bad file passed"
  "$missionc" check "$v.bad.mission" --diagnostics-format=sarif 2>"$v.diag.sarif" || true
  "$missionc" build "$v.mission" -o "$v.o" --header "$v.h" --prefix m
done
"$py" "$src/tests/sarif/validate.py" "$src/tests/sarif/sarif-2.1.0.json" hostile.diag.sarif ||
  fail "hostile SARIF is not valid SARIF 2.1.0"

# the header compiles, with and without C++, and declares every rule once
cc -std=c17 -Wall -Werror -fsyntax-only -x c hostile.h || fail "hostile header does not compile"
if command -v c++ >/dev/null; then c++ -fsyntax-only -x c++ hostile.h || fail "hostile header is not C++"; fi
[ "$(grep -c '^double m_' hostile.h)" = "$(grep -c '^double m_' benign.h)" ] || fail "header declarations differ"

"$py" "$src/tests/adversarial/check_markup.py" . || fail "an output is broken by markup in titles"
echo "ok: JSON, SARIF, DOT, SVG, Mermaid, text, Markdown, HTML and the C header hold the markup as text"
