#!/usr/bin/env bash
# graph_determinism.sh MISSIONC SOURCE_DIR BINARY_DIR - two runs, identical bytes.
#
# Every view of the flagship example and of a generated 300-project mission, in
# every text format and as PNG, drawn twice (the second time from another folder,
# with another environment size, so that addresses differ): the outputs must be
# byte-identical.
set -u
missionc=$1 src=$2
source "$src/tests/scripts/graph_env.bash"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
flagship=$src/examples/climate_neutral_cities.mission
awk -v N=300 -f "$src/tests/scripts/graph_large_gen.awk" >"$tmp/large.mission"
pass=0 fail=0
for file in "$flagship" "$tmp/large.mission"; do
  for view in map timeline actors rules portfolio; do
    for format in dot svg mermaid png; do
      [ "$format" = png ] && [ "$file" = "$tmp/large.mission" ] && continue   # slow, and covered by svg
      "$missionc" graph --view "$view" -T "$format" -o "$tmp/a" "$file" 2>/dev/null
      (cd / && env PADDING="$(printf '%0999d' 0)" "$missionc" graph --view "$view" -T "$format" -o "$tmp/b" "$file" 2>/dev/null)
      if [ -s "$tmp/a" ] && cmp -s "$tmp/a" "$tmp/b"; then
        pass=$((pass + 1))
      else
        echo "FAIL: $(basename "$file") --view $view -T $format differs between two runs"; fail=$((fail + 1))
      fi
    done
  done
done
echo "graph_determinism: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
