#!/usr/bin/env bash
# status_charts.sh MISSIONC SOURCE_DIR BINARY_DIR - a Markdown status report written
# with -o gets each goal's trajectory chart beside it as an SVG file that the report
# links; the charts are valid XML, the same on every run, and hold every observation.
set -euo pipefail
missionc=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$src/tests/golden/status"
run() { "$missionc" status verdicts.mission --input verdicts.actuals.csv --as-of 2025-06-30 --format markdown \
          --color=never -o "$1"; }
mkdir "$work/a" "$work/b"
run "$work/a/report.md"
run "$work/b/report.md"
for goal in cities cut green planting spend; do
  svg=$work/a/report.$goal.svg
  [ -f "$svg" ] || fail "no chart $svg"
  grep -q "](report.$goal.svg)" "$work/a/report.md" || fail "the report does not link report.$goal.svg"
  cmp -s "$svg" "$work/b/report.$goal.svg" || fail "chart $goal differs between two runs"
  python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$svg" ||
    fail "chart $goal is not well-formed XML"
done
grep -q '<title>2026-01-31: 30 city (after the as-of date)</title>' "$work/a/report.cities.svg" ||
  fail "chart cities lacks an observation"
grep -q 'At the current rate: 53 city by 2030-12-31' "$work/a/report.md" || fail "no projection sentence"
# to standard output: no chart files, no links
"$missionc" status verdicts.mission --input verdicts.actuals.csv --as-of 2025-06-30 --format markdown \
  --color=never >"$work/stdout.md"
if grep -q '\.svg)' "$work/stdout.md"; then fail "a report on standard output links charts"; fi
echo "status_charts: ok"
