#!/usr/bin/env bash
# graph_mermaid.sh MISSIONC SOURCE_DIR BINARY_DIR - Mermaid's parser reads our Mermaid.
#
# Every view of every example that checks clean, the escaping case and a
# 300-project mission, as `-T mermaid`, parsed by Mermaid 10 itself (in node, with
# jsdom). The npm packages are not part of the build: MISSIONC_MERMAID_MODULES names a
# node_modules folder holding mermaid@10 and jsdom (by default the one .ci/setup fills,
# ~/.cache/missionc/mermaid/node_modules); without them the test is skipped (exit 77;
# in CI, a failure).
set -u
missionc=$1 src=$2
source "$src/tests/scripts/skip.bash"
modules=${MISSIONC_MERMAID_MODULES:-${MISSIONC_MERMAID_PREFIX:-$HOME/.cache/missionc/mermaid}/node_modules}
if [ -z "$modules" ] || ! [ -d "$modules/mermaid" ] || ! command -v node >/dev/null; then
  skip_test "set MISSIONC_MERMAID_MODULES to a node_modules with mermaid@10 and jsdom (and install node)"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for file in "$src"/examples/*.mission "$src"/tests/golden/graph/escaping.mission; do
  "$missionc" check --color=never "$file" >/dev/null 2>&1 || continue
  for view in map timeline actors rules portfolio; do
    "$missionc" graph --view "$view" -T mermaid -o "$tmp/$(basename "$file" .mission)-$view.mmd" "$file" 2>/dev/null
  done
done
awk -v N=300 -f "$src/tests/scripts/graph_large_gen.awk" >"$tmp/large.mission"
for view in map timeline actors; do
  "$missionc" graph --view "$view" -T mermaid -o "$tmp/large-$view.mmd" "$tmp/large.mission" 2>/dev/null
done
# an ES module finds its imports in the node_modules next to it
ln -s "$(cd "$modules" && pwd)" "$tmp/node_modules"
cp "$src/tests/scripts/graph_mermaid_check.mjs" "$tmp/"
node "$tmp/graph_mermaid_check.mjs" "$tmp"/*.mmd
