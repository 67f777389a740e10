#!/usr/bin/env bash
# graph_examples.sh MISSIONC SOURCE_DIR BINARY_DIR - every view of every example.
#
# For each examples/*.mission that checks clean and each view: `missionc graph -T dot`
# must be accepted by `dot -Tsvg` without a word on stderr, and `missionc graph -T svg`
# (rendered in-process) must be byte-identical to what `dot -Tsvg` draws from that
# DOT. The Mermaid output must start with its front matter and diagram type.
set -u
missionc=$1 src=$2
source "$src/tests/scripts/graph_env.bash"
command -v dot >/dev/null || { echo "graph_examples: needs Graphviz's dot"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() {   # label command...: count a pass or print the failure
  local label=$1; shift
  if "$@"; then pass=$((pass + 1)); else echo "FAIL: $label"; fail=$((fail + 1)); fi
}
for file in "$src"/examples/*.mission; do
  name=$(basename "$file" .mission)
  if ! "$missionc" check --color=never "$file" >/dev/null 2>"$tmp/check.err"; then
    echo "skip $name: it does not check clean"; continue
  fi
  for view in map timeline actors rules portfolio; do
    out=$tmp/$name-$view
    check "$name $view: -T dot" "$missionc" graph --view "$view" -T dot -o "$out.dot" "$file" 2>/dev/null
    check "$name $view: dot -Tsvg accepts it without warnings" \
      bash -c 'dot -Tsvg "$1" -o "$2.ref.svg" 2>"$2.dot.err" && ! [ -s "$2.dot.err" ] || { cat "$2.dot.err"; false; }' _ "$out.dot" "$out"
    check "$name $view: -T svg" "$missionc" graph --view "$view" -T svg -o "$out.svg" "$file" 2>/dev/null
    check "$name $view: -T svg draws what dot -Tsvg draws" cmp -s "$out.ref.svg" "$out.svg"
    check "$name $view: -T mermaid" "$missionc" graph --view "$view" -T mermaid -o "$out.md" "$file" 2>/dev/null
    want=flowchart; [ "$view" = timeline ] && want=gantt
    check "$name $view: mermaid is a $want" bash -c 'head -1 "$1" | grep -qx -- --- && grep -q "^$2" "$1"' _ "$out.md" "$want"
  done
  check "$name: -T png is a PNG" bash -c '"$1" graph -T png "$2" 2>/dev/null | head -c 8 | od -An -c | grep -q "P   N   G"' _ "$missionc" "$file"
  check "$name: -T pdf is a PDF" bash -c '"$1" graph --view timeline -T pdf "$2" 2>/dev/null | head -c 5 | grep -q "%PDF-"' _ "$missionc" "$file"
done
echo "graph_examples: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
