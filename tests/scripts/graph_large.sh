#!/usr/bin/env bash
# graph_large.sh MISSIONC SOURCE_DIR BINARY_DIR - a mission with 300 projects.
#
# The generated mission (graph_large_gen.awk) must check clean; every view must
# come out as DOT that `dot` lays out without a warning, with the projects of the
# map and of the actor network as table rows (legible at that size), and with
# -T svg drawing what `dot -Tsvg` draws.
set -u
missionc=$1 src=$2
source "$src/tests/scripts/graph_env.bash"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk -v N=300 -f "$src/tests/scripts/graph_large_gen.awk" >"$tmp/large.mission"
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { echo "FAIL: $*"; fail=$((fail + 1)); }
if "$missionc" check --color=never "$tmp/large.mission" 2>"$tmp/check.err" && ! [ -s "$tmp/check.err" ]; then ok
else ko "the generated mission does not check clean:"; head -20 "$tmp/check.err"; fi
for view in map timeline actors rules portfolio; do
  "$missionc" graph --view "$view" -o "$tmp/$view.dot" "$tmp/large.mission" 2>/dev/null || ko "$view: exit $?"
  if dot -Tsvg "$tmp/$view.dot" -o "$tmp/$view.ref.svg" 2>"$tmp/$view.err" && ! [ -s "$tmp/$view.err" ]; then ok
  else ko "$view: dot -Tsvg:"; head -5 "$tmp/$view.err"; fi
  "$missionc" graph --view "$view" -T svg -o "$tmp/$view.svg" "$tmp/large.mission" 2>/dev/null
  if cmp -s "$tmp/$view.svg" "$tmp/$view.ref.svg"; then ok; else ko "$view: -T svg differs from dot -Tsvg"; fi
done
rows=$(grep -o '<TR>' "$tmp/map.dot" | wc -l)
if grep -q 'Projects for' "$tmp/map.dot" && [ "$rows" -ge 300 ]; then ok; else ko "map: projects are not table rows ($rows rows)"; fi
if grep -q 'Led by' "$tmp/actors.dot"; then ok; else ko "actors: projects are not table rows"; fi
# one --focus on a project draws its neighbourhood with a node of its own
"$missionc" graph --view map --focus proj7 --depth 1 -o "$tmp/focus.dot" "$tmp/large.mission" 2>/dev/null
if grep -Eq '^[[:space:]]+proj7[[:space:]]' "$tmp/focus.dot" && ! grep -Eq '[[:space:]]proj8[[:space:]]' "$tmp/focus.dot"; then ok
else ko "map --focus proj7"; fi
echo "graph_large: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
