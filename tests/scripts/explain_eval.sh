#!/usr/bin/env bash
# explain_eval.sh MISSIONC SOURCE_DIR BINARY_DIR - `missionc explain` gives the value
# `missionc eval` gives, on every rule of every example and on random rows, and runs
# without LLVM.
#
# For each example (and tests/golden/explain/scoring.mission, which uses fns of
# std/scoring, rules calling rules, conditions, if, min and dates), the rules are
# grouped by input (indicators; each record). Each group gets a CSV of random rows
# (ordinary values, zeros, negatives, booleans, dates); `eval --engine interp` and
# `eval --engine jit` score it, and `explain --format json` explains every row: the
# root of each tree ("eval") must equal eval's cell byte for byte, on both engines.
# The JSON must parse and its tree values must agree with the kinds (a bool node is
# true/false). Finally strace shows that explain opens no libLLVM.
set -euo pipefail
missionc=$1 src=$2 bin=$3
work=$bin/explain-eval
rm -rf "$work"
mkdir -p "$work"
py=/usr/bin/python3
[ -x "$py" ] || py=python3

missions=("$src"/examples/*.mission "$src/tests/golden/explain/scoring.mission")
checked=0
for mission in "${missions[@]}"; do
  name=$(basename "$mission" .mission)
  "$missionc" export "$mission" >"$work/$name.json" 2>/dev/null
  # groups.txt: one line per group: GROUP<TAB>rule,rule<TAB>col:kind,col:kind
  "$py" - "$work/$name.json" "$work/$name" <<'PY'
import json, random, sys
doc = json.load(open(sys.argv[1]))
out = sys.argv[2]
decls = doc["declarations"]
records = {d["name"]: d for d in decls if d["kind"] == "record"}
groups = {}
for d in decls:
    if d["kind"] not in ("score", "condition") or d.get("imported"):
        continue
    a = d["attributes"]
    key = a["on"] or ""
    g = groups.setdefault(key, {"rules": [], "cols": {}})
    g["rules"].append(d["name"])
    ins = a["inputs"]
    for ind in ins["indicators"]:
        g["cols"][ind] = "number"
    if ins["date"]:
        g["cols"]["date"] = "date"
    if a["on"]:
        fields = {f["name"]: f["type"] for f in records[a["on"]]["attributes"]["fields"]}
        for f in ins["fields"]:
            g["cols"][f] = fields[f]
rng = random.Random(15)
def cell(kind):
    if kind == "bool":
        return rng.choice(["true", "false", "1", "0"])
    if kind == "date":
        return "%04d-%02d-%02d" % (rng.randint(2018, 2034), rng.randint(1, 12), rng.randint(1, 28))
    r = rng.random()
    if r < 0.1:
        return "0"
    if r < 0.2:
        return repr(-rng.uniform(0, 100))
    return repr(round(rng.uniform(0, 200), rng.randint(0, 6)))
with open(out + ".groups", "w") as f:
    for i, (key, g) in enumerate(sorted(groups.items())):
        cols = list(g["cols"].items()) or [("unused", "number")]
        path = "%s.g%d.csv" % (out, i)
        with open(path, "w") as c:
            c.write(",".join(n for n, _ in cols) + "\n")
            for _ in range(12):
                c.write(",".join(cell(k) for _, k in cols) + "\n")
        f.write("%s\t%s\n" % (path, ",".join(g["rules"])))
PY
  while IFS=$'\t' read -r csv rules; do
    for engine in interp jit; do
      "$missionc" eval "$mission" --input "$csv" --rules "$rules" --engine "$engine" --no-progress \
        >"$csv.$engine.out" 2>"$csv.$engine.err" || { echo "FAIL: eval $engine on $csv:"; cat "$csv.$engine.err"; exit 1; }
    done
    cmp -s "$csv.interp.out" "$csv.jit.out" || { echo "FAIL: the engines differ on $csv"; exit 1; }
    for row in $(seq 1 12); do
      "$missionc" explain "$mission" --input "$csv" --rule "$rules" --row "$row" --format json \
        >"$csv.$row.json" 2>"$csv.$row.err" || { echo "FAIL: explain row $row of $csv:"; cat "$csv.$row.err"; exit 1; }
    done
    "$py" - "$csv" "$csv.interp.out" 12 <<'PY' || exit 1
import csv, json, sys
base, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = list(csv.reader(open(out)))
head = rows[0]
def walk(node, path):
    for key in ("kind", "text", "span", "reads", "children"):
        if key not in node:
            sys.exit("FAIL: %s: a node without %r" % (path, key))
    if "value" in node and node.get("unit") == "bool" and node["value"] not in (True, False, None):
        sys.exit("FAIL: %s: a bool node with value %r" % (path, node["value"]))
    for k in node["children"]:
        walk(k, path)
for r in range(1, n + 1):
    doc = json.load(open("%s.%d.json" % (base, r)))
    if doc["rows"]["row"] != r:
        sys.exit("FAIL: %s row %d: the document says row %d" % (base, r, doc["rows"]["row"]))
    got = {x["rule"]: x for x in doc["rules"]}
    for i, rule in enumerate(head):
        want = rows[r][i]
        if got[rule]["eval"] != want:
            sys.exit("FAIL: %s row %d rule %s: explain says %s, eval %s" % (base, r, rule, got[rule]["eval"], want))
        walk(got[rule]["tree"], "%s row %d %s" % (base, r, rule))
PY
    checked=$((checked + 1))
  done <"$work/$name.groups"
done
[ "$checked" -ge 10 ] || { echo "FAIL: only $checked groups of rules were checked"; exit 1; }

# Every document validates against the JSON Schema of LANGUAGE.md (section 10.5), with the
# validator of tests/sarif/; a document with a wrong kind of node must not.
sed -n '/<!-- explain-schema: begin -->/,/<!-- explain-schema: end -->/p' "$src/LANGUAGE.md" |
  sed '1,2d;$d' | sed '$d' >"$work/explain-schema.json"
"$py" -c 'import json, sys; json.load(open(sys.argv[1]))' "$work/explain-schema.json" ||
  { echo "FAIL: the schema in LANGUAGE.md (section 10.5) is not JSON"; exit 1; }
docs=("$work"/*.csv.*.json)
if ! "$py" "$src/tests/sarif/validate.py" "$work/explain-schema.json" "${docs[@]}" >"$work/validate.txt" 2>&1; then
  echo "FAIL: explain's JSON does not validate against LANGUAGE.md's schema:"; grep -v ' valid$' "$work/validate.txt" | head -20
  exit 1
fi
[ "$(grep -c ' valid$' "$work/validate.txt")" -eq "${#docs[@]}" ] || { echo "FAIL: not every document was validated"; exit 1; }
"$py" -c 'import json, sys; d = json.load(open(sys.argv[1])); d["rules"][0]["tree"]["kind"] = "expression"; json.dump(d, open(sys.argv[2], "w"))' \
  "${docs[0]}" "$work/mutated.json"
if "$py" "$src/tests/sarif/validate.py" "$work/explain-schema.json" "$work/mutated.json" >/dev/null 2>&1; then
  echo "FAIL: the schema accepted a node of kind \"expression\""; exit 1
fi

# A chain of 3,000 rules: the tree stops 100 levels down (elided), no crash, eval's value;
# status on it keeps one tree at a time.
"$py" -c '
print("indicator x { unit 1 }\nscore r0 = x")
for i in range(1, 3000): print("score r%d = r%d + 1" % (i, i - 1))' >"$work/chain.mission"
printf 'x\n1\n' >"$work/chain.csv"
"$missionc" explain "$work/chain.mission" --input "$work/chain.csv" --row 1 --rule r2999 --format json \
  >"$work/chain.json" 2>/dev/null || { echo "FAIL: explain on a chain of 3,000 rules"; exit 1; }
"$py" - "$work/chain.json" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
r = d["rules"][0]
assert r["eval"] == "3000", r["eval"]
n, depth = r["tree"], 0
while n["children"]:
    n, depth = n["children"][0], depth + 1
assert depth == 100 and n.get("elided") is True, (depth, n.get("elided"))
PY
"$py" "$src/tests/sarif/validate.py" "$work/explain-schema.json" "$work/chain.json" >/dev/null ||
  { echo "FAIL: the chain's JSON does not validate"; exit 1; }
grep -q 'deeper steps not shown' <<<"$("$missionc" explain "$work/chain.mission" --input "$work/chain.csv" --row 1 --rule r2999 2>/dev/null)" ||
  { echo "FAIL: the text tree of the chain is not cut"; exit 1; }

# explain runs in missionc itself: no libLLVM is opened.
if command -v strace >/dev/null; then
  csv=$(head -1 "$work/scoring.groups" | cut -f1)
  # (LeakSanitizer cannot run under ptrace: no leak check in this one run)
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    strace -f -e trace=openat -o "$work/strace.txt" "$missionc" explain "$src/tests/golden/explain/scoring.mission" \
    --input "$csv" --row 1 >/dev/null 2>&1
  if grep -q libLLVM "$work/strace.txt"; then echo "FAIL: explain opened libLLVM"; exit 1; fi
  grep -q 'scoring.mission' "$work/strace.txt" || { echo "FAIL: strace saw nothing"; exit 1; }
else
  # shellcheck source=tests/scripts/skip.bash
  source "$src/tests/scripts/skip.bash"
  skip_test "strace is not installed"
fi
echo "explain agrees with eval on $checked groups of rules, 12 rows each"
