#!/usr/bin/env bash
# sarif_valid.sh MISSIONC SOURCE_DIR BINARY_DIR - missionc's SARIF output is valid SARIF 2.1.0.
#
# Runs `missionc check --diagnostics-format=sarif` on every golden case, the examples and a
# few edge cases (-Werror, --max-errors, several files, no diagnostic at all), then
#   1. validates every log against the official SARIF 2.1.0 JSON Schema (vendored in
#      tests/sarif/) with python-jsonschema (tests/sarif/validate.py), after checking that
#      the validator rejects a broken log;
#   2. checks what the schema cannot: ruleIndex and artifact indexes point at the right
#      entries, every rule has a short and a full description and no helpUri, every result
#      has a location with a region inside its file, notes become relatedLocations.
# Needs Debian's python3-jsonschema (installed by .ci/setup).
set -euo pipefail
missionc=$1 src=$2 bin=$3

py=/usr/bin/python3
"$py" -c 'import jsonschema' 2>/dev/null || py=python3
validate() { "$py" "$src/tests/sarif/validate.py" "$@"; }
schema=$src/tests/sarif/sarif-2.1.0.json

work=$bin/sarif-out
rm -rf "$work"
mkdir -p "$work/logs" "$work/broken"

# sarif NAME DIR ARGS... : run missionc check in DIR, keep the SARIF log as logs/NAME.json
sarif() {
  local name=$1 dir=$2
  shift 2
  (cd "$dir" && "$missionc" check --diagnostics-format=sarif "$@" 2>"$work/logs/$name.json" >/dev/null) || true
}

