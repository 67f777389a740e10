#!/usr/bin/env bash
# status_terms.sh MISSIONC SOURCE_DIR BINARY_DIR - the HTML status report shows each
# score's terms, with the term that pulled the score down most highlighted (the text
# and Markdown reports are golden tests: tests/golden/status/terms-*.mission).
set -euo pipefail
missionc=$1 src=$2
# shellcheck source=tests/scripts/graph_env.bash
source "$src/tests/scripts/graph_env.bash"   # the HTML page renders the map: Graphviz's leaks under ASan
dir=$src/tests/golden/explain
html=$("$missionc" status "$dir/scoring.mission" --input "$dir/scoring.csv" --as-of 2025-06-30 --format html 2>/dev/null)
fail() { echo "FAIL: $*"; exit 1; }
grep -q '<table class="terms">' <<<"$html" || fail "no terms table"
grep -q 'table.terms tr.worst td' <<<"$html" || fail "no style for the worst term"
# the rows of the terms table: 3 (sum) + 3 (mean) + 3 (min) = 9, 3 of them marked
rows=$(sed -n '/<table class="terms">/,/<\/table>/p' <<<"$html" | grep -c '^<tr')
[ "$rows" = 9 ] || fail "$rows term rows, expected 9"
worst=$(sed -n '/<table class="terms">/,/<\/table>/p' <<<"$html" | grep -c '^<tr class="worst">')
[ "$worst" = 3 ] || fail "$worst rows marked worst, expected 3"
first=$(sed -n '/<table class="terms">/,/<\/table>/p' <<<"$html" | grep -m1 '^<tr class="worst">')
grep -q '<code>progress(hundred)</code>' <<<"$first" || fail "mission_score's worst term is not progress(hundred): $first"
grep -q 'pulled it down most' <<<"$first" || fail "the worst row does not say so: $first"
echo "status HTML: 9 term rows, the worst of each score marked"
