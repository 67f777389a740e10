#!/usr/bin/env bash
# fmt_roundtrip.sh MISSIONC SOURCE_DIR BINARY_DIR - `missionc fmt` never changes meaning.
#
# For every .mission file of examples/, stdlib/ and tests/golden/ that parses:
#   - the formatted text is formatted again to itself (idempotent);
#   - every comment line of the original is still in the formatted text;
#   - when the file checks, the JSON export of the formatted copy equals the original's
#     apart from source locations, paths and the spacing inside quoted formulas; otherwise its syntax tree (--dump-ast)
#     does, apart from locations.
# A file with syntax errors: fmt --check exits 1, prints the error and writes nothing.
set -uo pipefail
missionc=$1 src=$2 bin=$3
work=$bin/fmt-roundtrip
rm -rf "$work"
mkdir -p "$work"
fail=0 checked=0 exported=0 rejected=0 n=0
: >"$work/pairs"

while IFS= read -r f; do
  dir=$(dirname "$f")
  if ! "$missionc" parse "$f" >/dev/null 2>&1; then
    before=$(cksum <"$f")
    if "$missionc" fmt --color=never "$f" >/dev/null 2>"$work/err"; then
      echo "FAIL: $f has syntax errors but fmt exited 0"; fail=1
    elif ! grep -q 'error\[' "$work/err"; then
      echo "FAIL: $f: fmt printed no error"; fail=1
    fi
    [ "$(cksum <"$f")" = "$before" ] || { echo "FAIL: fmt changed $f despite its errors"; fail=1; }
    rejected=$((rejected + 1))
    continue
  fi
  checked=$((checked + 1))
  mkdir -p "$work/$checked"
  copy=$work/$checked/$(basename "$f")
  if ! "$missionc" fmt - <"$f" >"$copy" 2>"$work/err"; then
    echo "FAIL: fmt failed on $f:"; cat "$work/err"; fail=1; continue
  fi
  if ! "$missionc" fmt - <"$copy" | cmp -s - "$copy"; then
    echo "FAIL: fmt is not idempotent on $f:"; "$missionc" fmt --diff - <"$copy" | head -20; fail=1
  fi
  n=$((n + 1))
  printf '%s\t%s\t%s\n' "$f" "$copy" "$work/$n" >>"$work/pairs"
  if "$missionc" export -I "$dir" "$f" >"$work/$n.a.json" 2>/dev/null; then
    exported=$((exported + 1))
    if ! "$missionc" export -I "$dir" "$copy" >"$work/$n.b.json" 2>"$work/err"; then
      echo "FAIL: $f exports but its formatted copy does not:"; cat "$work/err"; fail=1
    fi
  else
    rm -f "$work/$n.a.json"
    "$missionc" parse --dump-ast "$f" 2>/dev/null | sed 's/ @[0-9:-]*$//' >"$work/$n.a.ast"
    "$missionc" parse --dump-ast "$copy" 2>/dev/null | sed 's/ @[0-9:-]*$//' >"$work/$n.b.ast"
  fi
done < <(cd "$src" && find examples stdlib tests/golden -name '*.mission' | sort | sed "s|^|$src/|")

# Compare in one Python run: comments kept, exports equal without spans and paths, trees equal.
python3 - "$work/pairs" <<'PY' || fail=1
import json, os, re, sys
# Spans and paths differ; "formula", "definition" and "value" quote the source, whose
# spacing is what fmt changes.
QUOTES = ("formula", "definition", "value", "unit")
def strip(v):
    if isinstance(v, dict):
        return {k: (re.sub(r"\s+", "", x) if k in QUOTES and isinstance(x, str) else strip(x))
                for k, x in v.items() if k not in ("span", "file", "path")}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v
def comments(text):
    """The // comments of a mission text (not inside strings)."""
    out = []
    for line in text.split("\n"):
        i, instr = 0, False
        while i < len(line):
            ch = line[i]
            if instr:
                if ch == "\\": i += 1
                elif ch == '"': instr = False
            elif ch == '"': instr = True
            elif line.startswith("//", i):
                out.append(line[i:]); break
            i += 1
    return out
bad = 0
for line in open(sys.argv[1], encoding="utf-8"):
    orig, copy, stem = line.rstrip("\n").split("\t")
    a, b = open(orig, encoding="utf-8").read(), open(copy, encoding="utf-8").read()
    for c in comments(a):
        if c.rstrip() not in b:
            print(f"FAIL: {orig}: comment lost: {c}"); bad = 1
    if os.path.exists(stem + ".a.json") and os.path.exists(stem + ".b.json"):
        x = strip(json.load(open(stem + ".a.json"))); y = strip(json.load(open(stem + ".b.json")))
        if x != y:
            print(f"FAIL: formatting {orig} changed its export"); bad = 1
    elif os.path.exists(stem + ".a.ast"):
        if open(stem + ".a.ast").read() != open(stem + ".b.ast").read():
            print(f"FAIL: formatting {orig} changed its syntax tree"); bad = 1
sys.exit(bad)
PY

echo "fmt round trip: $checked files formatted ($exported exported), $rejected with syntax errors left alone"
[ "$checked" -gt 100 ] || { echo "FAIL: too few files found"; fail=1; }
exit $fail