n=0
for f in "$src"/tests/golden/*/*.mission "$src"/examples/*.mission; do
  area=$(basename "$(dirname "$f")")
  sarif "$area-$(basename "$f" .mission)" "$(dirname "$f")" "$(basename "$f")"
  n=$((n + 1))
done
lint=$src/tests/golden/lint
sarif werror-weights "$lint" -Werror weights.mission
sarif max-errors-1 "$src/tests/golden/syntax" --max-errors 1 two-errors.mission
sarif several-files "$lint" weights.mission citizens.mission
sarif absolute-path / "$lint/weights.mission"
mkdir -p "$work/odd dir"
cp "$lint/weights.mission" "$work/odd dir/mission ü #1.mission"
sarif odd-path "$work/odd dir" "mission ü #1.mission"
n=$((n + 5))

# eval: the data errors of the rows (E08xx), with the rows as an artifact of their own.
evalsarif() {
  local name=$1 dir=$2
  shift 2
  (cd "$dir" && "$missionc" eval --diagnostics-format=sarif "$@" 2>"$work/logs/$name.json" >/dev/null) || true
}
ev=$src/tests/golden/eval
evalsarif rows-bad-cell "$ev" bad_cell.mission --input bad_cell.csv
evalsarif rows-missing-column "$ev" missing_column.mission --input missing_column.csv
evalsarif rows-keep-unknown "$ev" keep_unknown.mission --on applicant --input keep.csv --keep id,nmae
evalsarif rows-carry-order "$ev" carry_out_of_order.mission --input carry_order.csv --carry-forward --by id --order date
evalsarif rows-pipe "$ev" bad_cell.mission --input - < <(cat "$ev/bad_cell.csv")
evalsarif rows-ok "$ev" indicators.mission --input indicators.csv
n=$((n + 6))

# The validator must reject what is not SARIF: a result level that does not exist.
python3 - "$work/logs/lint-weights.json" "$work/broken/bad-level.json" <<'EOF'
import json, sys
log = json.load(open(sys.argv[1]))
log["runs"][0]["results"][0]["level"] = "fatal"
json.dump(log, open(sys.argv[2], "w"))
EOF
if validate "$schema" "$work/broken/bad-level.json" >"$work/broken.txt" 2>&1; then
  echo "FAIL: the validator accepted a log with level \"fatal\""; cat "$work/broken.txt"; exit 1
fi

# 1. The schema.
if ! validate "$schema" "$work"/logs/*.json >"$work/validate.txt" 2>&1; then
  echo "FAIL: SARIF output does not validate against the SARIF 2.1.0 schema:"; grep -v ' valid$' "$work/validate.txt"; exit 1
fi
valid=$(grep -c ' valid$' "$work/validate.txt")
if [ "$valid" -ne "$n" ]; then
  echo "FAIL: $valid of $n SARIF logs validated"; cat "$work/validate.txt"; exit 1
fi

# 2. What the schema cannot check.
python3 - "$work/logs" <<'EOF'
import glob, json, os, re, sys

def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)

results_total = lint_results = related_total = 0
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.json"))):
    name = os.path.basename(path)
    log = json.load(open(path))
    if log.get("version") != "2.1.0" or len(log["runs"]) != 1:
        fail(f"{name}: not one SARIF 2.1.0 run")
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    if driver["name"] != "missionc" or run.get("columnKind") != "unicodeCodePoints":
        fail(f"{name}: tool name or columnKind")
    rules, artifacts = driver["rules"], run["artifacts"]
    ids = [r["id"] for r in rules]
    if ids != sorted(set(ids)):
        fail(f"{name}: rules are not one per id, sorted: {ids}")
    for r in rules:
        if "helpUri" in r:
            fail(f"{name}: rule {r['id']} has a helpUri")
        for key in ("shortDescription", "fullDescription"):
            if not r.get(key, {}).get("text"):
                fail(f"{name}: rule {r['id']} has no {key}")
        if re.fullmatch(r"W01\d\d", r["id"]):
            if not r.get("name") or r["fullDescription"]["text"].startswith("Missionc"):
                fail(f"{name}: lint rule {r['id']} is not in the catalogue")
            if r["defaultConfiguration"]["level"] != "warning":
                fail(f"{name}: lint rule {r['id']} default level")
    used_rules = set()
    for res in run["results"]:
        results_total += 1
        rid, ri = res["ruleId"], res["ruleIndex"]
        if rules[ri]["id"] != rid:
            fail(f"{name}: ruleIndex {ri} is {rules[ri]['id']}, not {rid}")
        used_rules.add(rid)
        if rid.startswith("W01"):
            lint_results += 1
        text = res["message"]["text"]
        if text[0].islower() or text.rstrip()[-1] not in ".?!":
            fail(f"{name}: message is not a sentence: {text!r}")
        for loc in res.get("locations", []) + res.get("relatedLocations", []):
            pl = loc["physicalLocation"]
            al = pl["artifactLocation"]
            if artifacts[al["index"]]["location"]["uri"] != al["uri"]:
                fail(f"{name}: artifact index {al['index']} is not {al['uri']}")
            reg = pl["region"]
            if (reg["endLine"], reg["endColumn"]) <= (reg["startLine"], reg["startColumn"]):
                fail(f"{name}: empty or reversed region {reg}")
        if rid.startswith("W01") and not res.get("locations"):
            fail(f"{name}: lint result without a location")
        for k, rel in enumerate(res.get("relatedLocations", [])):
            related_total += 1
            if rel["id"] != k or not rel["message"]["text"]:
                fail(f"{name}: relatedLocations[{k}] id or message")
    if used_rules != set(ids):
        fail(f"{name}: rules {sorted(set(ids) - used_rules)} have no result")
    if name == "lint-complete.json" and run["results"]:
        fail("complete.mission must give no diagnostic")
    if name == "max-errors-1.json":
        notes = run["invocations"][0].get("toolExecutionNotifications", [])
        if len(run["results"]) != 1 or not notes:
            fail("--max-errors 1: one result and a notification expected")
    if name == "odd-path.json":
        uri = run["artifacts"][0]["location"]["uri"]
        if uri != "mission%20%C3%BC%20%231.mission":
            fail(f"odd-path: uri {uri!r} is not percent-encoded")
    if name.startswith("rows-") and name != "rows-ok.json":
        if not run["results"] or not all(r["ruleId"].startswith("E08") for r in run["results"]):
            fail(f"{name}: data errors E08xx expected")
        if run["artifacts"][-1].get("sourceLanguage") != "csv":
            fail(f"{name}: the rows are not a csv artifact")
    if name == "rows-ok.json" and run["results"]:
        fail("rows-ok: no result expected")
    if name == "werror-weights.json":
        if not run["results"] or any(r["level"] != "error" for r in run["results"]):
            fail("-Werror: every result must have level error")

if lint_results < 20 or related_total < 10:
    fail(f"too few lint results ({lint_results}) or related locations ({related_total}) to mean anything")
print(f"sarif_valid: {len(glob.glob(os.path.join(sys.argv[1], '*.json')))} logs valid, "
      f"{results_total} results ({lint_results} lints), {related_total} related locations")
EOF
